#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"

namespace veritee {
namespace {

Bytes Str(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Digest, Fips180Vectors) {
  EXPECT_EQ(ToHex(Sha256(Str("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha384(Str("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(ToHex(Digest(DigestAlg::kSha512, Str("abc"))).substr(0, 16), "ddaf35a193617aba");
}

class EcdsaTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EcdsaTest, VerifiesAllThreeFormatsAndRejectsFlips) {
  auto key = GenerateEcKey(GetParam());
  ASSERT_TRUE(key);
  size_t width = std::string_view(GetParam()) == "P-384" ? 48 : 32;
  DigestAlg alg = width == 48 ? DigestAlg::kSha384 : DigestAlg::kSha256;
  Bytes msg = Str("attestation report body");
  Bytes digest = Digest(alg, msg);
  auto der = SignEcdsaDigest(key->get(), digest);
  ASSERT_TRUE(der);
  EXPECT_TRUE(VerifyEcdsaDigest(key->get(), digest, *der, EcdsaFormat::kDer));
  EXPECT_TRUE(VerifyEcdsa(key->get(), alg, msg, *der, EcdsaFormat::kDer));

  auto be = EcdsaDerToRS(*der, width, false);
  ASSERT_TRUE(be);
  Bytes raw_be = be->first;
  raw_be.insert(raw_be.end(), be->second.begin(), be->second.end());
  EXPECT_TRUE(VerifyEcdsaDigest(key->get(), digest, raw_be, EcdsaFormat::kRawBigEndian));

  auto le = EcdsaDerToRS(*der, 72, true);  // SEV-SNP pads r and s to 72 bytes
  ASSERT_TRUE(le);
  EXPECT_TRUE(VerifyEcdsaDigestRS(key->get(), digest, le->first, le->second, true));
  // Read in the wrong byte order, it must fail.
  EXPECT_FALSE(VerifyEcdsaDigestRS(key->get(), digest, le->first, le->second, false));

  Bytes bad = digest;
  bad[0] ^= 1;
  auto st = VerifyEcdsaDigest(key->get(), bad, *der, EcdsaFormat::kDer);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kBadSignature);
  raw_be[3] ^= 0x80;
  EXPECT_FALSE(VerifyEcdsaDigest(key->get(), digest, raw_be, EcdsaFormat::kRawBigEndian));
  EXPECT_FALSE(VerifyEcdsaDigest(key->get(), digest, Bytes{1, 2, 3}, EcdsaFormat::kRawBigEndian));
  EXPECT_FALSE(VerifyEcdsaDigest(key->get(), digest, Bytes{}, EcdsaFormat::kDer));
}

INSTANTIATE_TEST_SUITE_P(Curves, EcdsaTest, ::testing::Values("P-256", "P-384"));

TEST(Keys, CurveNamesAndDescriptions) {
  auto ec = GenerateEcKey("P-384");
  ASSERT_TRUE(ec);
  EXPECT_EQ(*EcCurveName(ec->get()), "secp384r1");
  EXPECT_EQ(DescribeKey(ec->get()), "EC P-384");
  auto rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa);
  EXPECT_EQ(DescribeKey(rsa->get()), "RSA-2048");
  EXPECT_EQ(EcCurveName(rsa->get()).error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(GenerateEcKey("P-999"));
}

TEST(Keys, PemRoundTrip) {
  auto ec = GenerateEcKey("P-256");
  ASSERT_TRUE(ec);
  auto pem = PrivateKeyToPem(ec->get());
  ASSERT_TRUE(pem);
  auto back = ParsePrivateKeyPem(Str(*pem));
  ASSERT_TRUE(back);
  auto der = PublicKeyToDer(back->get());
  ASSERT_TRUE(der);
  auto pub = ParsePublicKey(*der);
  ASSERT_TRUE(pub);
  EXPECT_EQ(*PublicKeyToDer(pub->get()), *der);
}

TEST(Keys, OpenSslErrorsAreDrainedIntoTheMessage) {
  auto bad = ParsePublicKey(Str("not a key"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
  EXPECT_NE(bad.error().message.find("parsing a public key"), std::string::npos);
  EXPECT_NE(bad.error().message.find("error:"), std::string::npos) << bad.error().message;
}

TEST(RsaPss, SignVerifyAndSaltLength) {
  auto rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa);
  Bytes msg = Str("tbsCertificate");
  auto sig = SignRsaPss(rsa->get(), DigestAlg::kSha384, msg, 48);
  ASSERT_TRUE(sig);
  EXPECT_TRUE(VerifyRsaPss(rsa->get(), DigestAlg::kSha384, msg, *sig, 48));
  EXPECT_FALSE(VerifyRsaPss(rsa->get(), DigestAlg::kSha384, msg, *sig, 32));
  EXPECT_FALSE(VerifyRsaPss(rsa->get(), DigestAlg::kSha256, msg, *sig, 48));
  msg[0] ^= 1;
  EXPECT_EQ(VerifyRsaPss(rsa->get(), DigestAlg::kSha384, msg, *sig, 48).error().code,
            ErrorCode::kBadSignature);
}

}  // namespace
}  // namespace veritee
