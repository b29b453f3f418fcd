// End-to-end tests of the appraisal commands of the `veritee` binary: verify --policy
// (human ✓/⚠/✗ rules and --json), --token (the EAR on stdout), token verify against the
// exported JWK Set (valid, altered, expired, other key), keys (0600, refusing open
// permissions), refvalues add/list/remove with a policy naming the store, and bad
// policies that name the key and the line (exit 2).
#include <algorithm>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-appraise-e2e-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void Write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

const std::string kM(96, 'e');

// Simulated SEV-SNP evidence (RSA-2048 PKI), made once.
std::string SimArgs() {
  static const std::string args = [] {
    fs::path d = TempDir() / "sim";
    RunResult r = Veritee("sim snp --out " + d.string() + " --rsa-bits 2048 --measurement " + kM +
                          " --report-data 0a0b");
    EXPECT_EQ(r.rc, 0) << r.err;
    return (d / "report.bin").string() + " --cert " + (d / "vcek.pem").string() + " --cert " +
           (d / "cert_chain.pem").string() + " --trust-root " + (d / "ark.pem").string();
  }();
  return args;
}

fs::path Policy(const std::string& name, const std::string& appraisal) {
  fs::path p = TempDir() / (name + ".json");
  Write(p, R"({"policy_id": ")" + name + R"(", "sev-snp": {"vmpl": 0, "appraisal": {)" +
               appraisal + "}}}");
  return p;
}

const std::string kAllowSim = R"("simulated_evidence_allowed": true)";

TEST(AppraiseCliTest, HumanOutputShowsEachRule) {
  fs::path affirm = Policy("affirm", kAllowSim + R"(, "reference_sets": [{"label": "sim",
      "claims": {"measurement": ")" + kM + R"("}}], "expected": {"report_data": "0a0b"})");
  RunResult ok = Veritee("verify " + SimArgs() + " --policy " + affirm.string());
  EXPECT_EQ(ok.rc, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("appraisal (policy affirm)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("✓ reference_values"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("matches reference set 'sim'"), std::string::npos);
  EXPECT_NE(ok.out.find("appraisal: AFFIRMING"), std::string::npos);

  fs::path warn = Policy("warn", kAllowSim + R"(, "recommended_tcb": {"current_tcb": {"snp": 255}})");
  RunResult w = Veritee("verify " + SimArgs() + " --policy " + warn.string());
  EXPECT_EQ(w.rc, 0) << w.out;
  EXPECT_NE(w.out.find("⚠ recommended_tcb.current_tcb"), std::string::npos) << w.out;
  EXPECT_NE(w.out.find("appraisal: WARNING (accepted with warnings)"), std::string::npos);

  fs::path contra = Policy("contra", kAllowSim + R"(, "reference_sets": [{"label":
      "ovmf-2026.09 + kernel 6.12", "claims": {"measurement": ")" + std::string(96, 'f') +
                                         R"("}}])");
  RunResult c = Veritee("verify " + SimArgs() + " --policy " + contra.string());
  EXPECT_EQ(c.rc, 1) << c.out;
  EXPECT_NE(c.out.find("✗ reference_values"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("nearest is 'ovmf-2026.09 + kernel 6.12'"), std::string::npos);
  EXPECT_NE(c.out.find("appraisal: CONTRAINDICATED (rejected)"), std::string::npos);

  // Simulated evidence without the policy's consent.
  RunResult strict = Veritee("verify " + SimArgs() + " --policy " + Policy("strict", "").string());
  EXPECT_EQ(strict.rc, 1);
  EXPECT_NE(strict.out.find("✗ simulated"), std::string::npos) << strict.out;
}

