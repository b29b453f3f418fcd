#include "parse/dcap/collateral.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "base/encoding.h"

namespace veritee::dcap {
namespace {

// ordered_json: the writers keep Intel's field order.
using json = nlohmann::ordered_json;

tl::unexpected<Error> Bad(const std::string& field, const std::string& message) {
  return MakeError(ErrorCode::kMalformed, message, field);
}

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void SkipWs(std::string_view t, size_t& i) {
  while (i < t.size() && IsWs(t[i])) ++i;
}

// Index one past the JSON string starting at t[i] == '"'; npos when unterminated.
size_t StringEnd(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index one past the JSON value starting at t[i]; npos when malformed. Only the nesting
// and strings are tracked here; nlohmann validates the grammar of the whole text.
size_t ValueEnd(std::string_view t, size_t i) {
  if (i >= t.size()) return std::string_view::npos;
  if (t[i] == '"') return StringEnd(t, i);
  if (t[i] == '{' || t[i] == '[') {
    int depth = 0;
    while (i < t.size()) {
      char c = t[i];
      if (c == '"') {
        i = StringEnd(t, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !IsWs(t[i])) ++i;
  return i;
}

Result<std::string> Str(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return Bad(path + "." + key, "missing or not a string");
  return it->get<std::string>();
}

Result<uint64_t> Uint(const json& j, const char* key, const std::string& path, uint64_t max) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return Bad(path + "." + key, "missing or not an integer 0.." + std::to_string(max));
  }
  return it->get<uint64_t>();
}

template <size_t N>
Result<std::array<uint8_t, N>> HexField(const json& j, const char* key, const std::string& path) {
  VT_ASSIGN_OR_RETURN(std::string text, Str(j, key, path));
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() != N) {
    return Bad(path + "." + key, "must be " + std::to_string(N) + " bytes of hex");
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<UnixTime> TimeField(const json& j, const char* key, const std::string& path,
                           std::string& text) {
  VT_ASSIGN_OR_RETURN(text, Str(j, key, path));
  auto t = ParseTime(text);
  if (!t || text.find('T') == std::string::npos) {
    return Bad(path + "." + key, "not an RFC 3339 date-time: " + text);
  }
  return *t;
}

Result<TcbStatus> StatusField(const json& j, const std::string& path) {
  VT_ASSIGN_OR_RETURN(std::string s, Str(j, "tcbStatus", path));
  auto status = TcbStatusFromName(s);
  if (!status || *status == TcbStatus::kTcbNotSupported || *status == TcbStatus::kTdRelaunchAdvised ||
      *status == TcbStatus::kTdRelaunchAdvisedConfigurationNeeded) {
    return Bad(path + ".tcbStatus", "unknown TCB status '" + s + "'");
  }
  return *status;
}

Result<std::vector<std::string>> Advisories(const json& j, const std::string& path) {
  std::vector<std::string> out;
  auto it = j.find("advisoryIDs");
  if (it == j.end()) return out;
  if (!it->is_array()) return Bad(path + ".advisoryIDs", "not a list");
  for (const json& a : *it) {
    if (!a.is_string()) return Bad(path + ".advisoryIDs", "not a list of strings");
    out.push_back(a.get<std::string>());
  }
  return out;
}

Result<std::vector<IdentityTcbLevel>> IdentityLevels(const json& j, const std::string& path) {
  auto it = j.find("tcbLevels");
  if (it == j.end() || !it->is_array() || it->empty()) {
    return Bad(path + ".tcbLevels", "missing or empty");
  }
  std::vector<IdentityTcbLevel> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& l = (*it)[i];
    std::string p = path + ".tcbLevels[" + std::to_string(i) + "]";
    if (!l.is_object() || !l.contains("tcb") || !l["tcb"].is_object()) {
      return Bad(p, "not a TCB level object");
    }
    IdentityTcbLevel level;
    VT_ASSIGN_OR_RETURN(uint64_t svn, Uint(l["tcb"], "isvsvn", p + ".tcb", 0xffff));
    level.isvsvn = static_cast<uint16_t>(svn);
    VT_ASSIGN_OR_RETURN(level.tcb_date, TimeField(l, "tcbDate", p, level.tcb_date_text));
    VT_ASSIGN_OR_RETURN(level.status, StatusField(l, p));
    VT_ASSIGN_OR_RETURN(level.advisory_ids, Advisories(l, p));
    out.push_back(std::move(level));
  }
  return out;
}

Result<TdxModule> ModuleFields(const json& j, const std::string& path) {
  TdxModule m;
  VT_ASSIGN_OR_RETURN(m.mrsigner, HexField<48>(j, "mrsigner", path));
  VT_ASSIGN_OR_RETURN(m.attributes, HexField<8>(j, "attributes", path));
  VT_ASSIGN_OR_RETURN(m.attributes_mask, HexField<8>(j, "attributesMask", path));
  return m;
}

Result<std::array<TcbComponent, 16>> Components(const json& j, const char* key,
                                                const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->size() != 16) {
    return Bad(path + "." + key, "must be a list of 16 components");
  }
  std::array<TcbComponent, 16> out{};
  for (size_t i = 0; i < 16; ++i) {
    const json& c = (*it)[i];
    std::string p = path + "." + key + "[" + std::to_string(i) + "]";
    if (!c.is_object()) return Bad(p, "not an object");
    VT_ASSIGN_OR_RETURN(uint64_t svn, Uint(c, "svn", p, 255));
    out[i].svn = static_cast<uint8_t>(svn);
    if (auto cat = c.find("category"); cat != c.end() && cat->is_string()) {
      out[i].category = cat->get<std::string>();
    }
    if (auto type = c.find("type"); type != c.end() && type->is_string()) {
      out[i].type = type->get<std::string>();
    }
  }
  return out;
}

Result<json> ParseObject(std::string_view body, const std::string& what) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad(what, "not a JSON object");
  return j;
}

std::string Hex(ByteSpan b) {
  std::string h = ToHex(b);
  for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return h;
}

json LevelsJson(const std::vector<IdentityTcbLevel>& levels) {
  json out = json::array();
  for (const auto& l : levels) {
    json o = json::object();
    o["tcb"] = json{{"isvsvn", l.isvsvn}};
    o["tcbDate"] = l.tcb_date_text.empty() ? FormatTime(l.tcb_date) : l.tcb_date_text;
    o["tcbStatus"] = std::string(TcbStatusName(l.status));
    if (!l.advisory_ids.empty()) o["advisoryIDs"] = l.advisory_ids;
    out.push_back(std::move(o));
  }
  return out;
}

json ModuleJson(const TdxModule& m) {
  json o = json::object();
  o["mrsigner"] = Hex(m.mrsigner);
  o["attributes"] = Hex(m.attributes);
  o["attributesMask"] = Hex(m.attributes_mask);
  return o;
}

std::string DateText(const std::string& text, UnixTime t) {
  return text.empty() ? FormatTime(t) : text;
}

}  // namespace

std::string_view TcbStatusName(TcbStatus s) {
  switch (s) {
    case TcbStatus::kUpToDate: return "UpToDate";
    case TcbStatus::kSwHardeningNeeded: return "SWHardeningNeeded";
    case TcbStatus::kConfigurationNeeded: return "ConfigurationNeeded";
    case TcbStatus::kConfigurationAndSwHardeningNeeded: return "ConfigurationAndSWHardeningNeeded";
    case TcbStatus::kOutOfDate: return "OutOfDate";
    case TcbStatus::kOutOfDateConfigurationNeeded: return "OutOfDateConfigurationNeeded";
    case TcbStatus::kRevoked: return "Revoked";
    case TcbStatus::kTdRelaunchAdvised: return "TDRelaunchAdvised";
    case TcbStatus::kTdRelaunchAdvisedConfigurationNeeded:
      return "TDRelaunchAdvisedConfigurationNeeded";
    case TcbStatus::kTcbNotSupported: return "TcbNotSupported";
  }
  return "?";
}

Result<TcbStatus> TcbStatusFromName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(TcbStatus::kTcbNotSupported); ++i) {
    auto s = static_cast<TcbStatus>(i);
    if (TcbStatusName(s) == name) return s;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown TCB status '" + std::string(name) +
                       "' (UpToDate, SWHardeningNeeded, ConfigurationNeeded, "
                       "ConfigurationAndSWHardeningNeeded, OutOfDate, "
                       "OutOfDateConfigurationNeeded, Revoked, TDRelaunchAdvised, "
                       "TDRelaunchAdvisedConfigurationNeeded, TcbNotSupported)");
}

