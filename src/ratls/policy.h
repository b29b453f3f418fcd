// RA-TLS peer policy from a policy document: the `--policy` JSON file of `veritee verify`
// (DESIGN.md), read for every TEE the RA-TLS verifier accepts. The "sev-snp" section goes
// through verify/snp/policy.h, the "tdx" and "sgx" sections through verify/dcap/policy.h,
// so a key means the same thing to both commands, and an unknown key is an error that
// names its path and line. Other TEEs' sections ("nitro", "tpm", ...) and each section's
// "appraisal" rules are skipped, as `verify` skips them.
//
// The sections present also decide which TEEs a peer may attest with
// (VerifierOptions::tees). `verify` is handed its evidence; an RA-TLS peer picks its own
// TEE, so a policy that pins a SEV-SNP measurement must not let a TDX peer through
// unchecked. A TEE with no section is refused; an empty section ({}) accepts that TEE
// with the verifier's defaults.
#pragma once

#include <string_view>

#include "ratls/verifier.h"

namespace veritee::ratls {

// Merges the policy's "sev-snp", "tdx" and "sgx" sections into `options` and sets
// options.tees to the sections present. A policy with none of them is an error: it would
// refuse every peer.
Status LoadPolicyText(std::string_view json_text, VerifierOptions& options);

}  // namespace veritee::ratls