TEST(AppraiseCliTest, JsonCarriesTheAppraisalAndAFinalVerdict) {
  fs::path contra = Policy("contra-json", kAllowSim + R"(, "min_tcb": {"current_tcb": {"snp": 255}})");
  RunResult r = Veritee("verify " + SimArgs() + " --policy " + contra.string() + " --json");
  EXPECT_EQ(r.rc, 1);
  json j = json::parse(r.out);
  EXPECT_EQ(j["verdict"], "rejected");
  EXPECT_EQ(j["reason"].get<std::string>().rfind("appraisal is contraindicated: min_tcb", 0), 0u)
      << j["reason"];
  EXPECT_TRUE(j["simulated"].get<bool>());
  EXPECT_EQ(j["appraisal"]["status"], "contraindicated");
  EXPECT_EQ(j["appraisal"]["trust_vector"]["hardware"], 96);
  EXPECT_EQ(j["appraisal"]["policy_id"], "contra-json");
  EXPECT_FALSE(j.contains("token"));

  // A validation-only policy (no "appraisal" section) behaves as before: no appraisal.
  fs::path plain = TempDir() / "plain.json";
  Write(plain, R"({"sev-snp": {"vmpl": 0}, "tdx": {"appraisal": {}}})");
  RunResult p = Veritee("verify " + SimArgs() + " --policy " + plain.string() + " --json");
  EXPECT_EQ(p.rc, 0) << p.out << p.err;
  EXPECT_FALSE(json::parse(p.out).contains("appraisal"));
}