Result<SignedBody> SliceSignedBody(std::string_view t, std::string_view key) {
  while (!t.empty() && (t.back() == '\0' || IsWs(t.back()))) t.remove_suffix(1);
  const std::string what = "response body";
  if (!json::accept(t.begin(), t.end())) return Bad(what, "not valid JSON");
  size_t i = 0;
  SkipWs(t, i);
  if (i >= t.size() || t[i] != '{') return Bad(what, "not a JSON object");
  ++i;
  std::optional<std::string_view> body, signature;
  for (;;) {
    SkipWs(t, i);
    if (i < t.size() && t[i] == '}') break;
    if (i >= t.size() || t[i] != '"') return Bad(what, "expected a member name");
    size_t name_end = StringEnd(t, i);
    if (name_end == std::string_view::npos) return Bad(what, "unterminated string");
    std::string_view name = t.substr(i + 1, name_end - i - 2);
    i = name_end;
    SkipWs(t, i);
    if (i >= t.size() || t[i] != ':') return Bad(what, "expected ':'");
    ++i;
    SkipWs(t, i);
    size_t end = ValueEnd(t, i);
    if (end == std::string_view::npos) return Bad(what, "malformed value");
    std::string_view value = t.substr(i, end - i);
    i = end;
    if (name == key) {
      if (body) return Bad(what, "duplicate \"" + std::string(key) + "\"");
      body = value;
    } else if (name == "signature") {
      if (signature) return Bad(what, "duplicate \"signature\"");
      signature = value;
    } else {
      return Bad(what, "unexpected member \"" + std::string(name) + "\"");
    }
    SkipWs(t, i);
    if (i < t.size() && t[i] == ',') {
      ++i;
      continue;
    }
    if (i < t.size() && t[i] == '}') break;
    return Bad(what, "expected ',' or '}'");
  }
  if (!body) return Bad(what, "no \"" + std::string(key) + "\" member");
  if (!signature) return Bad(what, "no \"signature\" member");
  if (body->empty() || body->front() != '{') {
    return Bad(std::string(key), "must be a JSON object");
  }
  if (signature->size() < 2 || signature->front() != '"') {
    return Bad("signature", "must be a string");
  }
  auto sig = FromHex(signature->substr(1, signature->size() - 2));
  if (!sig || sig->size() != 64) return Bad("signature", "must be 64 bytes of hex (r || s)");
  SignedBody out;
  out.body = *body;
  std::copy(sig->begin(), sig->end(), out.signature.begin());
  return out;
}

