#include "verify/dcap/verifier.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/dcap/pck_extensions.h"
#include "parse/dcap/quote.h"
#include "parse/dcap/quote_claims.h"
#include "trust/intel_roots.h"
#include "verify/dcap/ecdsa_p256.h"
#include "verify/dcap/tcb_eval.h"

namespace veritee::dcap {

// The PCK chain carried in a quote, built once per distinct certification data.
struct DcapVerifier::PckChain {
  std::string error;  // non-empty: the chain could not be used (the pck_chain check fails)
  std::vector<Certificate> chain;  // leaf, intermediate, anchor
  bool builtin_anchor = false;
  std::string anchor_name;
  std::string description;
  std::string leaf_error;  // CN / extension problems (pck_certificate check)
  PckExtensions ext;
  std::string ca;  // "platform" or "processor"
  std::string leaf_serial, intermediate_serial;
  std::string leaf_detail;  // the pck_certificate check's text
  Json json;
  Json claims;  // the "pck" claims
};

// Everything about the collateral that does not depend on the quote or the time.
struct DcapVerifier::CollateralState {
  std::string parse_error;  // non-empty: the collateral is unusable
  // Root CA CRL, checked against the anchor it is issued by.
  Crl root_crl;
  std::string root_crl_error;
  std::string root_crl_anchor;  // SHA-256 (raw) of the anchor that signed it
  std::set<std::string> root_crl_revoked;
  // PCK CRL, signed by the first certificate of its issuer chain, chained to an anchor.
  Crl pck_crl;
  std::string pck_crl_error;
  std::string pck_crl_signer;  // SHA-256 (raw) of the CA certificate that signed it
  std::string pck_crl_anchor;
  std::set<std::string> pck_crl_revoked;
  // Signed bodies.
  struct Signed {
    std::string error;               // signature or chain problem
    std::vector<Certificate> signers;  // TCB signing certificates that verify it (all versions)
    std::string anchor;                // SHA-256 (raw) of their anchor
    std::string signer_serials;
    std::vector<std::string> signer_texts;  // "serial valid from..until" per signer
    bool signer_revoked = false;            // listed in the Root CA CRL
  };
  Signed tcb, qe;
  TcbInfo tcb_info;
  QeIdentity qe_identity;
  std::string root_crl_next_text, pck_crl_next_text, tcb_next_text, qe_next_text;
  Json json;
};

namespace {

std::string Raw(const std::array<uint8_t, 32>& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string_view AsText(ByteSpan b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

Json CertJson(const Certificate& c) {
  return Json{{"subject", c.SubjectCn()},      {"serial", c.SerialHex()},
              {"sha256", c.Sha256Hex()},        {"not_before", FormatTime(c.NotBefore())},
              {"not_after", FormatTime(c.NotAfter())}};
}

Json CrlJson(const Crl& c) {
  return Json{{"issuer", c.Issuer()},
              {"this_update", FormatTime(c.ThisUpdate())},
              {"next_update", c.NextUpdate() ? FormatTime(*c.NextUpdate()) : ""},
              {"revoked_entries", c.RevokedSerialsHex().size()},
              {"sha256", ToHex(c.sha256())}};
}

std::set<std::string> RevokedSet(const Crl& crl) {
  auto v = crl.RevokedSerialsHex();
  return std::set<std::string>(v.begin(), v.end());
}

bool IsCa(const Certificate& c) { return X509_check_ca(c.get()) != 0; }

std::vector<Certificate> Anchors(const VerifyInputs& in, const Certificate& intel) {
  std::vector<Certificate> anchors{intel};
  anchors.insert(anchors.end(), in.extra_roots.begin(), in.extra_roots.end());
  return anchors;
}

std::string CollateralDigest(const trust::DcapCollateral& c) {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) != 1) return {};
  for (const Bytes* b : {&c.pck_crl, &c.pck_crl_issuer_chain, &c.root_ca_crl, &c.tcb_info,
                         &c.tcb_info_issuer_chain, &c.qe_identity, &c.qe_identity_issuer_chain}) {
    uint64_t n = b->size();
    EVP_DigestUpdate(md.get(), &n, sizeof n);
    EVP_DigestUpdate(md.get(), b->data(), b->size());
  }
  std::array<uint8_t, 32> out{};
  unsigned len = 0;
  EVP_DigestFinal_ex(md.get(), out.data(), &len);
  return Raw(out);
}

// Window check for a signed collateral body; the message starts with "collateral expired"
// or "collateral not yet valid" so that callers and people can tell the two apart.
std::string WindowError(const char* what, UnixTime from, UnixTime until, UnixTime at,
                        const char* from_name, const char* until_name) {
  if (at < from) {
    return std::string("collateral not yet valid: ") + what + " " + from_name + " " +
           FormatTime(from) + " is after the verification time " + FormatTime(at);
  }
  if (at > until) {
    return std::string("collateral expired: ") + what + " " + until_name + " " +
           FormatTime(until) + " is before the verification time " + FormatTime(at);
  }
  return {};
}

std::string CertWindowError(const Certificate& c, UnixTime at, const std::string& role) {
  auto st = CheckValidAt(c, at, role);
  return st ? std::string() : st.error().message;
}

bool MatchesExpected(ByteSpan actual, const Bytes& want, bool allow_prefix) {
  if (want.size() == actual.size()) return std::equal(want.begin(), want.end(), actual.begin());
  if (!allow_prefix || want.empty() || want.size() > actual.size()) return false;
  return std::equal(want.begin(), want.end(), actual.begin()) &&
         AllZero(actual.subspan(want.size()));
}

ByteSpan ExpectedField(const Quote& q, const std::string& name) {
  if (q.is_tdx()) {
    const TdReportBody& t = q.td;
    if (name == "mr_td") return t.mr_td;
    if (name == "rtmr0") return t.rtmr[0];
    if (name == "rtmr1") return t.rtmr[1];
    if (name == "rtmr2") return t.rtmr[2];
    if (name == "rtmr3") return t.rtmr[3];
    if (name == "mr_seam") return t.mr_seam;
    if (name == "mr_signer_seam") return t.mr_signer_seam;
    if (name == "mr_config_id") return t.mr_config_id;
    if (name == "mr_owner") return t.mr_owner;
    if (name == "mr_owner_config") return t.mr_owner_config;
    if (name == "report_data") return t.report_data;
    if (name == "mr_servicetd" && q.body_type == BodyType::kTd15) return t.mr_servicetd;
    return {};
  }
  if (name == "mr_enclave") return q.sgx.mr_enclave;
  if (name == "mr_signer") return q.sgx.mr_signer;
  if (name == "report_data") return q.sgx.report_data;
  if (name == "config_id") return q.sgx.config_id;
  return {};
}

// A signed PCS body: find TCB signing certificates among `candidates` that chain to an
// anchor and whose key verifies the signature over the exact body bytes.
DcapVerifier::CollateralState::Signed CheckSigned(const SignedBody& body,
                                                  const std::vector<Certificate>& candidates,
                                                  const std::vector<Certificate>& anchors,
                                                  const char* what) {
  DcapVerifier::CollateralState::Signed out;
  const auto digest = Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(body.body.data()),
                                      body.body.size()));
  std::string last_error = std::string("no TCB signing certificate in the issuer chain of the ") +
                           what;
  std::set<std::string> seen;
  for (const Certificate& c : candidates) {
    if (IsCa(c) || !seen.insert(Raw(c.sha256())).second) continue;
    auto chain = BuildChain(c, {}, anchors);
    if (!chain) {
      last_error = "TCB signing certificate " + c.Describe() + ": " + chain.error().message;
      continue;
    }
    if (chain->size() != 2) {
      last_error = "TCB signing certificate " + c.Describe() + " is not issued by the root";
      continue;
    }
    if (EVP_PKEY_get_base_id(c.PublicKey()) != EVP_PKEY_EC) {
      last_error = "TCB signing key is not EC P-256";
      continue;
    }
    auto st = VerifyP256(c.PublicKey(), digest, body.signature);
    if (!st) {
      last_error = std::string(what) + " signature does not verify with " + c.Describe();
      continue;
    }
    const std::string anchor = Raw(chain->back().sha256());
    if (!out.anchor.empty() && out.anchor != anchor) continue;
    out.anchor = anchor;
    out.signers.push_back(c);
    out.signer_serials += (out.signer_serials.empty() ? "" : ", ") + c.SerialHex() + " (" +
                          FormatTime(c.NotBefore()) + ".." + FormatTime(c.NotAfter()) + ")";
  }
  if (out.signers.empty()) out.error = last_error;
  return out;
}

