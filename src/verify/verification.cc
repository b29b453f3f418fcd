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
  out["collateral"] = collateral;
  if (!notes_.empty()) out["notes"] = notes_;
  return out;
}

}  // namespace veritee
