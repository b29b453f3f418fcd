// Conformance: every real Intel DCAP vector of ../shared/testdata/{tdx,sgx}/vectors.json
// through the DCAP verifier, at its verify_at time, against what the manifest records:
// verdict, failed checks, TCB status, advisory IDs, every parsed field and claim. Every
// key of `expected` (and of each vector) must be consumed here, or the test fails: a new
// field in the manifest cannot go unchecked. Then each valid vector at the edges of its
// collateral window, and one second outside it (rejected, "collateral expired" / "not
// yet valid" or the certificate's own expiry).
#include <gtest/gtest.h>

#include <set>

#include "base/encoding.h"
#include "base/file.h"
#include "parse/dcap/quote.h"
#include "parse/dcap/test_data.h"
#include "trust/dcap_collateral.h"
#include "verify/dcap/verifier.h"

namespace veritee::dcap {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Manifest check names → ours. The manifest's checker names its steps after Intel's QVL.
const std::map<std::string, std::vector<std::string>>& CheckMap() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"crls", {"pck_revocation"}},
      {"pck_crl", {"pck_crl"}},
      {"fmspc_match", {"fmspc_match"}},
      {"qe_identity", {"qe_identity"}},
      {"qe_identity_match", {"qe_identity_match"}},
      {"tdx_module", {"tdx_module"}},
      {"signature", {"quote_signature"}},
      {"chain", {"pck_chain"}},
  };
  return m;
}

// Our checks that are appraisal, not DCAP verification steps of the manifest's checker.
bool IsAppraisal(const std::string& name) {
  return name == "tcb_status" || name == "debug" || name == "padding";
}

struct Case {
  fs::path dir;
  json vector;
};

std::vector<Case> Cases() {
  std::vector<Case> out;
  for (const char* tee : {"tdx", "sgx"}) {
    auto dir = testing::DcapTestDataDir(tee);
    if (!dir) continue;
    json vectors = testing::LoadVectors(*dir);
    for (const json& v : vectors["vectors"]) out.push_back({*dir, v});
  }
  return out;
}

bool CheckOk(const Verification& v, const std::string& name) {
  for (const Check& c : v.checks()) {
    if (c.name == name) return c.ok;
  }
  ADD_FAILURE() << "no check named " << name;
  return false;
}

class DcapVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::DcapTestDataDir("tdx") || !testing::DcapTestDataDir("sgx")) {
      if (testing::SharedDataRequired()) FAIL() << "shared DCAP test data not found; CI=true";
      GTEST_SKIP() << "shared DCAP test data not found (set VERITEE_SHARED)";
    }
  }

  Verification Run(const Case& c, UnixTime at, bool permissive) {
    const fs::path folder = c.dir / c.vector["dir"].get<std::string>();
    Bytes quote = testing::ReadTestFile(folder / "quote.bin");
    auto collateral = trust::LoadDcapCollateral(folder.string());
    EXPECT_TRUE(collateral) << collateral.error().ToString();
    VerifyInputs in;
    in.at = at;
    in.collateral = std::make_shared<trust::DcapCollateral>(*collateral);
    if (permissive) {
      for (TcbStatus s : {TcbStatus::kSwHardeningNeeded, TcbStatus::kConfigurationNeeded,
                          TcbStatus::kConfigurationAndSwHardeningNeeded, TcbStatus::kOutOfDate,
                          TcbStatus::kOutOfDateConfigurationNeeded}) {
        in.validation.allowed_statuses.insert(s);
      }
      in.validation.allow_debug = true;
    }
    return verifier_.Verify(quote, in);
  }

  DcapVerifier verifier_;
};

