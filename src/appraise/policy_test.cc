// The appraisal policy loader: every key once with a good value; bad policies (unknown
// keys, wrong types, bad hex, contradictory rules) fail naming the key path and the line;
// reference sets named by label come from store files; SNP validation keys in the same
// section stay the verifier's.
#include "appraise/policy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "base/file.h"
#include "verify/snp/policy.h"

namespace veritee::appraise {
namespace {

const std::string kM1(96, 'a');
const std::string kM2(96, 'b');

TEST(AppraisalPolicyTest, EveryKey) {
  const std::string text = R"({
    "version": 1,
    "description": "every key",
    "policy_id": "https://example.com/policy/7",
    "sev-snp": {
      "vmpl": 0,
      "appraisal": {
        "simulated_evidence_allowed": true,
        "reference_sets": [
          {"label": "ovmf-2026.09 + kernel 6.12", "claims": {"measurement": ")" + kM1 + R"("},
           "valid_from": "2026-09-01", "valid_until": 1803859200, "provenance": "CI 812"}],
        "min_tcb": {"current_tcb": {"bootloader": 3, "snp": 8}},
        "recommended_tcb": {"current_tcb": {"snp": 9}, "launch_tcb": {"microcode": 200}},
        "allowed_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],
        "allowed_advisories": ["INTEL-SA-00615"],
        "required_flags": ["policy.smt_allowed"],
        "forbidden_flags": ["platform_info.unknown_bits", "policy.migrate_ma"],
        "expected": {"report_data": "0102AB", "host_data": ")" + std::string(64, 'C') + R"("},
        "max_collateral_age": "30d"
      }
    },
    "tdx": {"appraisal": {"allowed_tcb_statuses": ["UpToDate"]}},
    "nitro": {}
  })";
  auto p = LoadPolicyText(text);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->id, "https://example.com/policy/7");
  EXPECT_EQ(p->description, "every key");
  const TeePolicy& s = p->For("sev-snp");
  EXPECT_TRUE(s.simulated_allowed);
  ASSERT_EQ(s.reference_sets.size(), 1u);
  EXPECT_EQ(s.reference_sets[0].label, "ovmf-2026.09 + kernel 6.12");
  EXPECT_EQ(s.reference_sets[0].tee, "sev-snp");
  EXPECT_EQ(s.reference_sets[0].valid_from, 1788220800);
  EXPECT_EQ(s.reference_sets[0].valid_until, 1803859200);
  EXPECT_EQ(s.reference_sets[0].origin, "inline");
  ASSERT_EQ(s.min_tcb.size(), 1u);
  EXPECT_EQ(s.min_tcb[0].claim, "current_tcb");
  EXPECT_EQ(s.min_tcb[0].fields.at("snp"), 8u);
  EXPECT_EQ(s.recommended_tcb.size(), 2u);
  EXPECT_EQ(s.allowed_tcb_statuses->size(), 2u);
  EXPECT_EQ(s.allowed_advisories->at(0), "INTEL-SA-00615");
  EXPECT_EQ(s.required_flags, std::vector<std::string>{"policy.smt_allowed"});
  EXPECT_EQ(s.forbidden_flags.size(), 2u);
  EXPECT_EQ(s.expected.at("report_data"), "0102ab");  // hex normalised to lower case
  EXPECT_EQ(s.expected.at("host_data"), std::string(64, 'c'));
  EXPECT_EQ(s.max_collateral_age_s, 30 * 86400);
  EXPECT_EQ(p->For("tdx").allowed_tcb_statuses->size(), 1u);
  EXPECT_FALSE(p->For("nitro").simulated_allowed);
  EXPECT_FALSE(p->For("tpm").simulated_allowed);  // absent section: defaults
  EXPECT_TRUE(p->Appraises("sev-snp"));
  EXPECT_TRUE(p->Appraises("tdx"));
  EXPECT_FALSE(p->Appraises("nitro"));  // a section without "appraisal"
  EXPECT_FALSE(p->Appraises("tpm"));

  // The same file is a valid SEV-SNP validation policy: the verifier skips "appraisal",
  // the other TEE sections and the document keys.
  snp::ValidationOptions o;
  auto st = snp::LoadPolicyText(text, o);
  EXPECT_TRUE(st.has_value()) << st.error().ToString();
  EXPECT_EQ(o.vmpl, 0u);
}

TEST(AppraisalPolicyTest, DefaultIdIsTheDigestOfTheText) {
  auto p = LoadPolicyText("{}");
  ASSERT_TRUE(p.has_value());
  // SHA-256("{}")
  EXPECT_EQ(p->id, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_TRUE(p->tees.empty());
}

// Loading fails with kInvalidArgument naming `path` and `line`, with `phrase`.
void ExpectPolicyError(const std::string& text, const std::string& path, size_t line,
                       const std::string& phrase) {
  auto p = LoadPolicyText(text, PolicyLoadOptions{"p.json", "", false});
  ASSERT_FALSE(p.has_value()) << text;
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.error().field, path) << p.error().ToString();
  EXPECT_NE(p.error().message.find(phrase), std::string::npos)
      << p.error().ToString() << "\nexpected phrase: " << phrase;
  EXPECT_NE(p.error().message.find("line " + std::to_string(line) + ")"), std::string::npos)
      << p.error().ToString() << "\nexpected line " << line;
}

