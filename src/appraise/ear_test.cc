// EAR claims and tokens: the claims set of draft-ietf-rats-ear for one and for composite
// evidence, signing and verifying with ES256 and ES384, and every way a token can be wrong
// (altered payload or signature, another key, expired, future, wrong profile, float iat,
// bad submods) failing with its specific error.
#include "appraise/ear.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace veritee::appraise {
namespace {

constexpr UnixTime kNow = 1767225600;  // 2026-01-01T00:00:00Z

Appraisal Sample(const std::string& tee, int hardware) {
  Appraisal a;
  a.tee = tee;
  a.policy_id = "https://example.com/policy/7";
  a.verified = true;
  a.vector.Merge(Component::kInstanceIdentity, 2);
  a.vector.Merge(Component::kHardware, hardware);
  a.rules.push_back({"verification", Component::kInstanceIdentity, 2, "ok"});
  a.rules.push_back({"recommended_tcb.current_tcb", Component::kHardware, hardware,
                     "current_tcb is allowed but out of date"});
  a.claims = Json{{"report_data", "0a0b" + std::string(124, '0')}, {"measurement", "ab"}};
  a.reference_label = "img";
  return a;
}

TEST(EarTest, ClaimsSetForOneDevice) {
  std::vector<Appraisal> one = {Sample("sev-snp", 32)};
  EarOptions o;
  o.issued_at = kNow;
  o.ttl_s = 600;
  Json c = EarClaims(one, o);
  EXPECT_EQ(c["eat_profile"], "tag:github.com,2023:veraison/ear");
  EXPECT_EQ(c["iat"], kNow);
  EXPECT_EQ(c["exp"], kNow + 600);
  EXPECT_EQ(c["ear.verifier-id"]["build"], "veritee 0.1.0");
  EXPECT_EQ(c["eat_nonce"], ToBase64Url(Bytes{0x0a, 0x0b, 0, 0, 0, 0, 0, 0}));
  ASSERT_TRUE(c["submods"].contains("cpu0"));
  const Json& s = c["submods"]["cpu0"];
  EXPECT_EQ(s["ear.status"], "warning");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["hardware"], 32);
  EXPECT_EQ(s["ear.trustworthiness-vector"]["instance-identity"], 2);
  EXPECT_EQ(s["ear.appraisal-policy-id"], "https://example.com/policy/7");
  EXPECT_EQ(s["ear.veritee.tee"], "sev-snp");
  EXPECT_EQ(s["ear.veritee.simulated"], false);
  EXPECT_EQ(s["ear.veritee.reference-set"], "img");
  ASSERT_EQ(s["ear.veritee.reasons"].size(), 1u);
  EXPECT_EQ(s["ear.veritee.reasons"][0],
            "recommended_tcb.current_tcb: current_tcb is allowed but out of date");
  EXPECT_EQ(s["ear.veritee.claims"]["measurement"], "ab");
  o.include_claims = false;
  EXPECT_FALSE(EarClaims(one, o)["submods"]["cpu0"].contains("ear.veritee.claims"));
}

TEST(EarTest, CompositeEvidenceHasOneSubmodPerDevice) {
  std::vector<Appraisal> many = {Sample("tdx", 2), Sample("nvidia-gpu", 2),
                                 Sample("nvidia-gpu", 96), Sample("tpm", 2)};
  Json c = EarClaims(many, EarOptions{});
  EXPECT_EQ(c["submods"].size(), 4u);
  EXPECT_EQ(c["submods"]["cpu0"]["ear.veritee.tee"], "tdx");
  EXPECT_EQ(c["submods"]["gpu0"]["ear.status"], "affirming");
  EXPECT_EQ(c["submods"]["gpu1"]["ear.status"], "contraindicated");
  EXPECT_EQ(c["submods"]["tpm0"]["ear.veritee.tee"], "tpm");
}

