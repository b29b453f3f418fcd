// SEV-SNP validation options from text: the `--policy` JSON file and the command-line
// value syntaxes (TCB specs, versions, expected values, flag names).
//
// Policy file (unknown keys are an error, never ignored):
//   {"sev-snp": {"expect": {"measurement": "HEX", ...}, "min_guest_svn": N,
//                "min_tcb": {"bootloader": N, "tee": N, "snp": N, "microcode": N, "fmc": N},
//                "min_launch_tcb": {...}, "vmpl": N,
//                "policy": {"require": [NAME...], "forbid": [NAME...], "min_abi": "1.51"},
//                "allow_debug": BOOL,
//                "platform_info": {"require": [...], "forbid": [...], "forbid_unknown_bits": BOOL},
//                "min_firmware": "1.55", "min_build": N, "forbid_provisional_firmware": BOOL,
//                "require_id_block": BOOL, "require_author_key": BOOL,
//                "trusted_id_key_digests": [HEX...], "trusted_author_key_digests": [HEX...],
//                "product": "milan|genoa|turin", "require_crl": BOOL, "allow_stale_crl": BOOL}}
#pragma once

#include <string>
#include <string_view>

#include "verify/snp/options.h"

namespace veritee::snp {

// "bootloader=3,tee=0,snp=8,microcode=115[,fmc=1]"; every component but fmc is required.
Result<TcbParts> ParseTcbSpec(std::string_view spec);
// "1.55" (major.minor).
Result<FirmwareVersion> ParseFirmwareVersion(std::string_view text);
// Checks the name and the size ("report_data" may be shorter than 64 bytes).
Result<Bytes> ParseExpectValue(std::string_view name, std::string_view hex);
Result<Product> ParseProduct(std::string_view name);

// Merges the "sev-snp" section of a policy document into `options`. Errors name the key
// path (e.g. "sev-snp.min_tcb.snp") and, for JSON syntax errors, the line.
Status LoadPolicyText(std::string_view json_text, ValidationOptions& options);

}  // namespace veritee::snp
