// The "nitro" section of a policy file (verify --policy): the AWS Nitro validation keys.
//
//   {"nitro": {"expect": {"pcr0": "<96 hex>", "pcr8": "…", "user_data": "…"},
//              "allow_debug": false,
//              "appraisal": {…}}}
//
// "appraisal" belongs to the appraisal stage (appraise/policy.h) and is skipped here; other
// TEE sections and the document keys (verify/policy_sections.h) are skipped too. Any other
// key is an error that names it and its line. --expect on the command line wins over the
// file for the same name; --allow-debug on the command line cannot be taken back by it.
#pragma once

#include <string_view>

#include "base/result.h"
#include "verify/nitro/options.h"

namespace veritee::nitro {

// kInvalidArgument for malformed JSON, an unknown key or a bad value.
Status LoadPolicyText(std::string_view text, ValidationOptions& options);

}  // namespace veritee::nitro
