#include "base/bytes.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

TEST(ByteReader, ReadsLittleAndBigEndian) {
  const Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xaa, 0xbb};
  ByteReader r(data);
  EXPECT_EQ(*r.U32Le("a"), 0x04030201u);
  EXPECT_EQ(*r.U16Be("b"), 0x0506u);
  EXPECT_EQ(*r.U16Le("c"), 0x0807u);
  EXPECT_EQ(*r.U8("d"), 0xaau);
  EXPECT_EQ(r.offset(), 9u);
  EXPECT_FALSE(r.Finish("x"));
  EXPECT_EQ(r.Finish("x").error().code, ErrorCode::kTrailingData);
}

TEST(ByteReader, FailedReadDoesNotAdvanceAndNamesTheField) {
  const Bytes data = {1, 2, 3};
  ByteReader r(data, 0x100);
  auto v = r.U32Le("version");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(v.error().field, "version");
  EXPECT_EQ(v.error().offset, 0x100u);
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_EQ(*r.U16Le("ok"), 0x0201u);
}

TEST(ByteReader, ExpectZeroReportsTheFirstNonZeroByte) {
  const Bytes data = {0, 0, 0, 7, 0};
  ByteReader r(data, 0x40);
  auto s = r.ExpectZero(5, "reserved");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kReservedNonZero);
  EXPECT_EQ(s.error().offset, 0x43u);
  EXPECT_EQ(r.remaining(), 5u);
}

TEST(ByteReader, ChildReaderIsBoundedAndKeepsAbsoluteOffsets) {
  const Bytes data = {9, 1, 2, 3, 4};
  ByteReader r(data);
  ASSERT_TRUE(r.U8("len"));
  auto child = r.Child(2, "part");
  ASSERT_TRUE(child);
  EXPECT_EQ(child->offset(), 1u);
  EXPECT_EQ(*child->U16Le("x"), 0x0201u);
  EXPECT_FALSE(child->U8("past end"));
  EXPECT_EQ(r.remaining(), 2u);
  EXPECT_FALSE(r.Child(3, "too long"));
}

TEST(ByteReader, ArrayCopiesExactly) {
  const Bytes data = {1, 2, 3, 4};
  ByteReader r(data);
  auto a = r.Array<3>("a");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[2], 3);
  EXPECT_FALSE(r.Array<2>("b"));
}

TEST(ByteWriter, MirrorsTheReader) {
  ByteWriter w;
  w.U32Le(0xdeadbeef);
  w.U16Be(0x1234);
  w.U64Le(0x0102030405060708ull);
  w.Zeros(3);
  Bytes out = w.Take();
  ASSERT_EQ(out.size(), 17u);
  ByteReader r(out);
  EXPECT_EQ(*r.U32Le("a"), 0xdeadbeefu);
  EXPECT_EQ(*r.U16Be("b"), 0x1234u);
  EXPECT_EQ(*r.U64Le("c"), 0x0102030405060708ull);
  EXPECT_TRUE(r.ExpectZero(3, "z"));
  EXPECT_TRUE(r.Finish("all"));
}

TEST(AllZero, Basics) {
  EXPECT_TRUE(AllZero(Bytes{}));
  EXPECT_TRUE(AllZero(Bytes{0, 0}));
  EXPECT_FALSE(AllZero(Bytes{0, 1}));
}

}  // namespace
}  // namespace veritee
