#include "kbs/release_policy.h"

#include <gtest/gtest.h>

namespace veritee::kbs {
namespace {

using nlohmann::json;

Result<std::optional<std::vector<std::string>>> NoReferences(const std::string&) {
  return std::optional<std::vector<std::string>>();
}

const json kClaims = {{"tee", "sev-snp"},
                      {"simulated", true},
                      {"measurement", "abcdef"},
                      {"current_tcb", {{"snp", 22}, {"bootloader", 4}}},
                      {"tcb_status", "UpToDate"}};

Decision Eval(const std::string& policy_text) {
  auto p = ParseReleasePolicy(policy_text);
  EXPECT_TRUE(p) << (p ? "" : p.error().ToString());
  auto d = Evaluate(*p, kClaims, NoReferences);
  EXPECT_TRUE(d);
  return *d;
}

TEST(ReleasePolicyTest, AllRulesMustHold) {
  EXPECT_TRUE(Eval(R"({"version": 1, "rules": [
      {"claim": "tee", "in": ["tdx", "sev-snp"]},
      {"claim": "measurement", "in": ["ABCDEF"]},
      {"claim": "current_tcb.snp", "min": 22},
      {"claim": "current_tcb.bootloader", "max": 4},
      {"claim": "tcb_status", "equals": "UpToDate"},
      {"claim": "simulated", "equals": true}]})")
                  .allowed);
  EXPECT_TRUE(Eval(R"({"rules": []})").allowed);
}

TEST(ReleasePolicyTest, TheFirstFailingRuleIsNamed) {
  Decision d = Eval(R"({"rules": [
      {"claim": "tee", "in": ["sev-snp"]},
      {"claim": "current_tcb.snp", "min": 23},
      {"claim": "measurement", "in": ["00"]}]})");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.failed_rule, "rule 2 (current_tcb.snp >= 23): got '22'");
  d = Eval(R"({"rules": [{"claim": "mr_td", "in": ["00"]}]})");
  EXPECT_EQ(d.failed_rule, "rule 1 (mr_td in a set of 1): the claim is absent");
  d = Eval(R"({"rules": [{"claim": "simulated", "equals": false}]})");
  EXPECT_FALSE(d.allowed);
}

TEST(ReleasePolicyTest, ReferenceValues) {
  auto p = ParseReleasePolicy(R"({"rules": [{"claim": "measurement", "in_reference": "prod"}]})");
  ASSERT_TRUE(p);
  auto refs = [](const std::string& name) -> Result<std::optional<std::vector<std::string>>> {
    if (name != "prod") return std::optional<std::vector<std::string>>();
    return std::optional<std::vector<std::string>>(std::vector<std::string>{"abcdef"});
  };
  EXPECT_TRUE(Evaluate(*p, kClaims, refs)->allowed);
  auto none = Evaluate(*p, kClaims, NoReferences);
  EXPECT_FALSE(none->allowed);
  EXPECT_NE(none->failed_rule.find("no reference values named 'prod'"), std::string::npos);
  auto values = ParseReferenceValues(R"({"values": ["ABC", "def"]})");
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, (std::vector<std::string>{"abc", "def"}));
  EXPECT_FALSE(ParseReferenceValues(R"({"values": [1]})"));
  EXPECT_FALSE(ParseReferenceValues(R"({"value": []})"));
}

TEST(ReleasePolicyTest, MalformedPoliciesNameTheKey) {
  EXPECT_EQ(ParseReleasePolicy("{}").error().field, "rules");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [], "x": 1})").error().field, "x");
  EXPECT_EQ(ParseReleasePolicy(R"({"version": 2, "rules": []})").error().field, "version");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a"}]})").error().field, "rules[0]");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a", "in": ["x"], "equals": 1}]})")
                .error()
                .field,
            "rules[0]");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a..b", "equals": 1}]})").error().field,
            "rules[0].claim");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a", "in": [{"x": 1}]}]})").error().field,
            "rules[0].in");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a", "min": "3"}]})").error().field,
            "rules[0].min");
  EXPECT_EQ(ParseReleasePolicy(R"({"rules": [{"claim": "a", "mni": 3}]})").error().field,
            "rules[0].mni");
  EXPECT_FALSE(ParseReleasePolicy("not json"));
}

}  // namespace
}  // namespace veritee::kbs
