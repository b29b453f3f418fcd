#include "kbs/protocol.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/digest.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

Jwk TestKey() {
  auto k = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  return k->public_jwk();
}

std::string Body(const Jwk& key, const json& evidence) {
  return json{{"runtime-data", {{"nonce", "n0nce"}, {"tee-pubkey", json::parse(JwkToJson(key))}}},
              {"tee-evidence", evidence}}
      .dump();
}

TEST(AuthRequestTest, ParsesTheProtocolRequest) {
  auto r = ParseAuthRequest(R"({"version":"0.1.1","tee":"snp","extra-params":""})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->tee, "snp");
  EXPECT_EQ(TeeFromKbs("snp"), "sev-snp");
  EXPECT_EQ(TeeFromKbs("intel-tdx"), "tdx");
  EXPECT_EQ(TeeFromKbs("cca"), "");
  EXPECT_TRUE(SupportedProtocolVersion("0.1.0"));
  EXPECT_TRUE(SupportedProtocolVersion("0.4.12"));
  EXPECT_FALSE(SupportedProtocolVersion("1.0.0"));
  EXPECT_FALSE(SupportedProtocolVersion("0.1"));
  EXPECT_FALSE(SupportedProtocolVersion("0.1.x"));
  EXPECT_FALSE(SupportedProtocolVersion("0.99999999999.0"));
}

TEST(AuthRequestTest, RefusesWrongTypes) {
  EXPECT_EQ(ParseAuthRequest("[]").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseAuthRequest(R"({"version":"0.1.0"})").error().field, "tee");
  EXPECT_EQ(ParseAuthRequest(R"({"version":"0.1.0","tee":5})").error().field, "tee");
  EXPECT_EQ(ParseAuthRequest(R"({"version":"0.1.0","tee":"snp","extra-params":3})").error().field,
            "extra-params");
  EXPECT_FALSE(ParseAuthRequest("\xff\xfe"));
}

TEST(UntrustedJsonTest, DepthIsBounded) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = ParseUntrustedJson(deep, 32);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos);
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseUntrustedJson("{\"a\":\"" + std::string(100, '[') + "\"}", 2));
}

TEST(AttestationRequestTest, ParsesEvidenceShapes) {
  const Jwk key = TestKey();
  json ev = {{"evidence", ToBase64(Bytes{1, 2, 3})}, {"certificates", {"-----BEGIN CERTIFICATE-----x"}}};
  auto a = ParseAttestationRequest(Body(key, ev));
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->nonce, "n0nce");
  EXPECT_EQ(a->evidence.evidence, (Bytes{1, 2, 3}));
  ASSERT_EQ(a->evidence.certificates.size(), 1u);
  auto composite = ParseAttestationRequest(Body(key, {{"primary_evidence", ev}, {"additional_evidence", "{}"}}));
  ASSERT_TRUE(composite) << composite.error().ToString();
  EXPECT_EQ(composite->evidence.evidence, (Bytes{1, 2, 3}));
  auto bare = ParseAttestationRequest(Body(key, ToBase64(Bytes{9})));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->evidence.evidence, (Bytes{9}));
}

TEST(AttestationRequestTest, RefusesHostileShapes) {
  const Jwk key = TestKey();
  EXPECT_EQ(ParseAttestationRequest(Body(key, 5)).error().field, "tee-evidence");
  EXPECT_EQ(ParseAttestationRequest(Body(key, {{"evidence", "!!"}})).error().field,
            "tee-evidence.evidence");
  EXPECT_EQ(ParseAttestationRequest(Body(key, {{"evidence", "AQ"}, {"extra", 1}})).error().field,
            "tee-evidence.extra");
  json many = json::array();
  for (int i = 0; i < 17; ++i) many.push_back("AQID");
  EXPECT_EQ(ParseAttestationRequest(Body(key, {{"evidence", "AQ"}, {"certificates", many}}))
                .error()
                .field,
            "tee-evidence.certificates");
  Jwk bad = key;
  bad.x = "AAAA";
  auto r = ParseAttestationRequest(Body(bad, {{"evidence", "AQ"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field.rfind("runtime-data.tee-pubkey", 0), 0u) << r.error().field;
  EXPECT_EQ(ParseAttestationRequest(R"({"tee-evidence":"AQ"})").error().field, "runtime-data");
  EXPECT_EQ(ParseAttestationRequest(R"({"runtime-data":{"nonce":1}})").error().field,
            "runtime-data.nonce");
}

TEST(RuntimeDataTest, CanonicalFormAndBinding) {
  Jwk key;
  key.kty = "EC";
  key.crv = "P-256";
  key.x = "X";
  key.y = "Y";
  key.alg = "ECDH-ES+A256KW";
  // Keys sorted, no whitespace: what trustee's serialize_canon_json produces.
  EXPECT_EQ(CanonicalRuntimeData("abc", key),
            R"({"nonce":"abc","tee-pubkey":{"alg":"ECDH-ES+A256KW","crv":"P-256","kty":"EC","x":"X","y":"Y"}})");
  const std::string canon = CanonicalRuntimeData("abc", key);
  Bytes rd = ReportDataFor(canon);
  ASSERT_EQ(rd.size(), 64u);
  EXPECT_EQ(ReportDataBinding(rd, canon), "sha384");
  auto sha512 = Sha512(ByteSpan(reinterpret_cast<const uint8_t*>(canon.data()), canon.size()));
  EXPECT_EQ(ReportDataBinding(Bytes(sha512.begin(), sha512.end()), canon), "sha512");
  rd[63] = 1;  // SHA-384 must be followed by zeros
  EXPECT_EQ(ReportDataBinding(rd, canon), "");
  EXPECT_EQ(ReportDataBinding(ReportDataFor(canon + " "), canon), "");
}

}  // namespace
}  // namespace veritee::kbs
