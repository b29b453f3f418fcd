#include "verify/nitro/policy.h"

#include <nlohmann/json.hpp>

#include "base/json_path.h"
#include "verify/policy_sections.h"

namespace veritee::nitro {
namespace {

using nlohmann::json;

tl::unexpected<Error> KeyError(std::string_view text, const std::string& path,
                               const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument,
                   path + ": " + message + " (line " +
                       std::to_string(JsonPathLine(text, path).value_or(1)) + ")",
                   path);
}

Status LoadSection(std::string_view text, const json& section, ValidationOptions& o) {
  const std::string root = "nitro";
  if (!section.is_object()) return KeyError(text, root, "must be an object");
  for (const auto& [key, value] : section.items()) {
    const std::string path = root + "." + key;
    if (key == kAppraisalKey) continue;  // the appraisal stage's
    if (key == "allow_debug") {
      if (!value.is_boolean()) return KeyError(text, path, "must be true or false");
      o.allow_debug = o.allow_debug || value.get<bool>();
    } else if (key == "expect") {
      if (!value.is_object()) return KeyError(text, path, "must be an object of NAME: HEX");
      for (const auto& [name, hex] : value.items()) {
        if (!hex.is_string()) return KeyError(text, path + "." + name, "must be a hex string");
        auto bytes = ParseExpectValue(name, hex.get<std::string>());
        if (!bytes) return KeyError(text, path + "." + name, bytes.error().message);
        o.expect.emplace(name, std::move(*bytes));  // --expect, applied first, wins
      }
    } else {
      return KeyError(text, path, "unknown key (expect, allow_debug, appraisal)");
    }
  }
  return Ok();
}

}  // namespace

Status LoadPolicyText(std::string_view text, ValidationOptions& options) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, "not valid JSON");
  if (!doc.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "a policy is a JSON object");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "nitro") {
      VT_RETURN_IF_ERROR(LoadSection(text, value, options));
    } else if (!IsPolicyDocumentKey(key) && !IsTeeName(key)) {
      return KeyError(text, key, "unknown key (a policy has TEE sections such as \"nitro\")");
    }
  }
  return Ok();
}

}  // namespace veritee::nitro
