#include "parse/snp/report_claims.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "parse/snp/test_data.h"

namespace veritee::snp {
namespace {

using testing::SampleReport;

std::vector<std::string> Keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

TEST(SnpReportClaims, KeysComeInTheDocumentedOrder) {
  const auto j = ReportClaims(SampleReport(5), Product::kGenoa);
  const std::vector<std::string> want = {"version",
                                         "guest_svn",
                                         "policy",
                                         "family_id",
                                         "image_id",
                                         "vmpl",
                                         "signature_algo",
                                         "current_tcb",
                                         "reported_tcb",
                                         "committed_tcb",
                                         "launch_tcb",
                                         "platform_info",
                                         "signing_key",
                                         "author_key_en",
                                         "mask_chip_key",
                                         "report_data",
                                         "measurement",
                                         "host_data",
                                         "id_key_digest",
                                         "author_key_digest",
                                         "report_id",
                                         "report_id_ma",
                                         "chip_id",
                                         "current_version",
                                         "committed_version",
                                         "cpuid",
                                         "launch_mit_vector",
                                         "current_mit_vector",
                                         "product"};
  EXPECT_EQ(Keys(j), want);
}

TEST(SnpReportClaims, VersionSpecificClaims) {
  const auto v2 = ReportClaims(SampleReport(2), Product::kUnknown);
  EXPECT_FALSE(v2.contains("cpuid"));
  EXPECT_FALSE(v2.contains("launch_mit_vector"));
  EXPECT_FALSE(v2.contains("product"));
  const auto v4 = ReportClaims(SampleReport(4), Product::kMilan);
  EXPECT_TRUE(v4.contains("cpuid"));
  EXPECT_FALSE(v4.contains("current_mit_vector"));
  EXPECT_EQ(v4["product"], "milan");
  const auto v5 = ReportClaims(SampleReport(5), Product::kTurin);
  EXPECT_EQ(v5["launch_mit_vector"], "0x000000000000003f");
  EXPECT_EQ(v5["current_mit_vector"], "0x000000010000003f");
}

TEST(SnpReportClaims, PolicyAndFlags) {
  const auto j = ReportClaims(SampleReport(3), Product::kGenoa);
  const auto& p = j["policy"];
  EXPECT_EQ(Keys(p), (std::vector<std::string>{
                         "raw", "abi_major", "abi_minor", "smt_allowed", "reserved_must_be_one",
                         "migrate_ma", "debug_allowed", "single_socket", "cxl_allowed",
                         "mem_aes_256_xts", "rapl_dis", "ciphertext_hiding", "page_swap_disable"}));
  EXPECT_EQ(p["raw"], "0x000000000103001f");
  EXPECT_EQ(p["abi_major"], 0);
  EXPECT_EQ(p["abi_minor"], 31);
  EXPECT_EQ(p["smt_allowed"], true);
  EXPECT_EQ(p["debug_allowed"], false);
  EXPECT_EQ(p["ciphertext_hiding"], true);
  EXPECT_EQ(j["signing_key"], "vlek");
  EXPECT_EQ(j["author_key_en"], true);
  EXPECT_EQ(j["mask_chip_key"], true);
  EXPECT_EQ(j["current_version"], "1.55.40");
  EXPECT_EQ(j["committed_version"], "1.55.39");
  EXPECT_EQ(j["cpuid"], (nlohmann::ordered_json{{"family", 25}, {"model", 17}, {"stepping", 1}}));
  EXPECT_EQ(j["family_id"], "101112131415161718191a1b1c1d1e1f");
}

TEST(SnpReportClaims, PlatformInfoBitsAndUnknownBits) {
  Report r = SampleReport(5);
  r.platform_info = 0x165;
  const auto genoa = ReportClaims(r, Product::kGenoa)["platform_info"];
  EXPECT_EQ(genoa["raw"], "0x0000000000000165");
  EXPECT_EQ(genoa["smt_enabled"], true);
  EXPECT_EQ(genoa["tsme_enabled"], false);
  EXPECT_FALSE(genoa.contains("iommu_write_safe"));
  EXPECT_EQ(genoa["unknown_bits"], "0x0000000000000140");
  const auto turin = ReportClaims(r, Product::kTurin)["platform_info"];
  EXPECT_EQ(turin["iommu_write_safe"], true);
  EXPECT_EQ(turin["unknown_bits"], "0x0000000000000100");
  r.platform_info = 0x65;
  EXPECT_FALSE(ReportClaims(r, Product::kTurin)["platform_info"].contains("unknown_bits"));
}

TEST(SnpReportClaims, TcbObjectsFollowTheProductLayout) {
  const Report r = SampleReport(5);
  const auto milan = ReportClaims(r, Product::kUnknown)["launch_tcb"];
  EXPECT_EQ(Keys(milan),
            (std::vector<std::string>{"bootloader", "tee", "snp", "microcode", "raw"}));
  EXPECT_EQ(milan["raw"], "0x5100000004010101");
  const auto turin = ReportClaims(r, Product::kTurin)["launch_tcb"];
  EXPECT_EQ(Keys(turin),
            (std::vector<std::string>{"fmc", "bootloader", "tee", "snp", "microcode", "raw"}));
  EXPECT_EQ(turin["fmc"], 1);
  EXPECT_EQ(turin["snp"], 4);
  EXPECT_EQ(turin["microcode"], 81);
}

TEST(SnpReportClaims, ReservedSigningKeyInAHandBuiltReport) {
  Report r = SampleReport(2);
  r.key_info = 2u << 2;
  EXPECT_EQ(ReportClaims(r, Product::kMilan)["signing_key"], "reserved");
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void ExpectTcb(const nlohmann::ordered_json& got, const nlohmann::json& want) {
  EXPECT_EQ(got["raw"], want.at("u64").get<std::string>());
  for (const char* k : {"bootloader", "tee", "snp", "microcode"}) {
    EXPECT_EQ(got[k], want.at(k).get<int>()) << k;
  }
  if (want.contains("fmc")) {
    EXPECT_EQ(got["fmc"], want.at("fmc").get<int>());
  } else {
    EXPECT_FALSE(got.contains("fmc"));
  }
}

TEST(SnpReportClaims, MatchEveryRealVector) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  const nlohmann::json vectors = testing::LoadVectors(dir);
  int count = 0;
  for (const auto& v : vectors.at("vectors")) {
    if (!v.contains("report")) continue;
    SCOPED_TRACE(v.at("id").get<std::string>());
    const Bytes bytes = testing::ReadTestFile(dir, v.at("report").get<std::string>());
    auto report = ParseReport(bytes);
    ASSERT_TRUE(report) << report.error().ToString();
    const Product product = ProductFromName(v.at("product").get<std::string>());
    ASSERT_NE(product, Product::kUnknown);
    if (report->has_cpuid()) {
      EXPECT_EQ(ProductFromReport(*report), product);
    }

    const auto claims = ReportClaims(*report, product);
    const auto& e = v.at("expected");
    EXPECT_EQ(claims["version"], e.at("version").get<uint32_t>());
    EXPECT_EQ(claims["guest_svn"], e.at("guest_svn").get<uint32_t>());
    EXPECT_EQ(claims["vmpl"], e.at("vmpl").get<uint32_t>());
    EXPECT_EQ(claims["signature_algo"], e.at("signature_algo").get<uint32_t>());
    EXPECT_EQ(claims["policy"]["raw"], e.at("policy").get<std::string>());
    EXPECT_EQ(claims["policy"]["debug_allowed"], e.at("policy_debug_allowed").get<bool>());
    EXPECT_EQ(claims["policy"]["smt_allowed"], e.at("policy_smt_allowed").get<bool>());
    EXPECT_EQ(claims["policy"]["migrate_ma"], e.at("policy_migrate_ma_allowed").get<bool>());
    EXPECT_EQ(claims["platform_info"]["raw"], e.at("platform_info").get<std::string>());
    EXPECT_FALSE(claims["platform_info"].contains("unknown_bits"));
    EXPECT_EQ(claims["signing_key"], Lower(e.at("signing_key").get<std::string>()));
    for (const char* k :
         {"measurement", "report_data", "host_data", "id_key_digest", "report_id", "chip_id"}) {
      EXPECT_EQ(claims[k], e.at(k).get<std::string>()) << k;
    }
    EXPECT_EQ(TcbLayoutName(TcbLayoutFor(product)), e.at("tcb_layout").get<std::string>());
    for (const char* k : {"current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"}) {
      SCOPED_TRACE(k);
      ExpectTcb(claims[k], e.at(k));
    }
    EXPECT_EQ(claims["current_version"], e.at("current_version").get<std::string>());
    EXPECT_EQ(claims["committed_version"], e.at("committed_version").get<std::string>());
    if (e.contains("cpuid")) {
      ASSERT_TRUE(claims.contains("cpuid"));
      for (const char* k : {"family", "model", "stepping"}) {
        EXPECT_EQ(claims["cpuid"][k], e.at("cpuid").at(k).get<int>()) << k;
      }
    } else {
      EXPECT_FALSE(claims.contains("cpuid"));
    }
    for (const char* k : {"launch_mit_vector", "current_mit_vector"}) {
      if (e.contains(k)) {
        EXPECT_EQ(claims[k], e.at(k).get<std::string>()) << k;
      } else {
        EXPECT_FALSE(claims.contains(k)) << k;
      }
    }
    EXPECT_EQ(claims["product"], std::string(ProductName(product)));
    ++count;
  }
  EXPECT_GE(count, 20);
}

}  // namespace
}  // namespace veritee::snp
