#include "appraise/ear.h"

#include <map>

#include "base/encoding.h"

namespace veritee::appraise {
namespace {

Tier ParseTier(const Json& v, bool* ok) {
  *ok = true;
  if (v == "affirming") return Tier::kAffirming;
  if (v == "warning") return Tier::kWarning;
  if (v == "contraindicated") return Tier::kContraindicated;
  if (v == "none") return Tier::kNone;
  *ok = false;
  return Tier::kNone;
}

tl::unexpected<Error> Malformed(const std::string& what) {
  return MakeError(ErrorCode::kMalformed, "EAR: " + what);
}

Status CheckSubmod(const std::string& name, const Json& s) {
  if (!s.is_object()) return Malformed("submod " + name + " is not an object");
  auto status = s.find("ear.status");
  if (status == s.end()) return Malformed("submod " + name + " has no ear.status");
  bool ok = false;
  Tier tier = ParseTier(*status, &ok);
  if (!ok) return Malformed("submod " + name + " has an unknown ear.status " + status->dump());
  auto tv = s.find("ear.trustworthiness-vector");
  if (tv == s.end()) return Ok();  // optional in EAR
  if (!tv->is_object()) return Malformed("submod " + name + " trust vector is not an object");
  Tier worst = Tier::kNone;
  for (auto it = tv->begin(); it != tv->end(); ++it) {
    bool known = false;
    for (size_t i = 0; i < kComponentCount; ++i) known |= it.key() == ComponentName(i);
    if (!known) return Malformed("submod " + name + " trust vector has '" + it.key() + "'");
    if (!it->is_number_integer() || it->get<int64_t>() < -128 || it->get<int64_t>() > 127) {
      return Malformed("submod " + name + " " + it.key() + " is not an integer in -128..127");
    }
    Tier t = TierOf(static_cast<int>(it->get<int64_t>()));
    if (static_cast<int>(t) > static_cast<int>(worst)) worst = t;
  }
  // AR4SI: the status is no better than the worst claim.
  if (static_cast<int>(tier) < static_cast<int>(worst)) {
    return Malformed("submod " + name + " says " + std::string(TierName(tier)) +
                     " but its trust vector is " + std::string(TierName(worst)));
  }
  return Ok();
}

}  // namespace

namespace {

template <typename Range, typename ClaimsOf>
Json BuildEar(Range& appraisals, const EarOptions& options, ClaimsOf claims_of) {
  Json out = Json::object();
  out["eat_profile"] = kEarProfile;
  out["iat"] = options.issued_at;
  out["exp"] = options.issued_at + options.ttl_s;
  out["ear.verifier-id"] = Json{{"developer", options.developer}, {"build", options.build}};
  Json submods = Json::object();
  std::map<std::string, int> counts;
  Bytes nonce;
  for (auto& a : appraisals) {
    if (nonce.empty()) nonce = EvidenceNonce(a.claims);  // before the claims may move
    const std::string kind = SubmodKind(a.tee);
    const std::string name = kind + std::to_string(counts[kind]++);
    Json s = Json::object();
    s["ear.status"] = TierName(a.status());
    s["ear.trustworthiness-vector"] = a.vector.ToJson();
    s["ear.appraisal-policy-id"] = a.policy_id;
    s["ear.veritee.tee"] = a.tee;
    s["ear.veritee.simulated"] = a.simulated;
    if (!a.reference_label.empty()) s["ear.veritee.reference-set"] = a.reference_label;
    s["ear.veritee.reasons"] = a.Reasons();
    if (options.include_claims) s["ear.veritee.claims"] = claims_of(a);
    submods[name] = std::move(s);
  }
  if (!nonce.empty()) out["eat_nonce"] = ToBase64Url(nonce);
  out["submods"] = std::move(submods);
  return out;
}

}  // namespace

Json EarClaims(std::span<const Appraisal> appraisals, const EarOptions& options) {
  return BuildEar(appraisals, options, [](const Appraisal& a) -> const Json& { return a.claims; });
}

Json EarClaims(std::vector<Appraisal>&& appraisals, const EarOptions& options) {
  return BuildEar(appraisals, options, [](Appraisal& a) { return std::move(a.claims); });
}

Result<std::string> SignEar(const Json& claims, const JwsKey& key) {
  return key.SignCompact(claims.dump());
}

Result<VerifiedEar> VerifyEar(std::string_view token, const JoseJson& jwks, UnixTime now,
                              int64_t leeway_s) {
  VT_ASSIGN_OR_RETURN(JwsVerified jws, VerifyCompact(token, jwks));
  Json claims;
  try {
    claims = Json::parse(jws.payload);
  } catch (const std::exception&) {
    return Malformed("the payload is not JSON");
  }
  if (!claims.is_object()) return Malformed("the claims set is not an object");
  auto profile = claims.find("eat_profile");
  if (profile == claims.end() || *profile != kEarProfile) {
    return MakeError(ErrorCode::kMismatch,
                     "EAR: eat_profile is " +
                         (profile == claims.end() ? std::string("absent") : profile->dump()) +
                         ", expected \"" + std::string(kEarProfile) + "\"");
  }
  // RFC 7519 NumericDate; EAR forbids floating point for iat.
  auto int_claim = [&](const char* name) -> Result<int64_t> {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_number_integer()) {
      return Malformed(std::string(name) + " is missing or not an integer");
    }
    return it->get<int64_t>();
  };
  VT_ASSIGN_OR_RETURN(int64_t iat, int_claim("iat"));
  VT_ASSIGN_OR_RETURN(int64_t exp, int_claim("exp"));
  if (iat > now + leeway_s) {
    return MakeError(ErrorCode::kExpired, "EAR: issued in the future (iat " + FormatTime(iat) +
                                              ", now " + FormatTime(now) + ")");
  }
  if (now >= exp + leeway_s) {
    return MakeError(ErrorCode::kExpired,
                     "EAR: expired at " + FormatTime(exp) + " (now " + FormatTime(now) + ")");
  }
  auto vid = claims.find("ear.verifier-id");
  if (vid == claims.end() || !vid->is_object()) return Malformed("no ear.verifier-id");
  auto submods = claims.find("submods");
  if (submods == claims.end() || !submods->is_object() || submods->empty()) {
    return Malformed("no submods");
  }
  for (auto it = submods->begin(); it != submods->end(); ++it) {
    VT_RETURN_IF_ERROR(CheckSubmod(it.key(), it.value()));
  }
  return VerifiedEar{std::move(claims), std::move(jws.header), std::move(jws.kid)};
}

}  // namespace veritee::appraise
