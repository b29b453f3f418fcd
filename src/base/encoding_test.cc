#include "base/encoding.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

TEST(Hex, RoundTripAndCase) {
  Bytes b = {0x00, 0xab, 0xff, 0x10};
  EXPECT_EQ(ToHex(b), "00abff10");
  EXPECT_EQ(*FromHex("00ABff10"), b);
  EXPECT_EQ(*FromHex("0x00abff10"), b);
  EXPECT_EQ(FromHex("abc").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(FromHex("zz"));
}

TEST(Base64, Rfc4648Vectors) {
  auto s = [](std::string_view t) { return Bytes(t.begin(), t.end()); };
  EXPECT_EQ(ToBase64(s("")), "");
  EXPECT_EQ(ToBase64(s("f")), "Zg==");
  EXPECT_EQ(ToBase64(s("fo")), "Zm8=");
  EXPECT_EQ(ToBase64(s("foo")), "Zm9v");
  EXPECT_EQ(ToBase64(s("foobar")), "Zm9vYmFy");
  EXPECT_EQ(ToBase64Url(Bytes{0xfb, 0xff}), "-_8");
  EXPECT_EQ(*FromBase64("Zm9vYg=="), s("foob"));
  EXPECT_EQ(*FromBase64("Zm9vYg"), s("foob"));
  EXPECT_EQ(*FromBase64("Zm9v\nYmFy"), s("foobar"));
  EXPECT_EQ(*FromBase64("-_8"), (Bytes{0xfb, 0xff}));
  EXPECT_FALSE(FromBase64("Zm9v!"));
  EXPECT_FALSE(FromBase64("Zg=a"));
  EXPECT_FALSE(FromBase64("Zh=="));  // non-zero leftover bits
}

TEST(DecodeEvidenceText, RecognisesHexBase64AndRaw) {
  Bytes raw = {0x01, 0x02, 0xfe};
  EXPECT_EQ(DecodeEvidenceText(Bytes{'0', '1', '0', '2', 'f', 'e', '\n'}), raw);
  std::string b64 = ToBase64(raw) + "\n";
  EXPECT_EQ(DecodeEvidenceText(Bytes(b64.begin(), b64.end())), raw);
  Bytes binary = {0x00, 0xff, 0x80};
  EXPECT_EQ(DecodeEvidenceText(binary), binary);
}

TEST(HexU64, Width) {
  EXPECT_EQ(HexU64(0xb0000), "0x00000000000b0000");
  EXPECT_EQ(HexU64(0x27, 4), "0x00000027");
}

}  // namespace
}  // namespace veritee