std::string Snp(const std::string& appraisal) {
  return "{\n  \"sev-snp\": {\n    \"appraisal\": {\n" + appraisal + "\n    }\n  }\n}";
}

TEST(AppraisalPolicyTest, UnknownKeys) {
  ExpectPolicyError("{\n \"sev-snpp\": {}}", "sev-snpp", 2, "unknown key (TEE sections");
  ExpectPolicyError(Snp("      \"min_tcbb\": {}"), "sev-snp.appraisal.min_tcbb", 4,
                    "unknown key (simulated_evidence_allowed");
  ExpectPolicyError(Snp("      \"reference_sets\": [\n {\"label\": \"x\", \"claims\": "
                        "{\"measurement\": \"00\"},\n \"valid\": 1}]"),
                    "sev-snp.appraisal.reference_sets[0].valid", 6, "unknown key (label");
  ExpectPolicyError(Snp("      \"reference_sets\": [{\"tee\": \"tdx\", \"label\": \"x\"}]"),
                    "sev-snp.appraisal.reference_sets[0].tee", 4, "unknown key (label");
}

TEST(AppraisalPolicyTest, WrongTypes) {
  ExpectPolicyError("[1]", "(top level)", 1, "a policy is a JSON object");
  ExpectPolicyError("{\"version\": 2}", "version", 1, "from 0 to 1");
  ExpectPolicyError("{\"policy_id\": 7}", "policy_id", 1, "must be a string");
  ExpectPolicyError("{\"sev-snp\": []}", "sev-snp", 1, "a TEE section is an object");
  ExpectPolicyError("{\"sev-snp\": {\"appraisal\": true}}", "sev-snp.appraisal", 1,
                    "must be an object of appraisal rules");
  ExpectPolicyError(Snp("      \"simulated_evidence_allowed\": \"yes\""),
                    "sev-snp.appraisal.simulated_evidence_allowed", 4, "must be true or false");
  ExpectPolicyError(Snp("      \"min_tcb\": {\"current_tcb\": {\"snp\": -1}}"),
                    "sev-snp.appraisal.min_tcb.current_tcb.snp", 4, "integer from 0");
  ExpectPolicyError(Snp("      \"min_tcb\": {\"current_tcb\": 5}"),
                    "sev-snp.appraisal.min_tcb.current_tcb", 4, "non-empty object");
  ExpectPolicyError(Snp("      \"required_flags\": \"policy.smt_allowed\""),
                    "sev-snp.appraisal.required_flags", 4, "must be a list of strings");
  ExpectPolicyError(Snp("      \"forbidden_flags\": [\"a\",\n 3]"),
                    "sev-snp.appraisal.forbidden_flags[1]", 5, "must be a string");
  ExpectPolicyError(Snp("      \"max_collateral_age\": \"30 days\""),
                    "sev-snp.appraisal.max_collateral_age", 4, "is not a duration");
  ExpectPolicyError(Snp("      \"max_collateral_age\": -5"),
                    "sev-snp.appraisal.max_collateral_age", 4, "must be seconds");
  ExpectPolicyError(Snp("      \"reference_sets\": [{\"label\": \"x\", \"claims\": "
                        "{\"m\": \"00\"}, \"valid_from\": \"yesterday\"}]"),
                    "sev-snp.appraisal.reference_sets[0].valid_from", 4, "");
}

TEST(AppraisalPolicyTest, BadHex) {
  ExpectPolicyError(Snp("      \"expected\": {\n        \"report_data\": \"0g\"}"),
                    "sev-snp.appraisal.expected.report_data", 5, "is not hex");
  ExpectPolicyError(Snp("      \"expected\": {\"report_data\": \"abc\"}"),
                    "sev-snp.appraisal.expected.report_data", 4, "is not hex");
  ExpectPolicyError(Snp("      \"reference_sets\": [{\"label\": \"x\",\n \"claims\": "
                        "{\"measurement\": \"\"}}]"),
                    "sev-snp.appraisal.reference_sets[0].claims.measurement", 5, "is not hex");
}

