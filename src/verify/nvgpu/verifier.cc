#include "verify/nvgpu/verifier.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/nvgpu/claims.h"
#include "parse/nvgpu/dice.h"
#include "parse/nvgpu/evidence_json.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/spdm.h"
#include "trust/nvidia_roots.h"
#include "verify/nvgpu/xmldsig.h"

namespace veritee::nvgpu {

struct NvgpuVerifier::CachedChain {
  std::vector<Certificate> chain;  // leaf … root
  bool builtin_anchor = false;
  std::string anchor_name;
  std::string key_error;           // non-empty when the leaf key is not EC P-384
  std::optional<Result<DiceTcbInfo>> tcb_info;  // nullopt: no FWID extension
  std::string tcb_oid;
  std::string arch;                // "hopper", "blackwell", "unknown"
  std::string chip;                // "GH100", "GB100", … from the leaf CN
  std::string device_id;           // serialNumber of the per-device (BROM) certificate
  std::string description;
  Json certificates = Json::array();
};

struct NvgpuVerifier::CachedRim {
  std::optional<Rim> rim;
  std::string parse_detail;
  bool signature_ok = false;
  std::string signature_detail;
  std::optional<std::vector<Certificate>> chain;  // set when it verified
  std::vector<Certificate> key_info;              // the KeyInfo certificates, leaf first
  std::string chain_detail;
  bool builtin_anchor = false;
  std::string anchor;
  Json certificates = Json::array();
};

namespace {

constexpr std::string_view kTee = "nvidia-gpu";
constexpr uint32_t kNvdecRimIndex = 35;

std::string AnchorName(const Certificate& anchor, bool builtin) {
  return anchor.SubjectCn() + (builtin ? " (built-in" : " (from --trust-root") + ", SHA-256 " +
         anchor.Sha256Hex() + ")";
}

Json CertJson(const Certificate& c) {
  return Json{{"subject", c.SubjectCn()},  {"serial", "0x" + c.SerialHex()},
              {"sha256", c.Sha256Hex()},    {"not_before", FormatTime(c.NotBefore())},
              {"not_after", FormatTime(c.NotAfter())}};
}

std::string SubjectSerialNumber(const Certificate& c) {
  X509_NAME* name = X509_get_subject_name(c.get());
  int i = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (i < 0) return {};
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  const unsigned char* p = ASN1_STRING_get0_data(s);
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string Short(const std::string& hex) { return hex.size() > 16 ? hex.substr(0, 16) + "…" : hex; }

// Which RIM covers which measurement, and how the comparison went.
struct Comparison {
  std::vector<std::string> mismatches;  // "driver RIM index 7 (block 8): …"
  std::vector<uint32_t> conflicts;
  size_t matched = 0;
  std::vector<uint32_t> skipped;
};

Comparison Compare(const AttestationReport& report, const NvidiaOpaque& opaque,
                   const std::vector<std::pair<std::string, const Rim*>>& rims) {
  Comparison c;
  std::map<uint32_t, std::string> owner;
  for (const auto& [kind, rim] : rims) {
    for (uint32_t i : rim->ActiveIndices()) {
      auto [it, inserted] = owner.emplace(i, kind);
      if (!inserted) c.conflicts.push_back(i);
    }
  }
  const bool nvdec_disabled = opaque.nvdec0_status && *opaque.nvdec0_status == kStatusDisabled;
  for (const auto& [kind, rim] : rims) {
    for (const RimMeasurement& m : rim->measurements) {
      if (!m.active) continue;
      if (m.index == kNvdecRimIndex && nvdec_disabled) {
        c.skipped.push_back(m.index);
        continue;
      }
      const std::string where = kind + " RIM index " + std::to_string(m.index) + " (block " +
                                std::to_string(m.index + 1) + ")";
      const MeasurementBlock* b =
          m.index + 1 <= 0xFE ? report.Block(static_cast<uint8_t>(m.index + 1)) : nullptr;
      if (b == nullptr) {
        c.mismatches.push_back(where + ": the report has no such block");
        continue;
      }
      if (!b->is_digest() || b->value.size() != kDigestSize) {
        c.mismatches.push_back(where + ": the block is not a 48-byte digest");
        continue;
      }
      bool found = std::any_of(m.alternatives.begin(), m.alternatives.end(), [&](const auto& a) {
        return std::equal(a.begin(), a.end(), b->value.begin());
      });
      if (found) {
        ++c.matched;
      } else {
        c.mismatches.push_back(where + ": report " + Short(ToHex(b->value)) + " matches none of " +
                               std::to_string(m.alternatives.size()) + " golden value(s) (" +
                               Short(ToHex(m.alternatives[0])) + ")");
      }
    }
  }
  return c;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Indices(const std::vector<uint32_t>& v) {
  std::vector<std::string> s;
  for (uint32_t i : v) s.push_back(std::to_string(i));
  return Join(s, ", ");
}

}  // namespace

const std::map<std::string, size_t>& ExpectableFields() {
  static const std::map<std::string, size_t> fields = {{"nonce", kNonceSize},
                                                       {"fwid", kDigestSize}};
  return fields;
}

Result<Bytes> ParseExpectValue(const std::string& name, const std::string& hex) {
  auto it = ExpectableFields().find(name);
  if (it == ExpectableFields().end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + name + "' is not an NVIDIA GPU field (nonce, fwid)");
  }
  auto bytes = FromHex(hex);
  if (!bytes || bytes->size() != it->second) {
    return MakeError(ErrorCode::kInvalidArgument,
                     name + " wants " + std::to_string(2 * it->second) + " hex digits");
  }
  return *bytes;
}

NvgpuVerifier::NvgpuVerifier() = default;
NvgpuVerifier::~NvgpuVerifier() = default;

size_t NvgpuVerifier::cached_chains() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chains_.size();
}

size_t NvgpuVerifier::cached_rims() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rims_.size();
}

