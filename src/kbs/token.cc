#include "kbs/token.h"

#include "appraise/appraisal.h"
#include "appraise/ear.h"
#include "kbs/protocol.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

constexpr size_t kMaxTokenBytes = 64 * 1024;

class EarTokenIssuer final : public TokenIssuer {
 public:
  EarTokenIssuer(JwsKey key, appraise::Policy policy)
      : key_(std::move(key)), policy_(std::move(policy)), jwks_(key_.Jwks()) {}

  Result<IssuedToken> Issue(const Verification& v, const std::string& tee_pubkey, UnixTime now,
                            UnixTime expires_at) override {
    appraise::Appraisal a = appraise::Appraise(v, policy_, now);
    appraise::EarOptions options;
    options.issued_at = now;
    options.ttl_s = expires_at - now;
    Json claims = appraise::EarClaims(std::span<const appraise::Appraisal>(&a, 1), options);
    if (!tee_pubkey.empty()) {
      json pk = json::parse(tee_pubkey, nullptr, false);
      if (pk.is_discarded()) return MakeError(ErrorCode::kInternal, "tee_pubkey is not JSON");
      claims["tee-pubkey"] = Json::parse(pk.dump());
    }
    IssuedToken out;
    VT_ASSIGN_OR_RETURN(out.token, appraise::SignEar(claims, key_));
    out.acceptable = a.acceptable();
    out.status = std::string(appraise::TierName(a.status()));
    out.reasons = a.Reasons();
    out.claims = ReleaseClaims(v, out.status);
    return out;
  }

  Result<TokenClaims> Verify(std::string_view token, UnixTime now) override {
    if (token.size() > kMaxTokenBytes) return MakeError(ErrorCode::kMalformed, "token too large");
    VT_ASSIGN_OR_RETURN(appraise::VerifiedEar ear, appraise::VerifyEar(token, jwks_, now, 0));
    const Json& c = ear.claims;
    TokenClaims out;
    auto exp = c.find("exp");
    if (exp == c.end() || !exp->is_number_integer()) {
      return MakeError(ErrorCode::kMalformed, "token without exp");
    }
    out.expires_at = exp->get<int64_t>();
    auto pk = c.find("tee-pubkey");
    out.tee_pubkey = (pk != c.end() && pk->is_object()) ? CanonicalJson(json::parse(pk->dump())) : "{}";
    auto subs = c.find("submods");
    if (subs == c.end() || !subs->is_object() || subs->size() != 1) {
      return MakeError(ErrorCode::kMalformed, "a KBS token has one submod");
    }
    const Json& sub = subs->begin().value();
    auto status = sub.find("ear.status");
    auto tee = sub.find("ear.veritee.tee");
    if (status == sub.end() || !status->is_string() || tee == sub.end() || !tee->is_string()) {
      return MakeError(ErrorCode::kMalformed, "token submod lacks ear.status or ear.veritee.tee");
    }
    out.status = status->get<std::string>();
    out.tee = tee->get<std::string>();
    json claims = json::object();
    if (auto cl = sub.find("ear.veritee.claims"); cl != sub.end() && cl->is_object()) {
      claims = json::parse(cl->dump());
    }
    claims["tee"] = out.tee;
    auto sim = sub.find("ear.veritee.simulated");
    claims["simulated"] = sim != sub.end() && sim->is_boolean() && sim->get<bool>();
    claims["ear_status"] = out.status;
    out.claims = std::move(claims);
    return out;
  }

  json Jwks() const override { return json::parse(jwks_.dump()); }

 private:
  JwsKey key_;
  appraise::Policy policy_;
  JoseJson jwks_;
};

}  // namespace

json ReleaseClaims(const Verification& v, const std::string& ear_status) {
  json claims = json::parse(v.claims.dump());
  claims["tee"] = v.tee();
  claims["simulated"] = v.simulated;
  claims["ear_status"] = ear_status;
  return claims;
}

std::unique_ptr<TokenIssuer> NewEarTokenIssuer(JwsKey key, appraise::Policy policy) {
  return std::make_unique<EarTokenIssuer>(std::move(key), std::move(policy));
}

}  // namespace veritee::kbs
