// SEV-SNP attestation report verifier (AMD SEV Secure Nested Paging Firmware ABI
// Specification 56860, section 7.3 "Attestation" and Table 23 ATTESTATION_REPORT; VCEK
// certificate and KDS interface specification 57230).
//
// Pipeline: parse (strict, reserved ranges zero) → signature algorithm → signing key kind →
// VEK certificate → chain VEK→ASK→ARK or VEK→ASVK→ARK to a built-in (or --trust-root) ARK
// → product agreement → ECDSA P-384 signature over bytes 0x000-0x29F → VEK extensions
// against REPORTED_TCB and CHIP_ID → validity of every certificate at the verification
// time → CRLs → validation options. The chain is built once per (VEK, intermediates,
// extra roots) and cached; the signature is checked on every call.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "verify/snp/options.h"
#include "verify/verification.h"

namespace veritee::snp {

class SnpVerifier {
 public:
  SnpVerifier();
  ~SnpVerifier();
  SnpVerifier(const SnpVerifier&) = delete;
  SnpVerifier& operator=(const SnpVerifier&) = delete;

  // Thread-safe. Never throws; malformed input is a failed check in the result.
  Verification Verify(ByteSpan report, const VerifyInputs& inputs);

  size_t cached_chains() const;
  static constexpr size_t kMaxCachedChains = 4096;

 private:
  struct CachedChain;
  Result<std::shared_ptr<const CachedChain>> Chain(const Certificate& vek, bool vlek,
                                                    const VerifyInputs& inputs);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedChain>> cache_;
};

}  // namespace veritee::snp
