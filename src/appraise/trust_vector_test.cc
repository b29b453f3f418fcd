// AR4SI tiers, combining claims, and the trust vector's JSON.
#include "appraise/trust_vector.h"

#include <gtest/gtest.h>

namespace veritee::appraise {
namespace {

TEST(TrustVectorTest, Tiers) {
  EXPECT_EQ(TierOf(-1), Tier::kNone);
  EXPECT_EQ(TierOf(0), Tier::kNone);
  EXPECT_EQ(TierOf(1), Tier::kNone);
  EXPECT_EQ(TierOf(2), Tier::kAffirming);
  EXPECT_EQ(TierOf(31), Tier::kAffirming);
  EXPECT_EQ(TierOf(32), Tier::kWarning);
  EXPECT_EQ(TierOf(95), Tier::kWarning);
  EXPECT_EQ(TierOf(96), Tier::kContraindicated);
  EXPECT_EQ(TierOf(99), Tier::kContraindicated);
  EXPECT_EQ(TierName(Tier::kWarning), "warning");
}

TEST(TrustVectorTest, MergeKeepsTheWorstAndStatusFollows) {
  TrustVector v;
  EXPECT_EQ(v.Status(), Tier::kNone);
  v.Merge(Component::kHardware, 2);
  EXPECT_EQ(v.Status(), Tier::kAffirming);
  v.Merge(Component::kHardware, 32);
  v.Merge(Component::kHardware, 2);  // a later affirming rule does not hide the warning
  EXPECT_EQ(v.Get(Component::kHardware), 32);
  EXPECT_EQ(v.Status(), Tier::kWarning);
  v.Merge(Component::kExecutables, 96);
  EXPECT_EQ(v.Status(), Tier::kContraindicated);
  v.Merge(Component::kExecutables, 33);
  EXPECT_EQ(v.Get(Component::kExecutables), 96);
  EXPECT_TRUE(Worse(99, 96));
  EXPECT_TRUE(Worse(2, 0));
  EXPECT_FALSE(Worse(0, 2));
}

TEST(TrustVectorTest, JsonInAr4siOrder) {
  TrustVector v;
  v.Merge(Component::kInstanceIdentity, 2);
  v.Merge(Component::kSourcedData, 32);
  EXPECT_EQ(v.ToJson().dump(),
            R"({"instance-identity":2,"configuration":0,"executables":0,"file-system":0,)"
            R"("hardware":0,"runtime-opaque":0,"storage-opaque":0,"sourced-data":32})");
  EXPECT_EQ(ClaimMeaning(Component::kHardware, 32), "genuine but known vulnerabilities");
  EXPECT_EQ(ClaimMeaning(Component::kExecutables, 99), "cryptographic validation failed");
}

}  // namespace
}  // namespace veritee::appraise