Result<TcbInfo> ParseTcbInfo(std::string_view body) {
  const std::string p = "tcbInfo";
  VT_ASSIGN_OR_RETURN(json j, ParseObject(body, p));
  TcbInfo info;
  VT_ASSIGN_OR_RETURN(uint64_t version, Uint(j, "version", p, 0xffff));
  info.version = static_cast<uint32_t>(version);
  if (info.version != 2 && info.version != 3) {
    return MakeError(ErrorCode::kUnsupported,
                     "TCB Info version " + std::to_string(info.version) + " (2 and 3 are known)",
                     p + ".version");
  }
  if (info.version == 3) {
    VT_ASSIGN_OR_RETURN(info.id, Str(j, "id", p));
    if (info.id != "SGX" && info.id != "TDX") {
      return MakeError(ErrorCode::kUnsupported, "TCB Info id '" + info.id + "' (SGX, TDX)",
                       p + ".id");
    }
  } else {
    info.id = "SGX";
  }
  VT_ASSIGN_OR_RETURN(info.issue_date, TimeField(j, "issueDate", p, info.issue_date_text));
  VT_ASSIGN_OR_RETURN(info.next_update, TimeField(j, "nextUpdate", p, info.next_update_text));
  VT_ASSIGN_OR_RETURN(info.fmspc, HexField<6>(j, "fmspc", p));
  VT_ASSIGN_OR_RETURN(info.pce_id, HexField<2>(j, "pceId", p));
  VT_ASSIGN_OR_RETURN(uint64_t type, Uint(j, "tcbType", p, 0xffff));
  info.tcb_type = static_cast<uint32_t>(type);
  VT_ASSIGN_OR_RETURN(uint64_t tedn, Uint(j, "tcbEvaluationDataNumber", p, 0xffffffff));
  info.tcb_evaluation_data_number = static_cast<uint32_t>(tedn);
  const bool tdx = info.id == "TDX";
  if (auto it = j.find("tdxModule"); it != j.end()) {
    if (!tdx) return Bad(p + ".tdxModule", "only TDX TCB Info has a TDX module");
    if (!it->is_object()) return Bad(p + ".tdxModule", "not an object");
    VT_ASSIGN_OR_RETURN(info.tdx_module, ModuleFields(*it, p + ".tdxModule"));
  }
  if (auto it = j.find("tdxModuleIdentities"); it != j.end()) {
    if (!tdx || !it->is_array()) return Bad(p + ".tdxModuleIdentities", "unexpected");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& m = (*it)[i];
      std::string mp = p + ".tdxModuleIdentities[" + std::to_string(i) + "]";
      if (!m.is_object()) return Bad(mp, "not an object");
      TdxModuleIdentity id;
      VT_ASSIGN_OR_RETURN(id.id, Str(m, "id", mp));
      VT_ASSIGN_OR_RETURN(id.module, ModuleFields(m, mp));
      VT_ASSIGN_OR_RETURN(id.tcb_levels, IdentityLevels(m, mp));
      info.tdx_module_identities.push_back(std::move(id));
    }
  }
  auto levels = j.find("tcbLevels");
  if (levels == j.end() || !levels->is_array() || levels->empty()) {
    return Bad(p + ".tcbLevels", "missing or empty");
  }
  for (size_t i = 0; i < levels->size(); ++i) {
    const json& l = (*levels)[i];
    std::string lp = p + ".tcbLevels[" + std::to_string(i) + "]";
    if (!l.is_object() || !l.contains("tcb") || !l["tcb"].is_object()) {
      return Bad(lp, "not a TCB level object");
    }
    const json& tcb = l["tcb"];
    TcbLevel level;
    if (info.version == 3) {
      VT_ASSIGN_OR_RETURN(level.sgx, Components(tcb, "sgxtcbcomponents", lp + ".tcb"));
      if (tdx) {
        VT_ASSIGN_OR_RETURN(level.tdx, Components(tcb, "tdxtcbcomponents", lp + ".tcb"));
      }
    } else {
      for (size_t c = 0; c < 16; ++c) {
        char name[24];
        std::snprintf(name, sizeof name, "sgxtcbcomp%02zusvn", c + 1);
        VT_ASSIGN_OR_RETURN(uint64_t svn, Uint(tcb, name, lp + ".tcb", 255));
        level.sgx[c].svn = static_cast<uint8_t>(svn);
      }
    }
    VT_ASSIGN_OR_RETURN(uint64_t pcesvn, Uint(tcb, "pcesvn", lp + ".tcb", 0xffff));
    level.pcesvn = static_cast<uint16_t>(pcesvn);
    VT_ASSIGN_OR_RETURN(level.tcb_date, TimeField(l, "tcbDate", lp, level.tcb_date_text));
    VT_ASSIGN_OR_RETURN(level.status, StatusField(l, lp));
    VT_ASSIGN_OR_RETURN(level.advisory_ids, Advisories(l, lp));
    info.tcb_levels.push_back(std::move(level));
  }
  return info;
}

