#include "appraise/appraisal.h"

#include <algorithm>
#include <cctype>

#include "base/encoding.h"

namespace veritee::appraise {
namespace {

// Facts about a TEE's claims that the rules need beyond what the policy names.
struct TeeFacts {
  std::string_view tee;
  std::string_view debug_claim;  // a true value means the TEE's memory is visible
  bool encrypts_memory;
};

// The debug claims are those the verifiers emit: SEV-SNP's guest POLICY.DEBUG, TDX's
// TD_ATTRIBUTES.DEBUG, SGX's ATTRIBUTES.DEBUG and Nitro's all-zero PCRs, each surfaced as
// a boolean claim.
constexpr TeeFacts kFacts[] = {
    {"sev-snp", "policy.debug_allowed", true},
    {"tdx", "td_attributes_flags.debug", true},
    {"sgx", "debug", true},
    {"nitro", "debug", true},
    {"nvidia-gpu", "debug", true},
    {"tpm", "", false},
};

const TeeFacts* FactsFor(const std::string& tee) {
  for (const TeeFacts& f : kFacts) {
    if (f.tee == tee) return &f;
  }
  return nullptr;
}

// A flag claim is "set" when it is true, a non-zero number, a non-empty string other than
// all-zero hex, or a non-empty list/object.
bool FlagSet(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() != 0;
  if (v.is_number_unsigned()) return v.get<uint64_t>() != 0;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty()) return false;
    if (auto bytes = FromHex(s.rfind("0x", 0) == 0 ? s.substr(2) : s)) {
      return !AllZero(*bytes);
    }
    return true;
  }
  if (v.is_array() || v.is_object()) return !v.empty();
  return false;
}

