#include "verify/nitro/verifier.h"

#include <algorithm>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/nitro/claims.h"
#include "parse/nitro/cose.h"
#include "trust/aws_roots.h"

namespace veritee::nitro {

struct NitroVerifier::CachedChain {
  Certificate leaf;
  std::vector<Certificate> chain;  // leaf, intermediates..., anchor
  bool builtin_anchor = false;
  std::string anchor_name;
  std::string chain_description;
  std::string certificates_description;
  std::string constraint_error;  // empty when the AWS certificate profile holds
  std::string constraint_detail;
  Json certificates;  // collateral entries, leaf first
};

namespace {

constexpr std::string_view kTee = "nitro";

bool Same(ByteSpan a, ByteSpan b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string AnchorName(const Certificate& anchor, bool builtin) {
  return anchor.SubjectCn() +
         (builtin ? " (built-in AWS Nitro Enclaves Root-G1" : " (from --trust-root") +
         ", SHA-256 " + anchor.Sha256Hex() + ")";
}

std::string Role(size_t i, size_t n) {
  if (i == 0) return "enclave";
  if (i + 1 == n) return "root";
  return "intermediate " + std::to_string(i);
}

// The profile of attestation_process.md 3.2.3.1: CAs carry basicConstraints CA:TRUE and
// keyUsage keyCertSign; the leaf is not a CA and has keyUsage digitalSignature; all keys
// and signatures are P-384 / ecdsa-with-SHA384 (the anchor's own signature is not used).
std::string CheckProfile(const std::vector<Certificate>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    X509* x = chain[i].get();
    const uint32_t flags = X509_get_extension_flags(x);
    const std::string who = Role(i, chain.size()) + " certificate " + chain[i].SubjectCn();
    const bool has_ku = (flags & EXFLAG_KUSAGE) != 0;
    const uint32_t ku = X509_get_key_usage(x);
    if (i == 0) {
      if ((flags & EXFLAG_CA) != 0) return who + " is a CA (basicConstraints CA:TRUE)";
      if (!has_ku || (ku & KU_DIGITAL_SIGNATURE) == 0) {
        return who + " lacks keyUsage digitalSignature";
      }
    } else {
      if ((flags & EXFLAG_BCONS) == 0 || (flags & EXFLAG_CA) == 0) {
        return who + " lacks basicConstraints CA:TRUE";
      }
      if (!has_ku || (ku & KU_KEY_CERT_SIGN) == 0) return who + " lacks keyUsage keyCertSign";
    }
    auto curve = EcCurveName(chain[i].PublicKey());
    if (!curve || *curve != "secp384r1") {
      ClearOpenSslErrors();
      return who + " has a " + DescribeKey(chain[i].PublicKey()) + " key, not EC P-384";
    }
    if (i + 1 < chain.size() && X509_get_signature_nid(x) != NID_ecdsa_with_SHA384) {
      return who + " is not signed with ecdsa-with-SHA384";
    }
  }
  return {};
}

Json CertJson(const Certificate& c, const std::string& role) {
  return Json{{"role", role},
              {"subject", c.Subject()},
              {"serial", "0x" + c.SerialHex()},
              {"sha256", c.Sha256Hex()},
              {"not_before", FormatTime(c.NotBefore())},
              {"not_after", FormatTime(c.NotAfter())}};
}

ByteSpan ExpectedField(const AttestationDocument& d, const std::string& name, bool& present) {
  present = false;
  auto from = [&](const std::optional<Bytes>& b) {
    present = b.has_value();
    return b ? ByteSpan(*b) : ByteSpan();
  };
  if (name == "user_data") return from(d.user_data);
  if (name == "nonce") return from(d.nonce);
  if (name == "public_key") return from(d.public_key);
  if (name.rfind("pcr", 0) == 0) {
    for (const Pcr& p : d.pcrs) {
      if (name == "pcr" + std::to_string(p.index)) {
        present = true;
        return p.value;
      }
    }
  }
  return {};
}

}  // namespace

bool IsExpectableField(const std::string& name) {
  if (name == "user_data" || name == "nonce" || name == "public_key") return true;
  for (uint32_t i = 0; i < kMaxPcrs; ++i) {
    if (name == "pcr" + std::to_string(i)) return true;
  }
  return false;
}

Result<Bytes> ParseExpectValue(const std::string& name, const std::string& hex) {
  if (!IsExpectableField(name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + name +
                         "' is not a Nitro claim that --expect can require (pcr0 ... "
                         "pcr31, user_data, nonce, public_key)");
  }
  auto bytes = FromHex(hex);
  if (!bytes || bytes->empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     name + ": expected non-empty hex, got '" + hex + "'");
  }
  return bytes;
}

