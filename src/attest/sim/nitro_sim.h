// AWS Nitro Enclaves simulator: a test PKI shaped like AWS's (a P-384 root, regional,
// zonal and instance intermediates with path lengths 2, 1 and 0, and a short-lived P-384
// enclave certificate, all ecdsa-with-SHA384) and COSE_Sign1 attestation documents signed
// by it, byte-compatible with what the NSM emits (untagged, {1: -35}, empty unprotected
// map, 96-byte r||s signature, the NSM's key order and nulls).
//
// Simulator certificates say "veritee simulator (not AWS)" in their organisation, and the
// root is never built in: documents from here verify only when the caller passes root()
// with --trust-root, and the result then says "simulated": true. Tests get at every key,
// so they can issue certificates that break one rule of the profile at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/nitro/document.h"

namespace veritee::sim {

struct NitroSigner {
  Certificate cert;
  std::shared_ptr<EVP_PKEY> key;
};

class NitroSimulator {
 public:
  // A fresh PKI around `now`: root valid 30 years from a day before, intermediates for a
  // day around `now`, the instance intermediate for the hours around it.
  static Result<NitroSimulator> Create(UnixTime now);

  const Certificate& root() const { return chain_[0].cert; }
  // root, regional, zonal, instance: the order of a document's cabundle.
  std::vector<Certificate> cabundle() const;
  const NitroSigner& instance() const { return chain_[3]; }

  // An enclave certificate issued by the instance intermediate, valid [not_before,
  // not_after] (default: one minute before `now` to three hours after).
  Result<NitroSigner> IssueLeaf(UnixTime not_before, UnixTime not_after) const;
  Result<NitroSigner> IssueLeaf() const { return IssueLeaf(now_ - 60, now_ + 3 * 3600); }

  // A production-looking document at `now`: module id, SHA384, 16 PCRs (0-4 non-zero, 8
  // zero as without a signing certificate), no public key, user data or nonce.
  nitro::AttestationDocument DefaultDocument() const;

  // Fills certificate (the leaf) and, when empty, cabundle; signs; returns the COSE bytes.
  Result<Bytes> Sign(nitro::AttestationDocument doc, const NitroSigner& leaf) const;

 private:
  UnixTime now_ = 0;
  std::vector<NitroSigner> chain_;  // root, regional, zonal, instance
};

// The subject organisation of every simulator certificate.
inline constexpr std::string_view kNitroSimulatorOrganisation = "veritee simulator (not AWS)";

// Signs a document with any key: the COSE_Sign1 the NSM would emit (tests forge with it).
Result<Bytes> SignNitroDocument(const nitro::AttestationDocument& doc, EVP_PKEY* key);

}  // namespace veritee::sim