TEST(AppraiseCliTest, TokenKeysAndTokenVerify) {
  const fs::path key = TempDir() / "keys" / "ear.pem";
  const fs::path jwks = TempDir() / "jwks.json";
  fs::path affirm = Policy("tok", kAllowSim);
  // The key is made on first use, with mode 0600, and the token alone goes to stdout.
  RunResult r = Veritee("verify " + SimArgs() + " --policy " + affirm.string() +
                        " --token --signing-key " + key.string());
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.err.find("generated a new ES256 EAR signing key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("appraisal: AFFIRMING"), std::string::npos) << r.err;
  std::string token = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ASSERT_EQ(Veritee("keys export --key " + key.string() + " --out " + jwks.string()).rc, 0);
  json set = json::parse(Slurp(jwks));
  ASSERT_EQ(set["keys"].size(), 1u);
  EXPECT_FALSE(set["keys"][0].contains("d"));
  RunResult show = Veritee("keys show --key " + key.string() + " --json");
  EXPECT_EQ(json::parse(show.out)["kid"], set["keys"][0]["kid"]);

  Write(TempDir() / "token.jwt", token + "\n");
  RunResult ok = Veritee("token verify " + (TempDir() / "token.jwt").string() + " --jwks " +
                         jwks.string() + " --json");
  ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
  json claims = json::parse(ok.out)["claims"];
  EXPECT_EQ(claims["submods"]["cpu0"]["ear.status"], "affirming");
  EXPECT_EQ(claims["submods"]["cpu0"]["ear.appraisal-policy-id"], "tok");
  EXPECT_EQ(claims["submods"]["cpu0"]["ear.veritee.simulated"], true);
  EXPECT_EQ(claims["eat_nonce"], "CgsAAAAAAAA");  // 0a0b, then zeros to 8 bytes
  RunResult human = Veritee("token verify " + token + " --jwks " + jwks.string());
  EXPECT_EQ(human.rc, 0);
  EXPECT_NE(human.out.find("token: VALID"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("cpu0: affirming"), std::string::npos) << human.out;

  // Altered payload; expired; another key; not a JWK Set.
  std::string altered = token;
  size_t mid = token.find('.') + 5;
  altered[mid] = altered[mid] == 'A' ? 'B' : 'A';
  RunResult bad = Veritee("token verify " + altered + " --jwks " + jwks.string());
  EXPECT_EQ(bad.rc, 1);
  EXPECT_NE(bad.out.find("token: INVALID"), std::string::npos) << bad.out;
  RunResult late = Veritee("token verify " + token + " --jwks " + jwks.string() +
                           " --at 2099-01-01T00:00:00Z");
  EXPECT_EQ(late.rc, 1);
  EXPECT_NE(late.out.find("expired"), std::string::npos) << late.out;
  const fs::path other = TempDir() / "other.pem";
  ASSERT_EQ(Veritee("keys generate --key " + other.string() + " --alg ES384").rc, 0);
  ASSERT_EQ(Veritee("keys export --key " + other.string() + " --out " +
                    (TempDir() / "other.json").string()).rc, 0);
  EXPECT_EQ(Veritee("token verify " + token + " --jwks " + (TempDir() / "other.json").string()).rc,
            1);
  Write(TempDir() / "notjwks.json", "[1]");
  EXPECT_EQ(Veritee("token verify " + token + " --jwks " + (TempDir() / "notjwks.json").string()).rc,
            2);
  // keys generate refuses to overwrite; an open key file is refused.
  EXPECT_NE(Veritee("keys generate --key " + other.string()).rc, 0);
  ::chmod(other.c_str(), 0644);
  RunResult open = Veritee("keys show --key " + other.string());
  EXPECT_EQ(open.rc, 2);
  EXPECT_NE(open.err.find("readable by others (mode 0644)"), std::string::npos) << open.err;
  // --json output carries the token.
  RunResult js = Veritee("verify " + SimArgs() + " --policy " + affirm.string() +
                         " --token --signing-key " + key.string() + " --json");
  EXPECT_EQ(js.rc, 0);
  EXPECT_EQ(json::parse(js.out)["token"].get<std::string>().find("eyJ"), 0u);
}

TEST(AppraiseCliTest, RefvaluesStoreAndPolicyByLabel) {
  const fs::path store = TempDir() / "prod.refs.json";
  RunResult add = Veritee("refvalues add " + store.string() +
                          " --tee sev-snp --label 'sim image' --claim measurement=" + kM +
                          " --provenance 'built by the e2e test' --valid-from 2025-01-01");
  ASSERT_EQ(add.rc, 0) << add.err;
  ASSERT_EQ(Veritee("refvalues add " + store.string() + " --tee sev-snp --label old --claim "
                    "measurement=" + std::string(96, 'a') + " --provenance p").rc, 0);
  EXPECT_EQ(Veritee("refvalues add " + store.string() + " --tee sev-snp --label old --claim "
                    "measurement=aa --provenance p").rc, 1);  // exists already
  EXPECT_EQ(Veritee("refvalues add " + store.string() + " --tee sev-snp --label x --claim "
                    "measurement=zz --provenance p").rc, 2);
  RunResult list = Veritee("refvalues list " + store.string());
  EXPECT_EQ(list.rc, 0);
  EXPECT_NE(list.out.find("sev-snp  sim image"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("provenance: built by the e2e test"), std::string::npos);

  fs::path policy = TempDir() / "by-label.json";
  Write(policy, R"({"sev-snp": {"appraisal": {)" + kAllowSim +
                    R"(, "reference_stores": ["prod.refs.json"], "reference_sets": ["sim image"]}}})");
  RunResult ok = Veritee("verify " + SimArgs() + " --policy " + policy.string());
  EXPECT_EQ(ok.rc, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("matches reference set 'sim image' from"), std::string::npos) << ok.out;

  ASSERT_EQ(Veritee("refvalues remove " + store.string() + " --label 'sim image'").rc, 0);
  RunResult gone = Veritee("verify " + SimArgs() + " --policy " + policy.string());
  EXPECT_EQ(gone.rc, 2);
  EXPECT_NE(gone.err.find("no sev-snp reference set labelled 'sim image'"), std::string::npos)
      << gone.err;
  EXPECT_EQ(Veritee("refvalues remove " + store.string() + " --label 'sim image'").rc, 1);
}

TEST(AppraiseCliTest, BadPoliciesNameTheKeyAndTheLine) {
  fs::path p = TempDir() / "bad.json";
  Write(p, "{\n  \"sev-snp\": {\n    \"appraisal\": {\n      \"min_tcbb\": {}\n    }\n  }\n}\n");
  RunResult r = Veritee("verify " + SimArgs() + " --policy " + p.string());
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("sev-snp.appraisal.min_tcbb"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 4)"), std::string::npos) << r.err;
  Write(p, "{\n  \"sev-snp\": {\n    \"vmpl\": 0,\n    \"vmpll\": 0\n  }\n}\n");
  RunResult v = Veritee("verify " + SimArgs() + " --policy " + p.string());
  EXPECT_EQ(v.rc, 2);
  EXPECT_NE(v.err.find("sev-snp.vmpll"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("(line 4)"), std::string::npos) << v.err;
}

}  // namespace

namespace {

// One real piece of evidence of a format that has landed, with the claim a reference set
// names.
struct Landed {
  std::string name, tee, args, claim;
};

// Appraises `e` three ways with policies made from its own claims: a reference set that
// matches (affirming), one that matches but expired (warning: executables 32) and one
// that does not (contraindicated: executables 96, nearest set named). `extra` adds rules.
void AppraiseThreeWays(const Landed& e, const std::string& extra = "") {
  SCOPED_TRACE(e.name);
  RunResult plain = Veritee("verify " + e.args + " --json");
  ASSERT_EQ(plain.rc, 0) << plain.out << plain.err;
  json j = json::parse(plain.out);
  ASSERT_EQ(j["tee"], e.tee);
  // A dotted claim name (measurements.2) is a path into the claims, as in a policy.
  std::string pointer = "/" + e.claim;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  ASSERT_TRUE(j["claims"].contains(json::json_pointer(pointer))) << j["claims"].dump(1);
  const std::string value = j["claims"][json::json_pointer(pointer)].get<std::string>();
  std::string other = value;
  other[0] = other[0] == '0' ? '1' : '0';
  auto policy = [&](const std::string& file, const std::string& set) {
    fs::path p = TempDir() / (e.name + "-" + file + ".json");
    Write(p, R"({"policy_id": ")" + file + R"(", ")" + e.tee +
                 R"(": {"appraisal": {"reference_sets": [)" + set + "]" + extra + "}}}");
    return p;
  };
  const std::string claims = R"("claims": {")" + e.claim + R"(": ")";
  RunResult affirm = Veritee("verify " + e.args + " --json --policy " +
                             policy("affirm", R"({"label": "this", )" + claims + value + R"("}})")
                                 .string());
  ASSERT_EQ(affirm.rc, 0) << affirm.out << affirm.err;
  json a = json::parse(affirm.out)["appraisal"];
  EXPECT_EQ(a["status"], "affirming") << a.dump(1);
  EXPECT_EQ(a["trust_vector"]["instance-identity"], 2);
  EXPECT_EQ(a["trust_vector"]["executables"], 3);
  // A TPM quote checked with a caller-supplied AK has no vendor chain: no hardware claim.
  EXPECT_EQ(a["trust_vector"]["hardware"], e.tee == "tpm" ? 0 : 2);
  EXPECT_EQ(a["reference_set"], "this");

  RunResult warn = Veritee(
      "verify " + e.args + " --json --policy " +
      policy("warn", R"({"label": "retired", "valid_from": "2000-01-01", "valid_until": )"
                     R"("2001-01-01", )" + claims + value + R"("}})")
          .string());
  ASSERT_EQ(warn.rc, 0) << warn.out << warn.err;
  json w = json::parse(warn.out)["appraisal"];
  EXPECT_EQ(w["status"], "warning") << w.dump(1);
  EXPECT_EQ(w["trust_vector"]["executables"], 32);

  RunResult contra = Veritee("verify " + e.args + " --json --policy " +
                             policy("contra", R"({"label": "prod", )" + claims + other + R"("}})")
                                 .string());
  EXPECT_EQ(contra.rc, 1) << contra.out;
  json c = json::parse(contra.out);
  EXPECT_EQ(c["verdict"], "rejected");
  EXPECT_EQ(c["appraisal"]["status"], "contraindicated");
  EXPECT_EQ(c["appraisal"]["trust_vector"]["executables"], 96);
  EXPECT_NE(c["reason"].get<std::string>().find(e.claim + " " + value +
                                                " matches no reference set; nearest is 'prod'"),
            std::string::npos)
      << c["reason"];
}

}  // namespace

