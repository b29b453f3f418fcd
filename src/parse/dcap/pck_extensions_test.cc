#include "parse/dcap/pck_extensions.h"

#include <gtest/gtest.h>

namespace veritee::dcap {
namespace {

PckExtensions Sample() {
  PckExtensions e;
  e.ppid.fill(0x42);
  e.tcb_comp_svn = {3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 255};
  e.pcesvn = 13;
  e.cpusvn = {3, 3, 2, 2, 4, 1, 0, 5};
  e.pce_id = {0, 0};
  e.fmspc = {0xb0, 0xc0, 0x6f, 0, 0, 0};
  e.sgx_type = SgxType::kScalable;
  return e;
}

TEST(PckExtensions, RoundTrip) {
  PckExtensions e = Sample();
  auto p = ParsePckExtensions(WritePckExtensions(e));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(*p, e);
  e.platform_instance_id = Bytes(16, 7);
  e.configuration = Bytes{0x30, 0x00};
  p = ParsePckExtensions(WritePckExtensions(e));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(*p, e);
}

TEST(PckExtensions, OidCodec) {
  auto enc = EncodeOid("1.2.840.113741.1.13.1.2.17");
  ASSERT_TRUE(enc);
  EXPECT_EQ(DecodeOid(*enc).value(), "1.2.840.113741.1.13.1.2.17");
  EXPECT_FALSE(DecodeOid(Bytes{0x2a, 0x86}));  // truncated arc
  EXPECT_FALSE(DecodeOid(Bytes{0x80, 0x01}));  // non-minimal
}

TEST(PckExtensions, RejectsBadDerAndMissingParts) {
  Bytes der = WritePckExtensions(Sample());
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(ParsePckExtensions(trailing).error().code, ErrorCode::kTrailingData);
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(ParsePckExtensions(ByteSpan(der).first(n))) << n;
  }
  // Flip every byte: never crashes.
  for (size_t i = 0; i < der.size(); ++i) {
    Bytes b = der;
    b[i] ^= 0x01;
    (void)ParsePckExtensions(b);
  }
}

}  // namespace
}  // namespace veritee::dcap
