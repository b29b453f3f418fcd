// Appraisal in `verify` and `bench verify`: the --token options, the policy and signing
// key they load once, and the human and JSON output of an appraisal (each rule ✓/⚠/✗ with
// its reason, the trust vector, the status).
//
// `verify --policy FILE` appraises the verified claims when the file has "appraisal" rules
// for the evidence's TEE (appraise/policy.h; the validation keys of the same file still go
// to the verifier, and a validation-only policy behaves as before); `--token` always
// appraises (default rules without a policy) and signs the result as an EAR
// (appraise/ear.h): alone on stdout (the report goes to stderr), or "token" in --json.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "appraise/appraisal.h"
#include "appraise/ear.h"
#include "cli/verify_flags.h"

namespace veritee::cli {

struct AppraiseFlags {
  bool token = false;
  std::string signing_key;  // default: DefaultSigningKeyPath()
  std::string alg = "ES256";
  int64_t token_ttl = 3600;
  bool token_claims = true;
};

void AddAppraiseFlags(CLI::App& cmd, AppraiseFlags& f);

// What an appraising run needs, loaded once.
struct AppraiseContext {
  bool enabled = false;  // --policy or --token given
  // Whether evidence of `tee` is appraised: with --token, or appraisal rules for it.
  bool AppraisesTee(const std::string& tee) const {
    return key.has_value() || (enabled && policy.Appraises(tee));
  }
  appraise::Policy policy;
  std::optional<JwsKey> key;
  appraise::EarOptions ear;
};

// Loads the policy (--policy) and, with --token, the signing key (made on first use; a
// note goes to stderr). An Error is a usage problem (exit 2).
Result<AppraiseContext> PrepareAppraisal(const VerifyFlags& vf, const AppraiseFlags& af);

// Prints the rules, the trust vector and the status.
void PrintAppraisal(std::ostream& out, const appraise::Appraisal& a);

// The verification's JSON with "appraisal" added, and verdict/reason made final: an
// appraisal that is neither affirming nor warning turns "accepted" into "rejected".
Json VerdictJson(const Verification& v, const appraise::Appraisal& a);

}  // namespace veritee::cli
