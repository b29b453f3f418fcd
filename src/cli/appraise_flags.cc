#include "cli/appraise_flags.h"

#include <algorithm>
#include <iostream>

#include "cli/signing_key.h"

namespace veritee::cli {

void AddAppraiseFlags(CLI::App& cmd, AppraiseFlags& f) {
  auto* group = "Appraisal and attestation results";
  cmd.add_flag("--token", f.token,
               "appraise and print the signed EAR (JWT); alone on stdout, the report on stderr")
      ->group(group);
  cmd.add_option("--signing-key", f.signing_key,
                 "EAR signing key (EC PEM; made with mode 0600 on first use). Default: "
                 "$VERITEE_SIGNING_KEY or ~/.config/veritee/ear-signing-key.pem")
      ->group(group);
  cmd.add_option("--alg", f.alg, "algorithm of a new signing key: ES256 (default) or ES384")
      ->group(group);
  cmd.add_option("--token-ttl", f.token_ttl, "seconds until the EAR expires (default 3600)")
      ->group(group);
  cmd.add_flag("!--no-token-claims", f.token_claims,
               "leave the normalised claims out of the EAR")
      ->group(group);
}

Result<AppraiseContext> PrepareAppraisal(const VerifyFlags& vf, const AppraiseFlags& af) {
  AppraiseContext ctx;
  ctx.enabled = !vf.policy.empty() || af.token;
  if (!ctx.enabled) return ctx;
  if (!vf.policy.empty()) {
    auto policy = appraise::LoadPolicyFile(vf.policy);
    if (!policy) return tl::unexpected(WithOption(policy.error(), "--policy"));
    ctx.policy = std::move(*policy);
  } else {
    auto defaults = appraise::LoadPolicyText("{}");
    if (!defaults) return tl::unexpected(defaults.error());
    ctx.policy = std::move(*defaults);
    ctx.policy.id = "veritee:default";
  }
  if (af.token) {
    if (af.token_ttl <= 0 || af.token_ttl > 366LL * 86400) {
      return MakeError(ErrorCode::kInvalidArgument, "--token-ttl must be 1 s to 366 days");
    }
    auto alg = ParseJwsAlg(af.alg);
    if (!alg) return tl::unexpected(WithOption(alg.error(), "--alg"));
    const std::string path = af.signing_key.empty() ? DefaultSigningKeyPath() : af.signing_key;
    bool created = false;
    auto key = LoadOrCreateSigningKey(path, *alg, &created);
    if (!key) return tl::unexpected(WithOption(key.error(), "--signing-key"));
    if (created) {
      std::cerr << "veritee: generated a new " << JwsAlgName(key->alg())
                << " EAR signing key at " << path << " (kid " << key->kid()
                << "); publish it with: veritee keys export --key " << path << "\n";
    }
    ctx.key = std::move(*key);
    ctx.ear.ttl_s = af.token_ttl;
    ctx.ear.include_claims = af.token_claims;
  }
  return ctx;
}

void PrintAppraisal(std::ostream& out, const appraise::Appraisal& a) {
  using appraise::Tier;
  out << "appraisal (policy " << a.policy_id << ")\n";
  size_t width = 0;
  for (const auto& r : a.rules) width = std::max(width, r.rule.size());
  for (const auto& r : a.rules) {
    const char* mark = r.tier() == Tier::kAffirming  ? "✓"
                       : r.tier() == Tier::kWarning  ? "⚠"
                       : r.tier() == Tier::kNone     ? "–"
                                                     : "✗";
    out << "  " << mark << " " << r.rule << std::string(width - r.rule.size(), ' ') << "  "
        << appraise::ComponentName(r.component) << " " << r.value << ": " << r.reason << "\n";
  }
  out << "trust vector:";
  for (size_t i = 0; i < appraise::kComponentCount; ++i) {
    out << (i ? ", " : " ") << appraise::ComponentName(i) << " " << a.vector.values()[i];
  }
  out << "\n";
  std::string status(appraise::TierName(a.status()));
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  out << "appraisal: " << status;
  if (a.status() == Tier::kWarning) out << " (accepted with warnings)";
  if (!a.acceptable()) out << " (rejected)";
  out << "\n";
}

Json VerdictJson(const Verification& v, const appraise::Appraisal& a) {
  Json out = v.ToJson();
  out["appraisal"] = a.ToJson();
  if (v.accepted() && !a.acceptable()) {
    out["verdict"] = "rejected";
    std::string reason = "appraisal is " + std::string(appraise::TierName(a.status()));
    for (const auto& r : a.rules) {
      if (r.tier() == appraise::Tier::kContraindicated) {
        reason += ": " + r.rule + ": " + r.reason;
        break;
      }
    }
    // Keep the key order of the contract: reason right after verdict.
    Json ordered = Json::object();
    for (auto it = out.begin(); it != out.end(); ++it) {
      ordered[it.key()] = it.value();
      if (it.key() == "verdict") ordered["reason"] = reason;
    }
    out = std::move(ordered);
  }
  return out;
}

}  // namespace veritee::cli
