// RA-TLS peer verification: is this certificate's key held inside a TEE we trust?
//
// Checks, recorded in order in a Verification (verify/verification.h), accepted only when
// every one ran and passed:
//   ratls_evidence        the evidence extension is present and decodes (extension.h)
//   certificate_validity  the certificate is within its validity at the verification time
//   certificate_signature the self-signature verifies with the certificate's own key
//   pubkey_hash           the pubkey-hash claim is the hash of this certificate's
//                         SubjectPublicKeyInfo
//   nonce                 the nonce claim equals the verifier's, when one is required
//   report_data           the evidence's report data is SHA-512(SPKI ‖ nonce): the TEE
//                         vouched for this very key
//   then every check of the evidence's own verifier (SEV-SNP today: signature, chain to
//   a built-in AMD root or an explicit --trust-root, TCB, and the policy's measurement and
//   other values), with the policy in VerifierOptions.
// The TLS handshake itself proves possession of the key (CertificateVerify), so a
// certificate copied from an attested server is useless to an impostor.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "verify/snp/options.h"
#include "verify/verification.h"

namespace veritee::snp {
class SnpVerifier;
}

namespace veritee::ratls {

struct VerifierOptions {
  snp::ValidationOptions snp;            // SEV-SNP policy (measurement, TCB, debug, ...)
  std::vector<Certificate> extra_roots;  // e.g. the simulator's ARK; never replaces vendors'
  std::vector<Crl> crls;
  std::optional<Bytes> expected_nonce;   // require this nonce in the claims
};

class Verifier {
 public:
  Verifier(VerifierOptions options, const Clock& clock);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Thread-safe; never fails: a bad certificate is a rejected Verification.
  Verification Verify(const Certificate& peer) const;
  const VerifierOptions& options() const { return options_; }

 private:
  VerifierOptions options_;
  const Clock& clock_;
  std::unique_ptr<snp::SnpVerifier> snp_;
};

}  // namespace veritee::ratls
