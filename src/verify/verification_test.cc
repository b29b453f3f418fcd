#include "verify/verification.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

TEST(Verification, AcceptedOnlyWhenCompleteAndAllChecksPass) {
  Verification v("sev-snp");
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(v.reason(), "verification did not complete");
  v.Add("a", true, "fine");
  EXPECT_FALSE(v.accepted());  // not complete
  v.MarkComplete();
  EXPECT_TRUE(v.accepted());
  v.Add("b", false, "broken");
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(v.reason(), "b: broken");
}

TEST(Verification, EmptyCompleteRunIsRejected) {
  Verification v("tdx");
  v.MarkComplete();
  EXPECT_FALSE(v.accepted());
}

TEST(Verification, JsonFollowsTheContract) {
  Verification v("sev-snp");
  v.Add("parse", true, "ok");
  v.Add("report_signature", false, "bad");
  v.MarkComplete();
  Json j = v.ToJson();
  EXPECT_EQ(j["tee"], "sev-snp");
  EXPECT_EQ(j["verdict"], "rejected");
  EXPECT_EQ(j["reason"], "report_signature: bad");
  EXPECT_EQ(j["simulated"], false);
  ASSERT_EQ(j["checks"].size(), 2u);
  EXPECT_EQ(j["checks"][1]["name"], "report_signature");
  EXPECT_TRUE(j.contains("claims"));
  EXPECT_TRUE(j.contains("trust_anchor"));
  EXPECT_TRUE(j.contains("collateral"));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys[0], "tee");
  EXPECT_EQ(keys[1], "verdict");
}

}  // namespace
}  // namespace veritee

namespace veritee {
namespace {

TEST(Verification, SharedCollateralIsMergedWithoutChangingTheDescription) {
  Verification v{"tdx"};
  auto base = std::make_shared<const Json>(Json{{"source", "dir"}, {"tcb_info", {{"id", "TDX"}}}});
  auto certs = std::make_shared<const Json>(Json::array({Json{{"subject", "PCK"}}}));
  v.shared_collateral.emplace_back("", base);
  v.shared_collateral.emplace_back("certificates", certs);
  v.collateral["verification_time"] = "2025-06-20T10:32:27Z";
  const Json all = v.CollateralJson();
  EXPECT_EQ(all.dump(),
            R"({"source":"dir","tcb_info":{"id":"TDX"},"certificates":[{"subject":"PCK"}],)"
            R"("verification_time":"2025-06-20T10:32:27Z"})");
  EXPECT_EQ(v.ToJson()["collateral"], all);
  // Members set on the verification itself win over a shared part.
  v.collateral["source"] = "override";
  EXPECT_EQ(v.CollateralJson()["source"], "override");
  // Without shared parts the description is `collateral` itself.
  Verification plain{"sev-snp"};
  plain.collateral["crls"] = Json::array();
  EXPECT_EQ(plain.CollateralJson(), plain.collateral);
}

}  // namespace
}  // namespace veritee
