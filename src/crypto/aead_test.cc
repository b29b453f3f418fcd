#include "crypto/aead.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace veritee {
namespace {

Bytes H(std::string_view hex) { return *FromHex(hex); }

TEST(Hkdf, Rfc5869TestCase1) {
  auto okm = HkdfSha256(Bytes(22, 0x0b), H("000102030405060708090a0b0c"),
                        H("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm) << okm.error().ToString();
  EXPECT_EQ(ToHex(okm->span()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Hkdf, Rfc5869TestCase3EmptySaltAndInfo) {
  auto okm = HkdfSha256(Bytes(22, 0x0b), {}, {}, 42);
  ASSERT_TRUE(okm);
  EXPECT_EQ(ToHex(okm->span()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Hkdf, RejectsBadLength) {
  EXPECT_EQ(HkdfSha256(Bytes(32, 1), {}, {}, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(HkdfSha256(Bytes(32, 1), {}, {}, 8161).error().code, ErrorCode::kInvalidArgument);
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14 (AES-256).
TEST(AesGcm, KnownAnswers) {
  Bytes key(32, 0), nonce(12, 0);
  auto empty = AesGcmSealWithNonce(key, nonce, {}, {});
  ASSERT_TRUE(empty);
  EXPECT_EQ(ToHex(*empty), "000000000000000000000000530f8afbc74536b9a963b4f1c4cb738b");
  auto block = AesGcmSealWithNonce(key, nonce, Bytes(16, 0), {});
  ASSERT_TRUE(block);
  EXPECT_EQ(ToHex(*block),
            "000000000000000000000000cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");
  auto opened = AesGcmOpen(key, *block, {});
  ASSERT_TRUE(opened);
  EXPECT_EQ(Bytes(opened->span().begin(), opened->span().end()), Bytes(16, 0));
}

TEST(AesGcm, RoundTripAndEveryTamperingRejected) {
  Bytes key(32, 0x42);
  const std::string msg = "attested secret";
  Bytes pt(msg.begin(), msg.end());
  Bytes aad = {'i', 'd'};
  auto box = AesGcmSeal(key, pt, aad);
  ASSERT_TRUE(box);
  ASSERT_EQ(box->size(), 12 + pt.size() + 16);
  auto opened = AesGcmOpen(key, *box, aad);
  ASSERT_TRUE(opened);
  EXPECT_EQ(Bytes(opened->span().begin(), opened->span().end()), pt);

  // A flipped bit anywhere: nonce, ciphertext or tag.
  for (size_t i : {size_t{0}, size_t{11}, size_t{12}, box->size() - 17, box->size() - 16,
                   box->size() - 1}) {
    Bytes bad = *box;
    bad[i] ^= 0x01;
    auto r = AesGcmOpen(key, bad, aad);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code, ErrorCode::kBadSignature);
  }
  Bytes other_key(32, 0x43);
  EXPECT_EQ(AesGcmOpen(other_key, *box, aad).error().code, ErrorCode::kBadSignature);
  EXPECT_EQ(AesGcmOpen(key, *box, Bytes{'x'}).error().code, ErrorCode::kBadSignature);
  EXPECT_EQ(AesGcmOpen(key, ByteSpan(*box).first(27), aad).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(AesGcmOpen(Bytes(16, 0), *box, aad).error().code, ErrorCode::kInvalidArgument);
}

TEST(AesGcm, FreshNoncePerSeal) {
  Bytes key(32, 7);
  auto a = AesGcmSeal(key, Bytes{1, 2, 3}, {});
  auto b = AesGcmSeal(key, Bytes{1, 2, 3}, {});
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace veritee
