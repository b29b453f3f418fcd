// Claims of an NVIDIA GPU attestation report: the normalised, snake_case JSON view that
// `veritee inspect` prints and the verifier returns (DESIGN.md "claims"; hex in lower case).
//
//   nonce, responder_nonce, spdm_version ("1.1"), slot_id,
//   measurements {"<index>": hex, …} (every block; all-zero means "not measured"),
//   driver_version, vbios_version ("96.00.9F.00.01"), gpu_info, project, project_sku,
//   project_sku_mod, chip_sku, chip_sku_mod, board_id, cprinfo, nvdec0_status
//   ("enabled"/"disabled"), protected_pcie_status, fwid, switch_pdis, msrscnt,
//   sys_enable_status, opaque_data_version, feature_flag — each only when the report
//   carries it — and unknown_opaque [{type, value}] for types NVIDIA has not defined.
#pragma once

#include <nlohmann/json.hpp>

#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/spdm.h"

namespace veritee::nvgpu {

using Json = nlohmann::ordered_json;

Json ReportClaims(const AttestationReport& report, const NvidiaOpaque& opaque);

// Every field of the report, including block types and raw opaque TLVs: for inspect.
Json InspectReport(const AttestationReport& report, const NvidiaOpaque& opaque);

}  // namespace veritee::nvgpu
