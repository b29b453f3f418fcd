#include "verify/nvgpu/policy.h"

#include "verify/policy_sections.h"
#include "verify/policy_text.h"

namespace veritee::nvgpu {

Status LoadPolicyText(std::string_view text, ValidationOptions& o) {
  return LoadTeeSection(text, "nvidia-gpu", [&](const nlohmann::json& section) -> Status {
    for (const auto& [key, value] : section.items()) {
      const std::string path = "nvidia-gpu." + key;
      if (key == kAppraisalKey) continue;  // the appraisal stage's
      if (key == "require_rims") {
        if (!value.is_boolean()) return PolicyKeyError(text, path, "must be true or false");
        o.require_rims = value.get<bool>();
      } else if (key == "expect") {
        VT_RETURN_IF_ERROR(LoadExpectObject(text, path, value, ParseExpectValue, o.expect));
      } else {
        return PolicyKeyError(text, path, "unknown key (expect, require_rims, appraisal)");
      }
    }
    return Ok();
  });
}

}  // namespace veritee::nvgpu
