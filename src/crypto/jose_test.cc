// JWS ES256/ES384: sign and verify round trips, RFC 7515 appendix A.3's published ES256
// example verified with its published key, key persistence and JWK thumbprints, and
// every way a token or key set can be wrong failing with its specific error.
#include "crypto/jose.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

TEST(JoseTest, Base64UrlIsStrict) {
  EXPECT_EQ(Base64UrlEncode(Bytes{0xfb, 0xff}), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), (Bytes{0xfb, 0xff}));
  EXPECT_EQ(Base64UrlDecode(""), Bytes{});
  for (const char* bad : {"-_8=", "+/8", "-_ 8", "a", "-_9"}) {  // "-_9": stray low bits
    auto r = Base64UrlDecode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  }
}

TEST(JoseTest, SignVerifyRoundTripBothAlgorithms) {
  for (JwsAlg alg : {JwsAlg::kEs256, JwsAlg::kEs384}) {
    SCOPED_TRACE(std::string(JwsAlgName(alg)));
    auto key = JwsKey::Generate(alg);
    ASSERT_TRUE(key.has_value()) << key.error().ToString();
    EXPECT_EQ(key->alg(), alg);
    const JoseJson& jwk = key->PublicJwk();
    EXPECT_EQ(jwk["kty"], "EC");
    EXPECT_EQ(jwk["crv"], alg == JwsAlg::kEs256 ? "P-256" : "P-384");
    EXPECT_EQ(jwk["alg"], JwsAlgName(alg));
    EXPECT_FALSE(jwk.contains("d"));  // never the private part
    EXPECT_EQ(key->kid().size(), 43u);  // base64url of a SHA-256

    auto token = key->SignCompact(R"({"hello":"world"})");
    ASSERT_TRUE(token.has_value()) << token.error().ToString();
    auto v = VerifyCompact(*token, key->Jwks());
    ASSERT_TRUE(v.has_value()) << v.error().ToString();
    EXPECT_EQ(v->payload, R"({"hello":"world"})");
    EXPECT_EQ(v->kid, key->kid());
    EXPECT_EQ(v->header["typ"], "JWT");
    EXPECT_EQ(v->alg, alg);
    EXPECT_TRUE(VerifyCompact(*token, key->PublicJwk()).has_value());  // a bare JWK too

    // The key survives PEM and keeps its kid.
    auto pem = key->PrivatePem();
    ASSERT_TRUE(pem.has_value());
    auto again = JwsKey::FromPrivatePem(*pem);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->kid(), key->kid());
    EXPECT_EQ(again->PublicJwk(), key->PublicJwk());
  }
}

