#include "verify/dcap/policy.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/json_path.h"
#include "verify/policy_sections.h"
#include "verify/policy_text.h"

namespace veritee::dcap {
namespace {

using nlohmann::json;

tl::unexpected<Error> KeyError(const std::string& path, const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, message, path);
}

Result<bool> BoolAt(const json& v, const std::string& path) {
  if (!v.is_boolean()) return KeyError(path, "must be true or false");
  return v.get<bool>();
}

Result<std::string> StringAt(const json& v, const std::string& path) {
  if (!v.is_string()) return KeyError(path, "must be a string");
  return v.get<std::string>();
}

Result<uint64_t> UnsignedAt(const json& v, const std::string& path, uint64_t max) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max) {
    return KeyError(path, "must be an integer from 0 to " + std::to_string(max));
  }
  return v.get<uint64_t>();
}

Result<std::vector<std::string>> StringList(const json& v, const std::string& path) {
  if (!v.is_array()) return KeyError(path, "must be a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    VT_ASSIGN_OR_RETURN(std::string s, StringAt(v[i], path + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(s));
  }
  return out;
}

Result<uint64_t> Le64At(const json& v, const std::string& path) {
  VT_ASSIGN_OR_RETURN(std::string s, StringAt(v, path));
  auto value = ParseLe64Hex(s);
  if (!value) return KeyError(path, value.error().message);
  return *value;
}

Status LoadSection(const json& s, bool tdx, ValidationOptions& o) {
  const std::string base = tdx ? "tdx" : "sgx";
  if (!s.is_object()) return KeyError(base, "must be an object");
  for (const auto& [key, value] : s.items()) {
    const std::string p = base + "." + key;
    if (key == "expect") {
      if (!value.is_object()) return KeyError(p, "must be an object of field: hex");
      for (const auto& [field, hex] : value.items()) {
        VT_ASSIGN_OR_RETURN(std::string text, StringAt(hex, p + "." + field));
        auto bytes = ParseExpectValue(tdx, field, text);
        if (!bytes) return KeyError(p + "." + field, bytes.error().message);
        o.expect[field] = std::move(*bytes);
      }
    } else if (key == "allowed_tcb_statuses") {
      VT_ASSIGN_OR_RETURN(auto list, StringList(value, p));
      for (size_t i = 0; i < list.size(); ++i) {
        auto st = TcbStatusFromName(list[i]);
        if (!st) return KeyError(p + "[" + std::to_string(i) + "]", st.error().message);
        if (*st == TcbStatus::kTcbNotSupported) {
          return KeyError(p + "[" + std::to_string(i) + "]",
                          "TcbNotSupported cannot be accepted: no TCB level vouches for it");
        }
        o.allowed_statuses.insert(*st);
      }
    } else if (key == "forbidden_advisories") {
      VT_ASSIGN_OR_RETURN(auto list, StringList(value, p));
      o.forbidden_advisories.insert(list.begin(), list.end());
    } else if (key == "allow_debug") {
      VT_ASSIGN_OR_RETURN(o.allow_debug, BoolAt(value, p));
    } else if (key == "allow_stale_crl") {
      VT_ASSIGN_OR_RETURN(o.allow_stale_crl, BoolAt(value, p));
    } else if (tdx && key == "td_attributes") {
      VT_ASSIGN_OR_RETURN(o.td_attributes, Le64At(value, p));
    } else if (tdx && key == "td_attributes_mask") {
      VT_ASSIGN_OR_RETURN(o.td_attributes_mask, Le64At(value, p));
    } else if (tdx && key == "xfam") {
      VT_ASSIGN_OR_RETURN(o.xfam, Le64At(value, p));
    } else if (tdx && key == "xfam_mask") {
      VT_ASSIGN_OR_RETURN(o.xfam_mask, Le64At(value, p));
    } else if (tdx && key == "min_tee_tcb_svn") {
      VT_ASSIGN_OR_RETURN(std::string text, StringAt(value, p));
      auto bytes = FromHex(text);
      if (!bytes || bytes->size() != 16) return KeyError(p, "must be 16 bytes of hex");
      std::array<uint8_t, 16> a{};
      std::copy(bytes->begin(), bytes->end(), a.begin());
      o.min_tee_tcb_svn = a;
    } else if (tdx && key == "require_sept_ve_disable") {
      VT_ASSIGN_OR_RETURN(o.require_sept_ve_disable, BoolAt(value, p));
    } else if (!tdx && key == "isv_prod_id") {
      VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, p, 0xffff));
      o.isv_prod_id = static_cast<uint16_t>(n);
    } else if (!tdx && key == "min_isv_svn") {
      VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, p, 0xffff));
      o.min_isv_svn = static_cast<uint16_t>(n);
    } else if (key == kAppraisalKey) {
      continue;  // the appraisal stage's rules (appraise/policy.h) check it
    } else {
      return KeyError(p, "unknown key");
    }
  }
  return Ok();
}

}  // namespace

Result<Bytes> ParseExpectValue(bool tdx, std::string_view name, std::string_view hex) {
  const auto& fields = tdx ? ExpectableTdxFields() : ExpectableSgxFields();
  auto it = fields.find(std::string(name));
  if (it == fields.end()) {
    std::string names;
    for (const auto& [n, size] : fields) names += (names.empty() ? "" : ", ") + n;
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown " + std::string(tdx ? "TDX" : "SGX") + " field '" +
                         std::string(name) + "' (one of " + names + ")");
  }
  VT_ASSIGN_OR_RETURN(Bytes bytes, FromHex(hex));
  bool ok = name == "report_data" ? !bytes.empty() && bytes.size() <= it->second
                                  : bytes.size() == it->second;
  if (!ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(name) + " is " + std::to_string(it->second) + " bytes (" +
                         std::to_string(2 * it->second) + " hex digits), got " +
                         std::to_string(bytes.size()));
  }
  return bytes;
}

Result<std::set<TcbStatus>> ParseStatusList(std::string_view list) {
  std::set<TcbStatus> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    VT_ASSIGN_OR_RETURN(TcbStatus s, TcbStatusFromName(item));
    if (s == TcbStatus::kTcbNotSupported) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "TcbNotSupported cannot be accepted: no TCB level vouches for it");
    }
    out.insert(s);
  }
  return out;
}

Result<uint64_t> ParseLe64Hex(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes || bytes->size() != 8) {
    std::string message(hex);
    message += " is not 8 bytes of hex (quote byte order)";
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
  }
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t{(*bytes)[i]} << (8 * i);
  return v;
}

Status LoadPolicyText(std::string_view text, bool tdx, ValidationOptions& options) {
  VT_ASSIGN_OR_RETURN(json doc, ParsePolicyJson(text));
  if (!doc.is_object()) return KeyError("(top level)", "a policy is a JSON object");
  if (auto it = doc.find(tdx ? "tdx" : "sgx"); it != doc.end()) {
    Status st = LoadSection(*it, tdx, options);
    // Name the line of the offending key, as the sev-snp loader does.
    if (!st) return tl::unexpected(WithKeyLine(text, std::move(st).error()));
  }
  return Ok();
}

}  // namespace veritee::dcap
