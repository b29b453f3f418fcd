#include "parse/dcap/collateral.h"

#include <gtest/gtest.h>

#include "parse/dcap/test_data.h"

namespace veritee::dcap {
namespace {

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(DcapCollateral, SlicesTheExactSignedBytes) {
  std::string body = R"({"id":"TDX","x":[1,{"a":"}\"]"}]})";
  std::array<uint8_t, 64> sig{};
  sig[0] = 0xab;
  std::string text = WrapSignedBody("tcbInfo", body, sig);
  const std::string with_nul = text + std::string(1, '\0');
  auto s = SliceSignedBody(with_nul, "tcbInfo");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->body, body);
  EXPECT_EQ(s->signature, sig);
  // Whitespace around members is not part of the signed bytes.
  const std::string spaced_text = "{ \"signature\" : \"" + std::string(128, '0') +
                                  "\",\n \"tcbInfo\" : " + body + " }\n";
  auto spaced = SliceSignedBody(spaced_text, "tcbInfo");
  ASSERT_TRUE(spaced) << spaced.error().ToString();
  EXPECT_EQ(spaced->body, body);
}

TEST(DcapCollateral, RejectsAmbiguousResponses) {
  std::array<uint8_t, 64> sig{};
  std::string ok = WrapSignedBody("tcbInfo", "{}", sig);
  EXPECT_FALSE(SliceSignedBody(R"({"tcbInfo":{},"tcbInfo":{},"signature":")" +
                                   std::string(128, '0') + "\"}",
                               "tcbInfo"));
  EXPECT_FALSE(SliceSignedBody(R"({"tcbInfo":{},"signature":"00"})", "tcbInfo"));
  EXPECT_FALSE(SliceSignedBody(R"({"tcbInfo":{}})", "tcbInfo"));
  EXPECT_FALSE(SliceSignedBody(ok, "enclaveIdentity"));
  EXPECT_FALSE(SliceSignedBody(ok.substr(0, ok.size() - 1), "tcbInfo"));
  EXPECT_FALSE(SliceSignedBody(R"({"tcbInfo":{},"extra":1,"signature":")" +
                                   std::string(128, '0') + "\"}",
                               "tcbInfo"));
}

TEST(DcapCollateral, StatusNames) {
  for (int i = 0; i <= static_cast<int>(TcbStatus::kTcbNotSupported); ++i) {
    auto s = static_cast<TcbStatus>(i);
    EXPECT_EQ(TcbStatusFromName(TcbStatusName(s)).value(), s);
  }
  EXPECT_FALSE(TcbStatusFromName("uptodate"));
}

TEST(DcapCollateral, TcbInfoV2AndV3RoundTrip) {
  TcbInfo info;
  info.id = "TDX";
  info.version = 3;
  info.issue_date = 1750000000;
  info.next_update = 1752592000;
  info.fmspc = {0x90, 0xc0, 0x6f, 0, 0, 0};
  info.tcb_evaluation_data_number = 18;
  info.tdx_module = TdxModule{};
  info.tdx_module->attributes_mask.fill(0xff);
  TdxModuleIdentity m;
  m.id = "TDX_01";
  m.tcb_levels.push_back({6, 1700000000, "", TcbStatus::kUpToDate, {}});
  m.tcb_levels.push_back({4, 1600000000, "", TcbStatus::kOutOfDate, {"INTEL-SA-01036"}});
  info.tdx_module_identities.push_back(m);
  TcbLevel level;
  level.sgx[0] = {3, "BIOS", "Early Microcode Update"};
  level.pcesvn = 13;
  level.tdx = std::array<TcbComponent, 16>{};
  (*level.tdx)[0].svn = 5;
  level.tcb_date = 1700000000;
  level.status = TcbStatus::kSwHardeningNeeded;
  level.advisory_ids = {"INTEL-SA-00615"};
  info.tcb_levels.push_back(level);
  std::string text = WriteTcbInfo(info);
  auto parsed = ParseTcbInfo(text);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(WriteTcbInfo(*parsed), text);
  EXPECT_EQ(parsed->tcb_levels[0].status, TcbStatus::kSwHardeningNeeded);
  EXPECT_EQ(parsed->tdx_module_identities[0].tcb_levels[1].advisory_ids[0], "INTEL-SA-01036");

  TcbInfo v2;
  v2.version = 2;
  v2.id = "SGX";
  v2.issue_date = 1;
  v2.next_update = 2;
  TcbLevel l2;
  l2.sgx[15].svn = 7;
  l2.status = TcbStatus::kUpToDate;
  v2.tcb_levels.push_back(l2);
  std::string t2 = WriteTcbInfo(v2);
  EXPECT_NE(t2.find("sgxtcbcomp16svn\":7"), std::string::npos);
  auto p2 = ParseTcbInfo(t2);
  ASSERT_TRUE(p2) << p2.error().ToString();
  EXPECT_EQ(p2->tcb_levels[0].sgx[15].svn, 7);
  EXPECT_EQ(p2->id, "SGX");
}

TEST(DcapCollateral, RejectsMalformedBodies) {
  EXPECT_EQ(ParseTcbInfo(R"({"version":4})").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(ParseTcbInfo(R"({"version":3,"id":"SEV"})").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(ParseQeIdentity(R"({"id":"QE","version":1})").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(ParseQeIdentity("[]").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseTcbInfo("not json").error().code, ErrorCode::kMalformed);
}

// Every real TCB Info and QE Identity slices, parses and (being Intel's compact JSON)
// writes back to the exact signed bytes.
TEST(DcapCollateral, RealCollateralParses) {
  for (const char* tee : {"tdx", "sgx"}) {
    VT_DCAP_TESTDATA_OR_SKIP(dir, tee);
    auto vectors = testing::LoadVectors(dir);
    for (const auto& v : vectors["vectors"]) {
      SCOPED_TRACE(v["id"].get<std::string>());
      auto folder = dir / v["dir"].get<std::string>();
      std::string tcb_text = Text(testing::ReadTestFile(folder / "tcb_info.json"));
      auto tcb = SliceSignedBody(tcb_text, "tcbInfo");
      ASSERT_TRUE(tcb) << tcb.error().ToString();
      auto info = ParseTcbInfo(tcb->body);
      ASSERT_TRUE(info) << info.error().ToString();
      const auto& dates = v["collateral_dates"]["tcb_info"];
      EXPECT_EQ(info->id, dates["id"]);
      EXPECT_EQ(info->version, dates["version"]);
      EXPECT_EQ(info->tcb_evaluation_data_number, dates["tcbEvaluationDataNumber"]);
      EXPECT_EQ(FormatTime(info->issue_date), dates["issueDate"]);
      // Intel's compact JSON: the writer reproduces it up to the case of hex digits.
      auto again = ParseTcbInfo(WriteTcbInfo(*info));
      ASSERT_TRUE(again);
      EXPECT_TRUE(*again == *info);
      EXPECT_EQ(WriteTcbInfo(*info).size(), tcb->body.size());

      std::string qe_text = Text(testing::ReadTestFile(folder / "qe_identity.json"));
      auto qe = SliceSignedBody(qe_text, "enclaveIdentity");
      ASSERT_TRUE(qe) << qe.error().ToString();
      auto id = ParseQeIdentity(qe->body);
      ASSERT_TRUE(id) << id.error().ToString();
      EXPECT_EQ(id->id, v["collateral_dates"]["qe_identity"]["id"]);
      EXPECT_TRUE(WriteQeIdentity(*id) == std::string(qe->body));
    }
  }
}

}  // namespace
}  // namespace veritee::dcap