NitroVerifier::NitroVerifier() = default;
NitroVerifier::~NitroVerifier() = default;

size_t NitroVerifier::cached_chains() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

Result<std::shared_ptr<const NitroVerifier::CachedChain>> NitroVerifier::Chain(
    const AttestationDocument& doc, const VerifyInputs& inputs) {
  // Keyed by the certificate bytes themselves, so a cache hit parses no X.509.
  Bytes material;
  auto add = [&material](ByteSpan b) {
    const uint64_t n = b.size();
    for (int i = 0; i < 8; ++i) material.push_back(static_cast<uint8_t>(n >> (8 * i)));
    material.insert(material.end(), b.begin(), b.end());
  };
  add(doc.certificate);
  for (const Bytes& c : doc.cabundle) add(c);
  for (const Certificate& r : inputs.extra_roots) add(r.sha256());
  const auto digest = Sha256(material);
  std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }

  auto leaf = Certificate::FromDer(doc.certificate);
  if (!leaf) {
    Error e = leaf.error();
    e.field = "certificate";
    return tl::unexpected(e);
  }
  std::vector<Certificate> bundle;
  for (size_t i = 0; i < doc.cabundle.size(); ++i) {
    auto c = Certificate::FromDer(doc.cabundle[i]);
    if (!c) {
      Error e = c.error();
      e.field = "cabundle[" + std::to_string(i) + "]";
      return tl::unexpected(e);
    }
    bundle.push_back(std::move(*c));
  }
  VT_ASSIGN_OR_RETURN(const Certificate* root, trust::BuiltinAwsNitroRoot());
  std::vector<Certificate> anchors = {*root};
  anchors.insert(anchors.end(), inputs.extra_roots.begin(), inputs.extra_roots.end());
  VT_ASSIGN_OR_RETURN(auto chain, BuildChain(*leaf, bundle, anchors));

  auto entry = std::make_shared<CachedChain>();
  entry->leaf = *leaf;
  const Certificate& anchor = chain.back();
  entry->builtin_anchor = anchor.sha256() == root->sha256();
  entry->anchor_name = AnchorName(anchor, entry->builtin_anchor);
  entry->constraint_error = CheckProfile(chain);
  entry->constraint_detail =
      "CAs have basicConstraints CA:TRUE and keyUsage keyCertSign; the enclave certificate "
      "has keyUsage digitalSignature; keys EC P-384, signatures ecdsa-with-SHA384";
  std::string path;
  for (size_t i = 0; i < chain.size(); ++i) {
    path += (i == 0 ? "" : " → ") + chain[i].SubjectCn();
  }
  entry->certificates_description = "enclave certificate " + leaf->Describe() + " and " +
                                    std::to_string(doc.cabundle.size()) + " cabundle certificates";
  entry->chain_description = path + " (" + std::to_string(chain.size()) + " certificates, " +
                             (entry->builtin_anchor ? "built-in Root-G1" : "--trust-root") + ")";
  Json certs = Json::array();
  for (size_t i = 0; i < chain.size(); ++i)
    certs.push_back(CertJson(chain[i], Role(i, chain.size())));
  entry->certificates = std::move(certs);
  entry->chain = std::move(chain);

  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: every enclave boot brings a new leaf; clearing a full cache only costs rebuilds.
  if (cache_.size() >= kMaxCachedChains) cache_.clear();
  auto [it, inserted] = cache_.emplace(std::move(key), std::move(entry));
  (void)inserted;
  return it->second;
}

