#include "kbs/release_policy.h"

#include <algorithm>
#include <cctype>

#include "kbs/protocol.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

constexpr size_t kMaxRules = 256;
constexpr size_t kMaxValues = 4096;

Error Bad(std::string message, std::string field) {
  return Error{ErrorCode::kMalformed, std::move(message), std::move(field), {}};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Values a rule compares with: strings, numbers, booleans (no objects or arrays).
bool Scalar(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

bool Equal(const json& a, const json& b) {
  if (a.is_string() && b.is_string()) {
    return Lower(a.get<std::string>()) == Lower(b.get<std::string>());
  }
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
      return a.get<uint64_t>() == b.get<uint64_t>();
    }
    return a.get<int64_t>() == b.get<int64_t>();
  }
  if (a.is_boolean() && b.is_boolean()) return a.get<bool>() == b.get<bool>();
  return false;
}

// Follows a dotted path; nullptr when a step is missing.
const json* Lookup(const json& doc, const std::string& path) {
  const json* cur = &doc;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string step = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(step);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::string Show(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : CanonicalJson(v);
  if (s.size() > 40) s = s.substr(0, 16) + "…" + s.substr(s.size() - 8);
  return "'" + s + "'";
}

bool ValidPath(const std::string& p) {
  if (p.empty() || p.size() > 128 || p.front() == '.' || p.back() == '.') return false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    if (!ok || (c == '.' && p[i + 1] == '.')) return false;
  }
  return true;
}

}  // namespace

std::string ReleaseRule::Describe() const {
  switch (op) {
    case Op::kIn:
      return claim + " in a set of " + std::to_string(values.size());
    case Op::kInReference:
      return claim + " in reference values '" + reference + "'";
    case Op::kEquals:
      return claim + " equals " + Show(value);
    case Op::kMin:
      return claim + " >= " + CanonicalJson(value);
    case Op::kMax:
      return claim + " <= " + CanonicalJson(value);
  }
  return claim;
}

Result<ReleasePolicy> ParseReleasePolicy(std::string_view text) {
  VT_ASSIGN_OR_RETURN(json doc, ParseUntrustedJson(text, 8));
  if (!doc.is_object()) return tl::unexpected(Bad("a release policy is a JSON object", "(top)"));
  ReleasePolicy out;
  bool have_rules = false;
  for (const auto& [key, value] : doc.items()) {
    if (key == "version") {
      if (!value.is_number_integer() || value.get<int64_t>() != 1) {
        return tl::unexpected(Bad("only version 1 is known", "version"));
      }
    } else if (key == "description") {
      if (!value.is_string()) return tl::unexpected(Bad("must be a string", "description"));
      out.description = value.get<std::string>();
    } else if (key == "rules") {
      have_rules = true;
      if (!value.is_array()) return tl::unexpected(Bad("must be an array", "rules"));
      if (value.size() > kMaxRules) return tl::unexpected(Bad("too many rules", "rules"));
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string where = "rules[" + std::to_string(i) + "]";
        const json& r = value[i];
        if (!r.is_object()) return tl::unexpected(Bad("a rule is an object", where));
        ReleaseRule rule;
        int ops = 0;
        for (const auto& [rk, rv] : r.items()) {
          const std::string field = where + "." + rk;
          if (rk == "claim") {
            if (!rv.is_string() || !ValidPath(rv.get<std::string>())) {
              return tl::unexpected(Bad("must be a claim path like \"current_tcb.snp\"", field));
            }
            rule.claim = rv.get<std::string>();
          } else if (rk == "in") {
            ++ops;
            rule.op = ReleaseRule::Op::kIn;
            if (!rv.is_array() || rv.empty() || rv.size() > kMaxValues) {
              return tl::unexpected(Bad("must be a non-empty array", field));
            }
            for (const json& v : rv) {
              if (!Scalar(v)) return tl::unexpected(Bad("values are strings, numbers or booleans", field));
              rule.values.push_back(v);
            }
          } else if (rk == "in_reference") {
            ++ops;
            rule.op = ReleaseRule::Op::kInReference;
            if (!rv.is_string() || rv.get<std::string>().empty()) {
              return tl::unexpected(Bad("must name a reference-value document", field));
            }
            rule.reference = rv.get<std::string>();
          } else if (rk == "equals") {
            ++ops;
            rule.op = ReleaseRule::Op::kEquals;
            if (!Scalar(rv)) return tl::unexpected(Bad("must be a string, number or boolean", field));
            rule.value = rv;
          } else if (rk == "min" || rk == "max") {
            ++ops;
            rule.op = rk == "min" ? ReleaseRule::Op::kMin : ReleaseRule::Op::kMax;
            if (!rv.is_number()) return tl::unexpected(Bad("must be a number", field));
            rule.value = rv;
          } else {
            return tl::unexpected(Bad("unknown key (claim, in, in_reference, equals, min, max)", field));
          }
        }
        if (rule.claim.empty()) return tl::unexpected(Bad("missing \"claim\"", where));
        if (ops != 1) {
          return tl::unexpected(
              Bad("exactly one of in, in_reference, equals, min, max", where));
        }
        out.rules.push_back(std::move(rule));
      }
    } else {
      return tl::unexpected(Bad("unknown key (version, description, rules)", key));
    }
  }
  if (!have_rules) return tl::unexpected(Bad("missing \"rules\" (an empty list releases to any attested guest)", "rules"));
  return out;
}

