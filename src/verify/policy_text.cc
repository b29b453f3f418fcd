#include "verify/policy_text.h"

#include <algorithm>

#include "base/json_path.h"
#include "verify/policy_sections.h"

namespace veritee {

Result<nlohmann::json> ParsePolicyJson(std::string_view text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts the characters read, the offending one included: that one sits at
    // e.byte - 1, and a newline that ends the bad token belongs to the line it ends.
    const size_t at = std::min(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const size_t line = 1 + static_cast<size_t>(std::count(
                                text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    return MakeError(ErrorCode::kInvalidArgument,
                     "JSON syntax error on line " + std::to_string(line) + ": " + e.what());
  }
}

Error WithKeyLine(std::string_view text, Error e) {
  if (auto line = JsonPathLine(text, e.field)) e.message += " (line " + std::to_string(*line) + ")";
  return e;
}

tl::unexpected<Error> PolicyKeyError(std::string_view text, const std::string& path,
                                     const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument,
                   path + ": " + message + " (line " +
                       std::to_string(JsonPathLine(text, path).value_or(1)) + ")",
                   path);
}

Status LoadTeeSection(std::string_view text, const std::string& tee,
                      const std::function<Status(const nlohmann::json& section)>& load) {
  VT_ASSIGN_OR_RETURN(nlohmann::json doc, ParsePolicyJson(text));
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
