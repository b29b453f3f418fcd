#include "verify/snp/verifier.h"

#include <algorithm>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/snp/amd_extensions.h"
#include "parse/snp/flags.h"
#include "parse/snp/report.h"
#include "parse/snp/report_claims.h"
#include "trust/amd_roots.h"

namespace veritee::snp {

struct SnpVerifier::CachedChain {
  std::vector<Certificate> chain;  // VEK, ASK/ASVK, ARK
  bool builtin_anchor = false;
  Product anchor_product = Product::kUnknown;
  std::string anchor_name;
  Result<AmdExtensions> extensions = AmdExtensions{};
  std::string curve_error;  // non-empty when the VEK key is not EC P-384
  std::string vek_description;
  std::string chain_description;
  Json certificates;  // collateral entries of the three certificates
};

namespace {

constexpr std::string_view kTee = "sev-snp";

std::string TcbText(const TcbParts& t) {
  std::string out;
  if (t.fmc) out += "fmc " + std::to_string(*t.fmc) + ", ";
  out += "bootloader " + std::to_string(t.bootloader) + ", tee " + std::to_string(t.tee) +
         ", snp " + std::to_string(t.snp) + ", microcode " + std::to_string(t.microcode);
  return out;
}

std::string CapitalProduct(Product p) {
  std::string name(ProductName(p));
  if (!name.empty()) name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

// The product a non-built-in root names: "ARK-Milan" -> Milan.
Product ProductFromArkName(const std::string& cn) {
  if (cn.rfind("ARK-", 0) != 0) return Product::kUnknown;
  return ProductFromName(cn.substr(4));
}

bool IsCa(const Certificate& c) { return X509_check_ca(c.get()) != 0; }

// Picks the certificate of the key that signed the report among those given.
const Certificate* FindVek(const std::vector<Certificate>& certs, bool vlek) {
  const Certificate* fallback = nullptr;
  const std::string want = vlek ? "SEV-VLEK" : "SEV-VCEK";
  for (const Certificate& c : certs) {
    if (IsCa(c) || EVP_PKEY_get_base_id(c.PublicKey()) != EVP_PKEY_EC) continue;
    if (c.SubjectCn() == want) return &c;
    if (fallback == nullptr) fallback = &c;
  }
  return fallback;
}

Json CertJson(const Certificate& c) {
  return Json{{"subject", c.SubjectCn()},      {"serial", "0x" + c.SerialHex()},
              {"sha256", c.Sha256Hex()},        {"not_before", FormatTime(c.NotBefore())},
              {"not_after", FormatTime(c.NotAfter())}};
}

std::string BitNames(uint64_t mask, Product product, bool policy) {
  std::string out;
  auto names = policy ? std::vector<NamedBit>(PolicyFlagBits().begin(), PolicyFlagBits().end())
                      : PlatformInfoBits(product);
  for (int bit = 0; bit < 64; ++bit) {
    uint64_t m = uint64_t{1} << bit;
    if ((mask & m) == 0) continue;
    std::string name = "bit " + std::to_string(bit);
    for (const NamedBit& nb : names) {
      if (nb.bit == bit) name = std::string(nb.name);
    }
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

ByteSpan ExpectedField(const Report& r, const std::string& name) {
  if (name == "report_data") return r.report_data;
  if (name == "host_data") return r.host_data;
  if (name == "measurement") return r.measurement;
  if (name == "family_id") return r.family_id;
  if (name == "image_id") return r.image_id;
  if (name == "id_key_digest") return r.id_key_digest;
  if (name == "author_key_digest") return r.author_key_digest;
  if (name == "report_id") return r.report_id;
  if (name == "report_id_ma") return r.report_id_ma;
  if (name == "chip_id") return r.chip_id;
  return {};
}

bool MatchesExpected(ByteSpan actual, const Bytes& want, bool allow_prefix) {
  if (want.size() == actual.size()) return std::equal(want.begin(), want.end(), actual.begin());
  if (!allow_prefix || want.size() > actual.size()) return false;
  return std::equal(want.begin(), want.end(), actual.begin()) &&
         AllZero(actual.subspan(want.size()));
}

void ValidateTcbMin(Verification& v, const char* name, uint64_t raw, TcbLayout layout,
                    const TcbParts& min) {
  TcbParts have = DecodeTcb(raw, layout);
  bool ok = TcbAtLeast(have, min);
  v.Add(std::string("min_") + name, ok,
        std::string(name) + " is " + TcbText(have) + (ok ? ", at least " : ", below the minimum ") +
            TcbText(min));
}

// The validation options (go-sev-guest's validate set). Each adds one named check.
void Validate(Verification& v, const Report& r, Product product, const ValidationOptions& o) {
  const TcbLayout layout = TcbLayoutFor(product);
  bool debug = (r.policy & (uint64_t{1} << 19)) != 0;
  if (debug) {
    v.Add("debug", o.allow_debug,
          o.allow_debug ? "guest policy allows debugging; accepted because of --allow-debug"
                        : "guest policy allows debugging (POLICY.DEBUG = 1): the hypervisor can "
                          "read guest memory; pass --allow-debug to accept");
  } else {
    v.Add("debug", true, "guest policy forbids debugging");
  }
  for (const auto& [name, want] : o.expect) {
    ByteSpan actual = ExpectedField(r, name);
    if (actual.empty()) {
      v.Add("expect_" + name, false, "'" + name + "' is not an SEV-SNP field");
      continue;
    }
    bool ok = !want.empty() && MatchesExpected(actual, want, name == "report_data");
    v.Add("expect_" + name, ok,
          ok ? name + " matches" : name + " is " + ToHex(actual) + ", expected " + ToHex(want));
  }
  if (o.min_guest_svn) {
    bool ok = r.guest_svn >= *o.min_guest_svn;
    v.Add("min_guest_svn", ok,
          "guest_svn " + std::to_string(r.guest_svn) + (ok ? " >= " : " < ") +
              std::to_string(*o.min_guest_svn));
  }
  if (o.min_tcb) {
    ValidateTcbMin(v, "current_tcb", r.current_tcb, layout, *o.min_tcb);
    ValidateTcbMin(v, "committed_tcb", r.committed_tcb, layout, *o.min_tcb);
    ValidateTcbMin(v, "reported_tcb", r.reported_tcb, layout, *o.min_tcb);
  }
  if (o.min_launch_tcb) ValidateTcbMin(v, "launch_tcb", r.launch_tcb, layout, *o.min_launch_tcb);
  if (o.vmpl) {
    bool ok = r.vmpl == *o.vmpl;
    v.Add("vmpl", ok, "VMPL " + std::to_string(r.vmpl) + (ok ? "" : ", expected " +
                                                                      std::to_string(*o.vmpl)));
  }
  if (o.require_policy != 0) {
    uint64_t missing = o.require_policy & ~r.policy;
    v.Add("policy_required", missing == 0,
          missing == 0 ? "required policy bits set: " + BitNames(o.require_policy, product, true)
                       : "policy lacks " + BitNames(missing, product, true));
  }
  if (o.forbid_policy != 0) {
    uint64_t present = o.forbid_policy & r.policy;
    v.Add("policy_forbidden", present == 0,
          present == 0 ? "forbidden policy bits clear: " + BitNames(o.forbid_policy, product, true)
                       : "policy sets forbidden " + BitNames(present, product, true));
  }
  if (o.min_abi) {
    uint8_t minor = static_cast<uint8_t>(r.policy & 0xff);
    uint8_t major = static_cast<uint8_t>((r.policy >> 8) & 0xff);
    bool ok = major > o.min_abi->major || (major == o.min_abi->major && minor >= o.min_abi->minor);
    v.Add("min_abi", ok,
          "policy ABI " + std::to_string(major) + "." + std::to_string(minor) +
              (ok ? " >= " : " < ") + std::to_string(o.min_abi->major) + "." +
              std::to_string(o.min_abi->minor));
  }
  if (o.require_platform != 0) {
    uint64_t missing = o.require_platform & ~r.platform_info;
    v.Add("platform_required", missing == 0,
          missing == 0 ? "platform has " + BitNames(o.require_platform, product, false)
                       : "platform lacks " + BitNames(missing, product, false));
  }
  if (o.forbid_platform != 0) {
    uint64_t present = o.forbid_platform & r.platform_info;
    v.Add("platform_forbidden", present == 0,
          present == 0 ? "platform has none of " + BitNames(o.forbid_platform, product, false)
                       : "platform sets forbidden " + BitNames(present, product, false));
  }
  if (o.forbid_unknown_platform_bits) {
    uint64_t unknown = UnknownPlatformInfoBits(r.platform_info, product);
    v.Add("platform_unknown_bits", unknown == 0,
          unknown == 0 ? "no unknown PLATFORM_INFO bits"
                       : "unknown PLATFORM_INFO bits set: " + HexU64(unknown));
  }
  if (o.min_firmware) {
    auto at_least = [&](uint8_t major, uint8_t minor) {
      return major > o.min_firmware->major ||
             (major == o.min_firmware->major && minor >= o.min_firmware->minor);
    };
    bool ok = at_least(r.current_major, r.current_minor) &&
              at_least(r.committed_major, r.committed_minor);
    v.Add("min_firmware", ok,
          "firmware current " + std::to_string(r.current_major) + "." +
              std::to_string(r.current_minor) + ", committed " +
              std::to_string(r.committed_major) + "." + std::to_string(r.committed_minor) +
              (ok ? ", at least " : ", below ") + std::to_string(o.min_firmware->major) + "." +
              std::to_string(o.min_firmware->minor));
  }
  if (o.min_build) {
    bool ok = r.current_build >= *o.min_build && r.committed_build >= *o.min_build;
    v.Add("min_build", ok,
          "firmware build current " + std::to_string(r.current_build) + ", committed " +
              std::to_string(r.committed_build) + (ok ? ", at least " : ", below ") +
              std::to_string(*o.min_build));
  }
  if (o.forbid_provisional_firmware) {
    bool ok = r.current_tcb == r.committed_tcb && r.current_build == r.committed_build &&
              r.current_minor == r.committed_minor && r.current_major == r.committed_major;
    v.Add("provisional_firmware", ok,
          ok ? "current firmware is committed"
             : "current firmware/TCB differs from the committed one (provisional firmware)");
  }
  if (o.require_id_block) {
    bool ok = !AllZero(r.id_key_digest);
    v.Add("id_block", ok, ok ? "launched with an ID block" : "no ID block (ID_KEY_DIGEST is zero)");
  }
  if (o.require_author_key) {
    v.Add("author_key", r.author_key_en(),
          r.author_key_en() ? "author key present" : "no author key (AUTHOR_KEY_EN = 0)");
  }
  auto in_list = [](ByteSpan digest, const std::vector<Bytes>& list) {
    return std::any_of(list.begin(), list.end(), [&](const Bytes& b) {
      return b.size() == digest.size() && std::equal(b.begin(), b.end(), digest.begin());
    });
  };
  if (!o.trusted_id_keys.empty()) {
    bool ok = in_list(r.id_key_digest, o.trusted_id_keys);
    v.Add("trusted_id_key", ok,
          (ok ? "ID key is trusted: " : "ID key is not trusted: ") + ToHex(r.id_key_digest));
  }
  if (!o.trusted_author_keys.empty()) {
    bool ok = r.author_key_en() && in_list(r.author_key_digest, o.trusted_author_keys);
    v.Add("trusted_author_key", ok,
          (ok ? "author key is trusted: " : "author key is not trusted: ") +
              ToHex(r.author_key_digest));
  }
}

}  // namespace

const std::map<std::string, size_t>& ExpectableFields() {
  static const std::map<std::string, size_t> fields = {
      {"report_data", 64},  {"host_data", 32},      {"measurement", 48},
      {"family_id", 16},    {"image_id", 16},       {"id_key_digest", 48},
      {"author_key_digest", 48}, {"report_id", 32}, {"report_id_ma", 32},
      {"chip_id", 64}};
  return fields;
}

SnpVerifier::SnpVerifier() = default;
SnpVerifier::~SnpVerifier() = default;

size_t SnpVerifier::cached_chains() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

Result<std::shared_ptr<const SnpVerifier::CachedChain>> SnpVerifier::Chain(
    const Certificate& vek, bool vlek, const VerifyInputs& inputs) {
  std::string key(reinterpret_cast<const char*>(vek.sha256().data()), 32);
  key += vlek ? 'L' : 'C';
  for (const Certificate& c : inputs.certs) {
    key.append(reinterpret_cast<const char*>(c.sha256().data()), 32);
  }
  key += '|';
  for (const Certificate& c : inputs.extra_roots) {
    key.append(reinterpret_cast<const char*>(c.sha256().data()), 32);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }

  VT_ASSIGN_OR_RETURN(const auto* builtin, trust::BuiltinAmdCerts());
  std::vector<Certificate> intermediates;
  std::vector<Certificate> anchors;
  for (const auto& p : *builtin) {
    intermediates.push_back(vlek ? p.asvk : p.ask);
    anchors.push_back(p.ark);
  }
  for (const Certificate& c : inputs.certs) {
    if (c.sha256() != vek.sha256()) intermediates.push_back(c);
  }
  anchors.insert(anchors.end(), inputs.extra_roots.begin(), inputs.extra_roots.end());
  VT_ASSIGN_OR_RETURN(auto chain, BuildChain(vek, intermediates, anchors));
  if (chain.size() != 3) {
    return MakeError(ErrorCode::kChainInvalid,
                     "expected VEK → " + std::string(vlek ? "ASVK" : "ASK") +
                         " → ARK, got a chain of " + std::to_string(chain.size()) +
                         " certificates");
  }
  // AMD signs every VEK, ASK and ASVK with RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48);
  // OpenSSL checked the signatures, this checks that they are of that kind.
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (X509_get_signature_nid(chain[i].get()) != NID_rsassaPss) {
      return MakeError(ErrorCode::kChainInvalid,
                       chain[i].SubjectCn() + " is not signed with RSASSA-PSS, as AMD signs");
    }
  }
  // A VCEK must be issued by an ASK ("SEV-<Product>"), a VLEK by an ASVK ("SEV-VLEK-...").
  const std::string issuer = chain[1].SubjectCn();
  bool issuer_is_asvk = issuer.rfind("SEV-VLEK-", 0) == 0;
  if (issuer_is_asvk != vlek) {
    return MakeError(ErrorCode::kChainInvalid,
                     std::string(vlek ? "VLEK" : "VCEK") + " is issued by " + issuer +
                         ", which is not an " + (vlek ? "ASVK" : "ASK"));
  }
  auto entry = std::make_shared<CachedChain>();
  const Certificate& anchor = chain[2];
  for (const auto& p : *builtin) {
    if (p.ark.sha256() == anchor.sha256()) {
      entry->builtin_anchor = true;
      entry->anchor_product = p.product;
    }
  }
  if (!entry->builtin_anchor) entry->anchor_product = ProductFromArkName(anchor.SubjectCn());
  entry->anchor_name = trust::AnchorName(anchor, entry->builtin_anchor);
  auto curve = EcCurveName(vek.PublicKey());
  if (!curve || *curve != "secp384r1") {
    entry->curve_error = "the " + std::string(vlek ? "VLEK" : "VCEK") + " key is " +
                         DescribeKey(vek.PublicKey()) + ", not EC P-384";
  }
  std::vector<CertExtension> exts = vek.Extensions();
  std::vector<RawExtension> raw;
  raw.reserve(exts.size());
  for (const CertExtension& e : exts) raw.push_back(RawExtension{e.oid, e.value});
  entry->extensions = ParseAmdExtensions(raw);
  entry->vek_description = vek.Describe();
  entry->chain_description = std::string(vlek ? "VLEK" : "VCEK") + " → " + chain[1].SubjectCn() +
                             " → " + entry->anchor_name + " (RSASSA-PSS signatures verified)";
  entry->certificates = Json{{"vek", CertJson(chain[0])},
                             {"intermediate", CertJson(chain[1])},
                             {"root", CertJson(chain[2])}};
  if (entry->extensions && entry->extensions->product_name) {
    entry->certificates["vek"]["product_name"] = *entry->extensions->product_name;
  }
  entry->chain = std::move(chain);

  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: a long-running verifier sees many VEKs; dropping the whole cache when it is
  // full is simple and only costs a rebuild per chain.
  if (cache_.size() >= kMaxCachedChains) cache_.clear();
  auto [it, inserted] = cache_.emplace(std::move(key), std::move(entry));
  (void)inserted;
  return it->second;
}

Verification SnpVerifier::Verify(ByteSpan bytes, const VerifyInputs& in) {
  Verification v{std::string(kTee)};
  auto parsed = ParseReport(bytes);
  if (!v.Add("parse", parsed.has_value(),
             parsed ? "ATTESTATION_REPORT version " + std::to_string(parsed->version) +
                          ", 1184 bytes, reserved fields zero"
                    : parsed.error().ToString())) {
    return v;
  }
  const Report& r = *parsed;
  if (!v.Add("signature_algorithm", r.signature_algo == kSignatureAlgoEcdsaP384Sha384,
             r.signature_algo == kSignatureAlgoEcdsaP384Sha384
                 ? "ECDSA P-384 with SHA-384"
                 : "SIGNATURE_ALGO " + std::to_string(r.signature_algo) +
                       " is not ECDSA P-384 with SHA-384 (1)")) {
    return v;
  }
  auto signer = r.signing_key();
  if (!signer || *signer == SigningKey::kNone) {
    v.Add("signing_key", false,
          signer ? "KEY_INFO says the report is not signed" : signer.error().ToString());
    return v;
  }
  const bool vlek = *signer == SigningKey::kVlek;
  const char* vek_name = vlek ? "VLEK" : "VCEK";
  v.Add("signing_key", true, std::string("signed with the ") + vek_name);

  const Certificate* vek = FindVek(in.certs, vlek);
  if (vek == nullptr) {
    v.Add("vek_certificate", false,
          std::string("no ") + vek_name + " certificate given (pass it with --cert)");
    return v;
  }
  auto chain = Chain(*vek, vlek, in);
  v.Add("vek_certificate", true, chain ? (*chain)->vek_description : vek->Describe());
  if (!chain) {
    v.Add("certificate_chain", false,
          chain.error().ToString() + "; trusted roots are the built-in AMD ARKs" +
              (in.extra_roots.empty() ? std::string(" (simulator evidence needs --trust-root)")
                                      : " and " + std::to_string(in.extra_roots.size()) +
                                            " --trust-root certificate(s)"));
    return v;
  }
  const CachedChain& cc = **chain;
  v.simulated = !cc.builtin_anchor;
  v.trust_anchor = cc.anchor_name;
  v.Add("certificate_chain", true, cc.chain_description);
  if (!v.Add("vek_key", cc.curve_error.empty(),
             cc.curve_error.empty() ? std::string(vek_name) + " key is EC P-384" : cc.curve_error)) {
    return v;
  }

  // Product: every source that names one must agree.
  Product from_report = ProductFromReport(r);
  Product from_cert = Product::kUnknown;
  if (cc.extensions && cc.extensions->product_name) {
    from_cert = ProductFromName(*cc.extensions->product_name);
  }
  Product product = Product::kUnknown;
  std::string conflict;
  std::string sources;
  auto take = [&](Product p, const char* source) {
    if (p == Product::kUnknown) return;
    sources += (sources.empty() ? "" : ", ") + std::string(source) + " " + CapitalProduct(p);
    if (product == Product::kUnknown) {
      product = p;
    } else if (product != p) {
      conflict = "sources disagree: ";
    }
  };
  take(from_report, "report CPUID");
  take(from_cert, "certificate productName");
  take(cc.anchor_product, "root");
  if (in.validation.product) take(*in.validation.product, "--product");
  if (!v.Add("product", product != Product::kUnknown && conflict.empty(),
             product == Product::kUnknown ? "cannot tell the product (no CPUID in a v" +
                                                std::to_string(r.version) +
                                                " report, no productName, unknown root)"
                                          : conflict + sources)) {
    return v;
  }
  const TcbLayout layout = TcbLayoutFor(product);

  // The signature over the exact received bytes 0x000-0x29F.
  auto digest = Sha384(SignedPart(bytes));
  auto sig = VerifyEcdsaDigestRS(vek->PublicKey(), digest, r.signature_r, r.signature_s, true);
  if (!v.Add("report_signature", sig.has_value(),
             sig ? std::string("ECDSA P-384/SHA-384 over bytes 0x000-0x29F verifies with the ") +
                       vek_name
                 : sig.error().ToString() + " (report bytes 0x000-0x29F with the " + vek_name +
                       ")")) {
    return v;
  }

  // The VEK's AMD extensions must describe this report.
  if (!cc.extensions) {
    v.Add("vek_tcb", false, "AMD extensions: " + cc.extensions.error().ToString());
    return v;
  }
  const AmdExtensions& ext = *cc.extensions;
  auto cert_tcb = ExtensionTcb(ext, layout);
  TcbParts reported = DecodeTcb(r.reported_tcb, layout);
  bool tcb_ok = cert_tcb && EncodeTcb(*cert_tcb, layout) == r.reported_tcb;
  v.Add("vek_tcb", tcb_ok,
        !cert_tcb ? std::string(vek_name) + " lacks an SPL extension needed for the " +
                        std::string(TcbLayoutName(layout)) + " layout"
        : tcb_ok  ? std::string(vek_name) + " SPLs equal REPORTED_TCB (" + TcbText(reported) + ")"
                  : std::string(vek_name) + " was issued for " + TcbText(*cert_tcb) +
                        " but REPORTED_TCB is " + TcbText(reported) + " (" +
                        HexU64(r.reported_tcb) + ")");
  if (!vlek) {
    if (r.mask_chip_key()) {
      v.Add("vek_hwid", AllZero(r.chip_id),
            AllZero(r.chip_id) ? "CHIP_ID masked by KEY_INFO.MASK_CHIP_KEY; the VCEK signature "
                                 "identifies the chip"
                               : "MASK_CHIP_KEY is set but CHIP_ID is not zero");
    } else if (!ext.hwid) {
      v.Add("vek_hwid", false, "VCEK has no hwID extension");
    } else {
      size_t n = ext.hwid->size();
      bool size_ok = n == (product == Product::kTurin ? kTurinHwIdSize : kHwIdSize);
      bool same = size_ok && std::equal(ext.hwid->begin(), ext.hwid->end(), r.chip_id.begin());
      // A Turin hwID endorses CHIP_ID bytes 0-7 only; the rest must be zero, or the claim
      // would carry 56 bytes that no certificate vouches for.
      bool tail_zero = AllZero(ByteSpan(r.chip_id).subspan(std::min(n, r.chip_id.size())));
      bool ok = same && tail_zero;
      v.Add("vek_hwid", ok,
            ok ? "VCEK hwID equals CHIP_ID" + std::string(n == 8 ? " (first 8 bytes, Turin)" : "")
            : !size_ok ? "VCEK hwID has " + std::to_string(n) + " bytes, unexpected for " +
                             CapitalProduct(product)
            : !same    ? "VCEK hwID " + ToHex(*ext.hwid) + " differs from CHIP_ID " +
                             ToHex(ByteSpan(r.chip_id).first(n))
                       : "VCEK hwID equals CHIP_ID bytes 0-" + std::to_string(n - 1) +
                             " but CHIP_ID bytes " + std::to_string(n) + "-63 are not zero");
    }
  }
  uint64_t reserved = TcbReservedBits(r.current_tcb, layout) |
                      TcbReservedBits(r.reported_tcb, layout) |
                      TcbReservedBits(r.committed_tcb, layout) |
                      TcbReservedBits(r.launch_tcb, layout);
  v.Add("tcb_reserved", reserved == 0,
        reserved == 0 ? "reserved TCB_VERSION bytes are zero (" +
                            std::string(TcbLayoutName(layout)) + " layout)"
                      : "reserved TCB_VERSION bits set: " + HexU64(reserved));

  // Certificate validity at the verification time.
  static constexpr const char* kRoles[2][3] = {{"VCEK", "ASK", "ARK"}, {"VLEK", "ASVK", "ARK"}};
  std::string validity_error;
  for (size_t i = 0; i < cc.chain.size() && validity_error.empty(); ++i) {
    auto st = CheckValidAt(cc.chain[i], in.at, kRoles[vlek ? 1 : 0][i]);
    if (!st) validity_error = st.error().message;
  }
  v.Add("certificate_validity", validity_error.empty(),
        validity_error.empty() ? "every certificate is valid at " + FormatTime(in.at)
                               : validity_error);

  // Revocation: AMD's KDS CRLs list revoked ASKs/ASVKs, issued by the ARK.
  Json crls = Json::array();
  if (!in.crls.empty()) {
    auto st = CheckRevocation(cc.chain, in.crls, in.at, {.allow_stale = in.validation.allow_stale_crl});
    v.Add("revocation", st.has_value(),
          st ? std::to_string(in.crls.size()) + " CRL(s) checked; no certificate of the chain is "
                                                "revoked"
             : st.error().message);
    for (const Crl& crl : in.crls) {
      crls.push_back(Json{{"issuer", crl.Issuer()},
                          {"this_update", FormatTime(crl.ThisUpdate())},
                          {"next_update", crl.NextUpdate() ? FormatTime(*crl.NextUpdate()) : ""},
                          {"sha256", ToHex(crl.sha256())}});
    }
  } else if (in.validation.require_crl) {
    v.Add("revocation", false, "no CRL given and --require-crl is set");
  } else {
    v.Note("revocation not checked: no CRL given (--crl FILE; --require-crl makes it mandatory)");
  }

  Validate(v, r, product, in.validation);

  v.claims = ReportClaims(r, product);
  v.claims["product"] = std::string(ProductName(product));
  v.collateral = cc.certificates;
  v.collateral["crls"] = std::move(crls);
  v.collateral["verification_time"] = FormatTime(in.at);
  v.MarkComplete();
  return v;
}

}  // namespace veritee::snp
