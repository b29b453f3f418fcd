// JsonPathLine: the line of a key path in JSON text, and robustness on bad text.
#include "base/json_path.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

constexpr std::string_view kDoc = R"({
  "version": 1,
  "sev-snp": {
    "min_tcb": {"bootloader": 3,
                "snp": 8},
    "policy": {"forbid": ["migrate_ma",
                          "debug_allowed"]},
    "appraisal": {"reference_sets": [
      {"label": "a"},
      {"label": "b",
       "claims": {"measurement": "xx"}}
    ]}
  },
  "s\"q": {"k": [[1, 2], [3,
                    4]]}
})";

TEST(JsonPathTest, FindsKeysAndIndices) {
  EXPECT_EQ(JsonPathLine(kDoc, "version"), 2u);
  EXPECT_EQ(JsonPathLine(kDoc, "sev-snp"), 3u);
  EXPECT_EQ(JsonPathLine(kDoc, "sev-snp.min_tcb.snp"), 5u);
  EXPECT_EQ(JsonPathLine(kDoc, "sev-snp.policy.forbid[1]"), 7u);
  EXPECT_EQ(JsonPathLine(kDoc, "sev-snp.appraisal.reference_sets[1].claims.measurement"), 11u);
  EXPECT_EQ(JsonPathLine(kDoc, "sev-snp.appraisal.reference_sets[1]"), 10u);
  std::vector<JsonPathStep> steps = {std::string("s\\\"q"), std::string("k"), size_t{1},
                                     size_t{1}};
  EXPECT_EQ(JsonPathLine(kDoc, steps), 15u);  // the 4 of [3,\n 4]
  steps.resize(1);
  EXPECT_EQ(JsonPathLine(kDoc, steps), 14u);
  EXPECT_EQ(JsonPathLine(kDoc, "(top level)"), 1u);
}

TEST(JsonPathTest, MissingPathsAndBadText) {
  EXPECT_FALSE(JsonPathLine(kDoc, "sev-snp.nope").has_value());
  EXPECT_FALSE(JsonPathLine(kDoc, "sev-snp.policy.forbid[2]").has_value());
  EXPECT_FALSE(JsonPathLine(kDoc, "version.x").has_value());
  EXPECT_FALSE(JsonPathLine(kDoc, "a[").has_value());
  EXPECT_FALSE(JsonPathLine(kDoc, "a[x]").has_value());
  for (std::string_view bad : {"", "{", "{\"a\"", "{\"a\":", "[[[[", "{\"a\" 1}", "\"",
                               "{\"b\":[1,}"}) {
    EXPECT_FALSE(JsonPathLine(bad, "a[0]").has_value()) << bad;
  }
  std::string deep(100000, '[');
  EXPECT_FALSE(JsonPathLine(deep, "a").has_value());
}

TEST(JsonPathTest, LineOfOffset) {
  EXPECT_EQ(LineOfOffset("a\nb\nc", 0), 1u);
  EXPECT_EQ(LineOfOffset("a\nb\nc", 2), 2u);
  EXPECT_EQ(LineOfOffset("a\nb\nc", 99), 3u);
}

}  // namespace
}  // namespace veritee
