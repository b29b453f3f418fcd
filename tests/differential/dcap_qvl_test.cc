// Differential test: every real DCAP vector through our verifier and through the npm
// package @phala/dcap-qvl (pinned in ../shared/peers/package-lock.json), at the vector's
// verify_at time. The verdict (DCAP verification with every supported TCB status and debug
// allowed, i.e. without appraisal policy) and the TCB status must agree, except where this
// file names the vector and says which side is right and why. A disagreement that is not
// listed, or a listed one that disappears, fails the test.
//
// ../shared/peers is read-only: the peers are copied to <build>/peers and installed there
// with `npm ci` (exact versions from the lock file; the only network access, and only when
// node_modules is not already installed from the same lock file). Without node/npm or the
// package the test is skipped, except under CI=true, where it fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <set>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/file.h"
#include "parse/dcap/test_data.h"
#include "trust/dcap_collateral.h"
#include "verify/dcap/verifier.h"

namespace veritee::dcap {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Known {
  const char* ours;    // our verdict/status
  const char* peer;    // the peer's
  const char* why;     // which one is right, and why
};

// Every disagreement, explained (README of ../shared/peers, "Disagreements worth knowing").
const std::map<std::string, Known>& KnownDisagreements() {
  static const std::map<std::string, Known> known = {
      {"tdx_v4_gotdx_cos_00806f_uptodate",
       {"accept UpToDate", "accept OutOfDate",
        "ours: TEE_TCB_SVN is 04 01 07; byte 1 (module major version 1) > 0, so Intel's QVL "
        "compares bytes 2.. with tdxtcbcomponents and judges the module by "
        "tdxModuleIdentities TDX_01 (isvsvn 4 -> UpToDate). dcap-qvl 0.3.9 compares all 16 "
        "bytes (04 < 05 at byte 0) and falls to a lower, OutOfDate level."}},
      {"tdx_v4_trustee_azure_00806f_outofdate",
       {"accept OutOfDate", "reject",
        "ours: TEE_TCB_SVN 02 01 06; with the module judged by TDX_01 the platform reaches an "
        "OutOfDate level (QVL). dcap-qvl compares byte 0 (02) with every level's "
        "tdxtcbcomponents[0] (>= 03) and finds no level: 'No matching TCB level found'."}},
      {"tdx_v5_automata_90c06f_uptodate_2025_06",
       {"accept UpToDate", "reject",
        "ours (as verification): dcap-qvl's JS build rejects any TD 1.5 quote with a non-zero "
        "MRSERVICETD as built-in policy ('Invalid mr service td'); Intel's QVL does not check "
        "it. A relying party can require it with --expect mr_servicetd=00..."}},
      {"tdx_v5_automata_90c06f_outofdate_2026_02",
       {"accept OutOfDate", "reject",
        "ours (as verification): same built-in MRSERVICETD policy in dcap-qvl."}},
      {"tdx_v4_trustee_50806f_debug_uptodate",
       {"accept UpToDate", "reject",
        "both, by design: the TD is debuggable; dcap-qvl rejects debug as built-in policy, we "
        "verify it and reject it by default at the 'debug' check (this run allows debug)."}},
      {"sgx_v3_automata_00a067_cshn_debug",
       {"accept ConfigurationAndSWHardeningNeeded", "reject",
        "both, by design: debug enclave, rejected by dcap-qvl's built-in policy; ours rejects "
        "it by default at the 'debug' check."}},
      {"sgx_v3_trustee_occlum_00606a_outofdate_debug",
       {"accept OutOfDate", "reject",
        "both, by design: debug enclave (see above)."}},
  };
  return known;
}

bool Required() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string Shell(const std::string& command, int* status) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// <build>/peers with @phala/dcap-qvl installed, or an empty path with `why` set.
fs::path Peers(std::string& why) {
  auto shared = testing::SharedDir();
  if (!shared || !fs::exists(*shared / "peers" / "package-lock.json")) {
    why = "../shared/peers not found";
    return {};
  }
  int rc = 0;
  Shell("node --version && npm --version", &rc);
  if (rc != 0) {
    why = "node or npm not installed (scripts/setup installs nodejs and npm)";
    return {};
  }
  const fs::path dir = fs::path(VERITEE_BINARY_DIR) / "peers";
  const fs::path stamp = dir / "node_modules" / ".veritee-lock";
  Bytes lock = ReadFile((*shared / "peers" / "package-lock.json").string()).value_or(Bytes{});
  std::string want(lock.begin(), lock.end());
  std::string have;
  if (auto b = ReadFile(stamp.string())) have.assign(b->begin(), b->end());
  if (have != want || !fs::exists(dir / "node_modules" / "@phala" / "dcap-qvl")) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::copy(*shared / "peers", dir,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) {
      why = "copying the peers: " + ec.message();
      return {};
    }
    Shell("chmod -R u+w " + Quote(dir.string()), &rc);
    std::string log = Shell("cd " + Quote(dir.string()) +
                              " && npm ci --no-audit --no-fund --loglevel=error",
                          &rc);
    if (rc != 0) {
      why = "npm ci failed: " + log.substr(0, 400);
      return {};
    }
    (void)WriteFile(stamp.string(), want);
  }
  return dir;
}