TEST_F(DcapVectors, EveryVectorMatchesItsManifest) {
  auto cases = Cases();
  ASSERT_GE(cases.size(), 19u);
  for (const Case& c : cases) {
    const json& v = c.vector;
    const std::string id = v["id"];
    SCOPED_TRACE(id);
    std::set<std::string> top_seen = {"id", "dir", "files", "root_ca", "note", "sources",
                                      "collateral_dates", "collateral_window", "time_behaviour"};
    // Files named by the manifest are the folder layout the loader reads.
    for (const auto& [slot, name] : v["files"].items()) {
      EXPECT_TRUE(fs::exists(c.dir / v["dir"].get<std::string>() / name.get<std::string>()));
    }
    EXPECT_EQ(ToHex(testing::ReadTestFile(c.dir / v["root_ca"].get<std::string>())).size() > 0,
              true);
    const bool tdx = v["tee"] == "TDX";
    top_seen.insert("tee");
    top_seen.insert("negative");
    top_seen.insert("verify_at");
    top_seen.insert("expected");
    for (const auto& [key, value] : v.items()) {
      EXPECT_TRUE(top_seen.count(key)) << "vector key not consumed: " << key;
    }

    const UnixTime at = ParseTime(v["verify_at"].get<std::string>()).value();
    Verification strict = Run(c, at, false);
    Verification loose = Run(c, at, true);
    EXPECT_EQ(strict.tee(), tdx ? "tdx" : "sgx");
    EXPECT_FALSE(loose.simulated);
    const json& e = v["expected"];
    const json claims = json::parse(loose.claims.dump());
    std::set<std::string> seen;
    auto take = [&](const char* key) -> const json& {
      seen.insert(key);
      return e[key];
    };

    // Parse-level facts.
    const fs::path folder = c.dir / v["dir"].get<std::string>();
    Bytes bytes = testing::ReadTestFile(folder / "quote.bin");
    auto q = ParseQuoteKeepTrailing(bytes);
    ASSERT_EQ(q.has_value(), take("parse_ok").get<bool>());
    EXPECT_EQ(q->header.version, take("quote_version").get<int>());
    EXPECT_EQ(q->header.att_key_type, take("att_key_type").get<int>());
    EXPECT_EQ(HexU64(q->header.tee_type, 4), take("tee_type").get<std::string>());
    EXPECT_EQ(ToHex(q->header.qe_vendor_id), take("qe_vendor_id").get<std::string>());
    EXPECT_EQ(BodyTypeName(q->body_type), take("body_type").get<std::string>());
    EXPECT_EQ(bytes.size(), take("quote_length").get<size_t>());
    EXPECT_EQ(q->sig_data_len, take("sig_data_len").get<uint32_t>());
    EXPECT_EQ(q->trailing.size(), take("trailing_bytes_after_sig_data").get<size_t>());
    ASSERT_TRUE(q->qe);
    EXPECT_EQ(q->qe->inner.type, take("cert_data_type").get<int>());
    if (q->header.version == 3) {
      EXPECT_TRUE(take("outer_cert_data_type").is_null());  // v3 has no outer wrapper
    } else {
      EXPECT_EQ(q->outer.type, take("outer_cert_data_type").get<int>());
    }
    if (e.contains("body_descriptor")) {
      const json& d = take("body_descriptor");
      ASSERT_TRUE(q->body_descriptor);
      EXPECT_EQ(static_cast<int>(*q->body_descriptor), d["type"].get<int>());
      EXPECT_EQ(q->signed_size - kHeaderSize - 6, d["size"].get<size_t>());
    } else {
      EXPECT_FALSE(q->body_descriptor);
    }
    // Non-zero trailing bytes: the manifest's checker tolerates them like Intel's parser;
    // we follow DESIGN.md (reject anything but zero padding) as our own failed check.
    const bool nonzero_trailing = !q->trailing_all_zero();
    EXPECT_EQ(CheckOk(loose, "padding"), !nonzero_trailing);

    // DCAP verification steps.
    EXPECT_EQ(CheckOk(loose, "quote_signature"), take("signature_valid").get<bool>());
    EXPECT_EQ(CheckOk(loose, "qe_report_signature"), take("qe_report_signature_valid").get<bool>());
    EXPECT_EQ(CheckOk(loose, "qe_report_data"), take("qe_report_data_binds_attest_key").get<bool>());
    EXPECT_EQ(CheckOk(loose, "pck_chain"), take("chain_valid").get<bool>());
    EXPECT_EQ(CheckOk(loose, "root_ca_crl") && CheckOk(loose, "pck_crl") &&
                  CheckOk(loose, "pck_revocation"),
              take("crls_valid_and_pck_not_revoked").get<bool>());
    EXPECT_EQ(CheckOk(loose, "tcb_info"), take("tcb_info_signature_valid").get<bool>() &&
                                              take("tcb_info_current").get<bool>());
    EXPECT_EQ(CheckOk(loose, "qe_identity_signature"),
              take("qe_identity_signature_valid").get<bool>() &&
                  take("qe_identity_current").get<bool>());
    // The manifest's "fmspc_match" is "this TCB Info is for this platform and TEE".
    EXPECT_EQ(CheckOk(loose, "fmspc_match") && CheckOk(loose, "tcb_info_tee"),
              take("fmspc_match").get<bool>());
    EXPECT_EQ(CheckOk(loose, "qe_identity") && CheckOk(loose, "qe_identity_match"),
              take("qe_identity_match").get<bool>());
    if (e.contains("tdx_module_check")) {
      EXPECT_EQ(CheckOk(loose, "tdx_module"), take("tdx_module_check").get<bool>());
    }
    // Failed checks: theirs (mapped) equal ours, appraisal checks aside.
    std::set<std::string> want_failed, got_failed;
    for (const json& f : take("failed_checks")) {
      auto it = CheckMap().find(f.get<std::string>());
      ASSERT_NE(it, CheckMap().end()) << "unmapped manifest check " << f;
      want_failed.insert(it->second.begin(), it->second.end());
    }
    for (const Check& ch : loose.checks()) {
      if (!ch.ok && !IsAppraisal(ch.name)) {
        got_failed.insert(ch.name == "tcb_info_tee" ? "fmspc_match" : ch.name);
      }
    }
    EXPECT_EQ(got_failed, want_failed);
    const bool all_pass = take("all_checks_pass").get<bool>();
    EXPECT_EQ(all_pass, want_failed.empty());
    if (e.contains("expected_errors_any_of")) {
      EXPECT_FALSE(take("expected_errors_any_of").empty());
      EXPECT_FALSE(loose.accepted());
    }
    EXPECT_EQ(v["negative"].get<bool>(), !all_pass);

    // TCB status and advisories.
    const json& status = take("tcb_status");
    if (status.is_null()) {
      EXPECT_FALSE(claims.contains("tcb_status"));
    } else {
      EXPECT_EQ(claims["tcb_status"], status);
    }
    const json& tcb = claims.contains("tcb") ? claims["tcb"] : json::object();
    auto tcb_field = [&](const char* ours, const char* theirs) {
      const json& want = take(theirs);
      if (want.is_null()) {
        EXPECT_TRUE(!tcb.contains(ours) || tcb[ours].is_null()) << theirs;
      } else {
        EXPECT_EQ(tcb.value(ours, json()), want) << theirs;
      }
    };
    if (!status.is_null()) {
      EXPECT_EQ(claims["advisory_ids"], take("advisory_ids"));
      EXPECT_EQ(tcb["advisory_ids_incl_qe_and_module"], take("advisory_ids_incl_qe_and_module"));
    } else {
      EXPECT_TRUE(take("advisory_ids").empty());
      EXPECT_TRUE(take("advisory_ids_incl_qe_and_module").empty());
    }
    tcb_field("platform_status", "platform_tcb_level_status");
    tcb_field("matched_tcb_date", "matched_tcb_level_date");
    tcb_field("qe_identity_status", "qe_identity_tcb_status");
    if (e.contains("tdx_module_tcb_status")) {
      tcb_field("tdx_module_status", "tdx_module_tcb_status");
      const json& ident = take("tdx_module_identity");
      if (!ident.is_null() && q->td.tee_tcb_svn[1] > 0) {
        EXPECT_EQ(tcb["tdx_module_identity"], ident);
      }
    }
    EXPECT_EQ(json::parse(loose.CollateralJson().dump())["tcb_info"]["tcb_evaluation_data_number"],
              take("tcb_evaluation_data_number"));
    std::string fmspc = take("fmspc").get<std::string>();
    for (char& ch : fmspc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(claims["fmspc"], fmspc);
    EXPECT_EQ(claims["pce_id"], take("pceid"));

    // Verdicts: permissive options accept exactly what passes every DCAP check with a
    // supported TCB; the defaults also need UpToDate and a non-debug TD/enclave.
    const bool debug = tdx ? q->td.debug() : q->sgx.debug();
    const bool supported = !status.is_null() && status != "TcbNotSupported";
    EXPECT_EQ(loose.accepted(), all_pass && supported && !nonzero_trailing) << loose.reason();
    EXPECT_EQ(strict.accepted(), all_pass && status == "UpToDate" && !debug && !nonzero_trailing)
        << strict.reason();

    // PCK certificate and QE report.
    const json& pck = take("pck");
    EXPECT_EQ(claims["pck"]["ca"], pck["ca"]);
    EXPECT_EQ(claims["pck"]["serial"], pck["serial"]);
    EXPECT_EQ(claims["pck"]["not_before"], pck["not_before"]);
    EXPECT_EQ(claims["pck"]["not_after"], pck["not_after"]);
    EXPECT_EQ(claims["pck"]["sgx_tcb_comp_svns"], pck["sgx_tcb_comp_svns"]);
    EXPECT_EQ(claims["pck"]["pcesvn"], pck["pcesvn"]);
    EXPECT_EQ(claims["pck"]["cpusvn"], pck["cpusvn"]);
    EXPECT_EQ(claims["pck"]["sgx_type"], pck["sgx_type"]);
    EXPECT_EQ(claims["pck"]["ppid"], pck["ppid"]);
    EXPECT_EQ(pck.size(), 9u);
    const json& qr = take("qe_report");
    EXPECT_EQ(claims["qe_report"]["mr_enclave"], qr["mrenclave"]);
    EXPECT_EQ(claims["qe_report"]["mr_signer"], qr["mrsigner"]);
    EXPECT_EQ(claims["qe_report"]["isv_prod_id"], qr["isvprodid"]);
    EXPECT_EQ(claims["qe_report"]["isv_svn"], qr["isvsvn"]);
    EXPECT_EQ(qr.size(), 4u);

    // Measurements → claims (DESIGN.md names).
    static const std::map<std::string, std::string> kNames = {
        {"mrtd", "mr_td"}, {"mrseam", "mr_seam"}, {"mrsignerseam", "mr_signer_seam"},
        {"mrconfigid", "mr_config_id"}, {"mrowner", "mr_owner"},
        {"mrownerconfig", "mr_owner_config"}, {"mrservicetd", "mr_servicetd"},
        {"mrenclave", "mr_enclave"}, {"mrsigner", "mr_signer"}, {"isvprodid", "isv_prod_id"},
        {"isvsvn", "isv_svn"}, {"cpusvn", "cpu_svn"}, {"miscselect", "misc_select"}};
    for (const auto& [key, want] : take("measurements").items()) {
      if (key == "td_debug") {
        EXPECT_EQ(claims["td_attributes_flags"]["debug"], want);
        continue;
      }
      std::string name = kNames.count(key) ? kNames.at(key) : key;
      json got = claims.value(name, json());
      EXPECT_EQ(got, want) << key;
    }

    for (const auto& [key, value] : e.items()) {
      EXPECT_TRUE(seen.count(key)) << "expected key not consumed: " << key;
    }
  }
}

// The edges of each collateral window, and one second outside.
TEST_F(DcapVectors, CollateralWindowEdges) {
  for (const Case& c : Cases()) {
    const json& v = c.vector;
    SCOPED_TRACE(v["id"].get<std::string>());
    const json& w = v["collateral_window"];
    const json& tb = v["time_behaviour"];
    EXPECT_TRUE(w.contains("not_before_from") && w.contains("not_after_from"));
    const UnixTime from = ParseTime(w["not_before"].get<std::string>()).value();
    const UnixTime until = ParseTime(w["not_after"].get<std::string>()).value();
    auto passes_dcap = [&](UnixTime at) {
      Verification r = Run(c, at, true);
      for (const Check& ch : r.checks()) {
        if (!ch.ok && !IsAppraisal(ch.name)) return false;
      }
      return r.complete();
    };
    EXPECT_EQ(passes_dcap(from), tb["passes_at_not_before"].get<bool>());
    EXPECT_EQ(passes_dcap(until), tb["passes_at_not_after"].get<bool>());
    for (UnixTime at : {from - 1, until + 1}) {
      Verification r = Run(c, at, true);
      EXPECT_FALSE(r.accepted());
      if (v["negative"].get<bool>()) continue;
      std::string reason;
      for (const Check& ch : r.checks()) {
        if (!ch.ok && !IsAppraisal(ch.name) && reason.empty()) reason = ch.name + ": " + ch.detail;
      }
      const bool named = reason.find("collateral expired") != std::string::npos ||
                         reason.find("collateral not yet valid") != std::string::npos ||
                         reason.find("certificate") != std::string::npos ||
                         reason.find("CRL") != std::string::npos;
      EXPECT_TRUE(named) << reason;
      if (at > until) {
        EXPECT_TRUE(tb["fails_1s_after_window"].get<bool>());
      } else {
        EXPECT_TRUE(tb["fails_1s_before_window"].get<bool>());
      }
    }
  }
}

}  // namespace
}  // namespace veritee::dcap