Result<QeIdentity> ParseQeIdentity(std::string_view body) {
  const std::string p = "enclaveIdentity";
  VT_ASSIGN_OR_RETURN(json j, ParseObject(body, p));
  QeIdentity q;
  VT_ASSIGN_OR_RETURN(q.id, Str(j, "id", p));
  VT_ASSIGN_OR_RETURN(uint64_t version, Uint(j, "version", p, 0xffff));
  q.version = static_cast<uint32_t>(version);
  if (q.version != 2) {
    return MakeError(ErrorCode::kUnsupported,
                     "enclave identity version " + std::to_string(q.version) + " (2 is known)",
                     p + ".version");
  }
  VT_ASSIGN_OR_RETURN(q.issue_date, TimeField(j, "issueDate", p, q.issue_date_text));
  VT_ASSIGN_OR_RETURN(q.next_update, TimeField(j, "nextUpdate", p, q.next_update_text));
  VT_ASSIGN_OR_RETURN(uint64_t tedn, Uint(j, "tcbEvaluationDataNumber", p, 0xffffffff));
  q.tcb_evaluation_data_number = static_cast<uint32_t>(tedn);
  // MISCSELECT is a 32-bit value written as 8 hex digits, most significant first.
  VT_ASSIGN_OR_RETURN(auto misc, HexField<4>(j, "miscselect", p));
  VT_ASSIGN_OR_RETURN(auto misc_mask, HexField<4>(j, "miscselectMask", p));
  for (size_t i = 0; i < 4; ++i) {
    q.miscselect = q.miscselect << 8 | misc[i];
    q.miscselect_mask = q.miscselect_mask << 8 | misc_mask[i];
  }
  VT_ASSIGN_OR_RETURN(q.attributes, HexField<16>(j, "attributes", p));
  VT_ASSIGN_OR_RETURN(q.attributes_mask, HexField<16>(j, "attributesMask", p));
  VT_ASSIGN_OR_RETURN(q.mrsigner, HexField<32>(j, "mrsigner", p));
  VT_ASSIGN_OR_RETURN(uint64_t prod, Uint(j, "isvprodid", p, 0xffff));
  q.isvprodid = static_cast<uint16_t>(prod);
  VT_ASSIGN_OR_RETURN(q.tcb_levels, IdentityLevels(j, p));
  return q;
}

