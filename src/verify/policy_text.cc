#include "verify/policy_text.h"

#include "base/json_path.h"
#include "verify/policy_sections.h"

namespace veritee {

tl::unexpected<Error> PolicyKeyError(std::string_view text, const std::string& path,
                                     const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument,
                   path + ": " + message + " (line " +
                       std::to_string(JsonPathLine(text, path).value_or(1)) + ")",
                   path);
}

Status LoadTeeSection(std::string_view text, const std::string& tee,
                      const std::function<Status(const nlohmann::json& section)>& load) {
  nlohmann::json doc =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, "not valid JSON");
  if (!doc.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "a policy is a JSON object");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == tee) {
      if (!value.is_object()) return PolicyKeyError(text, key, "must be an object");
      VT_RETURN_IF_ERROR(load(value));
    } else if (!IsPolicyDocumentKey(key) && !IsTeeName(key)) {
      return PolicyKeyError(text, key,
                            "unknown key (a policy has TEE sections such as \"" + tee + "\")");
    }
  }
  return Ok();
}

Status LoadExpectObject(std::string_view text, const std::string& path, const nlohmann::json& value,
                        const std::function<Result<Bytes>(const std::string&, const std::string&)>& parse,
                        std::map<std::string, Bytes>& out) {
  if (!value.is_object()) return PolicyKeyError(text, path, "must be an object of NAME: HEX");
  for (const auto& [name, hex] : value.items()) {
    if (!hex.is_string()) return PolicyKeyError(text, path + "." + name, "must be a hex string");
    auto bytes = parse(name, hex.get<std::string>());
    if (!bytes) return PolicyKeyError(text, path + "." + name, bytes.error().message);
    out.emplace(name, std::move(*bytes));
  }
  return Ok();
}

}  // namespace veritee
