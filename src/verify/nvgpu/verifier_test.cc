// NvgpuVerifier over reports signed by a test PKI (test_pki.h): every check, each failure at
// its own check with its own reason. The real NVIDIA vectors and RIMs are exercised in
// tests/conformance/nvgpu_vectors_test.cc.
#include "verify/nvgpu/verifier.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nvgpu/evidence_json.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/test_data.h"
#include "verify/nvgpu/policy.h"
#include "verify/nvgpu/test_pki.h"
#include "verify/testing/checks.h"

namespace veritee::nvgpu {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using testing::SampleReport;
using testing::TestGpuPki;

constexpr UnixTime kAt = 1795219200;  // 2026-11-21

Bytes SampleFwid() {
  auto o = DecodeOpaque(SampleReport().response.opaque);
  return Bytes(o->fwid->begin(), o->fwid->end());
}

const TestGpuPki& Pki() {
  static const TestGpuPki* pki = new TestGpuPki(*TestGpuPki::Create(SampleFwid()));
  return *pki;
}

VerifyInputs Inputs(const TestGpuPki& pki = Pki()) {
  VerifyInputs in;
  in.at = kAt;
  in.certs = pki.chain();
  in.extra_roots = {pki.root()};
  return in;
}

bool HasNote(const Verification& v, const std::string& phrase) {
  for (const std::string& n : v.notes()) {
    if (n.find(phrase) != std::string::npos) return true;
  }
  return false;
}

TEST(NvgpuVerifier, AcceptsSignedReportAsSimulated) {
  NvgpuVerifier verifier;
  Bytes report = *Pki().Sign(SampleReport());
  Verification v = verifier.Verify(report, Inputs());
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_TRUE(v.simulated);
  EXPECT_NE(v.trust_anchor.find("Test Device Identity CA (from --trust-root"), std::string::npos);
  EXPECT_EQ(v.claims["arch"], "hopper");
  EXPECT_EQ(v.claims["device_id"], "41TESTDEVICE0001");
  EXPECT_EQ(v.claims["driver_version"], "550.90.07");
  EXPECT_EQ(v.claims["measurements"].size(), 64u);
  for (const char* name : {"parse", "opaque_data", "certificate_chain", "attestation_key",
                           "certificate_validity", "report_signature", "fwid"}) {
    const Check* c = FindCheck(v, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_TRUE(c->ok) << name;
  }
  EXPECT_TRUE(HasNote(v, "OCSP"));
  EXPECT_TRUE(HasNote(v, "nonce not checked"));
  EXPECT_TRUE(HasNote(v, "no RIMs given"));
  EXPECT_EQ(v.collateral["device_certificates"].size(), 4u);
  // The chain is built once.
  verifier.Verify(report, Inputs());
  EXPECT_EQ(verifier.cached_chains(), 1u);
}

TEST(NvgpuVerifier, TestRootIsNotBuiltIn) {
  NvgpuVerifier verifier;
  VerifyInputs in = Inputs();
  in.extra_roots.clear();
  Verification v = verifier.Verify(*Pki().Sign(SampleReport()), in);
  ExpectRejectedAt(v, "certificate_chain", "built-in NVIDIA Device Identity CA");
  EXPECT_TRUE(v.claims.empty());
}

TEST(NvgpuVerifier, NoChainGiven) {
  NvgpuVerifier verifier;
  VerifyInputs in = Inputs();
  in.certs.clear();
  ExpectRejectedAt(verifier.Verify(*Pki().Sign(SampleReport()), in), "certificate_chain",
                   "--cert");
}

TEST(NvgpuVerifier, BitFlipsInTheSignedRegion) {
  NvgpuVerifier verifier;
  const Bytes good = *Pki().Sign(SampleReport());
  // Request nonce, measurement block, responder nonce, opaque data, the signature itself.
  const size_t block1 = kRequestSize + 8 + 7;
  const size_t responder_nonce = kRequestSize + 8 + 64 * 55;
  const size_t driver_version = responder_nonce + 32 + 2 + 4;  // first opaque value
  for (size_t at : {size_t{4}, size_t{35}, block1, block1 + 47, responder_nonce,
                    responder_nonce + 31, driver_version, good.size() - 96, good.size() - 1}) {
    Bytes bad = good;
    bad[at] ^= 0x01;
    ExpectRejectedAt(verifier.Verify(bad, Inputs()), "report_signature", "does not verify");
  }
}

TEST(NvgpuVerifier, TruncatedAndGarbage) {
  NvgpuVerifier verifier;
  const Bytes good = *Pki().Sign(SampleReport());
  for (size_t n : {size_t{0}, size_t{10}, size_t{37}, good.size() / 2, good.size() - 1}) {
    ExpectRejectedAt(verifier.Verify(ByteSpan(good).first(n), Inputs()), "parse", "need");
  }
  Bytes garbage(4000);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 131 + 7);
  ExpectRejectedAt(verifier.Verify(garbage, Inputs()), "parse", "SPDM version");
  Bytes longer = good;
  longer.push_back(0);
  ExpectRejectedAt(verifier.Verify(longer, Inputs()), "parse", "unexpected trailing bytes");
}

TEST(NvgpuVerifier, FwidMustMatchTheCertificate) {
  NvgpuVerifier verifier;
  auto other = TestGpuPki::Create(Bytes(48, 0x77));
  ASSERT_TRUE(other.has_value());
  Verification v = verifier.Verify(*other->Sign(SampleReport()), Inputs(*other));
  ExpectRejectedAt(v, "fwid", "!= certificate FWID 7777");

  auto none = TestGpuPki::Create(Bytes{});
  v = verifier.Verify(*none->Sign(SampleReport()), Inputs(*none));
  ExpectRejectedAt(v, "fwid", "no TCG DICE TcbInfo extension");

  // A report without a FWID field (drivers up to 545): nothing to compare, and it says so.
  AttestationReport old = SampleReport();
  auto o = DecodeOpaque(old.response.opaque);
  o->fwid.reset();
  old.response.opaque = EncodeOpaque(*o);
  v = verifier.Verify(*Pki().Sign(old), Inputs());
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_EQ(FindCheck(v, "fwid"), nullptr);
  EXPECT_TRUE(HasNote(v, "fwid not compared"));
}

TEST(NvgpuVerifier, BlackwellLayout) {
  NvgpuVerifier verifier;
  auto pki = TestGpuPki::Create(SampleFwid(), /*blackwell=*/true);
  ASSERT_TRUE(pki.has_value()) << pki.error().ToString();
  Verification v = verifier.Verify(*pki->Sign(SampleReport()), Inputs(*pki));
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_EQ(v.claims["arch"], "blackwell");
  EXPECT_NE(FindCheck(v, "fwid")->detail.find("2.23.133.5.4.1.1"), std::string::npos);
}

TEST(NvgpuVerifier, ExpectedNonceAndFwid) {
  NvgpuVerifier verifier;
  const Bytes report = *Pki().Sign(SampleReport());
  VerifyInputs in = Inputs();
  const auto nonce = SampleReport().request.nonce;
  in.validation.expect["nonce"] = Bytes(nonce.begin(), nonce.end());
  in.validation.expect["fwid"] = SampleFwid();
  Verification v = verifier.Verify(report, in);
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_FALSE(HasNote(v, "nonce not checked"));
  in.validation.expect["nonce"] = Bytes(32, 0);
  ExpectRejectedAt(verifier.Verify(report, in), "nonce",
                   "expected 0000000000000000000000000000000000000000000000000000000000000000");
}

TEST(NvgpuVerifier, ExpectValues) {
  EXPECT_EQ(ParseExpectValue("nonce", std::string(64, 'A'))->size(), 32u);
  EXPECT_EQ(ParseExpectValue("nonce", "00").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseExpectValue("report_data", "00").error().code, ErrorCode::kInvalidArgument);
}

TEST(NvgpuVerifier, AttestationKeyMustBeP384) {
  NvgpuVerifier verifier;
  auto pki = TestGpuPki::Create(SampleFwid(), false, "P-256");
  ASSERT_TRUE(pki.has_value());
  ExpectRejectedAt(verifier.Verify(*pki->Sign(SampleReport()), Inputs(*pki)), "attestation_key",
                   "not EC P-384");
}

TEST(NvgpuVerifier, ValidityAtTheVerificationTime) {
  NvgpuVerifier verifier;
  VerifyInputs in = Inputs();
  in.at = 1500000000;  // 2017, before the test PKI's notBefore
  ExpectRejectedAt(verifier.Verify(*Pki().Sign(SampleReport()), in), "certificate_validity",
                   "not valid yet");
}

TEST(NvgpuVerifier, RequireRims) {
  NvgpuVerifier verifier;
  VerifyInputs in = Inputs();
  in.validation.require_rims = true;
  ExpectRejectedAt(verifier.Verify(*Pki().Sign(SampleReport()), in), "rims", "no RIMs given");
}

TEST(NvgpuVerifier, UnparsableRimIsRejected) {
  NvgpuVerifier verifier;
  VerifyInputs in = Inputs();
  std::string xml = "<SoftwareIdentity/>";
  in.rims.push_back({"bad.xml", Bytes(xml.begin(), xml.end())});
  ExpectRejectedAt(verifier.Verify(*Pki().Sign(SampleReport()), in), "rim_parse",
                   "bad.xml: RIM: the root is not a SWID SoftwareIdentity");
}

TEST(NvgpuVerifier, Bundle) {
  NvgpuVerifier verifier;
  std::vector<BundleItem> items(2);
  std::string pem;
  for (const Certificate& c : Pki().chain()) pem += c.ToPem();
  for (BundleItem& b : items) {
    b.arch = "HOPPER";
    b.report = *Pki().Sign(SampleReport());
    const auto nonce = SampleReport().request.nonce;
    b.nonce.assign(nonce.begin(), nonce.end());
    b.certificate_chain.assign(pem.begin(), pem.end());
    b.driver_version = "550.90.07";
    b.vbios_version = "96.00.9F.00.01";
  }
  VerifyInputs in = Inputs();
  in.certs.clear();
  std::string text = WriteEvidenceBundle(items);
  Verification v = verifier.VerifyBundle(ByteSpan(reinterpret_cast<const uint8_t*>(text.data()),
                                                  text.size()),
                                         in);
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_EQ(v.claims["gpus"].size(), 2u);
  EXPECT_NE(FindCheck(v, "gpu1.report_signature"), nullptr);

  items[1].vbios_version = "96.00.9F.00.02";
  text = WriteEvidenceBundle(items);
  v = verifier.VerifyBundle(ByteSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                            in);
  ExpectRejectedAt(v, "gpu1.bundle_fields", "vbios_version 96.00.9F.00.02 != report");

  items[1].report.back() ^= 1;
  text = WriteEvidenceBundle(items);
  v = verifier.VerifyBundle(ByteSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                            in);
  ExpectRejectedAt(v, "gpu1.report_signature", "does not verify");

  v = verifier.VerifyBundle(ByteSpan(reinterpret_cast<const uint8_t*>("[1]"), 3), in);
  ExpectRejectedAt(v, "bundle", "not an object");
}

TEST(NvgpuPolicy, Section) {
  ValidationOptions o;
  o.expect["fwid"] = Bytes(48, 1);  // as from --expect: the file does not override it
  const std::string text = R"({"policy_id": "p", "sev-snp": {"vmpl": 0},
    "nvidia-gpu": {"expect": {"nonce": ")" + std::string(64, 'A') + R"(", "fwid": ")" +
                           std::string(96, '0') + R"("},
                   "require_rims": true, "appraisal": {"anything": 1}}})";
  ASSERT_TRUE(LoadPolicyText(text, o).has_value());
  EXPECT_TRUE(o.require_rims);
  EXPECT_EQ(o.expect["nonce"], Bytes(32, 0xaa));
  EXPECT_EQ(o.expect["fwid"], Bytes(48, 1));
  auto err = [](const std::string& t) {
    ValidationOptions v;
    auto st = LoadPolicyText(t, v);
    EXPECT_FALSE(st.has_value()) << t;
    return st ? std::string() : st.error().message;
  };
  EXPECT_EQ(err("{\n\"nvidia-gpu\": {\n  \"bogus\": 1}}"),
            "nvidia-gpu.bogus: unknown key (expect, require_rims, appraisal) (line 3)");
  EXPECT_NE(err(R"({"nvidia-gpu": {"expect": {"nonce": "00"}}})").find("64 hex digits"),
            std::string::npos);
  EXPECT_NE(err(R"({"nvidia-gpu": {"require_rims": 1}})").find("true or false"),
            std::string::npos);
  EXPECT_NE(err(R"({"nvidia": {}})").find("unknown key"), std::string::npos);
  EXPECT_EQ(err("{").rfind("JSON syntax error on line 1", 0), 0u);
}

}  // namespace
}  // namespace veritee::nvgpu
