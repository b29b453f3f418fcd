#include "trust/amd_roots.h"

#include <gtest/gtest.h>

namespace veritee::trust {
namespace {

TEST(AmdRoots, AllProductsPinnedAndChained) {
  auto certs = BuiltinAmdCerts();
  ASSERT_TRUE(certs) << certs.error().ToString();
  ASSERT_EQ((*certs)->size(), 3u);
  for (const AmdProductCerts& p : **certs) {
    std::string name(snp::ProductName(p.product));
    name[0] = static_cast<char>(std::toupper(name[0]));
    EXPECT_EQ(p.ark.SubjectCn(), "ARK-" + name);
    EXPECT_EQ(p.ask.SubjectCn(), "SEV-" + name);
    EXPECT_EQ(p.asvk.SubjectCn(), "SEV-VLEK-" + name);
    // The ARK is self-signed and signs both intermediates (RSASSA-PSS).
    std::vector<Certificate> none, anchors = {p.ark};
    EXPECT_TRUE(BuildChain(p.ask, none, anchors)) << name;
    EXPECT_TRUE(BuildChain(p.asvk, none, anchors)) << name;
  }
  EXPECT_EQ((**certs)[0].ark.Sha256Hex(),
            "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd");
}

TEST(AmdRoots, ProductsDoNotCrossSign) {
  auto certs = *BuiltinAmdCerts();
  std::vector<Certificate> none, milan_ark = {(*certs)[0].ark};
  EXPECT_FALSE(BuildChain((*certs)[1].ask, none, milan_ark));
  EXPECT_FALSE(BuildChain((*certs)[2].asvk, none, milan_ark));
}

}  // namespace
}  // namespace veritee::trust
