// AR4SI trustworthiness claims, tiers and the trust vector (draft-ietf-rats-ar4si, section
// 2.3 "Trustworthiness Claims" and 3.2 "Trustworthiness Tiers").
//
// A trust vector holds one claim per component: instance-identity, configuration,
// executables, file-system, hardware, runtime-opaque, storage-opaque, sourced-data. A
// claim is a small signed integer whose range gives its tier: -1..1 none (0 = no claim),
// 2..31 affirming, 32..95 warning, 96..127 contraindicated (99: cryptographic validation
// failed). The status of an appraisal is never better than its worst claim.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "verify/verification.h"

namespace veritee::appraise {

enum class Tier { kNone, kAffirming, kWarning, kContraindicated };

enum class Component {
  kInstanceIdentity,
  kConfiguration,
  kExecutables,
  kFileSystem,
  kHardware,
  kRuntimeOpaque,
  kStorageOpaque,
  kSourcedData,
};
inline constexpr size_t kComponentCount = 8;

// The AR4SI values veritee assigns (same numbers across components where AR4SI shares
// them).
namespace claim {
inline constexpr int kNoClaim = 0;
inline constexpr int kAffirming = 2;         // recognised / approved / genuine / encrypted
inline constexpr int kApprovedBoot = 3;      // executables: approved boot-time measurement
inline constexpr int kWarning = 32;          // known vulnerabilities, retired, out of date
inline constexpr int kUnrecognisedRuntime = 33;
inline constexpr int kContraindicated = 96;  // unsupportable / contraindicated / visible
inline constexpr int kUnrecognised = 97;     // instance or hardware not recognised
inline constexpr int kCryptoFailed = 99;     // cryptographic validation failed
}  // namespace claim

Tier TierOf(int value);
std::string_view TierName(Tier tier);                 // "affirming", ...
std::string_view ComponentName(Component component);  // "instance-identity", ...
std::string_view ComponentName(size_t index);
// A word for a value of a component, e.g. hardware 32 "genuine but known vulnerabilities".
std::string_view ClaimMeaning(Component component, int value);

// How bad a value is, for combining: none < affirming < warning < contraindicated, and
// within a tier the larger number.
bool Worse(int a, int b);

class TrustVector {
 public:
  int Get(Component c) const { return values_[static_cast<size_t>(c)]; }
  // Keeps the worse of the current value and `value`.
  void Merge(Component c, int value);
  // The worst tier over all components (kNone when no claim is made).
  Tier Status() const;
  // {"instance-identity": 2, ...} in AR4SI order.
  Json ToJson() const;
  const std::array<int, kComponentCount>& values() const { return values_; }

 private:
  std::array<int, kComponentCount> values_{};
};

}  // namespace veritee::appraise
