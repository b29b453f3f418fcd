// X.509 certificates and CRLs (RFC 5280) over OpenSSL, and chain building at a chosen time.
//
// Chain building is split from time and revocation checks on purpose: signatures and
// structure do not depend on the verification time, so a verifier can build a chain once,
// cache it, and check validity windows and CRLs per verification with messages that say
// which certificate expired when. Trust anchors are passed in explicitly: a root carried in
// the evidence is never trusted because it is there.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"

namespace veritee {

struct CertExtension {
  std::string oid;  // dotted decimal
  bool critical = false;
  Bytes value;      // the contents of extnValue
};

class Certificate {
 public:
  static Result<Certificate> FromDer(ByteSpan der);

  X509* get() const { return x509_.get(); }
  const Bytes& der() const { return *der_; }
  const std::array<uint8_t, 32>& sha256() const { return *sha256_; }
  std::string Sha256Hex() const;

  std::string Subject() const;  // RFC 2253 one-line form
  std::string Issuer() const;
  std::string SubjectCn() const;
  std::string IssuerCn() const;
  std::string SerialHex() const;  // lower-case hex without leading zeros ("0" for zero)
  UnixTime NotBefore() const { return not_before_; }
  UnixTime NotAfter() const { return not_after_; }
  EVP_PKEY* PublicKey() const { return X509_get0_pubkey(x509_.get()); }
  std::vector<CertExtension> Extensions() const;
  std::string ToPem() const;
  // "CN (serial 0x.., SHA-256 ab12..)" for messages.
  std::string Describe() const;

 private:
  std::shared_ptr<X509> x509_;
  std::shared_ptr<const Bytes> der_;
  std::shared_ptr<const std::array<uint8_t, 32>> sha256_;
  UnixTime not_before_ = 0;
  UnixTime not_after_ = 0;
};

// One DER certificate, or every certificate in a PEM text (a trailing NUL is tolerated).
Result<std::vector<Certificate>> ParseCertificates(ByteSpan pem_or_der);
bool LooksLikePem(ByteSpan data);

class Crl {
 public:
  static Result<Crl> Parse(ByteSpan pem_or_der);

  X509_CRL* get() const { return crl_.get(); }
  const std::array<uint8_t, 32>& sha256() const { return *sha256_; }
  std::string Issuer() const;
  UnixTime ThisUpdate() const { return this_update_; }
  std::optional<UnixTime> NextUpdate() const { return next_update_; }
  std::vector<std::string> RevokedSerialsHex() const;
  Status VerifySignature(EVP_PKEY* issuer_key) const;

 private:
  std::shared_ptr<X509_CRL> crl_;
  std::shared_ptr<const std::array<uint8_t, 32>> sha256_;
  UnixTime this_update_ = 0;
  std::optional<UnixTime> next_update_;
};

// Builds and verifies the chain leaf -> ... -> anchor (signatures, CA constraints, path
// length), ignoring time. Returns it leaf first, anchor last. kChainInvalid with OpenSSL's
// reason and the depth/subject of the failing certificate otherwise.
Result<std::vector<Certificate>> BuildChain(const Certificate& leaf,
                                            std::span<const Certificate> intermediates,
                                            std::span<const Certificate> anchors);

// kExpired when `at` is outside [notBefore, notAfter]; the message names `role` and dates.
Status CheckValidAt(const Certificate& cert, UnixTime at, std::string_view role);

struct RevocationOptions {
  bool allow_stale = false;  // accept a CRL whose nextUpdate has passed
};
// Every CRL must be issued (and signed) by a certificate of `chain`, current at `at`, and
// no certificate of the chain may be listed in a CRL of its issuer.
Status CheckRevocation(std::span<const Certificate> chain, std::span<const Crl> crls,
                       UnixTime at, const RevocationOptions& options);

// Simulator and tests: issuing certificates and CRLs.
struct CertSpec {
  std::vector<std::pair<std::string, std::string>> subject;  // e.g. {"O", "..."}, {"CN", "..."}
  uint64_t serial = 1;
  UnixTime not_before = 0;
  UnixTime not_after = 0;
  bool ca = false;
  std::optional<int> path_len;
  bool key_usage = false;   // keyUsage: certSign+cRLSign for CAs, digitalSignature otherwise
  bool rsa_pss = true;      // RSASSA-PSS SHA-384/MGF1-SHA-384/salt 48 (AMD); else ECDSA
  std::vector<CertExtension> extensions;
};
// issuer == nullptr issues a self-signed certificate with `subject_key` as issuer key.
Result<Certificate> IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key,
                                     const Certificate* issuer, EVP_PKEY* issuer_key);
Result<Bytes> IssueCrlDer(const Certificate& issuer, EVP_PKEY* issuer_key, UnixTime this_update,
                          UnixTime next_update, std::span<const uint64_t> revoked_serials,
                          bool rsa_pss);

// Converts an ASN1_TIME to Unix seconds.
Result<UnixTime> Asn1TimeToUnix(const ASN1_TIME* t);

}  // namespace veritee
