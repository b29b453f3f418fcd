// End-to-end tests of the `veritee` binary on NVIDIA GPU evidence: the real reports, chains,
// RIMs and SDK bundles of ../shared/testdata/nvidia (skipped when absent, failing under
// CI=true), exit statuses, the --json contract, inspect, usage errors and bench.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-nvgpu-e2e-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json Json(const RunResult& r) {
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

const json* FindCheck(const json& v, const std::string& name) {
  for (const json& c : v["checks"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

std::string P(const fs::path& dir, const char* name) { return (dir / name).string(); }

TEST(NvgpuCli, EndToEndWithBothRims) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  RunResult r = Veritee(
      "verify " + P(d, "h100_545.00_report.hex") + " --cert " + P(d, "h100_545.00_chain.pem") +
      " --rim " + P(d, "rim_driver_545.00_test_no_gpu.swidtag") + " --rim " +
      P(d, "rim_vbios_1010_0200_882_96005E0001_test_no_gpu.swidtag") +
      " --at 2024-06-01T00:00:00Z --expect "
      "nonce=4CFF7F5380EAD8FAD8EC2C531C110ACA4302A88F603792801A8CA29EE151AF2E --json");
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  json v = Json(r);
  EXPECT_EQ(v["tee"], "nvidia-gpu");
  EXPECT_EQ(v["verdict"], "accepted");
  EXPECT_EQ(v["simulated"], false);
  EXPECT_EQ(v["claims"]["driver_version"], "545.00");
  EXPECT_EQ(v["claims"]["vbios_version"], "96.00.5E.00.01");
  EXPECT_EQ(v["claims"]["arch"], "hopper");
  ASSERT_NE(FindCheck(v, "measurements"), nullptr);
  EXPECT_EQ((*FindCheck(v, "measurements"))["detail"],
            "32 golden measurements equal the report's; index 35 skipped (NVDEC0 disabled)");
  EXPECT_NE(v["trust_anchor"].get<std::string>().find("NVIDIA Device Identity CA (built-in"),
            std::string::npos);
  EXPECT_EQ(v["collateral"]["rims"].size(), 2u);
  EXPECT_NE(v["notes"].dump().find("OCSP"), std::string::npos);

  // The text form says the same.
  RunResult text = Veritee("verify " + P(d, "h100_545.00_report.hex") + " --cert " +
                           P(d, "h100_545.00_chain.pem") + " --at 2024-06-01");
  EXPECT_EQ(text.rc, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("report_signature"), std::string::npos) << text.out;
}

TEST(NvgpuCli, SignatureAndChainOnly) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  for (const char* base : {"h100_550.90.07", "h100_570.124.03", "b100_575.32"}) {
    RunResult r = Veritee("verify " + P(d, (std::string(base) + "_report.hex").c_str()) +
                          " --cert " + P(d, (std::string(base) + "_chain.pem").c_str()) +
                          " --at 2026-11-21 --json");
    EXPECT_EQ(r.rc, 0) << base << r.out << r.err;
    json v = Json(r);
    EXPECT_NE(v["notes"].dump().find("signature and chain only"), std::string::npos);
    EXPECT_TRUE((*FindCheck(v, "fwid"))["ok"].get<bool>()) << base;
  }
}

TEST(NvgpuCli, Rejections) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  RunResult r = Veritee("verify " + P(d, "NEG_h100_560.00_report_bad_signature.hex") +
                        " --cert " + P(d, "h100_535.86.09_chain.pem") + " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["reason"].get<std::string>().rfind("report_signature: ", 0), 0u) << r.out;

  r = Veritee("verify " + P(d, "h100_535.86.09_report.hex") + " --cert " +
              P(d, "h100_535.86.09_chain.pem") + " --rim " +
              P(d, "NEG_rim_driver_535.86.09_tampered.xml") + " --rim " +
              P(d, "rim_vbios_1010_0200_882_96005E0001_PROD.swidtag") +
              " --at 2025-06-01 --json");
  EXPECT_EQ(r.rc, 1);
  json v = Json(r);
  EXPECT_EQ(v["reason"].get<std::string>().rfind("driver_rim_signature: reference digest", 0), 0u)
      << v["reason"];
  EXPECT_NE((*FindCheck(v, "measurements"))["detail"].get<std::string>().find(
                "driver RIM index 7 (block 8)"),
            std::string::npos);

  r = Veritee("verify " + P(d, "h100_580.159.03_report.hex") + " --cert " +
              P(d, "h100_580.159.03_chain.pem") + " --rim " +
              P(d, "rim_vbios_1010_0205_862_9600740020_PROD.swidtag") + " --at 2024-06-01 --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["reason"].get<std::string>().rfind(
                "measurements: 1 mismatch(es): vbios RIM index 9 (block 10)", 0),
            0u)
      << r.out;

  r = Veritee("verify " + P(d, "h100_545.00_report.hex") + " --cert " +
              P(d, "h100_545.00_chain.pem") + " --expect nonce=" + std::string(64, '0') +
              " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["reason"].get<std::string>().rfind("nonce: ", 0), 0u);

  // No chain at all.
  r = Veritee("verify " + P(d, "h100_545.00_report.hex") + " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["reason"].get<std::string>().rfind("certificate_chain: ", 0), 0u);

  // Truncated and garbage input.
  std::string hex = Slurp(d / "h100_545.00_report.hex");
  std::ofstream(TempDir() / "short.hex") << hex.substr(0, 4000);
  r = Veritee("verify " + (TempDir() / "short.hex").string() + " --cert " +
              P(d, "h100_545.00_chain.pem") + " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["reason"].get<std::string>().rfind("parse: ", 0), 0u) << r.out;
  std::ofstream(TempDir() / "garbage.bin", std::ios::binary) << std::string("\x11\xe0\x07\xff", 4)
                                                             << std::string(300, '\x42');
  r = Veritee("verify " + (TempDir() / "garbage.bin").string() + " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(Json(r)["tee"], "nvidia-gpu");
}

TEST(NvgpuCli, Bundles) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  RunResult r = Veritee("verify " + P(d, "hgx8_h100_590.12_evidence.json") +
                        " --expect nonce=4760e30534a0621357d458b1a7936551b5dc4cd1e69718adf7ed9fb0252a537e"
                        " --json");
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  json v = Json(r);
  EXPECT_EQ(v["claims"]["gpus"].size(), 8u);
  EXPECT_TRUE((*FindCheck(v, "gpu7.nonce"))["ok"].get<bool>());
  r = Veritee("inspect " + P(d, "h100_590.12_evidence.json") + " --json");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(Json(r)["gpus"][0]["claims"]["driver_version"], "590.12");
}

TEST(NvgpuCli, Inspect) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  RunResult r = Veritee("inspect " + P(d, "b100_575.32_report.hex") + " --json");
  EXPECT_EQ(r.rc, 0) << r.err;
  json j = Json(r);
  EXPECT_EQ(j["tee"], "nvidia-gpu");
  EXPECT_EQ(j["claims"]["project"], "G525");
  EXPECT_EQ(j["response"]["blocks"].size(), 64u);
  r = Veritee("inspect " + P(d, "b100_575.32_report.hex"));
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("decoded, not verified"), std::string::npos);
}

TEST(NvgpuCli, UsageErrors) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  const std::string base = "verify " + P(d, "h100_545.00_report.hex") + " --cert " +
                           P(d, "h100_545.00_chain.pem");
  EXPECT_EQ(Veritee(base + " --expect report_data=00").rc, 2);
  EXPECT_EQ(Veritee(base + " --expect nonce=00").rc, 2);
  RunResult r = Veritee(base + " --crl " + P(d, "h100_545.00_chain.pem"));
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(Veritee(base + " --rim /nonexistent/rim.xml").rc, 2);
  EXPECT_EQ(Veritee(base + " --allow-debug").rc, 2);
}

TEST(NvgpuCli, BenchVerify) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "nvidia", "vectors.json");
  RunResult r = Veritee("bench verify " + P(d, "h100_545.00_report.hex") + " --cert " +
                        P(d, "h100_545.00_chain.pem") + " --seconds 0.2");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("verdict: accepted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.rfind("verifications_per_second: "), std::string::npos);
}

}  // namespace

}  // namespace veritee::testing