TEST(AppraisalPolicyTest, ContradictoryRules) {
  ExpectPolicyError(Snp("      \"required_flags\": [\"policy.smt_allowed\"],\n"
                        "      \"forbidden_flags\": [\"x\", \"policy.smt_allowed\"]"),
                    "sev-snp.appraisal.forbidden_flags[1]", 5, "both required and forbidden");
  ExpectPolicyError(Snp("      \"min_tcb\": {\"current_tcb\": {\"snp\": 9}},\n"
                        "      \"recommended_tcb\": {\"current_tcb\": {\"snp\": 8}}"),
                    "sev-snp.appraisal.recommended_tcb.current_tcb.snp", 5,
                    "recommended 8 is below the minimum 9");
  ExpectPolicyError(Snp("      \"allowed_tcb_statuses\": []"),
                    "sev-snp.appraisal.allowed_tcb_statuses", 4, "allows no TCB status");
  ExpectPolicyError(Snp("      \"allowed_advisories\": [\"A\", \"A\"]"),
                    "sev-snp.appraisal.allowed_advisories[1]", 4, "listed twice");
  ExpectPolicyError(Snp("      \"reference_sets\": [{\"label\": \"x\", \"claims\": {\"m\": "
                        "\"00\"},\n \"valid_from\": \"2027-01-01\", \"valid_until\": "
                        "\"2026-01-01\"}]"),
                    "sev-snp.appraisal.reference_sets[0].valid_until", 5,
                    "validity period is empty");
  ExpectPolicyError(Snp("      \"reference_sets\": [{\"label\": \"x\", \"claims\": {\"m\": "
                        "\"00\"}},\n {\"label\": \"x\", \"claims\": {\"m\": \"01\"}}]"),
                    "sev-snp.appraisal.reference_sets[1].label", 5, "used twice");
  ExpectPolicyError(Snp("      \"reference_sets\": [\"prod\"]"),
                    "sev-snp.appraisal.reference_sets[0]", 4, "has no \"reference_stores\"");
}

TEST(AppraisalPolicyTest, SyntaxErrorNamesTheLine) {
  auto p = LoadPolicyText("{\n  \"sev-snp\": {\n    \"appraisal\": {,}\n  }\n}",
                          PolicyLoadOptions{"p.json", "", false});
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("p.json: JSON syntax error on line 3"), std::string::npos)
      << p.error().message;
}

TEST(AppraisalPolicyTest, StoresAreReadRelativeToThePolicyAndSetsNamedByLabel) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("veritee-policy-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ReferenceStore store;
  ReferenceSet a;
  a.tee = "sev-snp";
  a.label = "prod-a";
  a.claims["measurement"] = kM1;
  ReferenceSet b = a;
  b.label = "prod-b";
  b.claims["measurement"] = kM2;
  ReferenceSet t = a;
  t.tee = "tdx";
  ASSERT_TRUE(store.Add(a).has_value());
  ASSERT_TRUE(store.Add(b).has_value());
  ASSERT_TRUE(store.Add(t).has_value());
  ASSERT_TRUE(store.Save((dir / "prod.refs.json").string()).has_value());

  auto write = [&](const std::string& text) {
    EXPECT_TRUE(WriteFile((dir / "policy.json").string(), text).has_value());
    return LoadPolicyFile((dir / "policy.json").string());
  };
  auto all = write(R"({"sev-snp": {"appraisal": {"reference_stores": ["prod.refs.json"]}}})");
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  ASSERT_EQ(all->For("sev-snp").reference_sets.size(), 2u);  // the tdx set is not ours
  EXPECT_EQ(all->For("sev-snp").reference_sets[1].origin, (dir / "prod.refs.json").string());

  auto named = write(R"({"sev-snp": {"appraisal": {"reference_stores": ["prod.refs.json"],
      "reference_sets": ["prod-b", {"label": "inline", "claims": {"measurement": "00"}}]}}})");
  ASSERT_TRUE(named.has_value()) << named.error().ToString();
  ASSERT_EQ(named->For("sev-snp").reference_sets.size(), 2u);
  EXPECT_EQ(named->For("sev-snp").reference_sets[0].label, "inline");
  EXPECT_EQ(named->For("sev-snp").reference_sets[1].label, "prod-b");

  auto missing = write(R"({"sev-snp": {"appraisal": {"reference_stores": ["prod.refs.json"],
      "reference_sets": ["prod-c"]}}})");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "sev-snp.appraisal.reference_sets[0]");
  EXPECT_NE(missing.error().message.find("no sev-snp reference set labelled 'prod-c'"),
            std::string::npos);
  EXPECT_NE(missing.error().message.find("line 2)"), std::string::npos) << missing.error().message;

  auto nofile = write(R"({"sev-snp": {"appraisal": {"reference_stores": ["nope.json"]}}})");
  ASSERT_FALSE(nofile.has_value());
  EXPECT_EQ(nofile.error().field, "sev-snp.appraisal.reference_stores[0]");

  auto empty = write(R"({"nitro": {"appraisal": {"reference_stores": ["prod.refs.json"]}}})");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("hold no nitro reference set"), std::string::npos);
  fs::remove_all(dir);
}

TEST(AppraisalPolicyTest, Durations) {
  EXPECT_EQ(ParseDuration("30d"), 30 * 86400);
  EXPECT_EQ(ParseDuration("12h"), 12 * 3600);
  EXPECT_EQ(ParseDuration("5m"), 300);
  EXPECT_EQ(ParseDuration("90s"), 90);
  EXPECT_EQ(ParseDuration("90"), 90);
  for (const char* bad : {"", "d", "-1d", "1.5d", "1w", "99999999999d", "1 d"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace veritee::appraise
