// Conformance: one real Milan report (milan-v3-msft-tav), accepted as received, and
// rejected after every single-bit flip, every truncation, one appended byte, an unknown
// version or a foreign SIGNATURE_ALGO. One verifier serves every case: its chain cache
// keeps the ~10,000 verifications fast, and proves that a cached chain never carries a
// verdict over to altered bytes.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/snp/report.h"
#include "parse/snp/test_data.h"
#include "verify/snp/verifier.h"

namespace veritee::snp {
namespace {

using nlohmann::json;

constexpr const char* kVector = "milan-v3-msft-tav";

class SnpBitflipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::SnpTestDataDir();
    if (!dir) return;  // each test skips (or fails under CI) through the macro
    json manifest = testing::LoadVectors(*dir);
    for (const json& v : manifest["vectors"]) {
      if (v["id"] != kVector) continue;
      report_ = testing::ReadTestFile(*dir, v["report"].get<std::string>());
      auto vek = ParseCertificates(testing::ReadTestFile(*dir, v["vek"].get<std::string>()));
      ASSERT_TRUE(vek.has_value());
      inputs_.certs = *vek;
      auto at = ParseTime(v["verify_at"].get<std::string>());
      ASSERT_TRUE(at.has_value());
      inputs_.at = *at;
    }
    ASSERT_EQ(report_.size(), kReportSize) << kVector << " not found";
  }

  static SnpVerifier& verifier() {
    static SnpVerifier* v = new SnpVerifier();
    return *v;
  }

  Verification Verify(ByteSpan bytes) { return verifier().Verify(bytes, inputs_); }

  // The first failed check's name.
  static std::string FailedAt(const Verification& v) {
    for (const Check& c : v.checks()) {
      if (!c.ok) return c.name;
    }
    return "(none)";
  }

  Bytes report_;
  VerifyInputs inputs_;
};

TEST_F(SnpBitflipTest, OriginalAccepted) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  Verification v = Verify(report_);
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_EQ(verifier().cached_chains(), 1u);
}

TEST_F(SnpBitflipTest, EverySingleBitFlipRejected) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  ASSERT_TRUE(Verify(report_).accepted());
  size_t rejected = 0;
  std::map<std::string, size_t> by_check;
  Bytes bytes = report_;
  for (size_t i = 0; i < kReportSize; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      const uint8_t mask = static_cast<uint8_t>(1u << bit);
      bytes[i] ^= mask;
      Verification v = Verify(bytes);
      bytes[i] ^= mask;
      if (!v.accepted()) {
        ++rejected;
        ++by_check[FailedAt(v)];
      } else {
        ADD_FAILURE() << "accepted with bit " << bit << " of byte 0x" << std::hex << i
                      << " flipped";
      }
    }
  }
  EXPECT_EQ(rejected, size_t{0x4A0} * 8);
  EXPECT_EQ(bytes, report_);
  // Every flip lands on a check that exists; the signed part mostly fails the signature,
  // the reserved signature area fails parsing.
  for (const auto& [check, count] : by_check) {
    EXPECT_TRUE(check == "parse" || check == "signature_algorithm" || check == "signing_key" ||
                check == "report_signature" || check == "certificate_chain" ||
                check == "product")
        << check << " x" << count;
  }
  EXPECT_GT(by_check["report_signature"], 0u);
  EXPECT_GT(by_check["parse"], 0u);
  EXPECT_EQ(verifier().cached_chains(), 1u);
  ASSERT_TRUE(Verify(report_).accepted());
}

TEST_F(SnpBitflipTest, EveryTruncationRejectedAtParse) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  for (size_t n = 0; n < kReportSize; ++n) {
    Verification v = Verify(ByteSpan(report_).first(n));
    ASSERT_FALSE(v.accepted()) << n;
    ASSERT_EQ(v.checks().size(), 1u) << n;
    ASSERT_EQ(v.checks()[0].name, "parse") << n;
    ASSERT_FALSE(v.checks()[0].ok) << n;
  }
}

TEST_F(SnpBitflipTest, AppendedByteRejectedAtParse) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  for (uint8_t extra : {uint8_t{0}, uint8_t{0x5a}}) {
    Bytes longer = report_;
    longer.push_back(extra);
    Verification v = Verify(longer);
    EXPECT_FALSE(v.accepted());
    EXPECT_EQ(FailedAt(v), "parse") << v.reason();
  }
}

TEST_F(SnpBitflipTest, UnknownVersionsRejectedAtParse) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  for (uint32_t version : {0u, 1u, 6u, 0xffffffffu}) {
    Bytes bytes = report_;
    for (int i = 0; i < 4; ++i) {
      bytes[offsets::kVersion + static_cast<size_t>(i)] = static_cast<uint8_t>(version >> (8 * i));
    }
    Verification v = Verify(bytes);
    EXPECT_FALSE(v.accepted()) << version;
    EXPECT_EQ(FailedAt(v), "parse") << version << ": " << v.reason();
    EXPECT_EQ(v.checks().size(), 1u);
  }
}

TEST_F(SnpBitflipTest, ForeignSignatureAlgoRejected) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  (void)dir;
  for (uint32_t algo : {0u, 2u}) {
    Bytes bytes = report_;
    bytes[offsets::kSignatureAlgo] = static_cast<uint8_t>(algo);
    Verification v = Verify(bytes);
    EXPECT_FALSE(v.accepted());
    EXPECT_EQ(v.reason(), "signature_algorithm: SIGNATURE_ALGO " + std::to_string(algo) +
                              " is not ECDSA P-384 with SHA-384 (1)");
  }
}

}  // namespace
}  // namespace veritee::snp
