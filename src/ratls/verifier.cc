#include "ratls/verifier.h"

#include <openssl/x509.h>

#include <algorithm>

#include "attest/binding.h"
#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/dcap/quote.h"
#include "parse/snp/report.h"
#include "ratls/extension.h"
#include "verify/dcap/verifier.h"
#include "verify/snp/verifier.h"

namespace veritee::ratls {
namespace {

const CertExtension* FindExtension(const std::vector<CertExtension>& exts, std::string_view oid) {
  for (const CertExtension& e : exts) {
    if (e.oid == oid) return &e;
  }
  return nullptr;
}

std::string_view HashName(uint64_t alg) {
  switch (alg) {
    case kHashSha256: return "sha-256";
    case kHashSha384: return "sha-384";
    default: return "sha-512";
  }
}

Bytes HashWith(uint64_t alg, ByteSpan data) {
  switch (alg) {
    case kHashSha256: return Digest(DigestAlg::kSha256, data);
    case kHashSha384: return Digest(DigestAlg::kSha384, data);
    default: return Digest(DigestAlg::kSha512, data);
  }
}

}  // namespace

Verifier::Verifier(VerifierOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      snp_(std::make_unique<snp::SnpVerifier>()),
      dcap_(std::make_unique<dcap::DcapVerifier>()) {}

Verifier::~Verifier() = default;

bool Verifier::AddTeeCheck(Verification& v, const std::string& tee) const {
  if (!options_.tees) return true;
  const bool ok = options_.tees->count(tee) != 0;
  std::string accepted;
  for (const std::string& t : *options_.tees) accepted += (accepted.empty() ? "" : ", ") + t;
  return v.Add("tee", ok,
               ok ? tee + " evidence is accepted by the policy"
                  : tee + " evidence is not accepted: " +
                        (options_.tees_from_expect
                             ? "no expected value applies to " + tee
                             : "the policy has no \"" + tee + "\" section") +
                        " (it accepts " + (accepted.empty() ? "none" : accepted) + ")");
}

Verification Verifier::VerifyQuote(Verification v, const EvidenceExtension& ext,
                                   const attest::ReportData& binding, const Certificate& peer,
                                   UnixTime now) const {
  auto quote = dcap::ParseQuoteKeepTrailing(ext.evidence);
  // An unparsable quote is rejected by the DCAP verifier below, and never marked complete.
  const bool tdx = !quote || quote->is_tdx();
  if (quote && !AddTeeCheck(v, std::string(dcap::TeeName(tdx)))) {
    Verification out{std::string(dcap::TeeName(tdx))};
    for (const Check& c : v.checks()) out.Add(c.name, c.ok, c.detail);
    return out;
  }
  if (quote) {
    const auto& rd = quote->is_tdx() ? quote->td.report_data : quote->sgx.report_data;
    const bool bound = std::equal(binding.begin(), binding.end(), rd.begin());
    v.Add("report_data", bound,
          bound ? std::string("REPORTDATA = SHA-512(SubjectPublicKeyInfo") +
                      (ext.nonce ? " ‖ nonce" : "") + "): the quote binds this key"
                : "REPORTDATA " + ToHex(rd) + " does not bind this certificate's key "
                  "(expected " + ToHex(binding) + "): the evidence belongs to another key");
  }
  if (!v.Add("collateral", options_.dcap_collateral != nullptr,
             options_.dcap_collateral != nullptr
                 ? "DCAP collateral supplied by the verifier"
                 : "a TDX/SGX quote needs DCAP collateral (TCB Info, QE Identity, CRLs), and "
                   "none was configured")) {
    return v;
  }
  dcap::VerifyInputs in;
  in.at = now;
  in.collateral = options_.dcap_collateral;
  in.extra_roots = options_.extra_roots;
  in.validation = tdx ? options_.tdx : options_.sgx;
  Verification inner = dcap_->Verify(ext.evidence, in);
  Verification out{inner.tee()};
  for (const Check& c : v.checks()) out.Add(c.name, c.ok, c.detail);
  for (const Check& c : inner.checks()) out.Add(c.name, c.ok, c.detail);
  for (const std::string& n : inner.notes()) out.Note(n);
  out.simulated = inner.simulated;
  out.trust_anchor = inner.trust_anchor;
  out.claims = inner.claims;
  out.collateral = inner.collateral;
  out.claims["ratls"] = Json{{"certificate_sha256", peer.Sha256Hex()},
                             {"nonce", ext.nonce ? Json(ToHex(*ext.nonce)) : Json(nullptr)}};
  if (inner.complete() && quote) out.MarkComplete();
  return out;
}

Verification Verifier::Verify(const Certificate& peer) const {
  const std::vector<CertExtension> exts = peer.Extensions();
  const CertExtension* ev = FindExtension(exts, kEvidenceOid);
  if (ev == nullptr) {
    Verification v{"unknown"};
    v.Add("ratls_evidence", false,
          "the certificate carries no evidence extension (" + std::string(kEvidenceOid) +
              "): not an RA-TLS certificate");
    return v;
  }
  auto decoded = DecodeEvidenceExtension(ev->value);
  if (!decoded) {
    Verification v{"unknown"};
    v.Add("ratls_evidence", false, "evidence extension: " + decoded.error().ToString());
    return v;
  }
  const EvidenceExtension& ext = *decoded;
  auto tee = TeeForTag(ext.tag);
  Verification v{tee ? *tee : "unknown"};
  if (!v.Add("ratls_evidence", tee.has_value(),
             tee ? "evidence extension: " + *tee + " (CBOR tag " + std::to_string(ext.tag) +
                       "), " + std::to_string(ext.evidence.size()) + " bytes, pubkey-hash " +
                       std::string(HashName(ext.hash_alg)) +
                       (ext.nonce ? ", nonce " + ToHex(*ext.nonce) : ", no nonce")
                 : tee.error().message)) {
    return v;
  }

  const UnixTime now = clock_.Now();
  auto valid = CheckValidAt(peer, now, "RA-TLS certificate");
  v.Add("certificate_validity", valid.has_value(),
        valid ? "valid at " + FormatTime(now) + " (until " + FormatTime(peer.NotAfter()) + ")"
              : valid.error().message);
  const bool self_signed = X509_verify(peer.get(), peer.PublicKey()) == 1;
  ClearOpenSslErrors();
  v.Add("certificate_signature", self_signed,
        self_signed ? "self-signature verifies with the certificate's " +
                          DescribeKey(peer.PublicKey()) + " key"
                    : "the certificate's signature does not verify with its own key");

  auto spki = PublicKeyToDer(peer.PublicKey());
  if (!v.Add("pubkey_hash", spki && HashWith(ext.hash_alg, *spki) == ext.pubkey_hash,
             spki ? (HashWith(ext.hash_alg, *spki) == ext.pubkey_hash
                         ? std::string(HashName(ext.hash_alg)) +
                               " of the SubjectPublicKeyInfo matches the claim"
                         : "the pubkey-hash claim is not the hash of this certificate's key")
                  : spki.error().message)) {
    return v;
  }
  if (options_.expected_nonce) {
    const bool ok = ext.nonce && *ext.nonce == *options_.expected_nonce;
    v.Add("nonce", ok,
          ok ? "the nonce claim is the verifier's nonce"
             : ext.nonce ? "the nonce claim " + ToHex(*ext.nonce) + " is not the verifier's " +
                               ToHex(*options_.expected_nonce)
                         : "the certificate has no nonce claim; the verifier requires " +
                               ToHex(*options_.expected_nonce));
  }
  const attest::ReportData binding =
      attest::KeyBinding(*spki, ext.nonce ? ByteSpan(*ext.nonce) : ByteSpan());

  if (*tee != "sev-snp") return VerifyQuote(std::move(v), ext, binding, peer, now);
  if (!AddTeeCheck(v, *tee)) return v;
  auto report = snp::ParseReport(ext.evidence);
  if (report) {
    const bool bound = std::equal(binding.begin(), binding.end(), report->report_data.begin());
    v.Add("report_data", bound,
          bound ? "REPORT_DATA = SHA-512(SubjectPublicKeyInfo" +
                      std::string(ext.nonce ? " ‖ nonce" : "") + "): the report binds this key"
                : "REPORT_DATA " + ToHex(report->report_data) +
                      " does not bind this certificate's key (expected " + ToHex(binding) +
                      "): the evidence belongs to another key");
  }
  // The SEV-SNP verifier parses again, strictly, and reports a malformed report itself.
  snp::VerifyInputs in;
  in.at = now;
  in.crls = options_.crls;
  in.extra_roots = options_.extra_roots;
  in.validation = options_.snp;
  if (const CertExtension* en = FindExtension(exts, kEndorsementsOid)) {
    auto ders = DecodeEndorsementsExtension(en->value, ext.tag);
    if (!v.Add("endorsements", ders.has_value(),
               ders ? std::to_string(ders->size()) + " certificate(s) in " + kEndorsementsOid
                    : "endorsements extension: " + ders.error().ToString())) {
      return v;
    }
    for (const Bytes& der : *ders) {
      auto c = Certificate::FromDer(der);
      if (!c) {
        v.Add("endorsements", false, "endorsement certificate: " + c.error().ToString());
        return v;
      }
      in.certs.push_back(std::move(*c));
    }
  }
  Verification inner = snp_->Verify(ext.evidence, in);
  for (const Check& c : inner.checks()) v.Add(c.name, c.ok, c.detail);
  for (const std::string& n : inner.notes()) v.Note(n);
  v.simulated = inner.simulated;
  v.trust_anchor = inner.trust_anchor;
  v.claims = inner.claims;
  v.collateral = inner.collateral;
  v.shared_collateral = inner.shared_collateral;
  v.claims["ratls"] = Json{{"certificate_sha256", peer.Sha256Hex()},
                           {"pubkey_hash_alg", HashName(ext.hash_alg)},
                           {"nonce", ext.nonce ? Json(ToHex(*ext.nonce)) : Json(nullptr)}};
  if (inner.complete() && report) v.MarkComplete();
  return v;
}

}  // namespace veritee::ratls
