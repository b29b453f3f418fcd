#include "crypto/jwe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/encoding.h"

namespace veritee {
namespace {

ByteSpan Span(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
std::string Str(const SecretBytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

class JweRoundTrip : public ::testing::TestWithParam<TeeKeyPair::Kind> {};

TEST_P(JweRoundTrip, DecryptsWhatItEncrypts) {
  auto pair = TeeKeyPair::Generate(GetParam());
  ASSERT_TRUE(pair) << pair.error().ToString();
  ASSERT_TRUE(ValidateJwk(pair->public_jwk()));
  auto jwe = JweEncrypt(pair->public_jwk(), Span("the secret"));
  ASSERT_TRUE(jwe) << jwe.error().ToString();
  auto parsed = ParseJweFlattened(jwe->ToJson());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  auto plain = pair->Decrypt(*parsed);
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(Str(*plain), "the secret");
  // The header names the algorithm of the key.
  auto header = FromBase64UrlStrict(jwe->protected_header, "protected");
  ASSERT_TRUE(header);
  auto h = nlohmann::json::parse(header->begin(), header->end());
  EXPECT_EQ(h["enc"], "A256GCM");
  EXPECT_EQ(h["alg"], *JweAlgorithmFor(pair->public_jwk()));
}

TEST_P(JweRoundTrip, AnotherKeyCannotDecrypt) {
  auto a = TeeKeyPair::Generate(GetParam());
  auto b = TeeKeyPair::Generate(GetParam());
  ASSERT_TRUE(a && b);
  auto jwe = JweEncrypt(a->public_jwk(), Span("for a only"));
  ASSERT_TRUE(jwe);
  auto plain = b->Decrypt(*jwe);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, ErrorCode::kBadSignature) << plain.error().ToString();
}

TEST_P(JweRoundTrip, TamperedPartsDoNotAuthenticate) {
  auto pair = TeeKeyPair::Generate(GetParam());
  ASSERT_TRUE(pair);
  auto jwe = JweEncrypt(pair->public_jwk(), Span("integrity matters"));
  ASSERT_TRUE(jwe);
  auto flip = [](std::string s) {
    s[2] = s[2] == 'A' ? 'B' : 'A';
    return s;
  };
  JweFlattened t = *jwe;
  t.tag = flip(t.tag);
  EXPECT_EQ(pair->Decrypt(t).error().code, ErrorCode::kBadSignature);
  t = *jwe;
  t.ciphertext = flip(t.ciphertext);
  EXPECT_EQ(pair->Decrypt(t).error().code, ErrorCode::kBadSignature);
  t = *jwe;
  t.iv = flip(t.iv);
  EXPECT_EQ(pair->Decrypt(t).error().code, ErrorCode::kBadSignature);
  // The protected header is authenticated too (it is the AAD): re-encode it with a space.
  t = *jwe;
  auto header = FromBase64UrlStrict(t.protected_header, "protected");
  std::string h(header->begin(), header->end());
  h.insert(1, " ");
  t.protected_header = ToBase64Url(Span(h));
  EXPECT_FALSE(pair->Decrypt(t));
}

INSTANTIATE_TEST_SUITE_P(Keys, JweRoundTrip,
                         ::testing::Values(TeeKeyPair::Kind::kEcP256, TeeKeyPair::Kind::kEcP384,
                                           TeeKeyPair::Kind::kRsa2048));

TEST(JwkTest, PointNotOnTheCurveIsRefused) {
  auto pair = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  ASSERT_TRUE(pair);
  Jwk bad = pair->public_jwk();
  auto y = FromBase64UrlStrict(bad.y, "y");
  (*y)[31] ^= 1;
  bad.y = ToBase64Url(*y);
  auto st = ValidateJwk(bad);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kMalformed);
  EXPECT_FALSE(JweEncrypt(bad, Span("x")));
}

TEST(JwkTest, MalformedMembersAreRefused) {
  auto pair = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  ASSERT_TRUE(pair);
  Jwk j = pair->public_jwk();
  j.x += "==";  // padding is not base64url
  EXPECT_EQ(ValidateJwk(j).error().code, ErrorCode::kMalformed);
  j = pair->public_jwk();
  j.x = j.x.substr(4);  // short coordinate
  EXPECT_EQ(ValidateJwk(j).error().code, ErrorCode::kMalformed);
  j = pair->public_jwk();
  j.crv = "secp256k1";
  EXPECT_EQ(ValidateJwk(j).error().code, ErrorCode::kUnsupported);
  j = pair->public_jwk();
  j.kty = "oct";
  EXPECT_EQ(ValidateJwk(j).error().code, ErrorCode::kUnsupported);
  j = pair->public_jwk();
  j.alg = "RSA-OAEP-256";
  EXPECT_EQ(ValidateJwk(j).error().code, ErrorCode::kUnsupported);
}

TEST(JwkTest, WeakRsaKeysAreRefused) {
  Jwk rsa;
  rsa.kty = "RSA";
  rsa.n = ToBase64Url(Bytes(128, 0xc5));  // 1024 bits
  rsa.e = "AQAB";
  EXPECT_EQ(ValidateJwk(rsa).error().code, ErrorCode::kUnsupported);
  rsa.n = ToBase64Url(Bytes(256, 0xc5));
  rsa.e = "Ag";  // 2: even
  EXPECT_EQ(ValidateJwk(rsa).error().code, ErrorCode::kMalformed);
}

// RFC 7638 §3.1: the thumbprint of the example RSA key.
TEST(JwkTest, ThumbprintMatchesRfc7638) {
  Jwk j;
  j.kty = "RSA";
  j.e = "AQAB";
  j.n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
      "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  EXPECT_EQ(ToBase64Url(JwkThumbprint(j)), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(JweParseTest, RefusesMissingAndUnknownMembers) {
  EXPECT_FALSE(ParseJweFlattened("[]"));
  EXPECT_FALSE(ParseJweFlattened("{\"protected\":\"e30\"}"));
  EXPECT_FALSE(ParseJweFlattened(
      R"({"protected":"e30","encrypted_key":"","iv":"","ciphertext":"","tag":"","x":1})"));
  EXPECT_FALSE(ParseJweFlattened("{not json"));
}

// Interoperability: the `jose` tool (José, Debian package "jose") decrypts what we encrypt.
class JoseInterop : public ::testing::TestWithParam<std::string> {};

TEST_P(JoseInterop, JoseDecryptsOurJwe) {
  if (std::system("command -v jose >/dev/null 2>&1") != 0) {
    if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") {
      FAIL() << "CI=true and the jose tool is not installed";
    }
    GTEST_SKIP() << "jose not installed (scripts/setup installs it)";
  }
  const std::string dir =
      std::filesystem::temp_directory_path() / ("veritee-jose-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string priv = dir + "/priv.jwk", jwe_path = dir + "/jwe.json", out = dir + "/pt";
  ASSERT_EQ(std::system(("jose jwk gen -i '" + GetParam() + "' -o " + priv).c_str()), 0);
  std::ifstream in(priv);
  auto j = nlohmann::json::parse(in);
  Jwk pub;
  pub.kty = j["kty"];
  if (pub.kty == "EC") {
    pub.crv = j["crv"];
    pub.x = j["x"];
    pub.y = j["y"];
  } else {
    pub.n = j["n"];
    pub.e = j["e"];
  }
  auto jwe = JweEncrypt(pub, Span("interop secret"));
  ASSERT_TRUE(jwe) << jwe.error().ToString();
  std::ofstream(jwe_path) << jwe->ToJson();
  ASSERT_EQ(std::system(("jose jwe dec -i " + jwe_path + " -k " + priv + " -O " + out).c_str()), 0);
  std::ifstream pt(out);
  std::stringstream ss;
  ss << pt.rdbuf();
  EXPECT_EQ(ss.str(), "interop secret");
  std::filesystem::remove_all(dir);
}

// Debian's jose 11 offers no RSA-OAEP ("jose alg -k wrap"), so RSA is checked with openssl
// below instead.
INSTANTIATE_TEST_SUITE_P(Keys, JoseInterop,
                         ::testing::Values(R"({"kty":"EC","crv":"P-256"})",
                                           R"({"kty":"EC","crv":"P-384"})"),
                         [](const auto& param_info) {
                           return std::string(param_info.index == 0 ? "P256" : "P384");
                         });

// RSA-OAEP-256 with the parameters of RFC 7518 §4.3 (SHA-256, MGF1-SHA-256), as openssl
// pkeyutl unwraps it: the content key comes back, 32 bytes.
TEST(OpensslInterop, OpensslUnwrapsOurRsaOaep256Key) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("veritee-oaep-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ASSERT_EQ(std::system(("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                         dir + "/k.pem 2>/dev/null && openssl pkey -in " + dir +
                         "/k.pem -pubout -outform DER -out " + dir + "/p.der")
                            .c_str()),
            0);
  std::ifstream der_in(dir + "/p.der", std::ios::binary);
  Bytes der((std::istreambuf_iterator<char>(der_in)), std::istreambuf_iterator<char>());
  auto jwk = JwkFromSpki(der);
  ASSERT_TRUE(jwk) << jwk.error().ToString();
  auto jwe = JweEncrypt(*jwk, Span("x"));
  ASSERT_TRUE(jwe);
  auto ek = FromBase64UrlStrict(jwe->encrypted_key, "encrypted_key");
  ASSERT_TRUE(ek);
  std::ofstream(dir + "/ek", std::ios::binary)
      .write(reinterpret_cast<const char*>(ek->data()), static_cast<std::streamsize>(ek->size()));
  ASSERT_EQ(std::system(("openssl pkeyutl -decrypt -inkey " + dir + "/k.pem -in " + dir +
                         "/ek -out " + dir +
                         "/cek -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 "
                         "-pkeyopt rsa_mgf1_md:sha256")
                            .c_str()),
            0);
  EXPECT_EQ(std::filesystem::file_size(dir + "/cek"), 32u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace veritee
