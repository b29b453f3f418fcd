// RA-TLS certificates: a fresh key, evidence whose report data binds that key
// (SHA-512(SubjectPublicKeyInfo ‖ nonce)), and a self-signed X.509 certificate carrying
// the evidence and its endorsements in the extensions of extension.h.
//
// RatlsCertCache keeps the current certificate and hands it to every handshake; it is
// reissued (a new key and a new report) only when it comes within `refresh_before` of its
// notAfter, and a server refreshes it from a background thread, so a handshake never waits
// for a quote.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "attest/attester.h"
#include "base/time.h"
#include "crypto/x509.h"

namespace veritee::ratls {

struct CertOptions {
  std::string common_name = "veritee RA-TLS";
  std::string key_curve = "P-256";  // "P-256" or "P-384"
  int64_t validity_seconds = 24 * 3600;
  std::optional<Bytes> nonce;       // a verifier's nonce, bound into the report data
};

struct Identity {
  Certificate cert;
  SharedPkey key;
  std::string tee;
  bool simulated = false;
};

// Issues a certificate for a fresh key with evidence from `attester`.
Result<Identity> IssueCertificate(attest::Attester& attester, const CertOptions& options,
                                  UnixTime now);

// Lower level, for tests that need a certificate whose extensions disagree with its key:
// a self-signed certificate for `key` with the given extension values.
Result<Certificate> SelfSignedWithExtensions(EVP_PKEY* key, const CertOptions& options,
                                             UnixTime now, const Bytes& evidence_ext,
                                             const std::optional<Bytes>& endorsements_ext);
// The DER certificates of an Evidence's endorsements (PEM, DER or an SEV-SNP table).
Result<std::vector<Bytes>> EndorsementCertificates(const attest::Evidence& evidence);

class CertCache {
 public:
  CertCache(std::shared_ptr<attest::Attester> attester, CertOptions options, const Clock& clock,
            int64_t refresh_before_seconds = 3600)
      : attester_(std::move(attester)), options_(std::move(options)), clock_(clock),
        refresh_before_(refresh_before_seconds) {}

  // The current identity; issues one only when there is none yet or it has expired.
  Result<std::shared_ptr<const Identity>> Get();
  // Reissues when the current one is within refresh_before of notAfter (or absent).
  // Returns true when a new certificate was issued.
  Result<bool> RefreshIfDue();
  size_t issued() const;

 private:
  Result<std::shared_ptr<const Identity>> Issue();

  std::shared_ptr<attest::Attester> attester_;
  CertOptions options_;
  const Clock& clock_;
  int64_t refresh_before_;
  mutable std::mutex mu_;
  std::mutex issue_mu_;  // one issuance at a time
  std::shared_ptr<const Identity> current_;
  size_t issued_ = 0;
};

}  // namespace veritee::ratls