Result<std::vector<std::string>> ParseReferenceValues(std::string_view text) {
  VT_ASSIGN_OR_RETURN(json doc, ParseUntrustedJson(text, 4));
  if (!doc.is_object()) return tl::unexpected(Bad("reference values are a JSON object", "(top)"));
  std::vector<std::string> out;
  bool have = false;
  for (const auto& [key, value] : doc.items()) {
    if (key == "description") {
      if (!value.is_string()) return tl::unexpected(Bad("must be a string", key));
    } else if (key == "values") {
      have = true;
      if (!value.is_array() || value.size() > kMaxValues) {
        return tl::unexpected(Bad("must be an array", key));
      }
      for (const json& v : value) {
        if (!v.is_string()) return tl::unexpected(Bad("values are strings", key));
        out.push_back(Lower(v.get<std::string>()));
      }
    } else {
      return tl::unexpected(Bad("unknown key (description, values)", key));
    }
  }
  if (!have) return tl::unexpected(Bad("missing \"values\"", "values"));
  return out;
}

Result<Decision> Evaluate(const ReleasePolicy& policy, const json& claims,
                          const ReferenceLookup& references) {
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const ReleaseRule& rule = policy.rules[i];
    const std::string label = "rule " + std::to_string(i + 1) + " (" + rule.Describe() + ")";
    const json* got = Lookup(claims, rule.claim);
    if (got == nullptr) return Decision{false, label + ": the claim is absent"};
    bool ok = false;
    switch (rule.op) {
      case ReleaseRule::Op::kIn:
        ok = std::any_of(rule.values.begin(), rule.values.end(),
                         [&](const json& v) { return Equal(*got, v); });
        break;
      case ReleaseRule::Op::kInReference: {
        VT_ASSIGN_OR_RETURN(auto values, references(rule.reference));
        if (!values) {
          return Decision{false, label + ": no reference values named '" + rule.reference + "'"};
        }
        ok = got->is_string() &&
             std::find(values->begin(), values->end(), Lower(got->get<std::string>())) !=
                 values->end();
        break;
      }
      case ReleaseRule::Op::kEquals:
        ok = Equal(*got, rule.value);
        break;
      case ReleaseRule::Op::kMin:
      case ReleaseRule::Op::kMax:
        if (got->is_number()) {
          double g = got->get<double>(), v = rule.value.get<double>();
          ok = rule.op == ReleaseRule::Op::kMin ? g >= v : g <= v;
        }
        break;
    }
    if (!ok) return Decision{false, label + ": got " + Show(*got)};
  }
  return Decision{true, ""};
}

}  // namespace veritee::kbs
