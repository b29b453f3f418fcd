#include "verify/verification.h"

namespace veritee {

bool Verification::Add(std::string name, bool ok, std::string detail) {
  checks_.push_back(Check{std::move(name), ok, std::move(detail)});
  return ok;
}

bool Verification::accepted() const {
  if (!complete_ || checks_.empty()) return false;
  for (const Check& c : checks_) {
    if (!c.ok) return false;
  }
  return true;
}

std::string Verification::reason() const {
  for (const Check& c : checks_) {
    if (!c.ok) return c.name + ": " + c.detail;
  }
  if (!complete_ || checks_.empty()) return "verification did not complete";
  return {};
}

Json Verification::CollateralJson() const {
  if (shared_collateral.empty()) return collateral;
  Json out = Json::object();
  for (const auto& [key, part] : shared_collateral) {
    if (!part) continue;
    if (!key.empty()) {
      out[key] = *part;
    } else if (part->is_object()) {
      for (const auto& [k, value] : part->items()) out[k] = value;
    }
  }
  for (const auto& [k, value] : collateral.items()) out[k] = value;
  return out;
}

Json Verification::ToJson() const {
  Json out = Json::object();
  out["tee"] = tee_;
  out["verdict"] = accepted() ? "accepted" : "rejected";
  if (!accepted()) out["reason"] = reason();
  out["simulated"] = simulated;
  Json checks = Json::array();
  for (const Check& c : checks_) {
    checks.push_back(Json{{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  }
  out["checks"] = std::move(checks);
  out["claims"] = claims;
  out["trust_anchor"] = trust_anchor;
  out["collateral"] = CollateralJson();
  if (!notes_.empty()) out["notes"] = notes_;
  return out;
}

}  // namespace veritee
