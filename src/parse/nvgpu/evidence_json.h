// NVIDIA's JSON evidence bundle: the serialised GPU evidence of NVIDIA's attestation SDK
// (nv-attestation-sdk "serialized_test_evidence", nvtrust ppcie-verifier "gpu_evidence"):
//
//   [ { "arch": "HOPPER", "nonce": "<64 hex>", "evidence": "<base64 report>",
//       "certificate": "<base64 of the PEM chain, leaf first>",
//       "driver_version": "…", "vbios_version": "…", "version": "1.0" }, … ]
//
// one object per GPU (an HGX box gives eight). Everything in it is unauthenticated
// transport: the verifier checks each report's signature and compares the JSON's nonce
// and versions with what the signed report says. Strict: a top-level array of 1..64
// objects, the four required members as strings, the three optional ones as strings, no
// other member, valid hex and base64.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::nvgpu {

inline constexpr size_t kMaxBundleGpus = 64;

struct BundleItem {
  std::string arch;                           // "HOPPER", "BLACKWELL"
  Bytes nonce;                                // the nonce the SDK asked the GPU for
  Bytes report;                               // SPDM request || response
  Bytes certificate_chain;                    // PEM text, leaf first
  std::optional<std::string> driver_version;  // as the SDK read them, unauthenticated
  std::optional<std::string> vbios_version;
  std::optional<std::string> version;         // the bundle format's version

  bool operator==(const BundleItem&) const = default;
};

// True when `bytes` look like a JSON array (first non-space byte '['), for detection.
bool LooksLikeEvidenceBundle(ByteSpan bytes);

// Errors: kMalformed (not JSON, not an array of objects, a missing or mistyped member,
// an unknown member, bad hex/base64, no GPU or more than kMaxBundleGpus).
Result<std::vector<BundleItem>> ParseEvidenceBundle(ByteSpan json);

// The bundle as JSON text (base64 and hex as NVIDIA's SDK writes them): for tests.
std::string WriteEvidenceBundle(const std::vector<BundleItem>& items);

}  // namespace veritee::nvgpu