std::string LowerHex(const Json& v) {
  if (!v.is_string()) return {};
  std::string s = v.get<std::string>();
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Appraiser {
 public:
  Appraiser(const Verification& v, const TeePolicy& p, UnixTime at, Appraisal& out)
      : v_(v), p_(p), at_(at), out_(out) {}

  void Run() {
    if (!CheckVerification()) return;
    Hardware();
    RuntimeOpaque();
    Expected();
    Flags();
    Tcb();
    TcbStatus();
    Advisories();
    CollateralAge();
    ReferenceValues();
  }

 private:
  void Add(std::string rule, Component c, int value, std::string reason) {
    out_.vector.Merge(c, value);
    out_.rules.push_back(RuleResult{std::move(rule), c, value, std::move(reason)});
  }

  const Json* Claim(std::string_view path) const { return ClaimAt(v_.claims, path); }

  bool CheckVerification() {
    if (!v_.accepted()) {
      Add("verification", Component::kInstanceIdentity, claim::kCryptoFailed,
          "evidence did not verify: " + v_.reason());
      return false;
    }
    out_.verified = true;
    Add("verification", Component::kInstanceIdentity, claim::kAffirming,
        "evidence verified (" + std::to_string(v_.checks().size()) + " checks passed)" +
            (v_.trust_anchor.empty() ? std::string() : "; trust anchor " + v_.trust_anchor));
    return true;
  }

  void Hardware() {
    if (!v_.simulated && v_.trust_anchor.find("built-in") == std::string::npos) {
      // E.g. a TPM quote checked with an attestation key the caller supplied: nothing
      // vouches for the hardware, so no claim is made either way.
      Add("hardware", Component::kHardware, claim::kNoClaim,
          "no vendor chain (trust anchor: " +
              (v_.trust_anchor.empty() ? std::string("none") : v_.trust_anchor) +
              "): the hardware is not appraised");
    } else if (!v_.simulated) {
      Add("hardware", Component::kHardware, claim::kAffirming,
          "genuine " + v_.tee() + " hardware: the chain ends at a built-in vendor root");
    } else if (p_.simulated_allowed) {
      Add("simulated", Component::kHardware, claim::kAffirming,
          "simulated evidence, allowed by simulated_evidence_allowed");
    } else {
      Add("simulated", Component::kHardware, claim::kUnrecognised,
          "simulated evidence (the chain ends at a root given with --trust-root); the policy "
          "does not set simulated_evidence_allowed");
    }
  }

  void RuntimeOpaque() {
    const TeeFacts* facts = FactsFor(v_.tee());
    if (facts == nullptr || !facts->encrypts_memory) return;
    const Json* debug = facts->debug_claim.empty() ? nullptr : Claim(facts->debug_claim);
    if (debug != nullptr && FlagSet(*debug)) {
      Add("runtime_opaque", Component::kRuntimeOpaque, claim::kContraindicated,
          "debuggable (" + std::string(facts->debug_claim) +
              " is set): the host can read the TEE's memory");
    } else {
      Add("runtime_opaque", Component::kRuntimeOpaque, claim::kAffirming,
          "memory encrypted by the TEE and not debuggable");
    }
  }

  void Expected() {
    for (const auto& [name, hex] : p_.expected) {
      const bool binding = name == "report_data" || name == "nonce";
      Component c = binding ? Component::kInstanceIdentity : Component::kConfiguration;
      const std::string rule = "expected." + name;
      const Json* actual = Claim(name);
      if (actual == nullptr || !actual->is_string()) {
        Add(rule, c, claim::kContraindicated, "the evidence has no " + name + " claim");
        continue;
      }
      std::string got = LowerHex(*actual);
      // report_data may be given shorter: it must start the claim and the rest be zero.
      bool ok = got == hex;
      if (!ok && binding && hex.size() < got.size() && got.compare(0, hex.size(), hex) == 0) {
        ok = got.find_first_not_of('0', hex.size()) == std::string::npos;
      }
      if (ok) {
        Add(rule, c, claim::kAffirming, name + " equals the expected value");
      } else {
        Add(rule, c, claim::kContraindicated,
            name + " is " + got + ", expected " + hex + (binding ? " (then zeros)" : ""));
      }
    }
  }

  void Flags() {
    for (const std::string& flag : p_.required_flags) {
      const Json* v = Claim(flag);
      if (v != nullptr && FlagSet(*v)) {
        Add("required_flags." + flag, Component::kConfiguration, claim::kAffirming,
            flag + " is set, as required");
      } else {
        Add("required_flags." + flag, Component::kConfiguration, claim::kContraindicated,
            flag + (v == nullptr ? " is absent from the claims" : " is " + v->dump()) +
                "; the policy requires it");
      }
    }
    for (const std::string& flag : p_.forbidden_flags) {
      const Json* v = Claim(flag);
      if (v == nullptr || !FlagSet(*v)) {
        Add("forbidden_flags." + flag, Component::kConfiguration, claim::kAffirming,
            flag + " is not set");
      } else {
        Add("forbidden_flags." + flag, Component::kConfiguration, claim::kContraindicated,
            flag + " is " + v->dump() + "; the policy forbids it");
      }
    }
  }

  // Compares each named component of a TCB claim with a floor. Returns the components
  // below it as "snp 22 < 23", or nullopt (with *missing set) when the claim is absent.
  std::vector<std::string> Below(const TcbFloor& floor, std::string* missing) const {
    std::vector<std::string> below;
    const Json* tcb = Claim(floor.claim);
    for (const auto& [field, minimum] : floor.fields) {
      const Json* v = tcb == nullptr ? nullptr : ClaimAt(*tcb, field);
      if (v == nullptr || !v->is_number_unsigned()) {
        *missing = floor.claim + "." + field;
        return {};
      }
      if (v->get<uint64_t>() < minimum) {
        below.push_back(field + " " + std::to_string(v->get<uint64_t>()) + " < " +
                        std::to_string(minimum));
      }
    }
    return below;
  }

  static std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  void Tcb() {
    for (const TcbFloor& floor : p_.min_tcb) {
      std::string missing;
      auto below = Below(floor, &missing);
      const std::string rule = "min_tcb." + floor.claim;
      if (!missing.empty()) {
        Add(rule, Component::kHardware, claim::kContraindicated,
            "the claims have no numeric " + missing);
      } else if (!below.empty()) {
        Add(rule, Component::kHardware, claim::kContraindicated,
            floor.claim + " is below the minimum: " + Join(below));
      } else {
        Add(rule, Component::kHardware, claim::kAffirming, floor.claim + " meets the minimum");
      }
    }
    for (const TcbFloor& floor : p_.recommended_tcb) {
      std::string missing;
      auto below = Below(floor, &missing);
      const std::string rule = "recommended_tcb." + floor.claim;
      if (!missing.empty()) {
        Add(rule, Component::kHardware, claim::kContraindicated,
            "the claims have no numeric " + missing);
      } else if (!below.empty()) {
        Add(rule, Component::kHardware, claim::kWarning,
            floor.claim + " is allowed but out of date (below the recommended TCB: " +
                Join(below) + ")");
      } else {
        Add(rule, Component::kHardware, claim::kAffirming,
            floor.claim + " meets the recommended TCB");
      }
    }
  }

  void TcbStatus() {
    if (!p_.allowed_tcb_statuses) return;
    const Json* status = Claim("tcb_status");
    if (status == nullptr || !status->is_string()) {
      Add("tcb_status", Component::kHardware, claim::kContraindicated,
          "the evidence has no tcb_status claim; the policy lists allowed statuses");
      return;
    }
    const std::string& s = status->get_ref<const std::string&>();
    const auto& allowed = *p_.allowed_tcb_statuses;
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      Add("tcb_status", Component::kHardware, claim::kContraindicated,
          "TCB status " + s + " is not allowed (allowed: " + Join(allowed) + ")");
    } else if (s != "UpToDate") {
      Add("tcb_status", Component::kHardware, claim::kWarning,
          "TCB status " + s + " is allowed but not UpToDate");
    } else {
      Add("tcb_status", Component::kHardware, claim::kAffirming, "TCB status UpToDate");
    }
  }

  void Advisories() {
    if (!p_.allowed_advisories) return;
    const Json* ids = Claim("advisory_ids");
    std::vector<std::string> present, denied;
    if (ids != nullptr && ids->is_array()) {
      for (const Json& id : *ids) {
        if (!id.is_string()) continue;
        present.push_back(id.get<std::string>());
        const auto& allowed = *p_.allowed_advisories;
        if (std::find(allowed.begin(), allowed.end(), present.back()) == allowed.end()) {
          denied.push_back(present.back());
        }
      }
    }
    if (!denied.empty()) {
      Add("advisories", Component::kHardware, claim::kContraindicated,
          "advisories not allowed by the policy: " + Join(denied));
    } else if (!present.empty()) {
      Add("advisories", Component::kHardware, claim::kWarning,
          "allowed advisories apply: " + Join(present));
    } else {
      Add("advisories", Component::kHardware, claim::kAffirming, "no advisories apply");
    }
  }

  // The oldest issue date in the collateral description ("this_update", "issue_date").
  static void Dates(const Json& j, std::vector<std::pair<std::string, UnixTime>>& out,
                    const std::string& where) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if ((it.key() == "this_update" || it.key() == "issue_date") && it.value().is_string()) {
          if (auto t = ParseTime(it.value().get<std::string>())) out.emplace_back(where, *t);
        } else {
          Dates(it.value(), out, where.empty() ? it.key() : where + "." + it.key());
        }
      }
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        Dates(j[i], out, where + "[" + std::to_string(i) + "]");
      }
    }
  }

  void CollateralAge() {
    if (!p_.max_collateral_age_s) return;
    std::vector<std::pair<std::string, UnixTime>> dates;
    Dates(v_.CollateralJson(), dates, "");
    if (dates.empty()) {
      Add("max_collateral_age", Component::kHardware, claim::kContraindicated,
          "no dated collateral (CRL, TCB info) was used, so its age cannot be shown");
      return;
    }
    auto oldest = std::min_element(dates.begin(), dates.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    int64_t age = at_ - oldest->second;
    std::string words = oldest->first + " issued " + FormatTime(oldest->second) + " is " +
                        std::to_string(age / 86400) + " days old";
    if (age > *p_.max_collateral_age_s) {
      Add("max_collateral_age", Component::kHardware, claim::kContraindicated,
          words + ", over the maximum of " + std::to_string(*p_.max_collateral_age_s / 86400) +
              " days");
    } else {
      Add("max_collateral_age", Component::kHardware, claim::kAffirming,
          words + ", within the maximum");
    }
  }

  void ReferenceValues() {
    if (p_.reference_sets.empty()) return;
    struct Candidate {
      const ReferenceSet* set;
      std::vector<std::string> differing;
    };
    std::vector<Candidate> candidates;
    for (const ReferenceSet& set : p_.reference_sets) {
      Candidate c{&set, {}};
      for (auto it = set.claims.begin(); it != set.claims.end(); ++it) {
        const Json* actual = Claim(it.key());
        bool equal = actual != nullptr &&
                     (it.value().is_string() ? LowerHex(*actual) == it.value().get<std::string>()
                                             : *actual == it.value());
        if (!equal) c.differing.push_back(it.key());
      }
      candidates.push_back(std::move(c));
    }
    const Candidate* valid = nullptr;
    const Candidate* expired = nullptr;
    const Candidate* early = nullptr;
    for (const Candidate& c : candidates) {
      if (!c.differing.empty()) continue;
      const ReferenceSet& s = *c.set;
      if (s.valid_from && at_ < *s.valid_from) {
        if (early == nullptr) early = &c;
      } else if (s.valid_until && at_ >= *s.valid_until) {
        if (expired == nullptr) expired = &c;
      } else if (valid == nullptr) {
        valid = &c;
      }
    }
    if (valid != nullptr) {
      out_.reference_label = valid->set->label;
      Add("reference_values", Component::kExecutables, claim::kApprovedBoot,
          "matches reference set '" + valid->set->label + "'" + Origin(*valid->set));
      return;
    }
    if (expired != nullptr) {
      out_.reference_label = expired->set->label;
      Add("reference_values", Component::kExecutables, claim::kWarning,
          "matches reference set '" + expired->set->label + "', whose validity ended " +
              FormatTime(*expired->set->valid_until));
      return;
    }
    if (early != nullptr) {
      Add("reference_values", Component::kExecutables, claim::kContraindicated,
          "matches reference set '" + early->set->label + "', which is valid only from " +
              FormatTime(*early->set->valid_from));
      return;
    }
    // No match: the nearest set is the one with the fewest differing claims (the first
    // listed on a tie); name it and each differing field with both values.
    const Candidate* nearest = &candidates.front();
    for (const Candidate& c : candidates) {
      if (c.differing.size() < nearest->differing.size()) nearest = &c;
    }
    std::string actual_words;
    for (const std::string& name : nearest->differing) {
      const Json* actual = Claim(name);
      actual_words += (actual_words.empty() ? "" : ", ") + name + " " +
                      (actual == nullptr ? std::string("(absent)") : Describe(*actual));
    }
    std::string diff;
    for (const std::string& name : nearest->differing) {
      diff += (diff.empty() ? "" : "; ") + name + " (expected " +
              Describe(nearest->set->claims[name], true) + ")";
    }
    Add("reference_values", Component::kExecutables, claim::kContraindicated,
        actual_words + " matches no reference set; nearest is '" + nearest->set->label +
            "', which differs in " + diff);
  }

  static std::string Origin(const ReferenceSet& s) {
    std::string out;
    if (!s.origin.empty() && s.origin != "inline") out += " from " + s.origin;
    if (!s.provenance.empty()) out += " (" + s.provenance + ")";
    return out;
  }

  const veritee::Verification& v_;
  const TeePolicy& p_;
  UnixTime at_;
  Appraisal& out_;
};

}  // namespace