Verification NitroVerifier::Verify(ByteSpan bytes, const VerifyInputs& in) {
  Verification v{std::string(kTee)};
  auto parsed = ParseAttestation(bytes);
  if (!v.Add("parse", parsed.has_value(),
             parsed ? std::string(parsed->cose.tagged ? "tagged" : "untagged") + " COSE_Sign1, " +
                          std::to_string(parsed->cose.payload.size()) + "-byte payload (" +
                          (parsed->doc.indefinite_map ? "indefinite" : "definite") +
                          "-length map), " + std::to_string(parsed->doc.pcrs.size()) + " PCRs, " +
                          std::to_string(parsed->doc.cabundle.size()) + " CA certificates"
                    : parsed.error().ToString())) {
    return v;
  }
  const CoseSign1& cose = parsed->cose;
  const AttestationDocument& doc = parsed->doc;
  const bool es384 = cose.alg && *cose.alg == kCoseAlgEs384;
  if (!v.Add("algorithm", es384,
             es384 ? "protected header alg -35 (ES384: ECDSA P-384 with SHA-384)"
             : cose.alg
                 ? "protected header alg " + std::to_string(*cose.alg) + " is not ES384 (-35)"
                 : "the protected header names no algorithm")) {
    return v;
  }
  if (!v.Add("digest", doc.digest == "SHA384",
             doc.digest == "SHA384" ? "PCRs are SHA-384"
                                    : "digest " + doc.digest +
                                          " is not SHA384, the only one "
                                          "the NSM uses")) {
    return v;
  }

  auto chain = Chain(doc, in);
  if (!chain) {
    const Error& e = chain.error();
    if (e.code != ErrorCode::kChainInvalid) {
      v.Add("certificates", false, e.ToString());
      return v;
    }
    v.Add("certificates", true,
          "enclave certificate and " + std::to_string(doc.cabundle.size()) +
              " cabundle certificates are DER X.509");
    v.Add("certificate_chain", false,
          e.message + "; the trusted root is the built-in AWS Nitro Enclaves Root-G1" +
              (in.extra_roots.empty() ? std::string(" (simulator evidence needs --trust-root)")
                                      : " and " + std::to_string(in.extra_roots.size()) +
                                            " --trust-root certificate(s)"));
    return v;
  }
  const CachedChain& cc = **chain;
  v.Add("certificates", true, cc.certificates_description);
  v.simulated = !cc.builtin_anchor;
  v.trust_anchor = cc.anchor_name;
  v.Add("certificate_chain", true, cc.chain_description);
  if (!v.Add("certificate_profile", cc.constraint_error.empty(),
             cc.constraint_error.empty() ? cc.constraint_detail : cc.constraint_error)) {
    return v;
  }

  // The signature over the Sig_structure around the exact received bytes.
  const bool sig_size_ok = cose.signature.size() == kEs384SignatureSize;
  Status sig = sig_size_ok ? VerifyEcdsa(cc.leaf.PublicKey(), DigestAlg::kSha384,
                                         SigStructure(cose.protected_header, cose.payload),
                                         cose.signature, EcdsaFormat::kRawBigEndian)
                           : Status(MakeError(ErrorCode::kBadSignature,
                                              std::to_string(cose.signature.size()) +
                                                  "-byte signature; ES384 has 96 (r || s)"));
  if (!v.Add("signature", sig.has_value(),
             sig ? "ES384 signature over the COSE Sig_structure verifies with the enclave "
                   "certificate's key"
                 : sig.error().ToString() + " (COSE Sig_structure with the enclave "
                                            "certificate's key)")) {
    return v;
  }

  // Time: the document's timestamp to the millisecond, or --at. A certificate is valid at
  // t ms when notBefore <= floor(t / 1000) and ceil(t / 1000) <= notAfter.
  const uint64_t ts = doc.timestamp_ms;
  const bool at_document = !in.at.has_value();
  constexpr uint64_t kMaxSeconds = uint64_t{1} << 62;
  const UnixTime floor_s = static_cast<UnixTime>(std::min(ts / 1000, kMaxSeconds));
  const UnixTime ceil_s = floor_s + (ts % 1000 != 0 ? 1 : 0);
  const UnixTime from = at_document ? floor_s : *in.at;
  const UnixTime to = at_document ? ceil_s : *in.at;
  const std::string when = at_document ? FormatTimestampMs(ts) + " (the document's timestamp)"
                                       : FormatTime(*in.at) + " (--at)";
  std::string validity_error;
  for (size_t i = 0; i < cc.chain.size() && validity_error.empty(); ++i) {
    const std::string role = Role(i, cc.chain.size());
    auto st = CheckValidAt(cc.chain[i], from, role);
    if (st) st = CheckValidAt(cc.chain[i], to, role);
    if (!st) validity_error = st.error().message;
  }
  if (!validity_error.empty()) {
    validity_error += at_document ? " (the document's timestamp " + FormatTimestampMs(ts) + ")"
                                  : std::string(" (--at)");
  }
  v.Add("certificate_validity", validity_error.empty(),
        validity_error.empty() ? "every certificate is valid at " + when : validity_error);
  if (!at_document) {
    // The NSM signs with a leaf it was issued for this enclave; a timestamp outside the
    // leaf's life is not one the NSM wrote.
    const bool inside = floor_s >= cc.leaf.NotBefore() && ceil_s <= cc.leaf.NotAfter();
    v.Add("timestamp", inside,
          "document timestamp " + FormatTimestampMs(ts) + (inside ? " is" : " is not") +
              " within the enclave certificate's validity (" + FormatTime(cc.leaf.NotBefore()) +
              " to " + FormatTime(cc.leaf.NotAfter()) + ")");
  }

  const std::vector<std::string> debug = DebugIndicators(doc);
  if (debug.empty()) {
    v.Add("debug", true, "production enclave: PCR0, PCR1 and PCR2 are measured (non-zero)");
  } else {
    std::string why;
    for (const std::string& d : debug) why += (why.empty() ? "" : ", ") + d;
    v.Add("debug", in.validation.allow_debug,
          in.validation.allow_debug
              ? "debug-mode enclave (" + why + "); accepted because of --allow-debug"
              : "debug-mode enclave (" + why +
                    "): its memory is readable from the parent "
                    "instance and its PCRs attest nothing; pass "
                    "--allow-debug to accept");
  }
  for (const auto& [name, want] : in.validation.expect) {
    bool present = false;
    ByteSpan actual = ExpectedField(doc, name, present);
    if (!IsExpectableField(name)) {
      v.Add("expect_" + name, false, "'" + name + "' is not a Nitro claim");
      continue;
    }
    bool ok = present && !want.empty() && Same(actual, want);
    v.Add("expect_" + name, ok,
          ok         ? name + " matches"
          : !present ? name + " is absent from the document, expected " + ToHex(want)
                     : name + " is " + ToHex(actual) + ", expected " + ToHex(want));
  }

  v.claims = DocumentClaims(doc);
  v.collateral =
      Json{{"certificates", cc.certificates},
           {"verification_time", at_document ? FormatTimestampMs(ts) : FormatTime(*in.at)},
           {"time_source", at_document ? "document timestamp" : "--at"}};
  v.Note(
      "revocation not checked: AWS publishes no CRLs for the Nitro Enclaves PKI (the "
      "enclave certificate lives about three hours)");
  v.MarkComplete();
  return v;
}

}  // namespace veritee::nitro
