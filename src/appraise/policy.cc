#include "appraise/policy.h"

#include <charconv>
#include <filesystem>

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "verify/policy_sections.h"

namespace veritee::appraise {
namespace {

constexpr uint64_t kMaxTcbValue = 0xffffffffu;

Result<std::vector<TcbFloor>> TcbFloorsAt(const Json& v, const KeyPath& p, const Source& s) {
  if (!v.is_object()) {
    return s.KeyError(p, "must be an object of claim: {component: minimum}");
  }
  std::vector<TcbFloor> out;
  for (const auto& [claim, fields] : v.items()) {
    KeyPath cp = p.Key(claim);
    if (!fields.is_object() || fields.empty()) {
      return s.KeyError(cp, "must be a non-empty object of component: minimum");
    }
    TcbFloor floor;
    floor.claim = claim;
    for (const auto& [field, value] : fields.items()) {
      VT_ASSIGN_OR_RETURN(floor.fields[field], UnsignedAt(value, cp.Key(field), s, kMaxTcbValue));
    }
    out.push_back(std::move(floor));
  }
  return out;
}

Result<int64_t> DurationAt(const Json& v, const KeyPath& p, const Source& s) {
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > 100ull * 365 * 86400) return s.KeyError(p, "is over 100 years");
    return static_cast<int64_t>(v.get<uint64_t>());
  }
  if (!v.is_string()) return s.KeyError(p, "must be seconds or a duration such as \"30d\"");
  auto d = ParseDuration(v.get<std::string>());
  if (!d) return s.KeyError(p, d.error().message);
  return *d;
}

struct SetRef {
  std::string label;
  KeyPath path;
};

Status LoadStores(const Json& v, const KeyPath& p, const Source& s,
                  const PolicyLoadOptions& options, const std::string& tee,
                  std::vector<ReferenceSet>& stored) {
  VT_ASSIGN_OR_RETURN(std::vector<std::string> files, StringListAt(v, p, s));
  if (!options.allow_stores) return s.KeyError(p, "reference stores cannot be read here");
  for (size_t i = 0; i < files.size(); ++i) {
    std::filesystem::path file(files[i]);
    if (file.is_relative() && !options.base_dir.empty()) file = options.base_dir / file;
    auto store = ReferenceStore::Load(file.string());
    if (!store) return s.KeyError(p.Index(i), store.error().message);
    for (const ReferenceSet& set : store->sets()) {
      if (set.tee == tee) stored.push_back(set);
    }
  }
  return Ok();
}

Status AddSet(std::vector<ReferenceSet>& sets, ReferenceSet set, const KeyPath& p,
              const Source& s) {
  for (const ReferenceSet& other : sets) {
    if (other.label == set.label) {
      return s.KeyError(p, "label '" + set.label + "' is used twice");
    }
  }
  sets.push_back(std::move(set));
  return Ok();
}

Result<TeePolicy> LoadAppraisal(const Json& v, const KeyPath& path, const Source& s,
                                const PolicyLoadOptions& options, const std::string& tee) {
  if (!v.is_object()) return s.KeyError(path, "must be an object of appraisal rules");
  TeePolicy t;
  t.declared = true;
  std::vector<ReferenceSet> stored;
  std::vector<SetRef> refs;
  bool have_stores = false, have_sets = false;
  for (const auto& [key, value] : v.items()) {
    KeyPath p = path.Key(key);
    if (key == "simulated_evidence_allowed") {
      VT_ASSIGN_OR_RETURN(t.simulated_allowed, BoolAt(value, p, s));
    } else if (key == "reference_stores") {
      VT_RETURN_IF_ERROR(LoadStores(value, p, s, options, tee, stored));
      have_stores = true;
    } else if (key == "reference_sets") {
      if (!value.is_array()) {
        return s.KeyError(p, "must be a list of set labels or reference set objects");
      }
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i].is_string()) {
          refs.push_back({value[i].get<std::string>(), p.Index(i)});
          continue;
        }
        VT_ASSIGN_OR_RETURN(ReferenceSet set, ParseReferenceSet(value[i], p.Index(i), s, tee));
        set.origin = "inline";
        VT_RETURN_IF_ERROR(AddSet(t.reference_sets, std::move(set), p.Index(i).Key("label"), s));
      }
      have_sets = true;
    } else if (key == "min_tcb") {
      VT_ASSIGN_OR_RETURN(t.min_tcb, TcbFloorsAt(value, p, s));
    } else if (key == "recommended_tcb") {
      VT_ASSIGN_OR_RETURN(t.recommended_tcb, TcbFloorsAt(value, p, s));
    } else if (key == "allowed_tcb_statuses") {
      VT_ASSIGN_OR_RETURN(t.allowed_tcb_statuses, StringListAt(value, p, s));
      if (t.allowed_tcb_statuses->empty()) {
        return s.KeyError(p, "allows no TCB status at all: every evidence would be rejected");
      }
    } else if (key == "allowed_advisories") {
      VT_ASSIGN_OR_RETURN(t.allowed_advisories, StringListAt(value, p, s));
    } else if (key == "required_flags") {
      VT_ASSIGN_OR_RETURN(t.required_flags, StringListAt(value, p, s));
    } else if (key == "forbidden_flags") {
      VT_ASSIGN_OR_RETURN(t.forbidden_flags, StringListAt(value, p, s));
    } else if (key == "expected") {
      if (!value.is_object()) return s.KeyError(p, "must be an object of claim: hex");
      for (const auto& [claim, hex] : value.items()) {
        VT_ASSIGN_OR_RETURN(t.expected[claim], HexAt(hex, p.Key(claim), s));
      }
    } else if (key == "max_collateral_age") {
      VT_ASSIGN_OR_RETURN(t.max_collateral_age_s, DurationAt(value, p, s));
    } else {
      return s.KeyError(p,
                        "unknown key (simulated_evidence_allowed, reference_stores, "
                        "reference_sets, min_tcb, recommended_tcb, allowed_tcb_statuses, "
                        "allowed_advisories, required_flags, forbidden_flags, expected, "
                        "max_collateral_age)");
    }
  }
  // Sets named by label come from the stores; with stores and no list, all of them.
  if (!refs.empty() && !have_stores) {
    return s.KeyError(refs.front().path,
                      "names the stored set '" + refs.front().label +
                          "' but the section has no \"reference_stores\"");
  }
  for (const SetRef& ref : refs) {
    const ReferenceSet* found = nullptr;
    for (const ReferenceSet& set : stored) {
      if (set.label == ref.label) found = &set;
    }
    if (found == nullptr) {
      return s.KeyError(ref.path, "no " + tee + " reference set labelled '" + ref.label +
                                      "' in the reference stores");
    }
    VT_RETURN_IF_ERROR(AddSet(t.reference_sets, *found, ref.path, s));
  }
  if (have_stores && !have_sets) {
    for (ReferenceSet& set : stored) {
      VT_RETURN_IF_ERROR(AddSet(t.reference_sets, std::move(set), path.Key("reference_stores"), s));
    }
  }
  if (have_stores && t.reference_sets.empty()) {
    return s.KeyError(path.Key("reference_stores"),
                      "the stores hold no " + tee + " reference set");
  }
  // Contradictions.
  for (size_t i = 0; i < t.forbidden_flags.size(); ++i) {
    for (const std::string& r : t.required_flags) {
      if (r == t.forbidden_flags[i]) {
        return s.KeyError(path.Key("forbidden_flags").Index(i),
                          "'" + r + "' is both required and forbidden");
      }
    }
  }
  for (const TcbFloor& rec : t.recommended_tcb) {
    for (const TcbFloor& min : t.min_tcb) {
      if (min.claim != rec.claim) continue;
      for (const auto& [field, value] : rec.fields) {
        auto it = min.fields.find(field);
        if (it != min.fields.end() && value < it->second) {
          return s.KeyError(path.Key("recommended_tcb").Key(rec.claim).Key(field),
                            "recommended " + std::to_string(value) + " is below the minimum " +
                                std::to_string(it->second));
        }
      }
    }
  }
  return t;
}

