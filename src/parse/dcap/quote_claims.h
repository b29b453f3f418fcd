// Normalised claims of a DCAP quote (DESIGN.md "Claim names"): snake_case, lower-case hex,
// 32- and 64-bit words (MISCSELECT, attributes, XFAM) as the 8 bytes they occupy in the quote (little-endian, as Intel's
// tools and the test vectors print them), with their known bits decoded by name.
//
// TDX: mr_td, rtmr0..rtmr3, mr_seam, mr_signer_seam, seam_attributes, td_attributes, xfam,
// mr_config_id, mr_owner, mr_owner_config, report_data, tee_tcb_svn (+ tee_tcb_svn2,
// mr_servicetd for TD report 1.5). SGX: mr_enclave, mr_signer, isv_prod_id, isv_svn,
// attributes, report_data and the other report fields. The verifier adds tcb_status,
// advisory_ids and fmspc.
#pragma once

#include <nlohmann/json.hpp>

#include "parse/dcap/quote.h"

namespace veritee::dcap {

using Json = nlohmann::ordered_json;

Json QuoteClaims(const Quote& quote);
// Every field of an SGX report body (the enclave's, or the QE report).
Json SgxReportJson(const SgxReportBody& body);
// Hex of a u64 / u32 as its little-endian bytes (quote order).
std::string Le64Hex(uint64_t v);
std::string Le32Hex(uint32_t v);

// TDATTRIBUTES bits (TDX module ABI, TD_ATTRIBUTES): 0 DEBUG, 28 SEPT_VE_DISABLE, 30 PKS,
// 31 KL, 63 PERFMON. Unknown set bits are reported under "unknown_bits".
Json TdAttributesJson(uint64_t td_attributes);

}  // namespace veritee::dcap
