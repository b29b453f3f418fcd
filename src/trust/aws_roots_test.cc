#include "trust/aws_roots.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"

namespace veritee::trust {
namespace {

TEST(AwsRoots, RootG1IsPinnedSelfSignedP384) {
  auto root = BuiltinAwsNitroRoot();
  ASSERT_TRUE(root) << root.error().ToString();
  const Certificate& c = **root;
  EXPECT_EQ(c.Sha256Hex(), kAwsNitroRootG1Sha256);
  EXPECT_EQ(c.SubjectCn(), "aws.nitro-enclaves");
  EXPECT_EQ(c.Subject(), c.Issuer());
  EXPECT_EQ(c.SerialHex(), "f93175681b90afe11d46ccb4e4e7f856");
  EXPECT_EQ(FormatTime(c.NotBefore()), "2019-10-28T13:28:05Z");
  EXPECT_EQ(FormatTime(c.NotAfter()), "2049-10-28T14:28:05Z");
  EXPECT_EQ(DescribeKey(c.PublicKey()), "EC P-384");
  std::vector<Certificate> none, anchors = {c};
  EXPECT_TRUE(BuildChain(c, none, anchors));
  EXPECT_EQ(*BuiltinAwsNitroRoot(), &c);  // parsed once
}

}  // namespace
}  // namespace veritee::trust
