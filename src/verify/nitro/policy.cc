#include "verify/nitro/policy.h"

#include "verify/policy_sections.h"
#include "verify/policy_text.h"

namespace veritee::nitro {

Status LoadPolicyText(std::string_view text, ValidationOptions& o) {
  return LoadTeeSection(text, "nitro", [&](const nlohmann::json& section) -> Status {
    for (const auto& [key, value] : section.items()) {
      const std::string path = "nitro." + key;
      if (key == kAppraisalKey) continue;  // the appraisal stage's
      if (key == "allow_debug") {
        if (!value.is_boolean()) return PolicyKeyError(text, path, "must be true or false");
        o.allow_debug = o.allow_debug || value.get<bool>();
      } else if (key == "expect") {
        VT_RETURN_IF_ERROR(LoadExpectObject(text, path, value, ParseExpectValue, o.expect));
      } else {
        return PolicyKeyError(text, path, "unknown key (expect, allow_debug, appraisal)");
      }
    }
    return Ok();
  });
}

}  // namespace veritee::nitro
