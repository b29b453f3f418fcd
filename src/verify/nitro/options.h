// AWS Nitro Enclaves verification inputs and validation options.
//
// The verification time defaults to the document's own timestamp: the enclave certificate
// and its issuer live about three hours, so a stored document is checked as of the moment
// the NSM signed it, and `--at` checks it as of another time (e.g. now, for freshness).
// Debug-mode enclaves are rejected unless allow_debug is set, by name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"

namespace veritee::nitro {

struct ValidationOptions {
  // Exact values of pcr0 ... pcr31, user_data, nonce, public_key.
  std::map<std::string, Bytes> expect;
  bool allow_debug = false;  // accept PCR0/1/2 all zero (an enclave in debug mode)
};

struct VerifyInputs {
  std::optional<UnixTime> at;            // default: the document's timestamp
  std::vector<Certificate> extra_roots;  // --trust-root: never replaces Root-G1
  ValidationOptions validation;
};

// Whether `name` can be given to --expect (pcr0 ... pcr31, user_data, nonce, public_key).
bool IsExpectableField(const std::string& name);
// Checks an --expect NAME=HEX pair: a known name and non-empty hex.
Result<Bytes> ParseExpectValue(const std::string& name, const std::string& hex);

}  // namespace veritee::nitro
