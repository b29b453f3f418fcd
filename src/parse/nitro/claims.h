// Claims of an AWS Nitro Enclaves attestation document, normalised per DESIGN.md:
// snake_case names, hex in lower case, absent optional fields as JSON null.
//
//   module_id, digest, timestamp (ms since the epoch), timestamp_utc (RFC 3339, ms),
//   pcr0 ... pcr31 (those present), public_key, user_data, nonce, debug
//
// Debug mode: an enclave started with --debug-mode (nitro-cli) reports PCR0, PCR1 and PCR2
// as all zeros (AWS Nitro Enclaves User Guide, "Nitro Enclaves concepts: measurements").
// A production enclave has non-zero image, kernel and application measurements, so a zero
// in any of the three is treated as debug; a document without PCR 0, 1 or 2 cannot show it
// is not debug.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parse/nitro/document.h"

namespace veritee::nitro {

// PCR 0, 1 and 2 that are all zero or absent, e.g. "pcr0 is all zero". Empty: not debug.
std::vector<std::string> DebugIndicators(const AttestationDocument& doc);

// "2024-01-24T18:14:25.635Z".
std::string FormatTimestampMs(uint64_t ms);

nlohmann::ordered_json DocumentClaims(const AttestationDocument& doc);

}  // namespace veritee::nitro
