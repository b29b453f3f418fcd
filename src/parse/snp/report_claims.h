// The normalised claims of an SEV-SNP report (DESIGN.md, "verify --json" claims).
//
// Names follow AMD SEV-SNP ABI spec 56860 in snake_case; byte strings are lower-case hex;
// u64 words are "0x" + 16 hex digits. TCB values are decoded in the layout of the product
// (tcb.h); with an unknown product the Milan/Genoa layout is used. Flag words are spelled
// out by name (flags.h), and PLATFORM_INFO bits we do not know appear as unknown_bits
// instead of being dropped. Building claims is not verifying: this is a view of the bytes.
#pragma once

#include <nlohmann/json.hpp>

#include "parse/snp/report.h"
#include "parse/snp/tcb.h"

namespace veritee::snp {

// Keys, in order: version, guest_svn, policy, family_id, image_id, vmpl, signature_algo,
// current_tcb, reported_tcb, committed_tcb, launch_tcb, platform_info, signing_key,
// author_key_en, mask_chip_key, report_data, measurement, host_data, id_key_digest,
// author_key_digest, report_id, report_id_ma, chip_id, current_version,
// committed_version, cpuid (v3+), launch_mit_vector and current_mit_vector (v5+),
// product (omitted when unknown).
nlohmann::ordered_json ReportClaims(const Report& report, Product product);

// One TCB value as a claim object: {fmc (Turin), bootloader, tee, snp, microcode, raw}.
nlohmann::ordered_json TcbClaims(uint64_t raw, TcbLayout layout);

}  // namespace veritee::snp