// RFC 7515 appendix A.3: the ES256 example JWS and its key.
TEST(JoseTest, Rfc7515AppendixA3) {
  const JoseJson jwk = {{"kty", "EC"},
                        {"crv", "P-256"},
                        {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                        {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
  const std::string token =
      "eyJhbGciOiJFUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  auto v = VerifyCompact(token, jwk);
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_NE(v->payload.find("\"iss\":\"joe\""), std::string::npos);
}

std::string Replace(std::string s, size_t part, const std::string& with) {
  size_t a = s.find('.'), b = s.find('.', a + 1);
  if (part == 0) return with + s.substr(a);
  if (part == 1) return s.substr(0, a + 1) + with + s.substr(b);
  return s.substr(0, b + 1) + with;
}

void ExpectRejected(const std::string& token, const JoseJson& jwks, ErrorCode code,
                    const std::string& phrase) {
  auto v = VerifyCompact(token, jwks);
  ASSERT_FALSE(v.has_value()) << token;
  EXPECT_EQ(v.error().code, code) << v.error().ToString();
  EXPECT_NE(v.error().message.find(phrase), std::string::npos)
      << v.error().message << "\nexpected phrase: " << phrase;
}

TEST(JoseTest, AlteredAndForeignTokensFail) {
  auto key = JwsKey::Generate(JwsAlg::kEs256);
  auto other = JwsKey::Generate(JwsAlg::kEs256);
  auto p384 = JwsKey::Generate(JwsAlg::kEs384);
  ASSERT_TRUE(key && other && p384);
  const std::string token = *key->SignCompact(R"({"ear.status":"affirming"})");
  const JoseJson jwks = key->Jwks();

  // Altered payload, altered signature.
  ExpectRejected(Replace(token, 1, Base64UrlEncode(ByteSpan(
                                       reinterpret_cast<const uint8_t*>("{\"ear.status\":\"x\"}"),
                                       18))),
                 jwks, ErrorCode::kBadSignature, "does not verify");
  std::string sig = token.substr(token.rfind('.') + 1);
  sig[5] = sig[5] == 'A' ? 'B' : 'A';
  ExpectRejected(Replace(token, 2, sig), jwks, ErrorCode::kBadSignature, "does not verify");
  // Another key set; a key set whose key has another kid.
  JoseJson renamed = other->Jwks();
  ExpectRejected(token, renamed, ErrorCode::kBadSignature, "no key with kid");
  renamed["keys"][0]["kid"] = key->kid();
  ExpectRejected(token, renamed, ErrorCode::kBadSignature, "does not verify");
  // alg none, HS256, alg that does not fit the key, crit.
  auto header = [](const std::string& json) {
    return Base64UrlEncode(ByteSpan(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
  };
  ExpectRejected(Replace(token, 0, header(R"({"alg":"none"})")), jwks, ErrorCode::kUnsupported,
                 "'none'");
  ExpectRejected(Replace(token, 0, header(R"({"alg":"HS256"})")), jwks, ErrorCode::kUnsupported,
                 "'HS256'");
  ExpectRejected(Replace(token, 0, header(R"({"alg":"ES384","kid":")" + key->kid() + "\"}")),
                 jwks, ErrorCode::kBadSignature, "must be 96 bytes");
  ExpectRejected(Replace(token, 0, header(R"({"alg":"ES256","crit":["exp"]})")), jwks,
                 ErrorCode::kUnsupported, "crit");
  ExpectRejected(Replace(token, 0, header(R"({"typ":"JWT"})")), jwks, ErrorCode::kMalformed,
                 "no \"alg\"");
  ExpectRejected(Replace(token, 0, header("[1]")), jwks, ErrorCode::kMalformed, "not an object");
  ExpectRejected(Replace(token, 0, header("{")), jwks, ErrorCode::kMalformed, "not JSON");
  // An ES384 token against a P-256 set.
  const std::string t384 = *p384->SignCompact("{}");
  JoseJson mixed = jwks;
  mixed["keys"][0]["kid"] = p384->kid();
  ExpectRejected(t384, mixed, ErrorCode::kBadSignature, "no key with kid");
  // Shapes.
  ExpectRejected("a.b", jwks, ErrorCode::kMalformed, "not a compact JWS");
  ExpectRejected(token + ".x", jwks, ErrorCode::kMalformed, "not a compact JWS");
  ExpectRejected(Replace(token, 1, "e30="), jwks, ErrorCode::kMalformed, "JWS payload");
  ExpectRejected(std::string(2 << 20, 'a'), jwks, ErrorCode::kMalformed, "larger than 1 MiB");
  ExpectRejected(token, JoseJson::array(), ErrorCode::kInvalidArgument, "not a JWK Set");
}

TEST(JoseTest, HostileJwks) {
  auto key = JwsKey::Generate(JwsAlg::kEs256);
  ASSERT_TRUE(key.has_value());
  const std::string token = *key->SignCompact("{}");
  JoseJson jwk = key->PublicJwk();
  JoseJson off_curve = jwk;
  std::string y = off_curve["y"];
  y[3] = y[3] == 'A' ? 'B' : 'A';
  off_curve["y"] = y;
  ExpectRejected(token, JoseJson{{"keys", {off_curve}}}, ErrorCode::kBadSignature, "no key");
  JoseJson wrong_use = jwk;
  wrong_use["use"] = "enc";
  ExpectRejected(token, JoseJson{{"keys", {wrong_use}}}, ErrorCode::kBadSignature, "no key");
  JoseJson wrong_alg = jwk;
  wrong_alg["alg"] = "ES384";
  ExpectRejected(token, JoseJson{{"keys", {wrong_alg}}}, ErrorCode::kBadSignature, "no key");
  JoseJson short_x = jwk;
  short_x["x"] = "AAAA";
  // Junk and broken keys beside a good one: the good one still verifies.
  auto v = VerifyCompact(token, JoseJson{{"keys", {1, "x", short_x, off_curve, jwk}}});
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
}

TEST(JoseTest, RejectsNonJoseCurves) {
  EXPECT_FALSE(ParseJwsAlg("RS256").has_value());
  auto unverified = DecodeCompactUnverified("e30.e30.AA");
  ASSERT_TRUE(unverified.has_value());
  EXPECT_EQ(unverified->second, "{}");
}

}  // namespace
}  // namespace veritee
