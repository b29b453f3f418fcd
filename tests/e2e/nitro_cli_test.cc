// End-to-end tests of the `veritee` binary on AWS Nitro Enclaves documents: real documents
// from ../shared/testdata/nitro (skipped when absent, failing under CI=true), simulated
// ones from `veritee sim nitro`, exit statuses and the --json contract.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-nitro-e2e-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kChoraclePcr0 =
    "d41c32ee61300488bcf0b8604fad06d6da8721a24c143a422e689acc112cdd6845601290fe226c4ca71f50e9"
    "d3c769b4";

TEST(NitroCli, RealDocumentAtItsOwnTimestamp) {
  VT_SHARED_TESTDATA_OR_SKIP(dir, "nitro", "vectors.json");
  const std::string doc = (dir / "choracle_2026-04-22.b64").string();
  RunResult ok = Veritee("verify " + doc + " --json --expect pcr0=" + kChoraclePcr0);
  ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
  json j = json::parse(ok.out);
  EXPECT_EQ(j["tee"], "nitro");
  EXPECT_EQ(j["verdict"], "accepted");
  EXPECT_EQ(j["simulated"], false);
  EXPECT_EQ(j["claims"]["pcr0"], kChoraclePcr0);
  EXPECT_EQ(j["claims"]["timestamp"], 1776884737963);
  EXPECT_NE(j["trust_anchor"].get<std::string>().find("641a0321"), std::string::npos);
  EXPECT_EQ(j["collateral"]["time_source"], "document timestamp");

  RunResult wrong = Veritee("verify " + doc + " --expect pcr0=" + std::string(96, '0'));
  EXPECT_EQ(wrong.rc, 1);
  EXPECT_NE(wrong.out.find("✗ expect_pcr0"), std::string::npos) << wrong.out;
  // --at outside the three-hour chain window.
  RunResult late = Veritee("verify " + doc + " --at 2026-04-23T00:00:00Z --json");
  EXPECT_EQ(late.rc, 1);
  EXPECT_NE(json::parse(late.out)["reason"].get<std::string>().find("certificate_validity"),
            std::string::npos);
  // The same document given as hex text.
  RunResult inspect = Veritee("inspect " + doc + " --json");
  ASSERT_EQ(inspect.rc, 0) << inspect.err;
  EXPECT_EQ(json::parse(inspect.out)["cose"]["payload_map"], "indefinite-length");
}

TEST(NitroCli, UsageErrors) {
  VT_SHARED_TESTDATA_OR_SKIP(dir, "nitro", "vectors.json");
  const std::string doc = (dir / "choracle_2026-04-22.b64").string();
  EXPECT_EQ(Veritee("verify " + doc + " --expect report_data=00").rc, 2);
  EXPECT_EQ(Veritee("verify " + doc + " --expect pcr0=zz").rc, 2);
  EXPECT_EQ(Veritee("verify " + doc + " --cert " + (dir / "aws_nitro_root_g1.pem").string()).rc, 2);
  EXPECT_EQ(Veritee("verify " + doc + " --policy " + (dir / "vectors.json").string()).rc, 2);
}

TEST(NitroCli, DebugForgedAndContainer) {
  VT_SHARED_TESTDATA_OR_SKIP(dir, "nitro", "vectors.json");
  const std::string debug = (dir / "anjuna_full_2024-01-24.cose").string();
  RunResult rejected = Veritee("verify " + debug + " --json");
  EXPECT_EQ(rejected.rc, 1);
  EXPECT_EQ(json::parse(rejected.out)["reason"].get<std::string>().rfind("debug: ", 0), 0u);
  EXPECT_EQ(Veritee("verify " + debug + " --allow-debug").rc, 0);

  RunResult forged =
      Veritee("verify " + (dir / "blocky_selfsigned_NEGATIVE.b64").string() + " --json");
  EXPECT_EQ(forged.rc, 1);
  EXPECT_EQ(json::parse(forged.out)["reason"].get<std::string>().rfind("parse: unprotected", 0),
            0u);

  RunResult in_cert =
      Veritee("verify " + (dir / "evervault_beta_in_cert_2023-01-18.pem").string() + " --json");
  ASSERT_EQ(in_cert.rc, 0) << in_cert.out;
  json j = json::parse(in_cert.out);
  EXPECT_EQ(j["checks"].back()["name"], "container_binding");
  EXPECT_NE(j["claims"]["container_certificate"].get<std::string>().find("evervault"),
            std::string::npos);
}

TEST(NitroCli, HostileInputNeverCrashes) {
  VT_SHARED_TESTDATA_OR_SKIP(dir, "nitro", "vectors.json");
  std::string raw = Slurp(dir / "anjuna_prod_2021-03-17.cose");
  for (size_t cut : {size_t{1}, size_t{8}, raw.size() / 2, raw.size() - 1}) {
    fs::path p = TempDir() / ("cut" + std::to_string(cut));
    std::ofstream(p, std::ios::binary) << raw.substr(0, cut);
    RunResult r = Veritee("verify " + p.string() + " --json");
    EXPECT_EQ(r.rc, 1) << cut << ": " << r.err;
  }
  std::string flipped = raw;
  flipped[flipped.size() / 2] ^= 0x40;
  fs::path p = TempDir() / "flipped.cose";
  std::ofstream(p, std::ios::binary) << flipped;
  EXPECT_EQ(Veritee("verify " + p.string()).rc, 1);
}

TEST(NitroCli, SimulatedDocumentVerifiesOnlyWithItsRoot) {
  const fs::path d = TempDir() / "sim";
  RunResult sim = Veritee("sim nitro --out " + d.string() + " --nonce 0a0b --indefinite --json");
  ASSERT_EQ(sim.rc, 0) << sim.err;
  const std::string doc = (d / "attestation.cose").string();
  RunResult ok = Veritee("verify " + doc + " --trust-root " + (d / "root.pem").string() +
                         " --expect nonce=0A0B --json");
  ASSERT_EQ(ok.rc, 0) << ok.out;
  json j = json::parse(ok.out);
  EXPECT_EQ(j["simulated"], true);
  EXPECT_EQ(j["claims"]["nonce"], "0a0b");
  RunResult untrusted = Veritee("verify " + doc + " --json");
  EXPECT_EQ(untrusted.rc, 1);
  EXPECT_EQ(json::parse(untrusted.out)["reason"].get<std::string>().rfind("certificate_chain", 0),
            0u);
  RunResult bench = Veritee("bench verify " + doc + " --trust-root " + (d / "root.pem").string() +
                            " --seconds 0.2");
  ASSERT_EQ(bench.rc, 0) << bench.err;
  EXPECT_NE(bench.out.find("verifications_per_second: "), std::string::npos);
  EXPECT_EQ(Veritee("sim nitro --out " + d.string() + " --pcr 16=00").rc, 2);
}

}  // namespace

}  // namespace veritee::testing
