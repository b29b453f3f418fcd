#include "trust/intel_roots.h"

#include <gtest/gtest.h>

namespace veritee::trust {
namespace {

TEST(IntelRoots, PinnedRootLoads) {
  auto root = IntelSgxRootCa();
  ASSERT_TRUE(root) << root.error().ToString();
  EXPECT_EQ((*root)->Sha256Hex(), kIntelSgxRootCaSha256);
  EXPECT_EQ((*root)->SubjectCn(), "Intel SGX Root CA");
  EXPECT_EQ((*root)->Subject(), (*root)->Issuer());
  EXPECT_EQ(FormatTime((*root)->NotAfter()), "2049-12-31T23:59:59Z");
}

}  // namespace
}  // namespace veritee::trust