bool StatusAllowed(TcbStatus s, const ValidationOptions& o) {
  return s == TcbStatus::kUpToDate || o.allowed_statuses.count(s) > 0;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string_view TeeName(bool tdx) { return tdx ? "tdx" : "sgx"; }

DcapVerifier::DcapVerifier() = default;
DcapVerifier::~DcapVerifier() = default;

Result<SharedPkey> DcapVerifier::AttestKey(ByteSpan xy) {
  std::string key(reinterpret_cast<const char*>(xy.data()), xy.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = attest_keys_.find(key); it != attest_keys_.end()) return it->second;
  }
  VT_ASSIGN_OR_RETURN(SharedPkey pkey, P256KeyFromRaw(xy));
  std::lock_guard<std::mutex> lock(mu_);
  if (attest_keys_.size() >= kMaxCacheEntries) attest_keys_.clear();
  attest_keys_.emplace(std::move(key), pkey);
  return pkey;
}

std::shared_ptr<const DcapVerifier::PckChain> DcapVerifier::Chain(ByteSpan cert_data,
                                                                   const VerifyInputs& in) {
  // Key: the certification data, then "|" and the extra roots' digests when there are any.
  const std::string_view data(reinterpret_cast<const char*>(cert_data.data()), cert_data.size());
  std::string key;
  if (!in.extra_roots.empty()) {
    key.assign(data);
    key += '|';
    for (const Certificate& c : in.extra_roots) key += Raw(c.sha256());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = in.extra_roots.empty() ? chains_.find(data) : chains_.find(std::string_view(key));
    if (it != chains_.end()) return it->second;
  }
  if (in.extra_roots.empty()) key.assign(data);
  auto e = std::make_shared<PckChain>();
  [&] {
    auto intel = trust::IntelSgxRootCa();
    if (!intel) {
      e->error = intel.error().ToString();
      return;
    }
    auto certs = ParseCertificates(cert_data);
    if (!certs) {
      e->error = "PCK certificate chain: " + certs.error().message;
      return;
    }
    if (certs->size() < 2) {
      e->error = "the PCK chain holds " + std::to_string(certs->size()) +
                 " certificate(s); want leaf, intermediate CA and root";
      return;
    }
    const Certificate& leaf = certs->front();
    std::vector<Certificate> intermediates(certs->begin() + 1, certs->end());
    auto anchors = Anchors(in, **intel);
    auto chain = BuildChain(leaf, intermediates, anchors);
    if (!chain) {
      e->error = chain.error().message + "; trusted roots are the built-in Intel SGX Root CA" +
                 (in.extra_roots.empty() ? std::string(" (simulator quotes need --trust-root)")
                                         : " and " + std::to_string(in.extra_roots.size()) +
                                               " --trust-root certificate(s)");
      return;
    }
    if (chain->size() != 3) {
      e->error = "expected PCK → PCK CA → root, got a chain of " +
                 std::to_string(chain->size()) + " certificates";
      return;
    }
    const Certificate& anchor = chain->back();
    // The root sent in the quote is never trusted; it must be the anchor we chained to.
    const Certificate& sent_root = certs->back();
    if (sent_root.sha256() != anchor.sha256()) {
      e->error = "the root certificate in the quote (SHA-256 " + sent_root.Sha256Hex() +
                 ") is not the trust anchor the chain ends at (" + anchor.Sha256Hex() + ")";
      return;
    }
    e->builtin_anchor = anchor.sha256() == (*intel)->sha256();
    e->anchor_name = anchor.SubjectCn() +
                     (e->builtin_anchor ? " (built-in, SHA-256 " : " (from --trust-root, SHA-256 ") +
                     anchor.Sha256Hex() + ")";
    e->chain = std::move(*chain);
    const Certificate& ca = e->chain[1];
    e->ca = ca.SubjectCn().find("Processor") != std::string::npos ? "processor"
            : ca.SubjectCn().find("Platform") != std::string::npos ? "platform"
                                                                     : "unknown";
    e->description = "PCK → " + ca.SubjectCn() + " → " + e->anchor_name;
    e->leaf_serial = e->chain[0].SerialHex();
    e->intermediate_serial = ca.SerialHex();
    if (e->chain[0].SubjectCn().find("SGX PCK Certificate") == std::string::npos) {
      e->leaf_error = "PCK leaf CN is '" + e->chain[0].SubjectCn() +
                      "', not an \"Intel SGX PCK Certificate\"";
    } else {
      std::optional<Bytes> sgx_ext;
      for (const CertExtension& x : e->chain[0].Extensions()) {
        if (x.oid == kSgxExtensionOid) sgx_ext = x.value;
      }
      if (!sgx_ext) {
        e->leaf_error = "PCK certificate lacks the SGX extension " + std::string(kSgxExtensionOid);
      } else if (auto ext = ParsePckExtensions(*sgx_ext); !ext) {
        e->leaf_error = "PCK SGX extension: " + ext.error().ToString();
      } else {
        e->ext = *ext;
      }
    }
    auto curve = EcCurveName(e->chain[0].PublicKey());
    if (e->leaf_error.empty() && (!curve || *curve != "prime256v1")) {
      e->leaf_error = "PCK key is " + DescribeKey(e->chain[0].PublicKey()) + ", not EC P-256";
    }
    const Certificate& lf = e->chain[0];
    e->leaf_detail = lf.SubjectCn() + " (" + e->ca + " CA), FMSPC " + ToHex(e->ext.fmspc) +
                     ", PCE-ID " + ToHex(e->ext.pce_id);
    e->claims = Json{{"ca", e->ca},
                     {"serial", e->leaf_serial},
                     {"not_before", FormatTime(lf.NotBefore())},
                     {"not_after", FormatTime(lf.NotAfter())},
                     {"sgx_tcb_comp_svns", e->ext.tcb_comp_svn},
                     {"pcesvn", e->ext.pcesvn},
                     {"cpusvn", ToHex(e->ext.cpusvn)},
                     {"sgx_type", e->ext.sgx_type
                                      ? Json(std::string(SgxTypeName(*e->ext.sgx_type)))
                                      : Json()},
                     {"ppid", ToHex(e->ext.ppid)}};
    e->json = Json{{"pck", CertJson(e->chain[0])},
                   {"pck_ca", CertJson(e->chain[1])},
                   {"root", CertJson(e->chain[2])}};
  }();
  std::lock_guard<std::mutex> lock(mu_);
  if (chains_.size() >= kMaxCacheEntries) chains_.clear();
  auto [it, inserted] = chains_.emplace(std::move(key), std::move(e));
  (void)inserted;
  return it->second;
}

