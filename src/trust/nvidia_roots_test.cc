#include "trust/nvidia_roots.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/keys.h"
#include "parse/nvgpu/test_data.h"

namespace veritee::trust {
namespace {

TEST(NvidiaRoots, PinnedSelfSignedP384) {
  auto device = BuiltinNvidiaDeviceRoot();
  auto rim = BuiltinNvidiaRimRoot();
  ASSERT_TRUE(device) << device.error().ToString();
  ASSERT_TRUE(rim) << rim.error().ToString();
  EXPECT_EQ((*device)->Sha256Hex(),
            "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48");
  EXPECT_EQ((*rim)->Sha256Hex(),
            "12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1");
  EXPECT_EQ((*device)->SubjectCn(), "NVIDIA Device Identity CA");
  EXPECT_EQ((*rim)->SubjectCn(), "NVIDIA CoRIM signing Root CA");
  for (const Certificate* c : {*device, *rim}) {
    EXPECT_EQ(EcCurveName(c->PublicKey()).value_or(""), "secp384r1");
    std::vector<Certificate> none, self = {*c};
    EXPECT_TRUE(BuildChain(*c, none, self)) << c->SubjectCn();
  }
  // The two roots are separate trust decisions: neither signs the other.
  std::vector<Certificate> none, only_device = {**device};
  EXPECT_FALSE(BuildChain(**rim, none, only_device));
}

// The built-in roots are the ones the shared test data pins.
TEST(NvidiaRoots, SameAsSharedTestData) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  for (auto [file, root] : {std::pair{"nvidia_device_identity_ca_root.pem", *BuiltinNvidiaDeviceRoot()},
                            std::pair{"nvidia_corim_signing_root_ca.pem", *BuiltinNvidiaRimRoot()}}) {
    auto certs = ParseCertificates(nvgpu::testing::ReadTestFile(dir, file));
    ASSERT_TRUE(certs && certs->size() == 1) << file;
    EXPECT_EQ((*certs)[0].der(), root->der()) << file;
  }
}

}  // namespace
}  // namespace veritee::trust
