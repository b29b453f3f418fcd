#include "parse/nitro/cbor.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace veritee::nitro {
namespace {

Bytes Hex(std::string_view h) { return FromHex(h).value(); }

TEST(CborReader, ReadsScalarsWithAbsoluteOffsets) {
  Bytes in =
      Hex("1817"
          "3822"
          "43010203"
          "6161"
          "f6");
  CborReader r(in, 100);
  EXPECT_EQ(*r.Unsigned("a"), 23u);
  auto neg = r.Peek("b");
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->offset, 102u);
  EXPECT_EQ(*r.Integer("b"), -35);
  EXPECT_EQ(ToHex(*r.ByteString("c", 3)), "010203");
  EXPECT_EQ(*r.TextString("d", 8), "a");
  EXPECT_TRUE(r.TakeNull());
  EXPECT_TRUE(r.Finish("all"));
}

TEST(CborReader, WrongTypeNamesFieldAndType) {
  Bytes in = Hex("6161");
  CborReader r(in);
  auto b = r.ByteString("payload", 10);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(b.error().field, "payload");
  EXPECT_NE(b.error().message.find("found text string"), std::string::npos);
  EXPECT_EQ(r.offset(), 0u);  // nothing consumed
}

TEST(CborReader, TruncatedStringDoesNotAdvance) {
  Bytes in =
      Hex("5a00010000"
          "00");  // 65536-byte string, 1 byte present
  CborReader r(in);
  auto b = r.ByteString("cert", 1 << 20);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(r.offset(), 0u);
}

TEST(CborReader, HugeDeclaredCountIsTruncatedBeforeAnyAllocation) {
  Bytes array = Hex("9b0000001000000000");  // 2^36 elements, none present
  CborReader a(array);
  auto head = a.ArrayHead("cabundle");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kTruncated);
  Bytes map =
      Hex("a3"
          "0102"
          "0304");  // 3 pairs, 2 present
  CborReader m(map);
  EXPECT_EQ(m.MapHead("pcrs").error().code, ErrorCode::kTruncated);
  CborReader s(array);
  EXPECT_EQ(s.Skip("x").error().code, ErrorCode::kTruncated);
}

TEST(CborReader, IndefiniteContainersEndAtBreak) {
  Bytes in =
      Hex("bf"
          "6161"
          "01"
          "ff"
          "9f"
          "02"
          "ff");
  CborReader r(in);
  auto map = r.MapHead("m");
  ASSERT_TRUE(map);
  EXPECT_FALSE(map->has_value());
  EXPECT_FALSE(r.AtBreak());
  EXPECT_EQ(*r.TextString("k", 4), "a");
  EXPECT_EQ(*r.Unsigned("v"), 1u);
  EXPECT_TRUE(r.AtBreak());
  EXPECT_TRUE(r.Skip("array"));
  EXPECT_TRUE(r.Finish("all"));
}

TEST(CborReader, ChunkedStringsAreUnsupported) {
  Bytes in =
      Hex("5f"
          "4101"
          "ff");
  CborReader r(in);
  EXPECT_EQ(r.ByteString("payload", 10).error().code, ErrorCode::kUnsupported);
  EXPECT_TRUE(r.Skip("payload"));  // but well-formed, so Skip walks it
  EXPECT_TRUE(r.Finish("all"));
}

TEST(CborReader, NotWellFormedBytesAreMalformed) {
  for (const char* hex : {"1c", "3d", "5e", "7f01", "fc", "ff"}) {
    Bytes in = Hex(hex);
    CborReader r(in);
    auto t = r.Skip("x");
    ASSERT_FALSE(t) << hex;
    EXPECT_TRUE(t.error().code == ErrorCode::kMalformed || t.error().code == ErrorCode::kTruncated)
        << hex << ": " << t.error().ToString();
  }
}

TEST(CborReader, SkipLimitsNesting) {
  Bytes deep(40, 0x81);
  deep.push_back(0x00);
  CborReader r(deep);
  auto st = r.Skip("deep", 16);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnsupported);
}

TEST(CborReader, TagHeadsOfEveryWidth) {
  Bytes in =
      Hex("d2"
          "d818"
          "d90100"
          "da00010000"
          "db0000000100000000"
          "dc");
  CborReader r(in);
  for (uint64_t want : {18ull, 24ull, 256ull, 65536ull, 4294967296ull}) {
    auto t = r.Next("tag");
    ASSERT_TRUE(t) << t.error().ToString();
    EXPECT_EQ(t->type, CborType::kTag);
    EXPECT_EQ(t->value, want);
  }
  EXPECT_EQ(r.Next("tag").error().code, ErrorCode::kMalformed);
  Bytes cut = Hex("db00");
  CborReader c(cut);
  EXPECT_EQ(c.Next("tag").error().code, ErrorCode::kTruncated);
  EXPECT_EQ(c.offset(), 0u);
}

TEST(CborReader, TextMustBeUtf8) {
  // Found by fuzzing: a module_id with bytes d5 cd made the JSON claims throw.
  for (const char* bad : {"62d5cd", "61ff", "62c0af", "63eda080", "64f4908080", "62e282"}) {
    Bytes in = Hex(bad);
    CborReader r(in);
    auto t = r.TextString("module_id", 16);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kMalformed) << bad;
    EXPECT_NE(t.error().message.find("UTF-8"), std::string::npos);
  }
  for (const char* good : {"6161", "62c3a9", "63e282ac", "64f09f9880", "64f48fbfbf"}) {
    Bytes in = Hex(good);
    CborReader r(in);
    EXPECT_TRUE(r.TextString("module_id", 16)) << good;
  }
}

TEST(CborReader, IntegerOutsideInt64IsUnsupported) {
  Bytes in = Hex("3bffffffffffffffff");
  CborReader r(in);
  EXPECT_EQ(r.Integer("alg").error().code, ErrorCode::kUnsupported);
}

TEST(CborWriter, PreferredHeads) {
  CborWriter w;
  w.Unsigned(23);
  w.Unsigned(24);
  w.Unsigned(1706120065635);
  w.Integer(-35);
  w.ByteString(Hex("0102"));
  w.TextString("pcrs");
  w.ArrayHead(4);
  w.MapHead(9);
  w.IndefiniteMapHead();
  w.Break();
  w.Null();
  w.Tag(18);
  EXPECT_EQ(ToHex(w.data()),
            "17"
            "1818"
            "1b0000018d3cae3263"
            "3822"
            "420102"
            "6470637273"
            "84"
            "a9"
            "bf"
            "ff"
            "f6"
            "d2");
}

}  // namespace
}  // namespace veritee::nitro
