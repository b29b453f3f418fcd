// Appraisal: verified claims + policy -> AR4SI trust vector and status, with the reason
// for every rule in words (draft-ietf-rats-ar4si; the EAR of ear.h carries the result).
//
// The appraisal sees a Verification (verify/verification.h): its verdict, whether it was
// simulated, its normalised claims and its collateral description. It never sees evidence
// bytes, so every TEE is appraised by the same rules over its claims. Which claims a rule
// reads is named in the policy (claim paths), plus a small table of per-TEE facts in
// appraisal.cc (which claim says "debuggable", which carries the nonce).
//
// Components and the values veritee gives them:
//   instance-identity  2 evidence verified to a trust anchor; 99 it did not (then nothing
//                      else is appraised); 96 a report_data/nonce binding differs
//   hardware           2 genuine (the chain ends at a built-in vendor root) or simulated
//                      and allowed; 0 no vendor chain (a caller-supplied TPM AK); 97 simulated and
//                      not allowed; 96 below min_tcb, disallowed TCB status or advisory,
//                      collateral too old or undated; 32 below recommended_tcb, allowed
//                      but not UpToDate TCB status, allowed advisory present
//   runtime-opaque     2 memory encrypted by the TEE; 96 debuggable guest
//   configuration      2 flags and expected values hold; 96 they do not
//   executables        3 a reference set matches (boot-time measurement); 32 only a set
//                      past its validity matches; 96 no set matches (the reason names the
//                      nearest set and the fields that differ) or the set is not valid yet
//   file-system, storage-opaque, sourced-data: no claim (0)
#pragma once

#include <string>
#include <vector>

#include "appraise/policy.h"
#include "appraise/trust_vector.h"
#include "base/bytes.h"
#include "base/time.h"
#include "verify/verification.h"

namespace veritee::appraise {

struct RuleResult {
  std::string rule;  // "verification", "reference_values", "min_tcb.current_tcb", ...
  Component component = Component::kInstanceIdentity;
  int value = claim::kNoClaim;
  std::string reason;
  Tier tier() const { return TierOf(value); }
};

struct Appraisal {
  std::string tee;
  std::string policy_id;
  bool simulated = false;
  bool verified = false;
  TrustVector vector;
  std::vector<RuleResult> rules;
  Json claims = Json::object();
  std::string reference_label;  // the matching reference set, when one matched

  Tier status() const { return vector.Status(); }
  // Affirming or warning: what `verify` accepts (exit 0).
  bool acceptable() const;
  // The reasons of the rules that are not affirming, in words.
  std::vector<std::string> Reasons() const;
  // {"status", "trust_vector", "policy_id", "reference_set"?, "rules": [...]}
  Json ToJson() const;
};

Appraisal Appraise(const Verification& verification, const Policy& policy, UnixTime at);
// Same, taking the claims over instead of copying them.
Appraisal Appraise(Verification&& verification, const Policy& policy, UnixTime at);

// The nonce the evidence binds, from its claims ("nonce", else "report_data"), with
// trailing zero bytes removed but at least 8 bytes kept; empty when absent or all zero.
Bytes EvidenceNonce(const Json& claims);

// "cpu", "gpu" or "tpm": the EAR submodule kind of a TEE.
std::string SubmodKind(const std::string& tee);

}  // namespace veritee::appraise
