#include "verify/nitro/policy.h"

#include <gtest/gtest.h>

namespace veritee::nitro {
namespace {

const std::string kPcr0(96, 'a');

TEST(NitroPolicy, ExpectAndAllowDebug) {
  ValidationOptions o;
  const std::string text = R"({"version": 1, "tdx": {"x": 1},
    "nitro": {"expect": {"pcr0": ")" + kPcr0 + R"("}, "allow_debug": true,
              "appraisal": {"anything": "belongs to the appraiser"}}})";
  ASSERT_TRUE(LoadPolicyText(text, o)) << LoadPolicyText(text, o).error().ToString();
  EXPECT_EQ(o.expect.at("pcr0"), Bytes(48, 0xaa));
  EXPECT_TRUE(o.allow_debug);
}

TEST(NitroPolicy, CommandLineWins) {
  ValidationOptions o;
  o.expect["pcr0"] = Bytes(48, 0x11);
  o.allow_debug = true;
  ASSERT_TRUE(LoadPolicyText(
      R"({"nitro": {"expect": {"pcr0": ")" + kPcr0 + R"("}, "allow_debug": false}})", o));
  EXPECT_EQ(o.expect.at("pcr0"), Bytes(48, 0x11));
  EXPECT_TRUE(o.allow_debug);  // the file cannot take back --allow-debug
}

TEST(NitroPolicy, ErrorsNameTheKeyAndLine) {
  ValidationOptions o;
  auto unknown = LoadPolicyText("{\"nitro\": {\n  \"pcr0\": \"00\"}}", o);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("nitro.pcr0: unknown key"), std::string::npos)
      << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("line 2"), std::string::npos);
  auto name = LoadPolicyText(R"({"nitro": {"expect": {"pcr99": "00"}}})", o);
  ASSERT_FALSE(name);
  EXPECT_NE(name.error().message.find("nitro.expect.pcr99"), std::string::npos);
  auto hex = LoadPolicyText(R"({"nitro": {"expect": {"pcr1": "zz"}}})", o);
  ASSERT_FALSE(hex);
  EXPECT_NE(hex.error().message.find("nitro.expect.pcr1"), std::string::npos);
  EXPECT_FALSE(LoadPolicyText(R"({"nitro": {"allow_debug": "yes"}})", o));
  EXPECT_FALSE(LoadPolicyText(R"({"nitro": []})", o));
  EXPECT_FALSE(LoadPolicyText(R"({"nitrous": {}})", o));
  EXPECT_FALSE(LoadPolicyText("{\"nitro\": ", o));
  EXPECT_FALSE(LoadPolicyText("[]", o));
}

}  // namespace
}  // namespace veritee::nitro
