#include "parse/nvgpu/evidence_json.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"

namespace veritee::nvgpu {
namespace {

using nlohmann::json;

Result<std::string> Member(const json& item, size_t index, const char* key, bool required,
                           bool& present) {
  present = false;
  auto it = item.find(key);
  const std::string field = "gpu " + std::to_string(index) + " " + key;
  if (it == item.end()) {
    if (required) return MakeError(ErrorCode::kMalformed, "member is missing", field);
    return std::string();
  }
  if (!it->is_string()) return MakeError(ErrorCode::kMalformed, "not a string", field);
  present = true;
  return it->get<std::string>();
}

}  // namespace

bool LooksLikeEvidenceBundle(ByteSpan bytes) {
  for (uint8_t c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '[';
  }
  return false;
}

Result<std::vector<BundleItem>> ParseEvidenceBundle(ByteSpan bytes) {
  // nlohmann::json reports syntax errors through the discarded value (no exceptions).
  json doc = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return MakeError(ErrorCode::kMalformed, "not JSON", "evidence bundle");
  }
  if (!doc.is_array()) {
    return MakeError(ErrorCode::kMalformed, "not a JSON array of GPU evidence", "evidence bundle");
  }
  if (doc.empty() || doc.size() > kMaxBundleGpus) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(doc.size()) + " entries; 1.." +
                         std::to_string(kMaxBundleGpus) + " expected",
                     "evidence bundle");
  }
  static const char* const kKnown[] = {"arch",           "nonce",         "evidence",
                                       "certificate",    "driver_version", "vbios_version",
                                       "version"};
  std::vector<BundleItem> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& item = doc[i];
    const std::string where = "gpu " + std::to_string(i);
    if (!item.is_object()) return MakeError(ErrorCode::kMalformed, "not an object", where);
    for (const auto& [key, value] : item.items()) {
      bool known = false;
      for (const char* k : kKnown) known = known || key == k;
      if (!known) {
        return MakeError(ErrorCode::kMalformed, "unknown member '" + key + "'", where);
      }
    }
    BundleItem b;
    bool present = false;
    VT_ASSIGN_OR_RETURN(b.arch, Member(item, i, "arch", true, present));
    VT_ASSIGN_OR_RETURN(std::string nonce, Member(item, i, "nonce", true, present));
    VT_ASSIGN_OR_RETURN(std::string evidence, Member(item, i, "evidence", true, present));
    VT_ASSIGN_OR_RETURN(std::string certificate, Member(item, i, "certificate", true, present));
    auto hex = FromHex(nonce);
    if (!hex) return MakeError(ErrorCode::kMalformed, "not hex", where + " nonce");
    b.nonce = std::move(*hex);
    auto report = FromBase64(evidence);
    if (!report || report->empty()) {
      return MakeError(ErrorCode::kMalformed, "not base64", where + " evidence");
    }
    b.report = std::move(*report);
    auto chain = FromBase64(certificate);
    if (!chain || chain->empty()) {
      return MakeError(ErrorCode::kMalformed, "not base64", where + " certificate");
    }
    b.certificate_chain = std::move(*chain);
    for (auto [key, slot] : {std::pair{"driver_version", &b.driver_version},
                             std::pair{"vbios_version", &b.vbios_version},
                             std::pair{"version", &b.version}}) {
      VT_ASSIGN_OR_RETURN(std::string value, Member(item, i, key, false, present));
      if (present) *slot = std::move(value);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::string WriteEvidenceBundle(const std::vector<BundleItem>& items) {
  json doc = json::array();
  for (const BundleItem& b : items) {
    json item = {{"arch", b.arch},
                 {"certificate", ToBase64(b.certificate_chain)},
                 {"evidence", ToBase64(b.report)},
                 {"nonce", ToHex(b.nonce)}};
    if (b.driver_version) item["driver_version"] = *b.driver_version;
    if (b.vbios_version) item["vbios_version"] = *b.vbios_version;
    if (b.version) item["version"] = *b.version;
    doc.push_back(std::move(item));
  }
  return doc.dump(4);
}

}  // namespace veritee::nvgpu