std::string WriteTcbInfo(const TcbInfo& info) {
  json o = json::object();
  if (info.version >= 3) o["id"] = info.id;
  o["version"] = info.version;
  o["issueDate"] = DateText(info.issue_date_text, info.issue_date);
  o["nextUpdate"] = DateText(info.next_update_text, info.next_update);
  o["fmspc"] = Hex(info.fmspc);
  o["pceId"] = Hex(info.pce_id);
  o["tcbType"] = info.tcb_type;
  o["tcbEvaluationDataNumber"] = info.tcb_evaluation_data_number;
  if (info.tdx_module) o["tdxModule"] = ModuleJson(*info.tdx_module);
  if (!info.tdx_module_identities.empty()) {
    json ids = json::array();
    for (const auto& m : info.tdx_module_identities) {
      json ordered = json::object();
      ordered["id"] = m.id;
      const json fields = ModuleJson(m.module);
      for (const auto& [k, v] : fields.items()) ordered[k] = v;
      ordered["tcbLevels"] = LevelsJson(m.tcb_levels);
      ids.push_back(std::move(ordered));
    }
    o["tdxModuleIdentities"] = std::move(ids);
  }
  json levels = json::array();
  for (const auto& l : info.tcb_levels) {
    json tcb = json::object();
    auto comps = [](const std::array<TcbComponent, 16>& cs) {
      json a = json::array();
      for (const auto& c : cs) {
        json e = json::object();
        e["svn"] = c.svn;
        if (!c.category.empty()) e["category"] = c.category;
        if (!c.type.empty()) e["type"] = c.type;
        a.push_back(std::move(e));
      }
      return a;
    };
    if (info.version >= 3) {
      tcb["sgxtcbcomponents"] = comps(l.sgx);
      tcb["pcesvn"] = l.pcesvn;
      if (l.tdx) tcb["tdxtcbcomponents"] = comps(*l.tdx);
    } else {
      for (size_t c = 0; c < 16; ++c) {
        char name[24];
        std::snprintf(name, sizeof name, "sgxtcbcomp%02zusvn", c + 1);
        tcb[name] = l.sgx[c].svn;
      }
      tcb["pcesvn"] = l.pcesvn;
    }
    json e = json::object();
    e["tcb"] = std::move(tcb);
    e["tcbDate"] = DateText(l.tcb_date_text, l.tcb_date);
    e["tcbStatus"] = std::string(TcbStatusName(l.status));
    if (!l.advisory_ids.empty()) e["advisoryIDs"] = l.advisory_ids;
    levels.push_back(std::move(e));
  }
  o["tcbLevels"] = std::move(levels);
  return o.dump();
}

std::string WriteQeIdentity(const QeIdentity& q) {
  json o = json::object();
  o["id"] = q.id;
  o["version"] = q.version;
  o["issueDate"] = DateText(q.issue_date_text, q.issue_date);
  o["nextUpdate"] = DateText(q.next_update_text, q.next_update);
  o["tcbEvaluationDataNumber"] = q.tcb_evaluation_data_number;
  std::array<uint8_t, 4> misc{}, mask{};
  for (size_t i = 0; i < 4; ++i) {
    misc[i] = static_cast<uint8_t>(q.miscselect >> (24 - 8 * i));
    mask[i] = static_cast<uint8_t>(q.miscselect_mask >> (24 - 8 * i));
  }
  o["miscselect"] = Hex(misc);
  o["miscselectMask"] = Hex(mask);
  o["attributes"] = Hex(q.attributes);
  o["attributesMask"] = Hex(q.attributes_mask);
  o["mrsigner"] = Hex(q.mrsigner);
  o["isvprodid"] = q.isvprodid;
  o["tcbLevels"] = LevelsJson(q.tcb_levels);
  return o.dump();
}

std::string WrapSignedBody(std::string_view key, std::string_view body,
                           const std::array<uint8_t, 64>& signature) {
  std::string out = "{\"" + std::string(key) + "\":";
  out += body;
  out += ",\"signature\":\"" + ToHex(signature) + "\"}";
  return out;
}

}  // namespace veritee::dcap
