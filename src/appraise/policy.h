// The appraisal policy: per TEE, what the normalised claims must show for an attestation
// result to affirm, warn or contraindicate (AR4SI; appraisal.h applies it).
//
// One policy format for every TEE, over the claims of "verify --json" only, never raw
// bytes: a TEE that lands later plugs in by its claims. The appraisal rules sit in each
// TEE section (keyed by its DESIGN.md tee name) under "appraisal", beside the verifier's
// validation keys, which verify/<tee>/policy.h reads (verify/policy_sections.h):
//
//   {"version": 1, "description": "…", "policy_id": "https://example.com/policy/prod-7",
//    "sev-snp": {
//      "allow_debug": false,                          <- validation (verify/snp/policy.h)
//      "appraisal": {
//        "simulated_evidence_allowed": false,         default false
//        "reference_stores": ["prod.refs.json"],      store files, relative to the policy
//        "reference_sets": ["ovmf-2026.09 + kernel 6.12",          a stored set, by label
//                           {"label": "…", "claims": {"measurement": "HEX"},     or inline
//                            "valid_from": "2026-09-01", "valid_until": "2027-03-01"}],
//        "min_tcb": {"current_tcb": {"bootloader": 9, "snp": 23}},   below: contraindicated
//        "recommended_tcb": {"current_tcb": {"snp": 24}},            below: warning
//        "allowed_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],  others: contraindicated;
//                                                     allowed but not UpToDate: warning
//        "allowed_advisories": ["INTEL-SA-00615"],    others: contraindicated; allowed: warning
//        "required_flags": ["policy.smt_allowed"],    claim paths that must be true
//        "forbidden_flags": ["platform_info.unknown_bits"],  must be false, zero or absent
//        "expected": {"report_data": "HEX"},          exact (report_data: prefix, rest zero)
//        "max_collateral_age": "30d"}}}               seconds, or N followed by d/h/m/s
//
// With "reference_stores" and no "reference_sets", every set of the TEE in the stores is
// used. Unknown keys, wrong types, bad hex and contradictory rules (a flag both required
// and forbidden, a recommended TCB below the minimum, an empty list of allowed statuses,
// an empty validity period, a label used twice or not found) fail to load with the key
// path and its line. The policy id is "policy_id", or "sha256:" and the SHA-256 of the
// policy text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "appraise/refvalues.h"

namespace veritee::appraise {

struct TcbFloor {
  std::string claim;                      // e.g. "current_tcb"
  std::map<std::string, uint64_t> fields;  // component -> minimum
};

struct TeePolicy {
  bool declared = false;  // the section has an "appraisal" object
  bool simulated_allowed = false;
  std::vector<ReferenceSet> reference_sets;
  std::vector<TcbFloor> min_tcb;          // below: contraindicated
  std::vector<TcbFloor> recommended_tcb;  // below: warning
  std::optional<std::vector<std::string>> allowed_tcb_statuses;
  std::optional<std::vector<std::string>> allowed_advisories;
  std::vector<std::string> required_flags;
  std::vector<std::string> forbidden_flags;
  std::map<std::string, std::string> expected;  // claim path -> lower-case hex
  std::optional<int64_t> max_collateral_age_s;
};

struct Policy {
  std::string id;
  std::string description;
  std::map<std::string, TeePolicy> tees;  // by tee name; absent: the defaults
  // The section for `tee`, or the defaults (nothing but verification and "no simulated
  // evidence").
  const TeePolicy& For(const std::string& tee) const;
  // Whether the policy has appraisal rules for `tee` (a validation-only policy has none).
  bool Appraises(const std::string& tee) const { return For(tee).declared; }
};

struct PolicyLoadOptions {
  std::string name;       // for messages: the file name
  std::string base_dir;   // where relative store paths are resolved
  bool allow_stores = true;  // false: "reference_stores" is an error (fuzzing)
};

Result<Policy> LoadPolicyText(std::string_view text, const PolicyLoadOptions& options = {});
Result<Policy> LoadPolicyFile(const std::string& path);

// "30d", "12h", "45m", "90s" or plain seconds.
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace veritee::appraise
