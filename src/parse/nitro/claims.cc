#include "parse/nitro/claims.h"

#include <cstdio>

#include "base/encoding.h"
#include "base/time.h"

namespace veritee::nitro {

std::vector<std::string> DebugIndicators(const AttestationDocument& doc) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < 3; ++i) {
    const Pcr* p = doc.FindPcr(i);
    const std::string name = "pcr" + std::to_string(i);
    if (p == nullptr) {
      out.push_back(name + " is absent");
    } else if (AllZero(p->value)) {
      out.push_back(name + " is all zero");
    }
  }
  return out;
}

std::string FormatTimestampMs(uint64_t ms) {
  // Beyond year 9999 the value is shown as it is (only a forged document gets there).
  constexpr uint64_t kMaxMs = 253402300799999ULL;
  if (ms > kMaxMs) return std::to_string(ms) + " ms";
  std::string t = FormatTime(static_cast<UnixTime>(ms / 1000));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ms % 1000));
  t.insert(t.size() - 1, frac);
  return t;
}

nlohmann::ordered_json DocumentClaims(const AttestationDocument& doc) {
  nlohmann::ordered_json c;
  c["module_id"] = doc.module_id;
  c["digest"] = doc.digest;
  c["timestamp"] = doc.timestamp_ms;
  c["timestamp_utc"] = FormatTimestampMs(doc.timestamp_ms);
  for (uint32_t i = 0; i < kMaxPcrs; ++i) {
    if (const Pcr* p = doc.FindPcr(i)) c["pcr" + std::to_string(i)] = ToHex(p->value);
  }
  auto optional = [](const std::optional<Bytes>& b) {
    return b ? nlohmann::ordered_json(ToHex(*b)) : nlohmann::ordered_json(nullptr);
  };
  c["public_key"] = optional(doc.public_key);
  c["user_data"] = optional(doc.user_data);
  c["nonce"] = optional(doc.nonce);
  c["debug"] = !DebugIndicators(doc).empty();
  return c;
}

}  // namespace veritee::nitro