bool Appraisal::acceptable() const {
  Tier t = status();
  return verified && (t == Tier::kAffirming || t == Tier::kWarning);
}

std::vector<std::string> Appraisal::Reasons() const {
  std::vector<std::string> out;
  for (const RuleResult& r : rules) {
    if (r.tier() != Tier::kAffirming) out.push_back(r.rule + ": " + r.reason);
  }
  return out;
}

Json Appraisal::ToJson() const {
  Json rules_json = Json::array();
  for (const RuleResult& r : rules) {
    rules_json.push_back(Json{{"rule", r.rule},
                              {"component", ComponentName(r.component)},
                              {"value", r.value},
                              {"tier", TierName(r.tier())},
                              {"reason", r.reason}});
  }
  Json out = Json::object();
  out["status"] = TierName(status());
  out["trust_vector"] = vector.ToJson();
  out["policy_id"] = policy_id;
  if (!reference_label.empty()) out["reference_set"] = reference_label;
  out["rules"] = std::move(rules_json);
  return out;
}

Appraisal Appraise(const Verification& verification, const Policy& policy, UnixTime at) {
  Appraisal out;
  out.tee = verification.tee();
  out.policy_id = policy.id;
  out.simulated = verification.simulated;
  Appraiser(verification, policy.For(out.tee), at, out).Run();
  out.claims = verification.claims;
  return out;
}

Appraisal Appraise(Verification&& verification, const Policy& policy, UnixTime at) {
  Appraisal out;
  out.tee = verification.tee();
  out.policy_id = policy.id;
  out.simulated = verification.simulated;
  Appraiser(verification, policy.For(out.tee), at, out).Run();
  out.claims = std::move(verification.claims);
  return out;
}

Bytes EvidenceNonce(const Json& claims) {
  for (const char* name : {"nonce", "report_data"}) {
    const Json* v = ClaimAt(claims, name);
    if (v == nullptr || !v->is_string()) continue;
    auto bytes = FromHex(v->get<std::string>());
    if (!bytes || AllZero(*bytes)) return {};
    size_t end = bytes->size();
    while (end > 8 && (*bytes)[end - 1] == 0) --end;
    bytes->resize(end);
    return *bytes;
  }
  return {};
}

std::string SubmodKind(const std::string& tee) {
  if (tee == "nvidia-gpu") return "gpu";
  if (tee == "tpm") return "tpm";
  return "cpu";
}

}  // namespace veritee::appraise
