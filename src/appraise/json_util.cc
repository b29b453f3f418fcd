#include "appraise/json_util.h"

#include <algorithm>

#include "base/encoding.h"

namespace veritee::appraise {

KeyPath KeyPath::Key(std::string_view key) const {
  KeyPath p = *this;
  p.steps_.emplace_back(std::string(key));
  return p;
}

KeyPath KeyPath::Index(size_t index) const {
  KeyPath p = *this;
  p.steps_.emplace_back(index);
  return p;
}

std::string KeyPath::ToString() const {
  std::string out;
  for (const JsonPathStep& step : steps_) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!out.empty()) out += '.';
      out += *key;
    } else {
      out += "[" + std::to_string(std::get<size_t>(step)) + "]";
    }
  }
  return out.empty() ? "(top level)" : out;
}

tl::unexpected<Error> Source::KeyError(const KeyPath& path, const std::string& message) const {
  std::string where;
  if (auto line = JsonPathLine(text_, path.steps())) {
    where = " (" + (name_.empty() ? std::string() : name_ + " ") + "line " +
            std::to_string(*line) + ")";
  } else if (!name_.empty()) {
    where = " (" + name_ + ")";
  }
  return MakeError(ErrorCode::kInvalidArgument, message + where, path.ToString());
}

Result<Json> ParseJsonText(std::string_view text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte counts the characters read, the offending one included.
    size_t line = LineOfOffset(text, e.byte > 0 ? e.byte - 1 : 0);
    return MakeError(ErrorCode::kInvalidArgument,
                     what + ": JSON syntax error on line " + std::to_string(line) + ": " +
                         e.what());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, what + ": " + e.what());
  }
}

Result<bool> BoolAt(const Json& v, const KeyPath& p, const Source& s) {
  if (!v.is_boolean()) return s.KeyError(p, "must be true or false");
  return v.get<bool>();
}

Result<std::string> StringAt(const Json& v, const KeyPath& p, const Source& s) {
  if (!v.is_string()) return s.KeyError(p, "must be a string");
  return v.get<std::string>();
}

Result<std::vector<std::string>> StringListAt(const Json& v, const KeyPath& p, const Source& s) {
  if (!v.is_array()) return s.KeyError(p, "must be a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    VT_ASSIGN_OR_RETURN(std::string item, StringAt(v[i], p.Index(i), s));
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      return s.KeyError(p.Index(i), "'" + item + "' is listed twice");
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<uint64_t> UnsignedAt(const Json& v, const KeyPath& p, const Source& s, uint64_t max) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max) {
    return s.KeyError(p, "must be an integer from 0 to " + std::to_string(max));
  }
  return v.get<uint64_t>();
}

Result<UnixTime> TimeAt(const Json& v, const KeyPath& p, const Source& s) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return s.KeyError(p, "must be a time (RFC 3339 or Unix seconds)");
  auto t = ParseTime(v.get<std::string>());
  if (!t) return s.KeyError(p, t.error().message);
  return *t;
}

Result<std::string> HexAt(const Json& v, const KeyPath& p, const Source& s) {
  if (!v.is_string()) return s.KeyError(p, "must be a hex string");
  const std::string& text = v.get_ref<const std::string&>();
  auto bytes = FromHex(text);
  if (!bytes || bytes->empty()) {
    return s.KeyError(p, "is not hex (an even number of digits 0-9, a-f): '" +
                             text.substr(0, 80) + (text.size() > 80 ? "…" : "") + "'");
  }
  return ToHex(*bytes);
}

const Json* ClaimAt(const Json& claims, std::string_view dotted) {
  const Json* at = &claims;
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string key(dotted.substr(0, dot));
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
  }
  return at;
}

std::string Describe(const Json& value, bool shorten) {
  if (!value.is_string()) return value.dump();
  const std::string& s = value.get_ref<const std::string&>();
  if (shorten && s.size() > 24) return s.substr(0, 16) + "…";
  return s;
}

}  // namespace veritee::appraise
