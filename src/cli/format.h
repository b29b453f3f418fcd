// Evidence formats as the CLI sees them: one FormatHandler per TEE, found by content.
//
// A handler detects its evidence, turns the common verify flags into its verifier's inputs,
// verifies, and decodes for `inspect`. Adding a TEE to the command line is one handler in
// cli/formats/ and one line in formats/registry.cc. Handlers own their verifier, so the
// caches a verifier keeps (certificate chains, collateral) live across `bench` iterations.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "cli/verify_flags.h"
#include "crypto/x509.h"
#include "verify/verification.h"

namespace veritee::cli {

// The flags with the files they name already read: what every format shares.
struct VerifyRequest {
  const VerifyFlags* flags = nullptr;
  UnixTime at = 0;
  std::vector<Certificate> certs;        // --cert (SEV-SNP certificate tables expanded)
  std::vector<Crl> crls;                 // --crl
  std::vector<Certificate> extra_roots;  // --trust-root
  // --policy, read once by BuildRequest (a long-running verifier and `bench verify` reuse
  // the request; the handlers parse their own section from this text).
  std::shared_ptr<const std::string> policy_text;
};

class FormatHandler {
 public:
  virtual ~FormatHandler() = default;
  virtual std::string_view tee() const = 0;
  // 0: not this format; 1: plausible (size/shape only); 2: certain (magic, structure).
  virtual int Detect(ByteSpan evidence) const = 0;
  // An Error is a usage problem (bad option, unreadable file named by an option): exit 2.
  // Bad evidence is never an Error: it is a rejected Verification.
  virtual Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) = 0;
  // Every field, decoded, without verification. An Error means the evidence is malformed.
  virtual Result<Json> Inspect(ByteSpan evidence, const std::string& product_hint) = 0;
};

// All handlers, most specific first.
const std::vector<FormatHandler*>& Formats();
// The handler with the highest Detect() score above 0, or nullptr.
FormatHandler* DetectFormat(ByteSpan evidence);

// Reads the files the common flags name (exit 2 on failure).
Result<VerifyRequest> BuildRequest(const VerifyFlags& flags);
// The --policy text of a request built by BuildRequest: nullptr without --policy. An error
// when --policy was given but its text is not in the request (fail closed, never skip it).
Result<const std::string*> PolicyText(const VerifyRequest& request);

}  // namespace veritee::cli
