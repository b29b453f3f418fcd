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
//   tee                   the evidence's TEE is one the options accept, when they name
//                         some (for a quote: TDX or SGX, once the quote has parsed)
//   report_data           the evidence's report data is SHA-512(SPKI ‖ nonce): the TEE
//                         vouched for this very key
//   then every check of the evidence's own verifier with the policy in VerifierOptions:
//   SEV-SNP (tag 60010: signature, chain to a built-in AMD root or an explicit trust root,
//   TCB, measurement and the other values) or Intel DCAP (tag 60000, TDX or SGX quotes:
//   PCK chain to the Intel root, collateral, TCB status, mr_td and the other values). DCAP
//   needs collateral (TCB Info, QE Identity, CRLs), which the verifier supplies: without
//   it a quote is rejected at the `collateral` check.
// The TLS handshake itself proves possession of the key (CertificateVerify), so a
// certificate copied from an attested server is useless to an impostor.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "ratls/extension.h"
#include "verify/dcap/options.h"
#include "verify/snp/options.h"
#include "verify/verification.h"

namespace veritee::snp {
class SnpVerifier;
}
namespace veritee::dcap {
class DcapVerifier;
}

namespace veritee::ratls {

struct VerifierOptions {
  snp::ValidationOptions snp;            // SEV-SNP policy (measurement, TCB, debug, ...)
  std::vector<Certificate> extra_roots;  // e.g. the simulator's ARK; never replaces vendors'
  std::vector<Crl> crls;
  std::optional<Bytes> expected_nonce;   // require this nonce in the claims
  // Intel DCAP: a policy for TDX quotes and one for SGX quotes (a policy file's "tdx" and
  // "sgx" sections differ: expected values, accepted TCB statuses, ...).
  dcap::ValidationOptions tdx;
  dcap::ValidationOptions sgx;
  std::shared_ptr<const trust::DcapCollateral> dcap_collateral;
  // The TEEs whose peers are accepted ("sev-snp", "tdx", "sgx"); unset: every one. A peer
  // chooses its TEE, so a policy file (ratls/policy.h) sets this to the sections it has:
  // a peer from a TEE the policy says nothing about is refused, not accepted unchecked.
  std::optional<std::set<std::string>> tees;
  // Why `tees` is restricted, for the refusal: the policy's sections (default) or the
  // expected values given on the command line (`veritee ratls --expect`).
  bool tees_from_expect = false;
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
  // Adds the `tee` check when the options restrict the TEEs; false when it failed.
  bool AddTeeCheck(Verification& v, const std::string& tee) const;
  Verification VerifyQuote(Verification v, const EvidenceExtension& ext,
                           const std::array<uint8_t, 64>& binding, const Certificate& peer,
                           UnixTime now) const;
  VerifierOptions options_;
  const Clock& clock_;
  std::unique_ptr<snp::SnpVerifier> snp_;
  std::unique_ptr<dcap::DcapVerifier> dcap_;
};

}  // namespace veritee::ratls