Result<std::vector<Certificate>> NvgpuVerifier::RimAnchors(std::span<const Certificate> extra) {
  VT_ASSIGN_OR_RETURN(const Certificate* root, trust::BuiltinNvidiaRimRoot());
  std::vector<Certificate> anchors = {*root};
  anchors.insert(anchors.end(), extra.begin(), extra.end());
  return anchors;
}

Result<std::shared_ptr<const NvgpuVerifier::CachedChain>> NvgpuVerifier::Chain(
    const std::vector<Certificate>& certs, std::span<const Certificate> extra_roots) {
  std::string key;
  for (const Certificate& c : certs) key.append(reinterpret_cast<const char*>(c.sha256().data()), 32);
  key += '|';
  for (const Certificate& c : extra_roots) {
    key.append(reinterpret_cast<const char*>(c.sha256().data()), 32);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = chains_.find(key); it != chains_.end()) return it->second;
  }
  VT_ASSIGN_OR_RETURN(const Certificate* root, trust::BuiltinNvidiaDeviceRoot());
  // The leaf is the first certificate that is not a CA (the chain files are leaf first).
  const Certificate* leaf = nullptr;
  for (const Certificate& c : certs) {
    if (X509_check_ca(c.get()) == 0) {
      leaf = &c;
      break;
    }
  }
  if (leaf == nullptr) {
    return MakeError(ErrorCode::kChainInvalid, "no end-entity (attestation) certificate given");
  }
  std::vector<Certificate> intermediates;
  for (const Certificate& c : certs) {
    if (&c != leaf) intermediates.push_back(c);
  }
  std::vector<Certificate> anchors = {*root};
  anchors.insert(anchors.end(), extra_roots.begin(), extra_roots.end());
  VT_ASSIGN_OR_RETURN(auto chain, BuildChain(*leaf, intermediates, anchors));
  auto e = std::make_shared<CachedChain>();
  const Certificate& anchor = chain.back();
  e->builtin_anchor = anchor.sha256() == root->sha256();
  e->anchor_name = AnchorName(anchor, e->builtin_anchor);
  auto curve = EcCurveName(leaf->PublicKey());
  if (!curve || *curve != "secp384r1") {
    e->key_error = "the attestation key is " + DescribeKey(leaf->PublicKey()) + ", not EC P-384";
  }
  for (const CertExtension& ext : leaf->Extensions()) {
    if (ext.oid != kHopperFwidOid && ext.oid != kBlackwellFwidOid) continue;
    if (e->tcb_info) {
      e->tcb_info = Result<DiceTcbInfo>(
          MakeError(ErrorCode::kMalformed, "two TCG DICE TcbInfo extensions in the leaf"));
      break;
    }
    e->tcb_oid = ext.oid;
    e->tcb_info = ParseDiceTcbInfo(ext.value);
  }
  const std::string cn = leaf->SubjectCn();
  e->chip = cn.substr(0, cn.find(' '));
  e->arch = e->chip.rfind("GH", 0) == 0 ? "hopper" : e->chip.rfind("GB", 0) == 0 ? "blackwell"
                                                                                 : "unknown";
  if (chain.size() > 1) e->device_id = SubjectSerialNumber(chain[1]);
  std::string names;
  for (size_t i = 0; i + 1 < chain.size(); ++i) names += chain[i].SubjectCn() + " → ";
  e->description = names + e->anchor_name;
  for (const Certificate& c : chain) e->certificates.push_back(CertJson(c));
  e->chain = std::move(chain);

  std::lock_guard<std::mutex> lock(mu_);
  if (chains_.size() >= kMaxCached) chains_.clear();
  auto [it, inserted] = chains_.emplace(std::move(key), std::move(e));
  (void)inserted;
  return it->second;
}

