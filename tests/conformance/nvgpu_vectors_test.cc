// Conformance: every NVIDIA GPU vector of ../shared/testdata/nvidia/vectors.json — the
// evidence (reports with their chains and RIMs, and the SDK's JSON bundles), the RIMs on
// their own, and the mutations — verified by NvgpuVerifier and checked against every key of
// its manifest entry.
//
// Each manifest object is read through Manifest::Take(); a key nobody took fails the test,
// so a manifest that grows a field must grow its check too. Vectors without matching RIMs
// give the verdict recorded for "signature and chain only": accepted, with a note that the
// measurements were not compared. The verification time is the vector's rim_as_of when it
// has RIMs, else the check date 2026-11-21 (device certificates are valid until 9999).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "base/encoding.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "crypto/x509.h"
#include "parse/nvgpu/dice.h"
#include "parse/nvgpu/evidence_json.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/spdm.h"
#include "parse/nvgpu/test_data.h"
#include "verify/nvgpu/verifier.h"
#include "verify/testing/checks.h"

namespace veritee::nvgpu {
namespace {

using ::veritee::testing::FindCheck;

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kCheckDate = "2026-11-21T00:00:00Z";

// A manifest object with a record of the keys read.
class Manifest {
 public:
  explicit Manifest(const json& e, std::string where) : e_(e), where_(std::move(where)) {}
  ~Manifest() {
    for (const auto& [key, value] : e_.items()) {
      EXPECT_TRUE(taken_.count(key) == 1) << where_ << "." << key << " was not checked";
    }
  }
  const json& Take(const std::string& key) {
    taken_.insert(key);
    static const json kNull;
    auto it = e_.find(key);
    if (it == e_.end()) {
      ADD_FAILURE() << where_ << "." << key << " is missing";
      return kNull;
    }
    return *it;
  }
  bool Has(const std::string& key) const { return e_.contains(key); }