TEST(DcapDifferential, AgreesWithPhalaDcapQvlExceptWhereExplained) {
  if (!testing::DcapTestDataDir("tdx") || !testing::DcapTestDataDir("sgx")) {
    if (Required()) FAIL() << "shared DCAP test data not found; CI=true";
    GTEST_SKIP() << "shared DCAP test data not found";
  }
  std::string why;
  const fs::path peers = Peers(why);
  if (peers.empty()) {
    if (Required()) FAIL() << "@phala/dcap-qvl unavailable under CI=true: " << why;
    GTEST_SKIP() << "@phala/dcap-qvl unavailable: " << why;
  }
  DcapVerifier verifier;
  std::set<std::string> seen_disagreements;
  size_t compared = 0;
  for (const char* tee : {"tdx", "sgx"}) {
    const fs::path dir = *testing::DcapTestDataDir(tee);
    const json vectors = testing::LoadVectors(dir);
    for (const json& v : vectors["vectors"]) {
      const std::string id = v["id"];
      SCOPED_TRACE(id);
      const fs::path folder = fs::absolute(dir / v["dir"].get<std::string>());
      const UnixTime at = ParseTime(v["verify_at"].get<std::string>()).value();

      // Ours: DCAP verification without appraisal policy.
      auto collateral = trust::LoadDcapCollateral(folder.string());
      ASSERT_TRUE(collateral);
      VerifyInputs in;
      in.at = at;
      in.collateral = std::make_shared<trust::DcapCollateral>(*collateral);
      in.validation.allow_debug = true;
      for (TcbStatus s : {TcbStatus::kSwHardeningNeeded, TcbStatus::kConfigurationNeeded,
                          TcbStatus::kConfigurationAndSwHardeningNeeded, TcbStatus::kOutOfDate,
                          TcbStatus::kOutOfDateConfigurationNeeded}) {
        in.validation.allowed_statuses.insert(s);
      }
      Bytes quote = ReadFile((folder / "quote.bin").string()).value();
      Verification ours = verifier.Verify(quote, in);
      std::string ours_text = ours.accepted()
                                  ? "accept " + ours.claims.value("tcb_status", std::string("?"))
                                  : "reject";

      // The peer.
      int rc = 0;
      std::string out = Shell("cd " + Quote(peers.string()) + " && node dcap-phala.mjs verify " +
                                Quote((folder / "quote.bin").string()) + " " +
                                Quote(folder.string()) + " --at " + std::to_string(at),
                            &rc);
      json peer = json::parse(out.substr(0, out.find('\n')), nullptr, false);
      ASSERT_FALSE(peer.is_discarded()) << "peer output: " << out;
      std::string peer_text =
          peer.value("ok", false)
              ? "accept " + peer["fields"].value("status", std::string("?"))
              : "reject";
      ++compared;
      auto it = KnownDisagreements().find(id);
      if (ours_text == peer_text) {
        EXPECT_EQ(it, KnownDisagreements().end())
            << "listed as a disagreement but both say " << ours_text;
        continue;
      }
      ASSERT_NE(it, KnownDisagreements().end())
          << "unexplained disagreement: ours " << ours_text << " (" << ours.reason()
          << "), @phala/dcap-qvl " << peer_text << " (" << peer.value("error", std::string())
          << ")";
      EXPECT_EQ(ours_text, it->second.ours);
      EXPECT_EQ(peer_text, it->second.peer) << peer.value("error", std::string());
      seen_disagreements.insert(id);
      std::cout << "[ differs ] " << id << ": ours " << ours_text << ", dcap-qvl " << peer_text
                << " — " << it->second.why << "\n";
    }
  }
  EXPECT_GE(compared, 19u);
  for (const auto& [id, k] : KnownDisagreements()) {
    EXPECT_TRUE(seen_disagreements.count(id)) << "listed disagreement not seen: " << id;
  }
}

}  // namespace
}  // namespace veritee::dcap
