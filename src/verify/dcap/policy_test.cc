#include "verify/dcap/policy.h"

#include <gtest/gtest.h>

namespace veritee::dcap {
namespace {

TEST(DcapPolicy, LoadsTdxSection) {
  ValidationOptions o;
  auto st = LoadPolicyText(R"({"sev-snp": {"vmpl": 0},
    "tdx": {"expect": {"mr_td": ")" + std::string(96, 'a') + R"(", "report_data": "abcd"},
            "allowed_tcb_statuses": ["SWHardeningNeeded", "OutOfDate"],
            "forbidden_advisories": ["INTEL-SA-00615"],
            "allow_debug": true, "td_attributes": "0000001000000000",
            "min_tee_tcb_svn": "05010200000000000000000000000000",
            "require_sept_ve_disable": true}})",
                           true, o);
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(o.expect.at("mr_td").size(), 48u);
  EXPECT_EQ(o.expect.at("report_data").size(), 2u);
  EXPECT_EQ(o.allowed_statuses.size(), 2u);
  EXPECT_TRUE(o.allow_debug);
  EXPECT_EQ(*o.td_attributes, uint64_t{1} << 28);
  EXPECT_EQ((*o.min_tee_tcb_svn)[1], 1);
  EXPECT_TRUE(o.require_sept_ve_disable);
  EXPECT_EQ(o.forbidden_advisories.count("INTEL-SA-00615"), 1u);
}

TEST(DcapPolicy, ErrorsNameTheKey) {
  ValidationOptions o;
  auto st = LoadPolicyText(R"({"sgx": {"min_isv_svn": 1, "mr_td": "00"}})", false, o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "sgx.mr_td");
  st = LoadPolicyText(R"({"sgx": {"expect": {"mr_td": "00"}}})", false, o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "sgx.expect.mr_td");
  st = LoadPolicyText(R"({"tdx": {"allowed_tcb_statuses": ["Fine"]}})", true, o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "tdx.allowed_tcb_statuses[0]");
  st = LoadPolicyText(R"({"tdx": {"allowed_tcb_statuses": ["TcbNotSupported"]}})", true, o);
  EXPECT_FALSE(st);
  st = LoadPolicyText("{\n\"tdx\": {,}}", true, o);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("line 2"), std::string::npos);
}

TEST(DcapPolicy, KeyErrorsNameTheLine) {
  ValidationOptions o;
  auto st = LoadPolicyText("{\"sev-snp\": {},\n \"tdx\": {\n  \"mr_tdd\": \"00\"}}", true, o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "tdx.mr_tdd");
  EXPECT_EQ(st.error().message, "unknown key (line 3)");
  st = LoadPolicyText("{\"sgx\": {\"expect\": {\n\n  \"mr_td\": \"00\"}}}", false, o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "sgx.expect.mr_td");
  EXPECT_NE(st.error().message.find("(line 3)"), std::string::npos) << st.error().message;
}

TEST(DcapPolicy, CommandLineSyntaxes) {
  auto list = ParseStatusList("SWHardeningNeeded,ConfigurationNeeded");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 2u);
  EXPECT_FALSE(ParseStatusList("UpToDate,Nope"));
  EXPECT_EQ(ParseLe64Hex("0100000000000000").value(), 1u);
  EXPECT_FALSE(ParseLe64Hex("01"));
  EXPECT_FALSE(ParseExpectValue(true, "mr_enclave", std::string(64, '0')));
  EXPECT_TRUE(ParseExpectValue(false, "mr_enclave", std::string(64, '0')));
  EXPECT_FALSE(ParseExpectValue(false, "mr_enclave", std::string(62, '0')));
}

}  // namespace
}  // namespace veritee::dcap