 private:
  const json& e_;
  std::string where_;
  std::set<std::string> taken_;
};

NvgpuVerifier& Verifier() {
  static NvgpuVerifier* v = new NvgpuVerifier();
  return *v;
}

UnixTime Time(const std::string& text) {
  auto t = ParseTime(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

std::vector<Certificate> Certs(const fs::path& dir, const std::string& rel) {
  auto certs = ParseCertificates(testing::ReadTestFile(dir, rel));
  EXPECT_TRUE(certs.has_value()) << rel;
  return certs.value_or(std::vector<Certificate>{});
}

// ok of a check, or nullopt when it did not run.
std::optional<bool> Ok(const Verification& v, const std::string& name) {
  const Check* c = FindCheck(v, name);
  if (c == nullptr) return std::nullopt;
  return c->ok;
}

bool HasNote(const Verification& v, const std::string& phrase) {
  return std::any_of(v.notes().begin(), v.notes().end(),
                     [&](const std::string& n) { return n.find(phrase) != std::string::npos; });
}

std::string SerialNumber(const Certificate& c) {
  X509_NAME* name = X509_get_subject_name(c.get());
  int i = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (i < 0) return {};
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// The leaf's FWID as the verifier reads it.
std::string LeafFwid(const Certificate& leaf) {
  for (const CertExtension& e : leaf.Extensions()) {
    if (e.oid != kHopperFwidOid && e.oid != kBlackwellFwidOid) continue;
    auto t = ParseDiceTcbInfo(e.value);
    EXPECT_TRUE(t.has_value()) << t.error().ToString();
    if (t && t->Sha384Fwid() != nullptr) return ToHex(*t->Sha384Fwid());
  }
  return {};
}

std::string Hex2(const std::string& s) { return s.rfind("0x", 0) == 0 ? s.substr(2) : s; }

// request / response / opaque / measurements keys against the parsed report.
void CheckDecoded(Manifest& m, const AttestationReport& r, const NvidiaOpaque& o,
                  ByteSpan bytes) {
  {
    Manifest q(m.Take("request"), "request");
    EXPECT_EQ(Hex2(q.Take("spdm_version")), ToHex(Bytes{r.request.spdm_version}));
    EXPECT_EQ(Hex2(q.Take("request_code")), ToHex(Bytes{r.request.code}));
    EXPECT_EQ(Hex2(q.Take("param1_attributes")), ToHex(Bytes{r.request.attributes}));
    EXPECT_EQ(Hex2(q.Take("param2_measurement_operation")), ToHex(Bytes{r.request.operation}));
    EXPECT_EQ(q.Take("nonce"), ToHex(r.request.nonce));
    EXPECT_EQ(q.Take("slot_id"), r.request.slot_id);
  }
  {
    Manifest p(m.Take("response"), "response");
    EXPECT_EQ(Hex2(p.Take("spdm_version")), ToHex(Bytes{r.response.spdm_version}));
    EXPECT_EQ(Hex2(p.Take("response_code")), ToHex(Bytes{r.response.code}));
    EXPECT_EQ(Hex2(p.Take("param1")), ToHex(Bytes{r.response.param1}));
    EXPECT_EQ(Hex2(p.Take("param2_slot")), ToHex(Bytes{r.response.slot_id}));
    EXPECT_EQ(p.Take("number_of_blocks"), r.response.blocks.size());
    size_t record = 0;
    for (const MeasurementBlock& b : r.response.blocks) record += 7 + b.value.size();
    EXPECT_EQ(p.Take("measurement_record_length"), record);
    EXPECT_EQ(p.Take("responder_nonce"), ToHex(r.response.nonce));
    const size_t opaque_length = WriteOpaqueFields(r.response.opaque).size();
    EXPECT_EQ(p.Take("opaque_length"), opaque_length);
    EXPECT_EQ(p.Take("signature_length"), kSignatureSize);
    Manifest off(p.Take("offsets"), "response.offsets");
    EXPECT_EQ(off.Take("measurement_record"), 8u);
    EXPECT_EQ(off.Take("responder_nonce"), 8 + record);
    EXPECT_EQ(off.Take("opaque_length"), 40 + record);
    EXPECT_EQ(off.Take("opaque_data"), 42 + record);
    EXPECT_EQ(off.Take("signature"), 42 + record + opaque_length);
    EXPECT_EQ(off.Take("response_length"), bytes.size() - kRequestSize);
  }
  std::vector<int> nonzero;
  std::set<int> types;
  for (const MeasurementBlock& b : r.response.blocks) {
    if (!AllZero(b.value)) nonzero.push_back(b.index);
    types.insert(b.value_type);
  }
  EXPECT_EQ(m.Take("nonzero_measurement_indices"), json(nonzero));
  EXPECT_EQ(m.Take("measurement_dmtf_types"), json(std::vector<int>(types.begin(), types.end())));
  std::vector<int> ids;
  for (const OpaqueField& f : r.response.opaque) ids.push_back(f.type);
  EXPECT_EQ(m.Take("opaque_field_ids"), json(ids));
  if (m.Has("measurements")) {
    for (const auto& [index, hex] : m.Take("measurements").items()) {
      const MeasurementBlock* b = r.Block(static_cast<uint8_t>(std::stoi(index)));
      ASSERT_NE(b, nullptr) << index;
      EXPECT_EQ(ToHex(b->value), hex) << index;
    }
  }

  Manifest w(m.Take("opaque"), "opaque");
  auto raw = [&](uint16_t type) {
    for (const OpaqueField& f : r.response.opaque) {
      if (f.type == type) return ToHex(f.value);
    }
    return std::string();
  };
  if (w.Has("VBIOS_VERSION")) {
    EXPECT_EQ(w.Take("VBIOS_VERSION"), VbiosVersionText(*o.vbios_version));
    EXPECT_EQ(w.Take("VBIOS_VERSION_raw"), raw(kOpaqueVbiosVersion));
  }
  if (w.Has("BOARD_ID")) {
    EXPECT_EQ(w.Take("BOARD_ID"), *o.board_id);
    EXPECT_EQ(w.Take("BOARD_ID_raw"), raw(kOpaqueBoardId));
  }
  if (w.Has("CPRINFO")) {
    EXPECT_EQ(w.Take("CPRINFO"), *o.cprinfo);
    EXPECT_EQ(w.Take("CPRINFO_raw"), raw(kOpaqueCprInfo));
  }
  if (w.Has("OPAQUE_DATA_VERSION")) {
    EXPECT_EQ(w.Take("OPAQUE_DATA_VERSION"), *o.opaque_data_version);
    EXPECT_EQ(w.Take("OPAQUE_DATA_VERSION_raw"), raw(kOpaqueDataVersion));
  }
  auto text = [&](const char* key, const std::optional<std::string>& have) {
    if (w.Has(key)) {
      EXPECT_EQ(w.Take(key), have.value_or("(absent)")) << key;
    }
  };
  text("CHIP_SKU", o.chip_sku);
  text("CHIP_SKU_MOD", o.chip_sku_mod);
  text("PROJECT", o.project);
  text("PROJECT_SKU", o.project_sku);
  text("PROJECT_SKU_MOD", o.project_sku_mod);
  text("DRIVER_VERSION", o.driver_version);
  auto hex = [&](const char* key, uint16_t type) {
    if (w.Has(key)) {
      EXPECT_EQ(w.Take(key), raw(type)) << key;
    }
  };
  hex("GPU_INFO", kOpaqueGpuInfo);
  hex("NVDEC0_STATUS", kOpaqueNvdec0Status);
  hex("FWID", kOpaqueFwid);
  hex("PROTECTED_PCIE_STATUS", kOpaqueProtectedPcieStatus);
  hex("FEATURE_FLAG", kOpaqueFeatureFlag);
  hex("SYS_ENABLE_STATUS", kOpaqueSysEnableStatus);
  hex("SWITCH_PDI", kOpaqueSwitchPdi);
  if (w.Has("MSRSCNT")) {
    EXPECT_EQ(w.Take("MSRSCNT"), json(*o.msrscnt));
  }
}

std::vector<std::string> VectorNames() {
  auto dir = testing::NvidiaTestDataDir();
  if (!dir) return {"shared_data_missing"};
  std::vector<std::string> names;
  const json vectors = testing::LoadVectors(*dir);
  for (const json& v : vectors["evidence"]) names.push_back(v["name"]);
  return names;
}

class NvgpuVectorTest : public ::testing::TestWithParam<std::string> {};

void CheckReportVector(const fs::path& dir, Manifest& m) {
  const std::string name = m.Take("name");
  Bytes bytes = testing::ReadReport(dir, m.Take("report").get<std::string>());
  std::vector<Certificate> chain = Certs(dir, m.Take("chain").get<std::string>());
  ASSERT_GE(chain.size(), 2u);
  m.Take("note");
  EXPECT_EQ(m.Take("report_length"), bytes.size());
  EXPECT_EQ(m.Take("report_sha256"), ToHex(Sha256(bytes)));
  EXPECT_EQ(m.Take("signed_bytes_sha384"), ToHex(Sha384(SignedPart(bytes))));
  auto parsed = ParseAttestationReport(bytes);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  auto opaque = DecodeOpaque(parsed->response.opaque);
  ASSERT_TRUE(opaque.has_value()) << opaque.error().ToString();
  CheckDecoded(m, *parsed, *opaque, bytes);

  // Certificates.
  const std::string leaf_subject = m.Take("leaf_subject");
  EXPECT_EQ(leaf_subject.rfind("CN=" + chain[0].SubjectCn() + ",", 0), 0u) << leaf_subject;
  EXPECT_NE(leaf_subject.find("2.5.4.5=" + SerialNumber(chain[0])), std::string::npos);
  EXPECT_EQ(m.Take("leaf_sha256"), chain[0].Sha256Hex());
  EXPECT_EQ(m.Take("leaf_cert_fwid"), LeafFwid(chain[0]));
  EXPECT_EQ(m.Take("device_cert_serial_name"), SerialNumber(chain[1]));

  // Verify.
  VerifyInputs in;
  const bool has_rims = m.Has("rims_used");
  in.at = Time(has_rims ? m.Take("rim_as_of").get<std::string>() : kCheckDate);
  in.certs = chain;
  for (const json& f : has_rims ? m.Take("rims_used") : json::array()) {
    in.rims.push_back({f.get<std::string>(), testing::ReadTestFile(dir, f.get<std::string>())});
  }
  const json& nonce = m.Take("expected_nonce");
  if (!nonce.is_null()) {
    in.validation.expect["nonce"] = *FromHex(nonce.get<std::string>());
  }
  Verification v = Verifier().Verify(bytes, in);
  SCOPED_TRACE(v.ToJson().dump(1));
  EXPECT_FALSE(v.simulated);
  EXPECT_NE(v.trust_anchor.find("NVIDIA Device Identity CA (built-in, SHA-256 102bf659"),
            std::string::npos)
      << v.trust_anchor;
  EXPECT_TRUE(HasNote(v, "OCSP"));

  const bool sig = m.Take("signature_valid").get<bool>();
  EXPECT_EQ(Ok(v, "report_signature"), sig);
  const bool chain_valid = m.Take("cert_chain_valid").get<bool>();
  EXPECT_EQ(Ok(v, "certificate_chain"), chain_valid);
  const json& fwid = m.Take("fwid_matches");
  if (fwid.is_null()) {
    EXPECT_EQ(FindCheck(v, "fwid"), nullptr);
    EXPECT_TRUE(HasNote(v, "fwid not compared"));
  } else {
    EXPECT_EQ(Ok(v, "fwid"), fwid.get<bool>());
  }
  EXPECT_EQ(m.Take("valid").get<bool>(),
            sig && chain_valid && Ok(v, "fwid").value_or(true) && Ok(v, "nonce").value_or(true));
  for (const json& e : m.Take("errors")) {
    const std::string error = e;
    if (error == "SPDM signature invalid") {
      EXPECT_EQ(Ok(v, "report_signature"), false);
    } else if (error == "FWID in leaf certificate != FWID opaque field") {
      EXPECT_EQ(Ok(v, "fwid"), false);
    } else {
      ADD_FAILURE() << "unmapped error: " << error;
    }
  }

  // RIMs and the comparison.
  if (has_rims) {
    for (const json& rr : m.Take("rim_results")) {
      Manifest r(rr, "rim_results");
      const std::string kind = r.Take("kind");
      r.Take("file");
      EXPECT_EQ(Ok(v, kind + "_rim"), true);
      EXPECT_EQ(Ok(v, kind + "_rim_signature"), r.Take("xml_signature_valid").get<bool>());
      EXPECT_EQ(Ok(v, kind + "_rim_chain"), r.Take("cert_chain_valid").get<bool>());
      EXPECT_EQ(Ok(v, kind + "_rim_validity"), r.Take("cert_chain_valid").get<bool>());
      EXPECT_EQ(Ok(v, kind + "_rim_version"), r.Take("version_matches_report").get<bool>());
      EXPECT_NE(FindCheck(v, kind + "_rim_version")->detail.find(r.Take("version").get<std::string>()),
                std::string::npos);
      EXPECT_EQ(Ok(v, kind + "_rim_product"), true);
    }
    Manifest c(m.Take("measurement_comparison"), "measurement_comparison");
    const Check* check = FindCheck(v, "measurements");
    ASSERT_NE(check, nullptr);
    EXPECT_EQ(check->ok, c.Take("ok").get<bool>());
    const json& mismatched = c.Take("mismatched_rim_indices");
    const json& matched = c.Take("matched_rim_indices");
    const json& skipped = c.Take("skipped");
    EXPECT_TRUE(c.Take("conflicts").empty());
    for (const json& pair : mismatched) {
      const std::string named = pair[0].get<std::string>() + " RIM index " +
                                std::to_string(pair[1].get<int>()) + " (block " +
                                std::to_string(pair[1].get<int>() + 1) + ")";
      EXPECT_NE(check->detail.find(named), std::string::npos) << named;
    }
    if (mismatched.empty()) {
      EXPECT_EQ(check->detail.rfind(std::to_string(matched.size()) + " golden measurements equal",
                                    0),
                0u)
          << check->detail;
    } else {
      EXPECT_EQ(check->detail.rfind(std::to_string(mismatched.size()) + " mismatch(es)", 0), 0u)
          << check->detail;
    }
    for (const json& i : skipped) {
      EXPECT_NE(check->detail.find("index " + std::to_string(i.get<int>()) + " skipped"),
                std::string::npos);
    }
  } else {
    EXPECT_TRUE(HasNote(v, "signature and chain only"));
    EXPECT_EQ(FindCheck(v, "measurements"), nullptr);
  }

  // The recorded verdict.
  Manifest x(m.Take("expect"), "expect");
  const std::string overall = x.Take("overall");
  const bool pass = overall.rfind("PASS", 0) == 0;
  EXPECT_EQ(v.accepted(), pass) << overall << "\n" << v.reason();
  if (x.Has("signature_valid")) {
    EXPECT_EQ(x.Take("signature_valid").get<bool>(), sig);
  }
  if (x.Has("cert_chain_valid")) {
    EXPECT_EQ(x.Take("cert_chain_valid").get<bool>(), chain_valid);
  }
  if (x.Has("rim_signatures_valid")) {
    const bool want = x.Take("rim_signatures_valid").get<bool>();
    EXPECT_EQ(Ok(v, "driver_rim_signature").value_or(false) &&
                  Ok(v, "vbios_rim_signature").value_or(false),
              want);
  }
  if (x.Has("rim_chains_valid_as_of")) {
    EXPECT_EQ(Time(x.Take("rim_chains_valid_as_of")), in.at);
    EXPECT_EQ(Ok(v, "driver_rim_validity"), true);
    EXPECT_EQ(Ok(v, "vbios_rim_validity"), true);
  }
  for (const char* kind : {"driver", "vbios"}) {
    const std::string key = std::string(kind) + "_rim_signature_valid";
    if (x.Has(key)) {
      EXPECT_EQ(Ok(v, std::string(kind) + "_rim_signature"), x.Take(key).get<bool>());
    }
  }
  if (x.Has("measurements_match")) {
    EXPECT_EQ(Ok(v, "measurements"), x.Take("measurements_match").get<bool>());
  }
  if (x.Has("vbios_measurements_match")) {
    // Only the VBIOS RIM is given: the comparison is the VBIOS part, and the driver part is
    // named as not compared.
    EXPECT_EQ(Ok(v, "measurements"), x.Take("vbios_measurements_match").get<bool>());
    EXPECT_TRUE(HasNote(v, "driver measurements not compared"));
  }
  if (x.Has("mismatched_rim_indices")) {
    EXPECT_EQ(x.Take("mismatched_rim_indices"),
              m.Take("measurement_comparison")["mismatched_rim_indices"]);
  }
  if (pass) {
    EXPECT_EQ(v.claims["device_id"], SerialNumber(chain[1]));
    EXPECT_EQ(v.claims["arch"], chain[0].SubjectCn().rfind("GB", 0) == 0 ? "blackwell" : "hopper");
    EXPECT_EQ(v.claims["driver_version"], *opaque->driver_version);
  } else {
    EXPECT_FALSE(v.reason().empty());
  }
}

void CheckBundleVector(const fs::path& dir, Manifest& m) {
  m.Take("name");
  m.Take("format");
  Bytes text = testing::ReadTestFile(dir, m.Take("evidence_json").get<std::string>());
  VerifyInputs in;
  in.at = Time(kCheckDate);
  Verification v = Verifier().VerifyBundle(text, in);
  SCOPED_TRACE(v.ToJson().dump(1).substr(0, 20000));
  Manifest x(m.Take("expect"), "expect");
  EXPECT_EQ(v.accepted(), x.Take("all_valid").get<bool>()) << v.reason();
  const size_t count = x.Take("count");
  ASSERT_EQ(v.claims["gpus"].size(), count);
  auto items = ParseEvidenceBundle(text);
  ASSERT_TRUE(items.has_value());
  size_t i = 0;
  for (const json& item : m.Take("items")) {
    Manifest w(item, "items");
    EXPECT_EQ(w.Take("index"), i);
    const std::string p = "gpu" + std::to_string(i) + ".";
    const json& c = v.claims["gpus"][i];
    EXPECT_EQ(w.Take("valid").get<bool>(), v.accepted());
    EXPECT_EQ(Ok(v, p + "report_signature"), w.Take("signature_valid").get<bool>());
    EXPECT_EQ(Ok(v, p + "certificate_chain"), w.Take("cert_chain_valid").get<bool>());
    EXPECT_EQ(Ok(v, p + "fwid"), w.Take("fwid_matches").get<bool>());
    EXPECT_EQ(Ok(v, p + "bundle_fields"), true);
    EXPECT_EQ(c["nonce"], w.Take("nonce"));
    EXPECT_EQ(c["driver_version"], w.Take("driver_version"));
    EXPECT_EQ(c["vbios_version"], w.Take("vbios_version"));
    EXPECT_EQ(c["project"], w.Take("project"));
    EXPECT_EQ(c["project_sku"], w.Take("project_sku"));
    EXPECT_EQ(c["chip_sku"], w.Take("chip_sku"));
    EXPECT_EQ(c["device_id"], w.Take("device_cert_serial_name"));
    EXPECT_EQ(c["arch"], "hopper");
    EXPECT_EQ(w.Take("report_sha256"), ToHex(Sha256((*items)[i].report)));
    const json& jd = w.Take("json_driver_version");
    EXPECT_EQ(jd.is_null() ? std::optional<std::string>() : std::optional(jd.get<std::string>()),
              (*items)[i].driver_version);
    const json& jv = w.Take("json_vbios_version");
    EXPECT_EQ(jv.is_null() ? std::optional<std::string>() : std::optional(jv.get<std::string>()),
              (*items)[i].vbios_version);
    ++i;
  }
  EXPECT_EQ(i, count);
}

TEST_P(NvgpuVectorTest, MatchesManifest) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  const json* found = nullptr;
  for (const json& v : manifest["evidence"]) {
    if (v["name"] == GetParam()) found = &v;
  }
  ASSERT_NE(found, nullptr) << GetParam();
  Manifest m(*found, GetParam());
  if (found->contains("evidence_json")) {
    CheckBundleVector(dir, m);
  } else {
    CheckReportVector(dir, m);
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, NvgpuVectorTest, ::testing::ValuesIn(VectorNames()),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// Every RIM on its own: XML signature, chain to the built-in CoRIM root as of its date and
// as of the check date, window, signer, identity and golden values.
TEST(NvgpuRims, MatchManifest) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  auto anchors = NvgpuVerifier::RimAnchors({});
  ASSERT_TRUE(anchors.has_value());
  size_t count = 0;
  for (const json& entry : manifest["rims"]) {
    const std::string file = entry["file"];
    SCOPED_TRACE(file);
    Manifest m(entry, file);
    m.Take("file");
    m.Take("why");
    RimFile rim{file, testing::ReadTestFile(dir, file)};
    RimVerification r = Verifier().VerifyRim(rim, Time(m.Take("as_of")), *anchors);
    ASSERT_TRUE(r.rim.has_value()) << r.parse_detail;
    EXPECT_EQ(r.signature_ok, m.Take("xml_signature_valid").get<bool>()) << r.signature_detail;
    const std::string detail = m.Take("xml_signature_detail");
    if (r.signature_ok) {
      EXPECT_EQ(detail.rfind("ok (c14n=xml-c14n11, digest=sha384)", 0), 0u);
      EXPECT_NE(r.signature_detail.find("xml-c14n11"), std::string::npos) << r.signature_detail;
    } else {
      // The same reason, in the same words: "reference digest …" / "SignatureValue does …".
      const std::string first_words = detail.substr(0, detail.find(' ', detail.find(' ') + 1));
      EXPECT_EQ(r.signature_detail.rfind(first_words, 0), 0u) << r.signature_detail;
    }
    EXPECT_EQ(r.chain_ok && r.validity_ok, m.Take("cert_chain_valid_as_of").get<bool>())
        << r.chain_detail << " / " << r.validity_detail;
    EXPECT_EQ(r.ok(), m.Take("expect_valid").get<bool>());
    RimVerification later = Verifier().VerifyRim(rim, Time(kCheckDate), *anchors);
    EXPECT_EQ(later.chain_ok && later.validity_ok,
              m.Take("cert_chain_valid_2026_11_21").get<bool>())
        << later.validity_detail;
    // The window in which every KeyInfo certificate is valid.
    auto leaf = Certificate::FromDer(r.rim->signature.certificates.at(0));
    ASSERT_TRUE(leaf.has_value());
    UnixTime from = leaf->NotBefore(), to = leaf->NotAfter();
    for (const Bytes& der : r.rim->signature.certificates) {
      auto c = Certificate::FromDer(der);
      ASSERT_TRUE(c.has_value());
      from = std::max(from, c->NotBefore());
      to = std::min(to, c->NotAfter());
    }
    const json& window = m.Take("cert_chain_window");
    EXPECT_EQ(window[0], FormatTime(from));
    EXPECT_EQ(window[1], FormatTime(to));
    EXPECT_EQ(m.Take("signer"), leaf->Subject());
    EXPECT_EQ(m.Take("colloquial_version"), r.rim->colloquial_version);
    EXPECT_EQ(m.Take("tag_id"), r.rim->tag_id);
    EXPECT_EQ(m.Take("name"), r.rim->name);
    EXPECT_EQ(m.Take("active_indices"), json(r.rim->ActiveIndices()));
    const json& golden = m.Take("golden_active");
    for (const RimMeasurement& g : r.rim->measurements) {
      if (!g.active) continue;
      std::vector<std::string> alts;
      for (const auto& a : g.alternatives) alts.push_back(ToHex(a));
      EXPECT_EQ(golden[std::to_string(g.index)], json(alts)) << g.index;
    }
    ++count;
  }
  EXPECT_EQ(count, 9u);
}

TEST(NvgpuMutations, MatchManifest) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  size_t count = 0;
  for (const json& entry : manifest["mutations"]) {
    const std::string name = entry["name"];
    SCOPED_TRACE(name);
    Manifest m(entry, name);
    m.Take("name");
    ++count;
    if (name == "rim_with_wrong_trust_anchor") {
      std::vector<Certificate> anchor = Certs(dir, m.Take("anchor"));
      const std::string file = m.Take("rim");
      RimVerification r =
          Verifier().VerifyRim({file, testing::ReadTestFile(dir, file)}, Time(kCheckDate), anchor);
      EXPECT_TRUE(r.signature_ok) << r.signature_detail;
      EXPECT_EQ(r.chain_ok, m.Take("expect_chain_valid").get<bool>()) << r.chain_detail;
      EXPECT_FALSE(m.Take("seen").empty());  // the checker's own words; ours are in chain_detail
      EXPECT_FALSE(r.ok());
      continue;
    }
    Bytes bytes = testing::ReadReport(dir, m.Take("base"));
    m.Take("description");
    VerifyInputs in;
    in.at = Time(kCheckDate);
    in.certs = Certs(dir, m.Has("chain") ? m.Take("chain").get<std::string>()
                                         : "h100_545.00_chain.pem");
    if (name == "wrong_expected_nonce") {
      in.validation.expect["nonce"] = Bytes(32, 0);
      Verification v = Verifier().Verify(bytes, in);
      EXPECT_EQ(v.accepted(), m.Take("expect_valid").get<bool>());
      EXPECT_EQ(v.reason().rfind("nonce: nonce is 4cff7f53", 0), 0u) << v.reason();
      for (const json& seen : m.Take("seen_errors")) {
        EXPECT_NE(seen.get<std::string>().find("!= expected " + std::string(64, '0')),
                  std::string::npos);
      }
      continue;
    }
    const size_t offset = name == "flip_request_nonce_byte"   ? 4
                          : name == "flip_measurement_byte"   ? 52
                          : name == "flip_signature_last_byte" ? bytes.size() - 1
                                                               : 0;
    ASSERT_NE(offset, 0u) << "unknown mutation";
    bytes[offset] ^= 0x01;
    Verification v = Verifier().Verify(bytes, in);
    const bool want = m.Take("expect_signature_valid").get<bool>();
    EXPECT_EQ(want, m.Take("seen_signature_valid").get<bool>());
    EXPECT_EQ(Ok(v, "report_signature"), want);
    EXPECT_EQ(v.reason().rfind("report_signature: ", 0), 0u) << v.reason();
  }
  EXPECT_EQ(count, 5u);
}

// The negatives the issue names, each rejected with its own reason.
TEST(NvgpuNegatives, RimsRejectedForTheirOwnReason) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  const Bytes report = testing::ReadReport(dir, "h100_545.00_report.hex");
  VerifyInputs base;
  base.at = Time("2024-06-01T00:00:00Z");
  base.certs = Certs(dir, "h100_545.00_chain.pem");
  auto with_rims = [&](std::vector<std::pair<std::string, Bytes>> rims) {
    VerifyInputs in = base;
    for (auto& [n, b] : rims) in.rims.push_back({n, std::move(b)});
    return Verifier().Verify(report, in);
  };
  const Bytes driver = testing::ReadTestFile(dir, "rim_driver_545.00_test_no_gpu.swidtag");
  const Bytes vbios =
      testing::ReadTestFile(dir, "rim_vbios_1010_0200_882_96005E0001_test_no_gpu.swidtag");
  ASSERT_TRUE(with_rims({{"d", driver}, {"v", vbios}}).accepted());

  auto expect_reason = [](const Verification& v, const std::string& prefix) {
    EXPECT_FALSE(v.accepted());
    EXPECT_EQ(v.reason().rfind(prefix, 0), 0u) << v.reason();
  };
  // A golden value changed in the text: the reference digest no longer matches.
  std::string text(driver.begin(), driver.end());
  const std::string golden = "0e0ee161b59bf124";
  ASSERT_NE(text.find(golden), std::string::npos);
  text.replace(text.find(golden), 1, "1");
  expect_reason(with_rims({{"d", Bytes(text.begin(), text.end())}, {"v", vbios}}),
                "driver_rim_signature: reference digest mismatch");
  // A flipped SignatureValue character.
  text.assign(driver.begin(), driver.end());
  size_t sv = text.find("SignatureValue>") + 15;
  text[sv] = text[sv] == 'A' ? 'B' : 'A';
  expect_reason(with_rims({{"d", Bytes(text.begin(), text.end())}, {"v", vbios}}),
                "driver_rim_signature: SignatureValue does not verify");
  // Expired RIM signer at the check date.
  {
    VerifyInputs in = base;
    in.at = Time(kCheckDate);
    in.rims = {{"d", driver}, {"v", vbios}};
    expect_reason(Verifier().Verify(report, in), "driver_rim_validity: ");
  }
  // The VBIOS RIM given as the driver RIM's partner twice.
  expect_reason(with_rims({{"v1", vbios}, {"v2", vbios}}), "vbios_rim: two vbios RIMs given");
  // A RIM for another driver version.
  expect_reason(with_rims({{"d", testing::ReadTestFile(dir, "rim_driver_550.144.03.xml")},
                           {"v", vbios}}),
                "driver_rim_validity: ");  // 550.144.03's signer is not valid yet in 2024
  {
    VerifyInputs in = base;
    in.at = Time("2025-06-01T00:00:00Z");
    in.rims = {{"d", testing::ReadTestFile(dir, "rim_driver_550.144.03.xml")}};
    expect_reason(Verifier().Verify(report, in),
                  "driver_rim_version: RIM is for driver 550.144.03, the report says 545.00");
  }
  // Garbage and a truncated RIM.
  expect_reason(with_rims({{"g", Bytes(100, 0xff)}}), "rim_parse: g: RIM: not well-formed XML");
  expect_reason(with_rims({{"t", Bytes(driver.begin(), driver.begin() + 5000)}}),
                "rim_parse: t: RIM: not well-formed XML");
  // The bad-chain RIM is a GB100 VBIOS RIM: its chain does not link.
  {
    VerifyInputs in = base;
    in.at = Time("2025-06-01T00:00:00Z");
    in.rims = {{"c", testing::ReadTestFile(dir, "NEG_rim_bad_cert_chain.xml")}};
    expect_reason(Verifier().Verify(report, in), "vbios_rim_chain: ");
  }
}

}  // namespace
}  // namespace veritee::nvgpu