Result<TeePolicy> LoadSection(const Json& v, const KeyPath& path, const Source& s,
                              const PolicyLoadOptions& options, const std::string& tee) {
  if (!v.is_object()) return s.KeyError(path, "a TEE section is an object");
  // Only "appraisal" is ours; the verifier of the TEE checks its validation keys.
  auto it = v.find(std::string(kAppraisalKey));
  if (it == v.end()) return TeePolicy{};
  return LoadAppraisal(*it, path.Key(kAppraisalKey), s, options, tee);
}

}  // namespace

const TeePolicy& Policy::For(const std::string& tee) const {
  static const TeePolicy kDefaults;
  auto it = tees.find(tee);
  return it == tees.end() ? kDefaults : it->second;
}

Result<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty duration");
  int64_t unit = 1;
  switch (text.back()) {
    case 'd': unit = 86400; break;
    case 'h': unit = 3600; break;
    case 'm': unit = 60; break;
    case 's': unit = 1; break;
    default: unit = 0;
  }
  std::string_view digits = unit == 0 ? text : text.substr(0, text.size() - 1);
  if (unit == 0) unit = 1;
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() ||
      n > static_cast<uint64_t>(100ll * 365 * 86400 / unit)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + std::string(text) +
                         "' is not a duration (seconds, or a number followed by d, h, m or s; "
                         "at most 100 years)");
  }
  return static_cast<int64_t>(n) * unit;
}

Result<Policy> LoadPolicyText(std::string_view text, const PolicyLoadOptions& options) {
  const std::string what = options.name.empty() ? "policy" : options.name;
  VT_ASSIGN_OR_RETURN(Json doc, ParseJsonText(text, what));
  Source s(text, options.name);
  const KeyPath top;
  if (!doc.is_object()) return s.KeyError(top, "a policy is a JSON object");
  Policy policy;
  for (const auto& [key, value] : doc.items()) {
    KeyPath p = top.Key(key);
    if (key == "policy_id") {
      VT_ASSIGN_OR_RETURN(policy.id, StringAt(value, p, s));
      if (policy.id.empty() || policy.id.size() > 512) {
        return s.KeyError(p, "must be 1 to 512 characters");
      }
    } else if (key == "description") {
      VT_ASSIGN_OR_RETURN(policy.description, StringAt(value, p, s));
    } else if (key == "version") {
      VT_ASSIGN_OR_RETURN(uint64_t version, UnsignedAt(value, p, s, 1));
      if (version != 1) return s.KeyError(p, "this version reads policy version 1");
    } else if (IsTeeName(key)) {
      VT_ASSIGN_OR_RETURN(policy.tees[key], LoadSection(value, p, s, options, key));
    } else {
      return s.KeyError(p,
                        "unknown key (TEE sections sev-snp, tdx, sgx, nitro, tpm, nvidia-gpu; "
                        "version, description, policy_id)");
    }
  }
  if (policy.id.empty()) {
    auto digest = Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    policy.id = "sha256:" + ToHex(digest);
  }
  return policy;
}

Result<Policy> LoadPolicyFile(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 16 * 1024 * 1024));
  PolicyLoadOptions options;
  options.name = path;
  options.base_dir = std::filesystem::path(path).parent_path().string();
  return LoadPolicyText(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), options);
}

}  // namespace veritee::appraise
