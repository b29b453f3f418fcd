// DCAP validation options from text: the "tdx" and "sgx" sections of the `--policy` JSON
// file (same style as verify/snp/policy.h) and the command-line value syntaxes.
//
// Policy file (unknown keys are an error, never ignored):
//   {"tdx": {"expect": {"mr_td": "HEX", "rtmr0": "HEX", ..., "report_data": "HEX"},
//            "allowed_tcb_statuses": ["SWHardeningNeeded", ...],
//            "forbidden_advisories": ["INTEL-SA-00615", ...],
//            "allow_debug": BOOL, "td_attributes": "HEX8", "td_attributes_mask": "HEX8",
//            "xfam": "HEX8", "xfam_mask": "HEX8", "min_tee_tcb_svn": "HEX16",
//            "require_sept_ve_disable": BOOL, "allow_stale_crl": BOOL},
//    "sgx": {"expect": {"mr_enclave": "HEX", "mr_signer": "HEX", "report_data": "HEX", ...},
//            "allowed_tcb_statuses": [...], "forbidden_advisories": [...],
//            "allow_debug": BOOL, "isv_prod_id": N, "min_isv_svn": N,
//            "allow_stale_crl": BOOL}}
// 8-byte attribute words are hex of the bytes as they appear in the quote (little-endian),
// as `veritee inspect` prints them. Sections for other TEEs are ignored here (their own
// loaders read them); a section for this TEE with an unknown key is an error.
#pragma once

#include <string_view>

#include "verify/dcap/options.h"

namespace veritee::dcap {

// Checks the name against the TEE's expectable fields and the size ("report_data" may be
// shorter than 64 bytes).
Result<Bytes> ParseExpectValue(bool tdx, std::string_view name, std::string_view hex);
// "SWHardeningNeeded,OutOfDate" → statuses (UpToDate may be listed; it is always accepted).
Result<std::set<TcbStatus>> ParseStatusList(std::string_view list);
// 8 bytes of hex in quote order → the u64 value.
Result<uint64_t> ParseLe64Hex(std::string_view hex);

// Merges the "tdx" (tdx = true) or "sgx" section of a policy document into `options`.
Status LoadPolicyText(std::string_view json_text, bool tdx, ValidationOptions& options);

}  // namespace veritee::dcap
