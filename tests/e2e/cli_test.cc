// End-to-end tests of the `veritee` binary: exit statuses, --json contract, the simulator
// round trip, and hostile inputs. They run the real executable as a user would.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-e2e-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void Write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// One simulator folder for the whole binary (RSA-2048 keeps it fast).
const fs::path& Sim() {
  static fs::path dir = [] {
    fs::path d = TempDir() / "sim";
    RunResult r = Veritee("sim snp --out " + d.string() +
                    " --product milan --version 3 --rsa-bits 2048 --report-data 0a0b0c");
    EXPECT_EQ(r.rc, 0) << r.err;
    return d;
  }();
  return dir;
}

std::string SimArgs() {
  const fs::path& d = Sim();
  return (d / "report.bin").string() + " --cert " + (d / "vcek.pem").string() + " --cert " +
         (d / "cert_chain.pem").string() + " --trust-root " + (d / "ark.pem").string();
}

TEST(Cli, HelpAndUsageErrors) {
  EXPECT_EQ(Veritee("--help").rc, 0);
  RunResult verify_help = Veritee("verify --help");
  EXPECT_EQ(verify_help.rc, 0);
  EXPECT_NE(verify_help.out.find("--trust-root"), std::string::npos);
  EXPECT_EQ(Veritee("").rc, 2);
  EXPECT_EQ(Veritee("frobnicate").rc, 2);
  EXPECT_EQ(Veritee("verify").rc, 2);
  EXPECT_EQ(Veritee("verify --no-such-option x").rc, 2);
  RunResult missing = Veritee("verify /nonexistent/report.bin");
  EXPECT_EQ(missing.rc, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --at yesterday").rc, 2);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --expect measurement=zz").rc, 2);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --expect nonsense=00").rc, 2);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --min-tcb snp=1").rc, 2);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --cert /nonexistent.pem").rc, 2);
}

TEST(Cli, SimulatedEvidenceVerifiesOnlyWithItsRoot) {
  RunResult ok = Veritee("verify " + SimArgs() + " --expect report_data=0a0b0c --json");
  ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
  json j = json::parse(ok.out);
  EXPECT_EQ(j["tee"], "sev-snp");
  EXPECT_EQ(j["verdict"], "accepted");
  EXPECT_EQ(j["simulated"], true);
  EXPECT_FALSE(j.contains("reason"));
  EXPECT_EQ(j["claims"]["product"], "milan");
  EXPECT_EQ(j["claims"]["signing_key"], "vcek");
  EXPECT_EQ(j["claims"]["report_data"].get<std::string>().substr(0, 6), "0a0b0c");
  EXPECT_NE(j["trust_anchor"].get<std::string>().find("--trust-root"), std::string::npos);
  for (const auto& c : j["checks"]) EXPECT_TRUE(c["ok"].get<bool>()) << c.dump();

  const fs::path& d = Sim();
  RunResult untrusted = Veritee("verify " + (d / "report.bin").string() + " --cert " +
                          (d / "vcek.pem").string() + " --cert " +
                          (d / "cert_chain.pem").string() + " --json");
  EXPECT_EQ(untrusted.rc, 1);
  json u = json::parse(untrusted.out);
  EXPECT_EQ(u["verdict"], "rejected");
  EXPECT_NE(u["reason"].get<std::string>().find("certificate_chain"), std::string::npos);

  RunResult human = Veritee("verify " + SimArgs() + " --expect report_data=ffff");
  EXPECT_EQ(human.rc, 1);
  EXPECT_NE(human.out.find("✗ expect_report_data"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("verdict: REJECTED"), std::string::npos);
}

TEST(Cli, HostileEvidenceIsRejectedWithAReason) {
  std::string report = Slurp(Sim() / "report.bin");
  ASSERT_EQ(report.size(), 1184u);
  struct Case {
    const char* name;
    std::string bytes;
    const char* reason;
  } cases[] = {
      {"empty", "", "unrecognised evidence"},
      {"truncated", report.substr(0, 1000), "report is 1000 bytes, need 1184"},
      {"trailing_zero", report + std::string(1, '\0'), "after the 1184-byte report"},
      {"trailing_junk", report + "x", "after the 1184-byte report"},
      {"garbage", std::string(5000, '\x7f'), "unrecognised evidence"},
  };
  for (const Case& c : cases) {
    fs::path p = TempDir() / (std::string(c.name) + ".bin");
    Write(p, c.bytes);
    RunResult r = Veritee("verify " + p.string() + " --cert " + (Sim() / "vcek.pem").string() +
                    " --trust-root " + (Sim() / "ark.pem").string() + " --json");
    EXPECT_EQ(r.rc, 1) << c.name << r.err;
    json j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "rejected") << c.name;
    EXPECT_NE(j["reason"].get<std::string>().find(c.reason), std::string::npos)
        << c.name << ": " << j["reason"];
  }
  // A flipped bit in the signed body.
  std::string flipped = report;
  flipped[0x90] ^= 1;
  fs::path p = TempDir() / "flipped.bin";
  Write(p, flipped);
  RunResult r = Veritee("verify " + p.string() + " --cert " + (Sim() / "vcek.pem").string() +
                  " --cert " + (Sim() / "cert_chain.pem").string() + " --trust-root " +
                  (Sim() / "ark.pem").string());
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("✗ report_signature"), std::string::npos) << r.out;
}

