// The "nvidia-gpu" section of a policy file (verify --policy): the NVIDIA validation keys.
//
//   {"nvidia-gpu": {"expect": {"nonce": "<64 hex>", "fwid": "<96 hex>"},
//                   "require_rims": true,
//                   "appraisal": {…}}}
//
// "appraisal" belongs to the appraisal stage (appraise/policy.h) and is skipped here; other
// TEE sections and the document keys (verify/policy_sections.h) are skipped too. Any other
// key is an error that names it and its line. --expect on the command line wins over the
// file for the same name.
#pragma once

#include <string_view>

#include "base/result.h"
#include "verify/nvgpu/options.h"

namespace veritee::nvgpu {

// kInvalidArgument for malformed JSON, an unknown key or a bad value.
Status LoadPolicyText(std::string_view text, ValidationOptions& options);

}  // namespace veritee::nvgpu
