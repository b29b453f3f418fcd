#include "appraise/trust_vector.h"

namespace veritee::appraise {

Tier TierOf(int value) {
  if (value >= 96) return Tier::kContraindicated;
  if (value >= 32) return Tier::kWarning;
  if (value >= 2) return Tier::kAffirming;
  // -1 (verifier malfunction), 0 (no claim), 1 (unexpected evidence), and the reserved
  // negative range carry no trust either way.
  return Tier::kNone;
}

std::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kNone: return "none";
    case Tier::kAffirming: return "affirming";
    case Tier::kWarning: return "warning";
    case Tier::kContraindicated: return "contraindicated";
  }
  return "none";
}

std::string_view ComponentName(Component component) {
  return ComponentName(static_cast<size_t>(component));
}

std::string_view ComponentName(size_t index) {
  static constexpr std::array<std::string_view, kComponentCount> kNames = {
      "instance-identity", "configuration", "executables",    "file-system",
      "hardware",          "runtime-opaque", "storage-opaque", "sourced-data"};
  return index < kNames.size() ? kNames[index] : "unknown";
}

std::string_view ClaimMeaning(Component component, int value) {
  if (value == claim::kCryptoFailed) return "cryptographic validation failed";
  if (value == claim::kNoClaim) return "no claim";
  switch (component) {
    case Component::kInstanceIdentity:
      if (value == claim::kAffirming) return "recognised and not compromised";
      if (value == claim::kContraindicated) return "recognised but not trustworthy";
      if (value == claim::kUnrecognised) return "not recognised";
      break;
    case Component::kConfiguration:
      if (value == claim::kAffirming) return "approved configuration";
      if (value == claim::kWarning) return "configuration with known vulnerabilities";
      if (value == claim::kContraindicated) return "unsupportable configuration";
      break;
    case Component::kExecutables:
      if (value == claim::kAffirming) return "approved boot- and run-time";
      if (value == claim::kApprovedBoot) return "approved boot-time";
      if (value == claim::kWarning) return "recognised but known bugs or retired";
      if (value == claim::kUnrecognisedRuntime) return "unrecognised run-time";
      if (value == claim::kContraindicated) return "contraindicated run-time";
      break;
    case Component::kHardware:
      if (value == claim::kAffirming) return "genuine";
      if (value == claim::kWarning) return "genuine but known vulnerabilities";
      if (value == claim::kContraindicated) return "genuine but contraindicated";
      if (value == claim::kUnrecognised) return "not recognised";
      break;
    case Component::kRuntimeOpaque:
      if (value == claim::kAffirming) return "memory encrypted";
      if (value == claim::kWarning) return "memory isolated";
      if (value == claim::kContraindicated) return "memory visible";
      break;
    case Component::kFileSystem:
    case Component::kStorageOpaque:
    case Component::kSourcedData:
      break;
  }
  return TierName(TierOf(value));
}

bool Worse(int a, int b) {
  Tier ta = TierOf(a), tb = TierOf(b);
  if (ta != tb) return static_cast<int>(ta) > static_cast<int>(tb);
  return a > b;
}

void TrustVector::Merge(Component c, int value) {
  int& slot = values_[static_cast<size_t>(c)];
  if (Worse(value, slot)) slot = value;
}

Tier TrustVector::Status() const {
  Tier worst = Tier::kNone;
  for (int v : values_) {
    Tier t = TierOf(v);
    if (static_cast<int>(t) > static_cast<int>(worst)) worst = t;
  }
  return worst;
}

Json TrustVector::ToJson() const {
  Json out = Json::object();
  for (size_t i = 0; i < kComponentCount; ++i) out[std::string(ComponentName(i))] = values_[i];
  return out;
}

}  // namespace veritee::appraise
