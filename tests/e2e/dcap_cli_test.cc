// End-to-end tests of `veritee` on Intel DCAP quotes: exit statuses, the --json contract,
// `sim tdx|sgx` and each simulator fault, real vectors (when ../shared is present), and
// usage errors. They run the real executable as a user would.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-dcap-e2e-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kAt[] = "2026-09-21T00:00:00Z";

fs::path Sim(const std::string& tee, const std::string& fault, const std::string& extra = "") {
  fs::path d = TempDir() / (tee + "-" + fault);
  RunResult r = Veritee("sim " + tee + " --out " + d.string() + " --fault " + fault + " --at " +
                        kAt + " " + extra);
  EXPECT_EQ(r.rc, 0) << r.err;
  return d;
}

std::string VerifyArgs(const fs::path& d) {
  return (d / "quote.bin").string() + " --collateral " + d.string() + " --trust-root " +
         (d / "root.pem").string() + " --at " + kAt;
}

TEST(DcapCli, SimulatedQuotesVerifyOnlyWithTheirRoot) {
  for (const char* tee : {"tdx", "sgx"}) {
    SCOPED_TRACE(tee);
    fs::path d = Sim(tee, "none");
    RunResult ok = Veritee("verify " + VerifyArgs(d) + " --json");
    ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
    json j = json::parse(ok.out);
    EXPECT_EQ(j["tee"], tee);
    EXPECT_EQ(j["verdict"], "accepted");
    EXPECT_EQ(j["simulated"], true);
    EXPECT_EQ(j["claims"]["tcb_status"], "UpToDate");
    EXPECT_TRUE(j["claims"].contains("fmspc"));
    EXPECT_TRUE(j["collateral"].contains("tcb_info"));
    RunResult no_root = Veritee("verify " + (d / "quote.bin").string() + " --collateral " +
                                d.string() + " --at " + kAt);
    EXPECT_EQ(no_root.rc, 1);
    EXPECT_NE(no_root.out.find("pck_chain"), std::string::npos);
    // The one-file bundle is the same collateral.
    RunResult bundle = Veritee("verify " + (d / "quote.bin").string() + " --collateral " +
                               (d / "collateral.json").string() + " --trust-root " +
                               (d / "root.pem").string() + " --at " + kAt);
    EXPECT_EQ(bundle.rc, 0) << bundle.out;
    RunResult inspect = Veritee("inspect " + (d / "quote.bin").string() + " --json");
    ASSERT_EQ(inspect.rc, 0) << inspect.err;
    EXPECT_EQ(json::parse(inspect.out)["tee"], tee);
  }
}

TEST(DcapCli, EachFaultIsRejectedWithItsReason) {
  struct Want {
    const char* fault;
    const char* check;
  };
  for (Want w : {Want{"revoked-pck", "pck_revocation"}, Want{"outofdate-tcb", "tcb_status"},
                 Want{"wrong-fmspc", "fmspc_match"}, Want{"expired-collateral", "pck_crl"},
                 Want{"qe-identity-mismatch", "qe_identity_match"}}) {
    SCOPED_TRACE(w.fault);
    fs::path d = Sim("tdx", w.fault);
    RunResult r = Veritee("verify " + VerifyArgs(d) + " --json");
    EXPECT_EQ(r.rc, 1);
    json j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "rejected");
    EXPECT_EQ(j["reason"].get<std::string>().rfind(w.check, 0), 0u) << j["reason"];
  }
  // An out-of-date TCB is accepted only when named, and the status stays in the result.
  fs::path d = TempDir() / "tdx-outofdate-tcb";
  RunResult r = Veritee("verify " + VerifyArgs(d) + " --allow-tcb-status OutOfDate --json");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["claims"]["tcb_status"], "OutOfDate");
}

TEST(DcapCli, DebugAndPolicy) {
  fs::path d = Sim("sgx", "none", "--debug --isv-prod-id 3 --isv-svn 2");
  EXPECT_EQ(Veritee("verify " + VerifyArgs(d)).rc, 1);
  EXPECT_EQ(Veritee("verify " + VerifyArgs(d) + " --allow-debug --isv-prod-id 3 --min-isv-svn 2").rc,
            0);
  fs::path policy = TempDir() / "policy.json";
  std::ofstream(policy) << R"({"sgx": {"allow_debug": true, "min_isv_svn": 3}})";
  RunResult r = Veritee("verify " + VerifyArgs(d) + " --policy " + policy.string() + " --json");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(json::parse(r.out)["reason"].get<std::string>().rfind("min_isv_svn", 0), 0u);
}

TEST(DcapCli, UsageErrorsExitTwo) {
  fs::path d = Sim("tdx", "none");
  EXPECT_EQ(Veritee("verify " + VerifyArgs(d) + " --allow-tcb-status Fine").rc, 2);
  EXPECT_EQ(Veritee("verify " + VerifyArgs(d) + " --expect mr_enclave=00").rc, 2);
  EXPECT_EQ(Veritee("verify " + (d / "quote.bin").string() + " --collateral /nonexistent").rc, 2);
  EXPECT_EQ(Veritee("sim tdx --out " + (TempDir() / "x").string() + " --fault nope").rc, 2);
  EXPECT_EQ(Veritee("sim tdx --out " + (TempDir() / "x").string() + " --version 3").rc, 2);
  // Without collateral: a rejection, not a usage error.
  RunResult r = Veritee("verify " + (d / "quote.bin").string() + " --trust-root " +
                        (d / "root.pem").string() + " --at " + kAt);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("collateral"), std::string::npos);
}

TEST(DcapCli, RealQuotesAndBench) {
  VT_SHARED_TESTDATA_OR_SKIP(tdx, "tdx/tdx_v4_phala_b0c06f_uptodate", "");
  const std::string args = (tdx / "quote.bin").string() + " --collateral " + tdx.string();
  RunResult ok = Veritee("verify " + args + " --at 2025-06-20T10:32:27Z --json");
  EXPECT_EQ(ok.rc, 0) << ok.out;
  json j = json::parse(ok.out);
  EXPECT_EQ(j["simulated"], false);
  EXPECT_NE(j["trust_anchor"].get<std::string>().find("44a0196b"), std::string::npos);
  RunResult late = Veritee("verify " + args + " --at 2025-07-19T10:00:36Z --json");
  EXPECT_EQ(late.rc, 1);
  EXPECT_NE(json::parse(late.out)["reason"].get<std::string>().find("collateral expired"),
            std::string::npos);
  RunResult bench = Veritee("bench verify " + args + " --at 2025-06-20T10:32:27Z --seconds 0.2");
  EXPECT_EQ(bench.rc, 0) << bench.err;
  EXPECT_NE(bench.out.find("verifications_per_second:"), std::string::npos);
  // A quote rests on two ECDSA P-256 signatures: the reference primitive says so.
  EXPECT_NE(bench.out.find("raw_signature: ecdsa-p256 (2 per verification)"), std::string::npos)
      << bench.out;
  EXPECT_NE(bench.out.find("raw_ecdsa_p256_verify_per_second:"), std::string::npos);
  EXPECT_NE(bench.out.find("ratio_to_raw_signatures:"), std::string::npos);
}

}  // namespace

}  // namespace veritee::testing
