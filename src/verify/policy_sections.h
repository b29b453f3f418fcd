// The shared layout of a policy document: which keys belong to whom.
//
// One policy file serves every stage and every TEE (DESIGN.md): a section per TEE keyed by
// its tee name ("sev-snp", "tdx", "sgx", "nitro", "tpm", "nvidia-gpu"). Inside a section,
// the verifier of that TEE reads its validation keys (verify/<tee>/policy.h) and the
// appraisal stage reads the object under "appraisal" (appraise/policy.h). A few keys at the
// top level describe the document. Each reader rejects unknown keys in what it owns and
// skips what another reader owns, so a combined policy stays strict everywhere.
#pragma once

#include <array>
#include <string_view>

namespace veritee {

// The tee names of DESIGN.md, as used in "verify --json" and as policy section keys.
inline constexpr std::array<std::string_view, 6> kTeeNames = {"sev-snp", "tdx", "sgx",
                                                               "nitro", "tpm", "nvidia-gpu"};

// Top-level keys that describe the document itself (read by the appraisal stage).
inline constexpr std::array<std::string_view, 3> kPolicyDocumentKeys = {"version", "description",
                                                                        "policy_id"};

// The key, inside a TEE section, of the appraisal rules (appraise/policy.h).
inline constexpr std::string_view kAppraisalKey = "appraisal";

inline bool IsTeeName(std::string_view key) {
  for (std::string_view n : kTeeNames) {
    if (n == key) return true;
  }
  return false;
}

inline bool IsPolicyDocumentKey(std::string_view key) {
  for (std::string_view n : kPolicyDocumentKeys) {
    if (n == key) return true;
  }
  return false;
}

}  // namespace veritee