std::shared_ptr<const DcapVerifier::CollateralState> DcapVerifier::Collateral(
    const VerifyInputs& in) {
  std::string suffix = "|";
  for (const Certificate& c : in.extra_roots) suffix += Raw(c.sha256());
  suffix += "|";
  for (const Certificate& c : in.certs) suffix += Raw(c.sha256());
  std::string content;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = collateral_keys_.find(in.collateral.get()); it != collateral_keys_.end()) {
      content = it->second.second;
      if (auto c = collateral_.find(content + suffix); c != collateral_.end()) return c->second;
    }
  }
  if (content.empty()) content = CollateralDigest(*in.collateral);
  const std::string key = content + suffix;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (collateral_keys_.size() >= kMaxCacheEntries) collateral_keys_.clear();
    collateral_keys_[in.collateral.get()] = {in.collateral, content};
    if (auto c = collateral_.find(key); c != collateral_.end()) return c->second;
  }

  auto s = std::make_shared<CollateralState>();
  const trust::DcapCollateral& c = *in.collateral;
  [&] {
    auto intel = trust::IntelSgxRootCa();
    if (!intel) {
      s->parse_error = intel.error().ToString();
      return;
    }
    const auto anchors = Anchors(in, **intel);
    auto fail = [&](const char* what, const Error& e) {
      s->parse_error = std::string(what) + ": " + e.ToString();
    };
    auto root_crl = Crl::Parse(c.root_ca_crl);
    if (!root_crl) return fail("Root CA CRL", root_crl.error());
    auto pck_crl = Crl::Parse(c.pck_crl);
    if (!pck_crl) return fail("PCK CRL", pck_crl.error());
    auto pck_crl_chain = ParseCertificates(c.pck_crl_issuer_chain);
    if (!pck_crl_chain) return fail("PCK CRL issuer chain", pck_crl_chain.error());
    auto tcb_chain = ParseCertificates(c.tcb_info_issuer_chain);
    if (!tcb_chain) return fail("TCB Info issuer chain", tcb_chain.error());
    auto qe_chain = ParseCertificates(c.qe_identity_issuer_chain);
    if (!qe_chain) return fail("QE Identity issuer chain", qe_chain.error());
    auto tcb_body = SliceSignedBody(AsText(c.tcb_info), "tcbInfo");
    if (!tcb_body) return fail("TCB Info", tcb_body.error());
    auto tcb_info = ParseTcbInfo(tcb_body->body);
    if (!tcb_info) return fail("TCB Info", tcb_info.error());
    auto qe_body = SliceSignedBody(AsText(c.qe_identity), "enclaveIdentity");
    if (!qe_body) return fail("QE Identity", qe_body.error());
    auto qe_identity = ParseQeIdentity(qe_body->body);
    if (!qe_identity) return fail("QE Identity", qe_identity.error());
    s->root_crl = *root_crl;
    s->pck_crl = *pck_crl;
    s->tcb_info = std::move(*tcb_info);
    s->qe_identity = std::move(*qe_identity);
    s->root_crl_revoked = RevokedSet(s->root_crl);
    s->pck_crl_revoked = RevokedSet(s->pck_crl);

    // Root CA CRL: issued and signed by an anchor.
    s->root_crl_error = "Root CA CRL issued by " + s->root_crl.Issuer() + " is not issued by a trusted root";
    for (const Certificate& a : anchors) {
      if (X509_NAME_cmp(X509_get_subject_name(a.get()), X509_CRL_get_issuer(s->root_crl.get())) != 0) {
        continue;
      }
      if (s->root_crl.VerifySignature(a.PublicKey())) {
        s->root_crl_error.clear();
        s->root_crl_anchor = Raw(a.sha256());
        break;
      }
      s->root_crl_error = "Root CA CRL signature does not verify with " + a.Describe();
    }
    // PCK CRL: signed by the CA certificate of its issuer chain, which chains to an anchor.
    s->pck_crl_error = "no certificate of the PCK CRL issuer chain issued the PCK CRL (" +
                       s->pck_crl.Issuer() + ")";
    for (const Certificate& ca : *pck_crl_chain) {
      if (X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_CRL_get_issuer(s->pck_crl.get())) != 0) {
        continue;
      }
      auto chain = BuildChain(ca, *pck_crl_chain, anchors);
      if (!chain) {
        s->pck_crl_error = "PCK CRL issuer " + ca.Describe() + ": " + chain.error().message;
        continue;
      }
      if (!s->pck_crl.VerifySignature(ca.PublicKey())) {
        s->pck_crl_error = "PCK CRL signature does not verify with " + ca.Describe();
        continue;
      }
      s->pck_crl_error.clear();
      s->pck_crl_signer = Raw(ca.sha256());
      s->pck_crl_anchor = Raw(chain->back().sha256());
      break;
    }
    // TCB Info and QE Identity: any TCB signing certificate given (issuer chains, --cert).
    std::vector<Certificate> candidates = *tcb_chain;
    candidates.insert(candidates.end(), qe_chain->begin(), qe_chain->end());
    candidates.insert(candidates.end(), in.certs.begin(), in.certs.end());
    s->tcb = CheckSigned(*tcb_body, candidates, anchors, "TCB Info");
    s->qe = CheckSigned(*qe_body, candidates, anchors, "QE Identity");
    for (CollateralState::Signed* sg : {&s->tcb, &s->qe}) {
      for (const Certificate& cert : sg->signers) {
        sg->signer_texts.push_back(cert.SerialHex() + " valid " + FormatTime(cert.NotBefore()) +
                                   ".." + FormatTime(cert.NotAfter()));
        if (s->root_crl_revoked.count(cert.SerialHex()) > 0) sg->signer_revoked = true;
      }
    }
    auto next_text = [](const Crl& crl) {
      return crl.NextUpdate() ? FormatTime(*crl.NextUpdate()) : std::string("-");
    };
    s->root_crl_next_text = next_text(s->root_crl);
    s->pck_crl_next_text = next_text(s->pck_crl);
    s->tcb_next_text = FormatTime(s->tcb_info.next_update);
    s->qe_next_text = FormatTime(s->qe_identity.next_update);

    const TcbInfo& t = s->tcb_info;
    const QeIdentity& q = s->qe_identity;
    Json signers = Json::array();
    for (const Certificate& cert : s->tcb.signers) signers.push_back(CertJson(cert));
    s->json = Json{
        {"source", c.source},
        {"tcb_info", {{"id", t.id}, {"version", t.version}, {"fmspc", ToHex(t.fmspc)},
                      {"issue_date", t.issue_date_text}, {"next_update", t.next_update_text},
                      {"tcb_evaluation_data_number", t.tcb_evaluation_data_number}}},
        {"qe_identity", {{"id", q.id}, {"version", q.version}, {"issue_date", q.issue_date_text},
                         {"next_update", q.next_update_text},
                         {"tcb_evaluation_data_number", q.tcb_evaluation_data_number}}},
        {"tcb_signing_certificates", std::move(signers)},
        {"pck_crl", CrlJson(s->pck_crl)},
        {"root_ca_crl", CrlJson(s->root_crl)}};
  }();
  std::lock_guard<std::mutex> lock(mu_);
  if (collateral_.size() >= kMaxCacheEntries) collateral_.clear();
  auto [it, inserted] = collateral_.emplace(key, std::move(s));
  (void)inserted;
  return it->second;
}