std::shared_ptr<const NvgpuVerifier::CachedRim> NvgpuVerifier::RimEntry(
    const RimFile& file, std::span<const Certificate> anchors) {
  const auto digest = Sha256(file.xml);
  std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  key += '|';
  for (const Certificate& c : anchors) key.append(reinterpret_cast<const char*>(c.sha256().data()), 32);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = rims_.find(key); it != rims_.end()) return it->second;
  }
  auto e = std::make_shared<CachedRim>();
  auto doc = ParseXmlDocument(file.xml);
  auto rim = doc ? RimFromDocument(doc->get()) : Result<Rim>(tl::unexpected(doc.error()));
  if (!rim) {
    e->parse_detail = rim.error().ToString();
  } else {
    e->rim = *rim;
    e->parse_detail = "SWID tag " + rim->name + " " + rim->colloquial_version + ", " +
                      std::to_string(rim->measurements.size()) + " measurements, " +
                      std::to_string(rim->ActiveIndices().size()) + " active";
    for (const Bytes& der : rim->signature.certificates) {
      auto cert = Certificate::FromDer(der);
      if (!cert) {
        e->chain_detail = "KeyInfo certificate: " + cert.error().ToString();
        e->signature_detail = e->chain_detail;
        e->key_info.clear();
        break;
      }
      e->key_info.push_back(*cert);
    }
    if (e->key_info.empty()) {
      if (e->chain_detail.empty()) e->chain_detail = "no certificate in KeyInfo/X509Data";
      e->signature_detail = e->chain_detail;
    } else {
      const Certificate& leaf = e->key_info.front();
      auto st = VerifyRimXmlSignature(doc->get(), rim->signature, leaf.PublicKey());
      e->signature_ok = st.has_value();
      e->signature_detail = st ? "enveloped XML-DSig (ecdsa-sha384, sha384, " +
                                     rim->signature.references[0].transforms[1].substr(
                                         rim->signature.references[0].transforms[1].rfind('/') + 1) +
                                     ") verifies with " + leaf.SubjectCn()
                               : st.error().message + " (" + leaf.SubjectCn() + ")";
      ClearOpenSslErrors();
      std::vector<Certificate> rest(e->key_info.begin() + 1, e->key_info.end());
      auto chain = BuildChain(leaf, rest, anchors);
      if (chain) {
        const Certificate& anchor = chain->back();
        auto builtin = trust::BuiltinNvidiaRimRoot();
        e->builtin_anchor = builtin && (*builtin)->sha256() == anchor.sha256();
        e->anchor = AnchorName(anchor, e->builtin_anchor);
        std::string names;
        for (size_t i = 0; i + 1 < chain->size(); ++i) names += (*chain)[i].SubjectCn() + " → ";
        e->chain_detail = names + e->anchor;
        for (const Certificate& c : *chain) e->certificates.push_back(CertJson(c));
        e->chain = std::move(*chain);
      } else {
        e->chain_detail = chain.error().ToString() + "; RIMs must chain to the NVIDIA CoRIM "
                                                     "signing Root CA";
        for (const Certificate& c : e->key_info) e->certificates.push_back(CertJson(c));
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (rims_.size() >= kMaxCached) rims_.clear();
  auto [it, inserted] = rims_.emplace(std::move(key), std::move(e));
  (void)inserted;
  return it->second;
}

RimVerification NvgpuVerifier::VerifyRim(const RimFile& file, UnixTime at,
                                         std::span<const Certificate> anchors) {
  RimVerification out;
  out.file = file.name;
  auto e = RimEntry(file, anchors);
  out.rim = e->rim;
  out.parse_detail = e->parse_detail;
  out.signature_ok = e->signature_ok;
  out.signature_detail = e->signature_detail;
  out.chain_ok = e->chain.has_value();
  out.chain_detail = e->chain_detail;
  out.builtin_anchor = e->builtin_anchor;
  out.anchor = e->anchor;
  out.certificates = e->certificates;
  if (e->chain) {
    static constexpr const char* kRoles[] = {"RIM signer", "RIM L3 CA", "RIM CA", "RIM root"};
    out.validity_ok = true;
    out.validity_detail = "the RIM signing chain is valid at " + FormatTime(at);
    for (size_t i = 0; i < e->chain->size(); ++i) {
      auto st = CheckValidAt((*e->chain)[i], at, kRoles[std::min<size_t>(i, 3)]);
      if (!st) {
        out.validity_ok = false;
        out.validity_detail = st.error().message + " (RIMs are verified as of --at)";
        break;
      }
    }
  } else {
    out.validity_detail = "no chain";
  }
  return out;
}

std::optional<Json> NvgpuVerifier::VerifyInto(Verification& v, const std::string& p,
                                              ByteSpan bytes, const std::vector<Certificate>& certs,
                                              const VerifyInputs& in, Json& collateral) {
  auto parsed = ParseAttestationReport(bytes);
  if (!v.Add(p + "parse", parsed.has_value(),
             parsed ? "SPDM 1.1 GET_MEASUREMENTS request + MEASUREMENTS response, " +
                          std::to_string(bytes.size()) + " bytes, " +
                          std::to_string(parsed->response.blocks.size()) + " measurement blocks"
                    : parsed.error().ToString())) {
    return std::nullopt;
  }
  const AttestationReport& r = *parsed;
  auto opaque = DecodeOpaque(r.response.opaque);
  if (!v.Add(p + "opaque_data", opaque.has_value(),
             opaque ? std::to_string(r.response.opaque.size()) + " NVIDIA opaque fields" +
                          (opaque->other.empty()
                               ? std::string()
                               : ", " + std::to_string(opaque->other.size()) + " of unknown type")
                    : opaque.error().ToString())) {
    return std::nullopt;
  }
  const NvidiaOpaque& o = *opaque;

  if (certs.empty()) {
    v.Add(p + "certificate_chain", false,
          "no device certificate chain given (pass it with --cert CHAIN.pem)");
    return std::nullopt;
  }
  auto chain = Chain(certs, in.extra_roots);
  if (!v.Add(p + "certificate_chain", chain.has_value(),
             chain ? (*chain)->description
                   : chain.error().ToString() +
                         "; the trusted root is the built-in NVIDIA Device Identity CA" +
                         (in.extra_roots.empty()
                              ? std::string()
                              : " and " + std::to_string(in.extra_roots.size()) +
                                    " --trust-root certificate(s)"))) {
    return std::nullopt;
  }
  const CachedChain& cc = **chain;
  if (!cc.builtin_anchor) v.simulated = true;
  if (v.trust_anchor.empty()) v.trust_anchor = cc.anchor_name;
  if (!v.Add(p + "attestation_key", cc.key_error.empty(),
             cc.key_error.empty() ? cc.chain.front().SubjectCn() + " key is EC P-384"
                                  : cc.key_error)) {
    return std::nullopt;
  }
  std::string validity;
  for (const Certificate& c : cc.chain) {
    auto st = CheckValidAt(c, in.at, c.SubjectCn());
    if (!st) {
      validity = st.error().message;
      break;
    }
  }
  v.Add(p + "certificate_validity", validity.empty(),
        validity.empty() ? "every device certificate is valid at " + FormatTime(in.at) : validity);

  // The signature over the exact received bytes.
  auto digest = Sha384(SignedPart(bytes));
  auto sig = VerifyEcdsaDigest(cc.chain.front().PublicKey(), digest, SignatureOf(bytes),
                               EcdsaFormat::kRawBigEndian);
  const bool signature_ok = sig.has_value();
  v.Add(p + "report_signature", signature_ok,
        signature_ok ? "ECDSA P-384/SHA-384 over request ‖ response (bytes 0-" +
                           std::to_string(bytes.size() - kSignatureSize - 1) + ") verifies with " +
                           cc.chain.front().SubjectCn()
                     : sig.error().ToString() + " (request ‖ response with " +
                           cc.chain.front().SubjectCn() + ")");
  ClearOpenSslErrors();

  // FWID: the firmware the certificate was issued for is the firmware that reports.
  if (o.fwid) {
    if (!cc.tcb_info) {
      v.Add(p + "fwid", false,
            "the report carries a FWID but the attestation certificate has no TCG DICE "
            "TcbInfo extension (2.23.133.5.4.1 / 2.23.133.5.4.1.1)");
    } else if (!*cc.tcb_info) {
      v.Add(p + "fwid", false, "TcbInfo extension " + cc.tcb_oid + ": " +
                                   cc.tcb_info->error().ToString());
    } else {
      const Bytes* cert_fwid = (*cc.tcb_info)->Sha384Fwid();
      bool ok = cert_fwid != nullptr &&
                std::equal(cert_fwid->begin(), cert_fwid->end(), o.fwid->begin(), o.fwid->end());
      v.Add(p + "fwid", ok,
            cert_fwid == nullptr ? "the TcbInfo extension has no SHA-384 FWID"
            : ok ? "report FWID equals the certificate's (" + cc.tcb_oid + ") " +
                       Short(ToHex(*o.fwid))
                 : "report FWID " + ToHex(*o.fwid) + " != certificate FWID " +
                       ToHex(*cert_fwid));
    }
  } else {
    v.Note(p + "fwid not compared: the report has no FWID opaque field (drivers up to 545)");
  }

  // Expected values.
  for (const auto& [name, want] : in.validation.expect) {
    ByteSpan actual;
    if (name == "nonce") actual = r.request.nonce;
    if (name == "fwid" && o.fwid) actual = *o.fwid;
    bool ok = !actual.empty() && std::equal(want.begin(), want.end(), actual.begin(),
                                            actual.end());
    v.Add(p + name, ok,
          actual.empty() ? "the report has no " + name
          : ok           ? name + " matches"
                         : name + " is " + ToHex(actual) + ", expected " + ToHex(want));
  }
  if (!in.validation.expect.count("nonce")) {
    v.Note(p + "nonce not checked: pass --expect nonce=HEX (the challenge sent to the GPU) "
               "for freshness");
  }

  // Reference values.
  std::vector<std::pair<std::string, const Rim*>> compared;
  std::vector<std::shared_ptr<const CachedRim>> keep;
  Json rims = Json::array();
  if (!in.rims.empty()) {
    auto anchors = RimAnchors(in.extra_roots);
    if (!anchors) {
      v.Add(p + "rim", false, anchors.error().ToString());
      return std::nullopt;
    }
    std::set<std::string> kinds;
    for (const RimFile& file : in.rims) {
      RimVerification rv = VerifyRim(file, in.at, *anchors);
      if (!rv.rim) {
        v.Add(p + "rim_parse", false, file.name + ": " + rv.parse_detail);
        continue;
      }
      const Rim& rim = *rv.rim;
      const bool vbios = IsVbiosVersion(rim.colloquial_version);
      const std::string kind = vbios ? "vbios" : "driver";
      const std::string c = p + kind + "_rim";
      if (!kinds.insert(kind).second) {
        v.Add(c, false, "two " + kind + " RIMs given (" + file.name + ")");
        continue;
      }
      v.Add(c, true, file.name + ": " + rv.parse_detail);
      v.Add(c + "_signature", rv.signature_ok, rv.signature_detail);
      v.Add(c + "_chain", rv.chain_ok, rv.chain_detail);
      if (rv.chain_ok) {
        if (!rv.builtin_anchor) v.simulated = true;
        v.Add(c + "_validity", rv.validity_ok, rv.validity_detail);
      }
      const std::optional<std::string> reported =
          vbios ? (o.vbios_version ? std::optional(VbiosVersionText(*o.vbios_version))
                                   : std::nullopt)
                : o.driver_version;
      bool version_ok = reported && *reported == rim.colloquial_version;
      v.Add(c + "_version", version_ok,
            version_ok ? kind + " version " + *reported + " equals the RIM's"
            : reported ? "RIM is for " + kind + " " + rim.colloquial_version +
                             ", the report says " + *reported
                       : "the report carries no " + kind + " version");
      bool product_ok = rim.name == cc.chip;
      v.Add(c + "_product", product_ok,
            product_ok ? "RIM is for " + rim.name
                       : "RIM is for " + rim.name + ", the attestation certificate is " +
                             cc.chain.front().SubjectCn());
      rims.push_back(Json{{"file", file.name},
                          {"kind", kind},
                          {"tag_id", rim.tag_id},
                          {"version", rim.colloquial_version},
                          {"signature_valid", rv.signature_ok},
                          {"chain_valid", rv.chain_ok},
                          {"certificates", rv.certificates}});
      keep.push_back(RimEntry(file, *anchors));
      compared.emplace_back(kind, &*keep.back()->rim);
    }
    if (!compared.empty()) {
      Comparison cmp = Compare(r, o, compared);
      std::vector<std::string> problems;
      if (!cmp.conflicts.empty()) {
        problems.push_back("indices active in both RIMs: " + Indices(cmp.conflicts));
      }
      problems.insert(problems.end(), cmp.mismatches.begin(), cmp.mismatches.end());
      std::string skipped = cmp.skipped.empty()
                                ? std::string()
                                : "; index " + Indices(cmp.skipped) + " skipped (NVDEC0 disabled)";
      v.Add(p + "measurements", problems.empty(),
            problems.empty()
                ? std::to_string(cmp.matched) + " golden measurements equal the report's" + skipped
                : std::to_string(cmp.mismatches.size()) + " mismatch(es): " +
                      Join(problems, "; ") + skipped);
    }
    for (const char* kind : {"driver", "vbios"}) {
      if (kinds.count(kind)) continue;
      if (in.validation.require_rims) {
        v.Add(p + kind + "_rim", false, std::string("no ") + kind + " RIM given (--rim)");
      } else {
        v.Note(p + kind + " measurements not compared: no " + kind + " RIM given (--rim)");
      }
    }
  } else if (in.validation.require_rims) {
    v.Add(p + "rims", false, "no RIMs given (--rim DRIVER.xml --rim VBIOS.xml)");
  } else {
    v.Note(p + "measurements not compared with reference values: no RIMs given "
               "(--rim DRIVER.xml --rim VBIOS.xml); signature and chain only");
  }

  collateral["device_certificates"] = cc.certificates;
  collateral["rims"] = std::move(rims);
  if (!signature_ok) return std::nullopt;
  Json claims = ReportClaims(r, o);
  claims["arch"] = cc.arch;
  if (!cc.device_id.empty()) claims["device_id"] = cc.device_id;
  return claims;
}

Verification NvgpuVerifier::Verify(ByteSpan report, const VerifyInputs& in) {
  Verification v{std::string(kTee)};
  Json collateral = Json::object();
  auto claims = VerifyInto(v, "", report, in.certs, in, collateral);
  v.Note("revocation not checked: NVIDIA publishes the status of device and RIM certificates "
         "only by OCSP (ocsp.ndis.nvidia.com), which an offline verifier cannot query");
  if (!claims) return v;
  v.claims = std::move(*claims);
  v.collateral = std::move(collateral);
  v.collateral["verification_time"] = FormatTime(in.at);
  v.MarkComplete();
  return v;
}

Verification NvgpuVerifier::VerifyBundle(ByteSpan json, const VerifyInputs& in) {
  Verification v{std::string(kTee)};
  auto items = ParseEvidenceBundle(json);
  if (!v.Add("bundle", items.has_value(),
             items ? "NVIDIA SDK evidence bundle, " + std::to_string(items->size()) + " GPU(s)"
                   : items.error().ToString())) {
    return v;
  }
  if (!in.certs.empty()) {
    v.Note("--cert is not used: each GPU of the bundle carries its own chain");
  }
  Json gpus = Json::array();
  Json collateral = Json::object();
  Json per_gpu = Json::array();
  bool complete = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const BundleItem& item = (*items)[i];
    const std::string p = "gpu" + std::to_string(i) + ".";
    auto certs = ParseCertificates(item.certificate_chain);
    if (!certs) {
      v.Add(p + "certificate_chain", false, "certificate: " + certs.error().ToString());
      complete = false;
      continue;
    }
    Json gpu_collateral = Json::object();
    auto claims = VerifyInto(v, p, item.report, *certs, in, gpu_collateral);
    per_gpu.push_back(std::move(gpu_collateral));
    if (!claims) {
      complete = false;
      continue;
    }
    // The bundle's own fields are unauthenticated; they must say what the report says.
    std::vector<std::string> differ;
    if (ToHex(item.nonce) != (*claims)["nonce"].get<std::string>()) {
      differ.push_back("nonce " + ToHex(item.nonce) + " != report " +
                       (*claims)["nonce"].get<std::string>());
    }
    auto text = [&](const char* key) {
      return claims->contains(key) ? (*claims)[key].get<std::string>() : std::string("(none)");
    };
    if (item.driver_version && *item.driver_version != text("driver_version")) {
      differ.push_back("driver_version " + *item.driver_version + " != report " +
                       text("driver_version"));
    }
    if (item.vbios_version && *item.vbios_version != text("vbios_version")) {
      differ.push_back("vbios_version " + *item.vbios_version + " != report " +
                       text("vbios_version"));
    }
    std::string arch = item.arch;
    std::transform(arch.begin(), arch.end(), arch.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (arch != (*claims)["arch"].get<std::string>()) {
      differ.push_back("arch " + item.arch + " != certificate " +
                       (*claims)["arch"].get<std::string>());
    }
    v.Add(p + "bundle_fields", differ.empty(),
          differ.empty() ? "the bundle's nonce, arch and versions equal the signed report's"
                         : Join(differ, "; "));
    gpus.push_back(std::move(*claims));
  }
  v.Note("revocation not checked: NVIDIA publishes the status of device and RIM certificates "
         "only by OCSP (ocsp.ndis.nvidia.com), which an offline verifier cannot query");
  if (!complete) return v;
  v.claims = Json{{"gpus", std::move(gpus)}};
  v.collateral = Json{{"gpus", std::move(per_gpu)}, {"verification_time", FormatTime(in.at)}};
  v.MarkComplete();
  return v;
}

}  // namespace veritee::nvgpu
