#include "attest/binding.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/digest.h"

namespace veritee::attest {
namespace {

TEST(Binding, Rules) {
  Binding raw;
  raw.report_data = Bytes{1, 2, 3};
  auto a = BindReportData(raw);
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[2], 3);
  EXPECT_EQ((*a)[3], 0);

  Binding key;
  key.public_key_spki = Bytes{0x30, 0x00};
  EXPECT_EQ(*BindReportData(key), Sha512(Bytes{0x30, 0x00}));
  key.nonce = Bytes{9};
  EXPECT_EQ(*BindReportData(key), Sha512(Bytes{0x30, 0x00, 9}));
  EXPECT_EQ(*BindReportData(key), KeyBinding(Bytes{0x30, 0x00}, Bytes{9}));

  Binding nonce;
  nonce.nonce = Bytes(64, 7);
  EXPECT_EQ((*BindReportData(nonce))[63], 7);
  nonce.nonce = Bytes(65, 7);
  EXPECT_EQ(BindReportData(nonce).error().code, ErrorCode::kInvalidArgument);

  raw.nonce = Bytes{1};
  EXPECT_EQ(BindReportData(raw).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace veritee::attest