Verification DcapVerifier::Verify(ByteSpan bytes, const VerifyInputs& in) {
  // The TEE is known once the header is read; until then say "tdx" or "sgx" by the header.
  const bool header_tdx = bytes.size() >= 8 && bytes[4] == 0x81;
  Verification v{std::string(TeeName(header_tdx))};
  auto parsed = ParseQuoteKeepTrailing(bytes);
  if (!v.Add("parse", parsed.has_value(),
             parsed ? "quote v" + std::to_string(parsed->header.version) + ", " +
                          std::string(BodyTypeName(parsed->body_type)) + ", " +
                          std::to_string(bytes.size()) + " bytes"
                    : parsed.error().ToString())) {
    return v;
  }
  const Quote& q = *parsed;
  const bool tdx = q.is_tdx();
  const size_t sig_end = q.signed_size + 4 + q.sig_data_len;
  if (q.trailing.empty()) {
    v.Add("padding", true, "no bytes after the signature data");
  } else if (q.trailing_all_zero()) {
    v.Add("padding", true,
          std::to_string(q.trailing.size()) + " zero bytes of padding after the signature data");
  } else {
    size_t first = 0;
    while (q.trailing[first] == 0) ++first;
    v.Add("padding", false,
          std::to_string(q.trailing.size()) + " bytes after the signature data are not zero "
          "padding (first non-zero byte at offset " + std::to_string(sig_end + first) + ")");
  }
  const bool intel_qe = q.header.qe_vendor_id == kIntelQeVendorId;
  v.Add("qe_vendor", intel_qe,
        intel_qe ? "Intel's quoting enclave (vendor ID 939a7233…)"
                 : "QE vendor ID " + ToHex(q.header.qe_vendor_id) + " is not Intel's");
  if (!q.qe) {
    v.Add("certification_data", false,
          "certification data type " + std::to_string(q.outer.type) + " (" +
              CertDataTypeName(q.outer.type) +
              ") carries no QE report; only type 6 (QE_REPORT_CERTIFICATION_DATA) is verifiable");
    return v;
  }
  const QeReportCertData& qe = *q.qe;
  if (!v.Add("certification_data", qe.inner.type == 5,
             qe.inner.type == 5
                 ? std::string(q.header.version == 3 ? "" : "QE_REPORT_CERTIFICATION_DATA with ") +
                       "a PCK certificate chain (type 5, " + std::to_string(qe.inner.data.size()) +
                       " bytes)"
                 : "certification data type " + std::to_string(qe.inner.type) + " (" +
                       CertDataTypeName(qe.inner.type) +
                       ") carries no PCK certificate chain; only type 5 is supported")) {
    return v;
  }

  // PCK chain.
  auto pck = Chain(qe.inner.data, in);
  if (!v.Add("pck_chain", pck->error.empty(), pck->error.empty() ? pck->description : pck->error)) {
    return v;
  }
  v.simulated = !pck->builtin_anchor;
  v.trust_anchor = pck->anchor_name;
  if (!v.Add("pck_certificate", pck->leaf_error.empty(),
             pck->leaf_error.empty() ? pck->leaf_detail : pck->leaf_error)) {
    return v;
  }
  const PckExtensions& ext = pck->ext;
  const Certificate& leaf = pck->chain[0];
  const Certificate& pck_ca = pck->chain[1];
  const std::string anchor = Raw(pck->chain[2].sha256());

  // Collateral.
  if (!in.collateral) {
    v.Add("collateral", false,
          "no collateral given (--collateral FOLDER|BUNDLE: TCB Info, QE Identity, CRLs)");
    return v;
  }
  auto col = Collateral(in);
  if (!v.Add("collateral", col->parse_error.empty(),
             col->parse_error.empty() ? "collateral from " + in.collateral->source +
                                            " parsed (TCB Info " + col->tcb_info.id + " v" +
                                            std::to_string(col->tcb_info.version) +
                                            ", QE Identity " + col->qe_identity.id + ")"
                                      : col->parse_error)) {
    return v;
  }
  const CollateralState& cs = *col;
  const ValidationOptions& o = in.validation;

  // Root CA CRL: signed by our anchor and current.
  {
    std::string err = cs.root_crl_error;
    if (err.empty() && cs.root_crl_anchor != anchor) {
      err = "Root CA CRL is issued by another root than the PCK chain's";
    }
    if (err.empty()) {
      err = WindowError("Root CA CRL", cs.root_crl.ThisUpdate(),
                        o.allow_stale_crl ? INT64_MAX : cs.root_crl.NextUpdate().value_or(0), in.at,
                        "thisUpdate", "nextUpdate");
    }
    v.Add("root_ca_crl", err.empty(),
          err.empty() ? "Root CA CRL signed by the root, current (nextUpdate " +
                            cs.root_crl_next_text + ")"
                      : err);
  }
  // PCK CRL: issued by the PCK leaf's issuer (raw name comparison, as Intel's QVL does).
  bool pck_crl_ok = false;
  {
    std::string err;
    if (X509_NAME_cmp(X509_get_issuer_name(leaf.get()), X509_CRL_get_issuer(cs.pck_crl.get())) != 0) {
      err = "PCK CRL is issued by " + cs.pck_crl.Issuer() + ", the PCK certificate by " +
            leaf.Issuer();
    } else if (!cs.pck_crl_error.empty()) {
      err = cs.pck_crl_error;
    } else if (cs.pck_crl_anchor != anchor) {
      err = "PCK CRL is signed by a CA outside the PCK chain's trust anchor";
    } else {
      err = WindowError("PCK CRL", cs.pck_crl.ThisUpdate(),
                        o.allow_stale_crl ? INT64_MAX : cs.pck_crl.NextUpdate().value_or(0), in.at,
                        "thisUpdate", "nextUpdate");
    }
    pck_crl_ok = err.empty();
    v.Add("pck_crl", pck_crl_ok,
          pck_crl_ok ? "PCK CRL of the PCK CA, current (nextUpdate " + cs.pck_crl_next_text + ")"
                     : err);
  }
  {
    std::string err;
    if (!pck_crl_ok || !cs.root_crl_error.empty()) {
      err = "revocation cannot be checked without a valid PCK CRL and Root CA CRL";
    } else if (cs.pck_crl_revoked.count(pck->leaf_serial) > 0) {
      err = "the PCK certificate " + leaf.Describe() + " is revoked by the PCK CRL";
    } else if (cs.root_crl_revoked.count(pck->intermediate_serial) > 0) {
      err = pck_ca.Describe() + " is revoked by the Root CA CRL";
    }
    v.Add("pck_revocation", err.empty(),
          err.empty() ? "PCK certificate and PCK CA not revoked" : err);
  }

  // Signed collateral: signature (cached) and dates (now).
  auto signed_check = [&](const char* name, const char* what, const CollateralState::Signed& sg,
                          UnixTime issue, UnixTime next, const std::string& next_text) {
    std::string err = sg.error;
    if (err.empty() && sg.anchor != anchor) err = std::string(what) + " is signed under another root";
    std::string used;
    if (err.empty()) {
      err = WindowError(what, issue, next, in.at, "issueDate", "nextUpdate");
    }
    if (err.empty()) {
      // Any version of the TCB signing certificate valid now (re-issued 2025, same key).
      std::string cert_err;
      for (size_t i = 0; i < sg.signers.size(); ++i) {
        const Certificate& c = sg.signers[i];
        if (in.at >= c.NotBefore() && in.at <= c.NotAfter()) {
          used = sg.signer_texts[i];
          cert_err.clear();
          break;
        }
        if (cert_err.empty()) cert_err = CertWindowError(c, in.at, "TCB signing");
      }
      if (used.empty()) err = cert_err;
    }
    if (err.empty() && sg.signer_revoked) {
      err = "the TCB signing certificate is revoked by the Root CA CRL";
    }
    v.Add(name, err.empty(),
          err.empty() ? std::string(what) + " signature verifies (TCB signing certificate " + used +
                            "); current until " + next_text
                      : err);
  };
  signed_check("tcb_info", "TCB Info", cs.tcb, cs.tcb_info.issue_date, cs.tcb_info.next_update,
               cs.tcb_next_text);
  signed_check("qe_identity_signature", "QE Identity", cs.qe, cs.qe_identity.issue_date,
               cs.qe_identity.next_update, cs.qe_next_text);

  const std::string at_text = FormatTime(in.at);
  // PCK chain validity now.
  {
    static const char* kRoles[3] = {"PCK", "PCK CA", "root CA"};
    std::string err;
    for (size_t i = 0; i < 3 && err.empty(); ++i) err = CertWindowError(pck->chain[i], in.at, kRoles[i]);
    v.Add("certificate_validity", err.empty(),
          err.empty() ? "PCK, PCK CA and root valid at " + at_text : err);
  }

  // TCB Info fits the quote.
  const TcbInfo& ti = cs.tcb_info;
  const bool tcb_id_ok = ti.id == (tdx ? "TDX" : "SGX");
  v.Add("tcb_info_tee", tcb_id_ok,
        tcb_id_ok ? "TCB Info id " + ti.id + " fits the " + std::string(tdx ? "TDX" : "SGX") + " quote"
                  : "TCB Info id '" + ti.id + "' for a" + (tdx ? " TDX" : "n SGX") + " quote");
  const bool fmspc_ok = ti.fmspc == ext.fmspc && ti.pce_id == ext.pce_id;
  v.Add("fmspc_match", fmspc_ok,
        fmspc_ok ? "FMSPC " + ToHex(ext.fmspc) + " and PCE-ID " + ToHex(ext.pce_id) +
                       " of the PCK certificate match the TCB Info"
                 : "PCK certificate FMSPC " + ToHex(ext.fmspc) + " / PCE-ID " + ToHex(ext.pce_id) +
                       ", TCB Info FMSPC " + ToHex(ti.fmspc) + " / PCE-ID " + ToHex(ti.pce_id));

  // TDX module identity (QVL TdxModuleCheck).
  bool module_ok = true;
  if (tdx) {
    std::string err;
    const uint8_t major = q.td.tee_tcb_svn[1];
    const TdxModule* m = nullptr;
    std::string which = "tdxModule";
    if (major == 0) {
      if (ti.tdx_module) m = &*ti.tdx_module;
    } else {
      which = ModuleIdentityId(major);
      for (const auto& id : ti.tdx_module_identities) {
        if (id.id == which) m = &id.module;
      }
    }
    if (m == nullptr) {
      err = "TCB Info has no " + which + (major == 0 ? "" : " module identity") +
            " for TEE_TCB_SVN " + ToHex(q.td.tee_tcb_svn);
    } else if (m->mrsigner != q.td.mr_signer_seam) {
      err = "MRSIGNERSEAM " + ToHex(q.td.mr_signer_seam) + " is not " + which + ".mrsigner " +
            ToHex(m->mrsigner);
    } else {
      uint64_t attrs = 0, mask = 0;
      for (size_t i = 0; i < 8; ++i) {
        attrs |= uint64_t{m->attributes[i]} << (8 * i);
        mask |= uint64_t{m->attributes_mask[i]} << (8 * i);
      }
      if (q.td.seam_attributes != 0 || (q.td.seam_attributes & mask) != attrs) {
        err = "SEAMATTRIBUTES " + Le64Hex(q.td.seam_attributes) + " do not match " + which;
      }
    }
    module_ok = err.empty();
    v.Add("tdx_module", module_ok,
          module_ok ? "MRSIGNERSEAM and SEAMATTRIBUTES match " + which : err);
  }

  // QE report: signed by the PCK key, binds the attestation key.
  ByteSpan qe_bytes = QeReportBytes(bytes, q);
  auto qe_digest = Sha256Of({qe_bytes});
  auto qe_sig = VerifyP256(leaf.PublicKey(), qe_digest, qe.qe_report_signature);
  v.Add("qe_report_signature", qe_sig.has_value(),
        qe_sig ? "QE report signed by the PCK key"
               : qe_sig.error().message + " (QE report with the PCK key)");
  {
    const std::array<uint8_t, 32> binding = Sha256Of({q.attest_key, qe.qe_auth_data});
    const bool ok = !AllZero(binding);
    const auto& rd = qe.qe_report.report_data;
    bool bound = ok && std::equal(binding.begin(), binding.end(), rd.begin()) &&
                 AllZero(ByteSpan(rd).subspan(32));
    v.Add("qe_report_data", bound,
          bound ? "QE REPORTDATA = SHA-256(attestation key || QE authentication data)"
                : "QE REPORTDATA " + ToHex(ByteSpan(rd).first(32)) +
                      " is not SHA-256(attestation key || QE authentication data) " +
                      ToHex(binding) + (AllZero(ByteSpan(rd).subspan(32)) ? "" : " (or bytes 32-63 are not zero)"));
  }

  // QE identity.
  const QeIdentity& qi = cs.qe_identity;
  const bool qe_id_ok = qi.id == (tdx ? "TD_QE" : "QE");
  v.Add("qe_identity", qe_id_ok,
        qe_id_ok ? "QE Identity id " + qi.id + " fits the quote"
                 : "QE Identity id '" + qi.id + "' for a" + (tdx ? " TDX quote (want TD_QE)"
                                                                  : "n SGX quote (want QE)"));
  {
    const SgxReportBody& r = qe.qe_report;
    std::string err;
    if ((r.misc_select & qi.miscselect_mask) != (qi.miscselect & qi.miscselect_mask)) {
      err = "QE MISCSELECT " + HexU64(r.misc_select, 4) + " does not match under the mask";
    }
    for (size_t i = 0; i < 16 && err.empty(); ++i) {
      if ((r.attributes[i] & qi.attributes_mask[i]) != (qi.attributes[i] & qi.attributes_mask[i])) {
        err = "QE ATTRIBUTES " + ToHex(r.attributes) + " do not match " + ToHex(qi.attributes) +
              " under the mask " + ToHex(qi.attributes_mask);
      }
    }
    if (err.empty() && r.mr_signer != qi.mrsigner) {
      err = "QE MRSIGNER " + ToHex(r.mr_signer) + " is not " + ToHex(qi.mrsigner);
    }
    if (err.empty() && r.isv_prod_id != qi.isvprodid) {
      err = "QE ISVPRODID " + std::to_string(r.isv_prod_id) + " is not " +
            std::to_string(qi.isvprodid);
    }
    v.Add("qe_identity_match", err.empty(),
          err.empty() ? "QE report matches the QE Identity (MRSIGNER, ISVPRODID, masked "
                        "MISCSELECT and ATTRIBUTES)"
                      : err);
  }

  // Quote signature with the attestation key.
  {
    auto key = AttestKey(q.attest_key);
    Status st = key ? VerifyP256(key->get(), Sha256Of({SignedPart(bytes, q)}), q.signature)
                    : Status(tl::unexpected(key.error()));
    v.Add("quote_signature", st.has_value(),
          st ? "ECDSA P-256 over the header and body (" + std::to_string(q.signed_size) +
                   " bytes) verifies with the attestation key"
             : st.error().message);
  }

  // TCB status.
  Json claims = QuoteClaims(q);
  claims["fmspc"] = ToHex(ext.fmspc);
  claims["pce_id"] = ToHex(ext.pce_id);
  Json tcb_json = Json::object();
  if (tcb_id_ok && fmspc_ok && qe_id_ok && module_ok) {
    QeTcbResult qe_tcb = EvaluateQeTcb(qi, qe.qe_report.isv_svn);
    std::optional<TdInputs> td;
    if (tdx) {
      td = TdInputs{q.td.tee_tcb_svn, std::nullopt};
      if (q.body_type == BodyType::kTd15) td->tee_tcb_svn2 = q.td.tee_tcb_svn2;
    }
    TcbEvaluation e = EvaluateTcb(ti, ext, td, qi, qe_tcb);
    bool allowed = StatusAllowed(e.status, o) && e.status != TcbStatus::kTcbNotSupported;
    std::string allowed_text;
    for (TcbStatus s : o.allowed_statuses) allowed_text += ", " + std::string(TcbStatusName(s));
    v.Add("tcb_status", allowed,
          e.detail + (e.advisory_ids.empty() ? "" : "; advisories " + Join(e.advisory_ids)) +
              (allowed ? "" : (e.status == TcbStatus::kTcbNotSupported
                                   ? std::string("; TCB not supported")
                                   : "; accepted statuses: UpToDate" + allowed_text +
                                         " (--allow-tcb-status)")));
    claims["tcb_status"] = std::string(TcbStatusName(e.status));
    claims["advisory_ids"] = e.advisory_ids;
    tcb_json["status"] = std::string(TcbStatusName(e.status));
    tcb_json["advisory_ids"] = e.advisory_ids;
    tcb_json["advisory_ids_incl_qe_and_module"] = e.advisory_ids_all;
    tcb_json["platform_status"] =
        e.platform_status ? Json(std::string(TcbStatusName(*e.platform_status))) : Json();
    tcb_json["matched_tcb_date"] = e.level ? Json(ti.tcb_levels[*e.level].tcb_date_text) : Json();
    tcb_json["qe_identity_status"] = std::string(TcbStatusName(qe_tcb.status));
    if (tdx) {
      tcb_json["tdx_module_identity"] = e.module_identity ? Json(*e.module_identity) : Json();
      tcb_json["tdx_module_status"] =
          e.module_status ? Json(std::string(TcbStatusName(*e.module_status))) : Json();
    }
    tcb_json["tcb_evaluation_data_number"] = ti.tcb_evaluation_data_number;
    if (!o.forbidden_advisories.empty()) {
      std::vector<std::string> hit;
      for (const auto& a : e.advisory_ids_all) {
        if (o.forbidden_advisories.count(a) > 0) hit.push_back(a);
      }
      v.Add("advisories", hit.empty(),
            hit.empty() ? "no forbidden advisory applies" : "forbidden advisories: " + Join(hit));
    }
  } else {
    v.Add("tcb_status", false, "not evaluated: the collateral does not fit this quote");
  }
  claims["tcb"] = tcb_json;

  // Validation options.
  const bool debug = tdx ? q.td.debug() : q.sgx.debug();
  v.Add("debug", !debug || o.allow_debug,
        !debug ? (tdx ? "TD is not debuggable (TDATTRIBUTES.DEBUG = 0)"
                      : "enclave is not debuggable (ATTRIBUTES.DEBUG = 0)")
        : o.allow_debug ? "debuggable; accepted because of --allow-debug"
                        : std::string(tdx ? "TD is debuggable (TDATTRIBUTES.DEBUG = 1)"
                                          : "enclave is debuggable (ATTRIBUTES.DEBUG = 1)") +
                              ": its memory is readable by the host; pass --allow-debug to accept");
  for (const auto& [name, want] : o.expect) {
    ByteSpan actual = ExpectedField(q, name);
    if (actual.empty()) {
      v.Add("expect_" + name, false,
            "'" + name + "' is not a field of this " + std::string(TeeName(tdx)) + " quote");
      continue;
    }
    bool ok = MatchesExpected(actual, want, name == "report_data");
    v.Add("expect_" + name, ok,
          ok ? name + " matches" : name + " is " + ToHex(actual) + ", expected " + ToHex(want));
  }
  if (tdx) {
    if (o.td_attributes) {
      bool ok = (q.td.td_attributes & o.td_attributes_mask) ==
                (*o.td_attributes & o.td_attributes_mask);
      v.Add("td_attributes", ok,
            "TDATTRIBUTES " + Le64Hex(q.td.td_attributes) + (ok ? " match " : " differ from ") +
                Le64Hex(*o.td_attributes));
    }
    if (o.xfam) {
      bool ok = (q.td.xfam & o.xfam_mask) == (*o.xfam & o.xfam_mask);
      v.Add("xfam", ok, "XFAM " + Le64Hex(q.td.xfam) + (ok ? " matches " : " differs from ") +
                            Le64Hex(*o.xfam));
    }
    if (o.require_sept_ve_disable) {
      bool ok = (q.td.td_attributes & (uint64_t{1} << 28)) != 0;
      v.Add("sept_ve_disable", ok, ok ? "SEPT_VE_DISABLE set" : "SEPT_VE_DISABLE is not set");
    }
    if (o.min_tee_tcb_svn) {
      std::string low;
      for (size_t i = 0; i < 16; ++i) {
        if (q.td.tee_tcb_svn[i] < (*o.min_tee_tcb_svn)[i]) {
          low += (low.empty() ? "" : ", ") + ("byte " + std::to_string(i));
        }
      }
      v.Add("min_tee_tcb_svn", low.empty(),
            "TEE_TCB_SVN " + ToHex(q.td.tee_tcb_svn) + (low.empty() ? " at least " : " below ") +
                ToHex(*o.min_tee_tcb_svn) + (low.empty() ? "" : " (" + low + ")"));
    }
  } else {
    if (o.isv_prod_id) {
      bool ok = q.sgx.isv_prod_id == *o.isv_prod_id;
      v.Add("isv_prod_id", ok, "ISVPRODID " + std::to_string(q.sgx.isv_prod_id) +
                                   (ok ? "" : ", expected " + std::to_string(*o.isv_prod_id)));
    }
    if (o.min_isv_svn) {
      bool ok = q.sgx.isv_svn >= *o.min_isv_svn;
      v.Add("min_isv_svn", ok, "ISVSVN " + std::to_string(q.sgx.isv_svn) + (ok ? " >= " : " < ") +
                                   std::to_string(*o.min_isv_svn));
    }
  }

  claims["pck"] = pck->claims;
  claims["qe_report"] = Json{{"mr_enclave", ToHex(qe.qe_report.mr_enclave)},
                             {"mr_signer", ToHex(qe.qe_report.mr_signer)},
                             {"isv_prod_id", qe.qe_report.isv_prod_id},
                             {"isv_svn", qe.qe_report.isv_svn}};
  v.claims = std::move(claims);
  // The cached parts are shared with the collateral state and the PCK chain, not copied.
  v.shared_collateral.emplace_back("", std::shared_ptr<const Json>(col, &cs.json));
  v.shared_collateral.emplace_back("certificates", std::shared_ptr<const Json>(pck, &pck->json));
  v.collateral["verification_time"] = at_text;
  v.MarkComplete();
  return v;
}

const std::map<std::string, size_t>& ExpectableTdxFields() {
  static const std::map<std::string, size_t> f = {
      {"mr_td", 48},        {"rtmr0", 48},          {"rtmr1", 48},
      {"rtmr2", 48},        {"rtmr3", 48},          {"mr_seam", 48},
      {"mr_signer_seam", 48}, {"mr_config_id", 48}, {"mr_owner", 48},
      {"mr_owner_config", 48}, {"report_data", 64}, {"mr_servicetd", 48}};
  return f;
}

const std::map<std::string, size_t>& ExpectableSgxFields() {
  static const std::map<std::string, size_t> f = {
      {"mr_enclave", 32}, {"mr_signer", 32}, {"report_data", 64}, {"config_id", 64}};
  return f;
}

}  // namespace veritee::dcap
