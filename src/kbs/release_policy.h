// Per-resource release policies: which attested guests may receive a resource, as rules
// over the claims of their attestation.
//
//   {"version": 1, "description": "…",
//    "rules": [
//      {"claim": "tee", "in": ["sev-snp", "tdx"]},
//      {"claim": "measurement", "in": ["<96 hex digits>", …]},
//      {"claim": "mr_td", "in_reference": "prod-td-images"},   a stored reference-value doc
//      {"claim": "tcb_status", "equals": "UpToDate"},
//      {"claim": "current_tcb.snp", "min": 22},
//      {"claim": "simulated", "equals": false}]}
//
// The document a rule reads is the verification's normalised claims (DESIGN.md claim
// names, dotted paths into objects) plus "tee" and "simulated". Every rule must hold;
// rules are evaluated in order and the first that fails is reported, in words, to the
// admin log (never to the client). A claim that is absent fails its rule. Strings compare
// case-insensitively (hex may be written in either case). An empty rule list releases to
// every attested guest; a resource without a policy is released to no one.
//
// Reference-value documents (admin API, kind "reference") are {"values": ["…", …]}.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace veritee::kbs {

struct ReleaseRule {
  enum class Op { kIn, kInReference, kEquals, kMin, kMax };
  std::string claim;
  Op op = Op::kEquals;
  std::vector<nlohmann::json> values;  // kIn
  std::string reference;               // kInReference
  nlohmann::json value;                // kEquals, kMin, kMax
  std::string Describe() const;
};

struct ReleasePolicy {
  std::string description;
  std::vector<ReleaseRule> rules;
};

// kMalformed with the offending key path for anything unexpected.
Result<ReleasePolicy> ParseReleasePolicy(std::string_view text);
Result<std::vector<std::string>> ParseReferenceValues(std::string_view text);

struct Decision {
  bool allowed = false;
  std::string failed_rule;  // "rule 2 (measurement in set of 3): got 'ab…'"
};

// `references` resolves an in_reference name to its values (nullopt: no such document).
using ReferenceLookup =
    std::function<Result<std::optional<std::vector<std::string>>>(const std::string& name)>;

// An Error only when a reference lookup fails (storage); a denial is a Decision.
Result<Decision> Evaluate(const ReleasePolicy& policy, const nlohmann::json& claims,
                          const ReferenceLookup& references);

}  // namespace veritee::kbs