TEST(EarTest, SignAndVerifyBothAlgorithms) {
  for (JwsAlg alg : {JwsAlg::kEs256, JwsAlg::kEs384}) {
    auto key = JwsKey::Generate(alg);
    ASSERT_TRUE(key.has_value());
    std::vector<Appraisal> one = {Sample("sev-snp", 2)};
    EarOptions o;
    o.issued_at = kNow;
    auto token = SignEar(EarClaims(one, o), *key);
    ASSERT_TRUE(token.has_value()) << token.error().ToString();
    auto v = VerifyEar(*token, key->Jwks(), kNow + 10);
    ASSERT_TRUE(v.has_value()) << v.error().ToString();
    EXPECT_EQ(v->claims["submods"]["cpu0"]["ear.status"], "affirming");
    EXPECT_EQ(v->kid, key->kid());
    EXPECT_EQ(v->header["alg"], JwsAlgName(alg));
  }
}

void ExpectRejected(const Result<VerifiedEar>& v, ErrorCode code, const std::string& phrase) {
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, code) << v.error().ToString();
  EXPECT_NE(v.error().message.find(phrase), std::string::npos)
      << v.error().message << "\nexpected phrase: " << phrase;
}

TEST(EarTest, BadTokensFail) {
  auto key = JwsKey::Generate(JwsAlg::kEs256);
  auto other = JwsKey::Generate(JwsAlg::kEs256);
  ASSERT_TRUE(key && other);
  std::vector<Appraisal> one = {Sample("sev-snp", 2)};
  EarOptions o;
  o.issued_at = kNow;
  o.ttl_s = 300;
  const Json claims = EarClaims(one, o);
  const std::string token = *SignEar(claims, *key);

  // Expiry and issue time, with the leeway.
  EXPECT_TRUE(VerifyEar(token, key->Jwks(), kNow + 300 + 59).has_value());
  ExpectRejected(VerifyEar(token, key->Jwks(), kNow + 300 + 60), ErrorCode::kExpired,
                 "expired at 2026-01-01T00:05:00Z");
  ExpectRejected(VerifyEar(token, key->Jwks(), kNow - 61), ErrorCode::kExpired,
                 "issued in the future");
  // Another key; an altered payload (a different status, same signature).
  ExpectRejected(VerifyEar(token, other->Jwks(), kNow), ErrorCode::kBadSignature, "no key");
  Json altered = claims;
  altered["submods"]["cpu0"]["ear.status"] = "warning";
  std::string payload = altered.dump();
  size_t a = token.find('.'), b = token.rfind('.');
  std::string forged = token.substr(0, a + 1) +
                       Base64UrlEncode(ByteSpan(reinterpret_cast<const uint8_t*>(payload.data()),
                                                payload.size())) +
                       token.substr(b);
  ExpectRejected(VerifyEar(forged, key->Jwks(), kNow), ErrorCode::kBadSignature,
                 "does not verify");

  auto resign = [&](Json c) { return *SignEar(c, *key); };
  Json wrong = claims;
  wrong["eat_profile"] = "tag:example.com,2023:other";
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMismatch,
                 "eat_profile is \"tag:example.com,2023:other\"");
  wrong = claims;
  wrong["iat"] = 1767225600.5;
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "iat is missing or not an integer");
  wrong = claims;
  wrong.erase("exp");
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed, "exp");
  wrong = claims;
  wrong.erase("ear.verifier-id");
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "ear.verifier-id");
  wrong = claims;
  wrong["submods"] = Json::object();
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "no submods");
  wrong = claims;
  wrong["submods"]["cpu0"]["ear.status"] = "great";
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "unknown ear.status");
  wrong = claims;
  wrong["submods"]["cpu0"]["ear.trustworthiness-vector"]["hardware"] = 200;
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "-128..127");
  wrong = claims;
  wrong["submods"]["cpu0"]["ear.trustworthiness-vector"]["firmware"] = 2;
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "has 'firmware'");
  wrong = claims;
  wrong["submods"]["cpu0"]["ear.trustworthiness-vector"]["hardware"] = 96;
  ExpectRejected(VerifyEar(resign(wrong), key->Jwks(), kNow), ErrorCode::kMalformed,
                 "says affirming but its trust vector is contraindicated");
  auto not_json = key->SignCompact("not json");
  ExpectRejected(VerifyEar(*not_json, key->Jwks(), kNow), ErrorCode::kMalformed, "not JSON");
}

}  // namespace
}  // namespace veritee::appraise