TEST(Cli, EvidenceAsHexOrBase64) {
  std::string report = Slurp(Sim() / "report.bin");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : report) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  fs::path p = TempDir() / "report.hex";
  Write(p, hex + "\n");
  RunResult r = Veritee("verify " + p.string() + " --cert " + (Sim() / "vcek.pem").string() +
                  " --cert " + (Sim() / "cert_chain.pem").string() + " --trust-root " +
                  (Sim() / "ark.pem").string());
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST(Cli, InspectShowsDecodedFields) {
  RunResult r = Veritee("inspect " + (Sim() / "report.bin").string());
  ASSERT_EQ(r.rc, 0) << r.err;
  for (const char* field : {"measurement", "reported_tcb", "smt_allowed", "microcode",
                            "chip_id", "signing_key"}) {
    EXPECT_NE(r.out.find(field), std::string::npos) << field;
  }
  RunResult j = Veritee("inspect --json " + (Sim() / "report.bin").string());
  ASSERT_EQ(j.rc, 0);
  EXPECT_EQ(json::parse(j.out)["claims"]["version"], 3);
}

TEST(Cli, PolicyFileAndNamedOptions) {
  fs::path policy = TempDir() / "policy.json";
  Write(policy, R"({"sev-snp": {"vmpl": 0, "min_tcb": {"bootloader": 4, "tee": 0, "snp": 25, "microcode": 0}}})");
  RunResult low = Veritee("verify " + SimArgs() + " --policy " + policy.string() + " --json");
  EXPECT_EQ(low.rc, 1);
  EXPECT_NE(json::parse(low.out)["reason"].get<std::string>().find("min_current_tcb"),
            std::string::npos);
  Write(policy, R"({"sev-snp": {"vmpl": 0, "bogus": 1}})");
  RunResult bad = Veritee("verify " + SimArgs() + " --policy " + policy.string());
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("sev-snp.bogus"), std::string::npos) << bad.err;
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --vmpl 1").rc, 1);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --require-policy smt_allowed --vmpl 0").rc, 0);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --forbid-policy smt_allowed").rc, 1);
  EXPECT_EQ(Veritee("verify " + SimArgs() + " --require-policy no_such_flag").rc, 2);
}

TEST(Cli, DebugGuestNeedsAllowDebug) {
  fs::path d = TempDir() / "simdebug";
  ASSERT_EQ(Veritee("sim snp --out " + d.string() + " --product genoa --rsa-bits 2048 --debug").rc, 0);
  std::string args = (d / "report.bin").string() + " --cert " + (d / "vcek.pem").string() +
                     " --cert " + (d / "cert_chain.pem").string() + " --trust-root " +
                     (d / "ark.pem").string();
  RunResult strict = Veritee("verify " + args + " --json");
  EXPECT_EQ(strict.rc, 1);
  EXPECT_NE(json::parse(strict.out)["reason"].get<std::string>().find("debug"), std::string::npos);
  EXPECT_EQ(Veritee("verify " + args + " --allow-debug").rc, 0);
}

TEST(Cli, BenchPrintsVerificationsPerSecondLast) {
  RunResult r = Veritee("bench verify " + SimArgs() + " --seconds 0.2");
  ASSERT_EQ(r.rc, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  std::string last = out.substr(out.rfind('\n') + 1);
  EXPECT_EQ(last.rfind("verifications_per_second: ", 0), 0u) << last;
  EXPECT_NE(r.out.find("verdict: accepted"), std::string::npos);
  EXPECT_NE(r.out.find("raw_signature: ecdsa-p384 (1 per verification)"), std::string::npos);
  EXPECT_NE(r.out.find("raw_ecdsa_p384_verify_per_second:"), std::string::npos);
  EXPECT_EQ(Veritee("bench verify " + SimArgs() + " --seconds 0").rc, 2);
}

}  // namespace

}  // namespace veritee::testing
