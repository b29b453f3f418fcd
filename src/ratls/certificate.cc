#include "ratls/certificate.h"

#include "attest/binding.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/snp/cert_table.h"
#include "ratls/extension.h"

namespace veritee::ratls {

Result<std::vector<Bytes>> EndorsementCertificates(const attest::Evidence& evidence) {
  std::vector<Bytes> out;
  if (evidence.endorsements.empty()) return out;
  std::vector<Certificate> certs;
  if (snp::LooksLikeCertTable(evidence.endorsements)) {
    VT_ASSIGN_OR_RETURN(auto table, snp::ParseCertTable(evidence.endorsements));
    for (const auto& entry : table) {
      VT_ASSIGN_OR_RETURN(auto parsed, ParseCertificates(entry.data));
      certs.insert(certs.end(), parsed.begin(), parsed.end());
    }
  } else {
    VT_ASSIGN_OR_RETURN(certs, ParseCertificates(evidence.endorsements));
  }
  for (const Certificate& c : certs) out.push_back(c.der());
  if (out.size() > kMaxEndorsements) {
    return MakeError(ErrorCode::kInvalidArgument, "more than 8 endorsement certificates");
  }
  return out;
}

Result<Certificate> SelfSignedWithExtensions(EVP_PKEY* key, const CertOptions& options,
                                             UnixTime now, const Bytes& evidence_ext,
                                             const std::optional<Bytes>& endorsements_ext) {
  CertSpec spec;
  spec.subject = {{"O", "veritee RA-TLS"}, {"CN", options.common_name}};
  VT_ASSIGN_OR_RETURN(Bytes serial, RandomBytes(8));
  for (uint8_t b : serial) spec.serial = spec.serial << 8 | b;
  spec.serial = (spec.serial >> 1) | 1;  // positive and non-zero (RFC 5280 4.1.2.2)
  spec.not_before = now - 60;  // tolerate a peer's clock a minute behind
  spec.not_after = now + options.validity_seconds;
  spec.key_usage = true;
  spec.rsa_pss = false;
  spec.extensions.push_back({kEvidenceOid, false, evidence_ext});
  if (endorsements_ext) spec.extensions.push_back({kEndorsementsOid, false, *endorsements_ext});
  return veritee::IssueCertificate(spec, key, nullptr, key);
}

Result<Identity> IssueCertificate(attest::Attester& attester, const CertOptions& options,
                                  UnixTime now) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey(options.key_curve));
  VT_ASSIGN_OR_RETURN(Bytes spki, PublicKeyToDer(key.get()));
  const Bytes nonce = options.nonce.value_or(Bytes{});
  const attest::ReportData report_data = attest::KeyBinding(spki, nonce);
  VT_ASSIGN_OR_RETURN(attest::Evidence evidence, attester.Attest(report_data));
  VT_ASSIGN_OR_RETURN(uint64_t tag, TagForTee(evidence.tee));

  EvidenceExtension ext;
  ext.tag = tag;
  ext.evidence = evidence.evidence;
  ext.hash_alg = kHashSha512;
  auto hash = Sha512(spki);
  ext.pubkey_hash.assign(hash.begin(), hash.end());
  ext.nonce = options.nonce;
  VT_ASSIGN_OR_RETURN(std::vector<Bytes> endorsements, EndorsementCertificates(evidence));
  std::optional<Bytes> endorsements_ext;
  if (!endorsements.empty()) endorsements_ext = EncodeEndorsementsExtension(tag, endorsements);
  VT_ASSIGN_OR_RETURN(Certificate cert,
                      SelfSignedWithExtensions(key.get(), options, now,
                                               EncodeEvidenceExtension(ext), endorsements_ext));
  return Identity{std::move(cert), ShareKey(std::move(key)), evidence.tee, evidence.simulated};
}

Result<std::shared_ptr<const Identity>> CertCache::Issue() {
  std::lock_guard<std::mutex> issuing(issue_mu_);
  VT_ASSIGN_OR_RETURN(Identity id, IssueCertificate(*attester_, options_, clock_.Now()));
  auto shared = std::make_shared<const Identity>(std::move(id));
  std::lock_guard<std::mutex> lock(mu_);
  current_ = shared;
  ++issued_;
  return shared;
}

Result<std::shared_ptr<const Identity>> CertCache::Get() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_ && clock_.Now() < current_->cert.NotAfter()) return current_;
  }
  return Issue();
}

Result<bool> CertCache::RefreshIfDue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_ && clock_.Now() < current_->cert.NotAfter() - refresh_before_) return false;
  }
  VT_RETURN_IF_ERROR(Issue().map([](auto&&) {}));
  return true;
}

size_t CertCache::issued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

}  // namespace veritee::ratls