// The formats whose verifiers have landed, appraised by the same rules over their claims.
TEST(AppraiseCliTest, LandedFormatsAffirmWarnContraindicate) {
  VT_SHARED_TESTDATA_OR_SKIP(d, "", "");
  const std::string tdx = (d / "tdx" / "tdx_v4_gotdx_cos_00806f_uptodate").string();
  AppraiseThreeWays({"tdx", "tdx",
                     tdx + "/quote.bin --collateral " + tdx + " --at 2025-07-08T09:20:26Z",
                     "mr_td"},
                    R"(, "allowed_tcb_statuses": ["UpToDate"], "max_collateral_age": "180d")");
  const std::string sgx = (d / "sgx" / "sgx_v3_automata_00606a_swhn").string();
  AppraiseThreeWays({"sgx", "sgx",
                     sgx + "/quote.bin --collateral " + sgx +
                         " --at 2025-08-16T05:41:26Z --allow-tcb-status SWHardeningNeeded",
                     "mr_enclave"});
  // Nitro: the reference set names the enclave image (PCR0); the "nitro" section of the
  // same policy file carries the verifier's keys.
  AppraiseThreeWays({"nitro", "nitro", (d / "nitro" / "choracle_2026-04-22.b64").string(), "pcr0"});
  // NVIDIA GPU: the reference set names a measurement block of a real H100 report.
  const fs::path gpu = d / "nvidia";
  AppraiseThreeWays({"nvidia", "nvidia-gpu",
                     (gpu / "h100_545.00_report.hex").string() + " --cert " +
                         (gpu / "h100_545.00_chain.pem").string() + " --at 2024-06-01T00:00:00Z",
                     "measurements.2"});
  const fs::path q = d / "tpm" / "swtpm_quote";
  std::ifstream nonce_file(q / "nonce.hex");
  std::string nonce;
  nonce_file >> nonce;
  AppraiseThreeWays({"tpm", "tpm",
                     (q / "quote_ecc.msg").string() + " --signature " +
                         (q / "quote_ecc.sig").string() + " --ak " + (q / "ak_ecc.pem").string() +
                         " --pcrs " + (q / "quote_ecc.pcrs").string() + " --expect nonce=" + nonce,
                     "pcr_digest"});

  // An OutOfDate TDX platform that the verifier is told to accept: allowed by the policy,
  // it warns (hardware 32); not allowed, it contraindicates.
  const std::string old = (d / "tdx" / "tdx_v4_automata_00806f_outofdate").string();
  const std::string args = "verify " + old + "/quote.bin --collateral " + old +
                           " --at 2025-07-08T09:20:26Z --allow-tcb-status OutOfDate --json";
  fs::path p = TempDir() / "tdx-status.json";
  Write(p, R"({"tdx": {"appraisal": {"allowed_tcb_statuses": ["UpToDate", "OutOfDate"]}}})");
  RunResult warn = Veritee(args + " --policy " + p.string());
  ASSERT_EQ(warn.rc, 0) << warn.out << warn.err;
  json w = json::parse(warn.out)["appraisal"];
  EXPECT_EQ(w["status"], "warning");
  EXPECT_EQ(w["trust_vector"]["hardware"], 32);
  Write(p, R"({"tdx": {"appraisal": {"allowed_tcb_statuses": ["UpToDate"]}}})");
  RunResult contra = Veritee(args + " --policy " + p.string());
  EXPECT_EQ(contra.rc, 1);
  EXPECT_EQ(json::parse(contra.out)["appraisal"]["trust_vector"]["hardware"], 96);

  // A debuggable TD that the verifier is told to accept: its memory is visible.
  const std::string dbg = (d / "tdx" / "tdx_v4_trustee_50806f_debug_uptodate").string();
  RunResult debug = Veritee("verify " + dbg + "/quote.bin --collateral " + dbg +
                            " --at 2023-06-19T08:42:58Z --allow-debug --json --policy " +
                            p.string());
  EXPECT_EQ(debug.rc, 1);
  json dj = json::parse(debug.out)["appraisal"];
  EXPECT_EQ(dj["trust_vector"]["runtime-opaque"], 96);
  EXPECT_EQ(dj["status"], "contraindicated");
}

}  // namespace veritee::testing
