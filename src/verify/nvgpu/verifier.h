// NVIDIA GPU (Hopper, Blackwell) confidential-computing evidence verifier.
//
// Follows DMTF DSP0274 SPDM 1.1 (GET_MEASUREMENTS / MEASUREMENTS, signature over the
// transcript of the request and the response up to the signature), NVIDIA's report layout
// (../shared/testdata/nvidia/SPDM_LAYOUT.md) and its verifier's reference-value rules
// (nvtrust local_gpu_verifier).
//
// Pipeline for one report: parse (strict SPDM 1.1) → opaque data → device certificate
// chain to the built-in NVIDIA Device Identity CA (or a --trust-root, "simulated") →
// attestation key EC P-384 → certificate validity at the verification time → ECDSA P-384
// signature over SHA-384(request ‖ response-without-signature), raw r‖s → the FWID of the
// leaf's TCG DICE extension against the report's FWID → expected values (nonce, fwid) →
// for each RIM given: XML-DSig (xmldsig.h), its chain to the built-in NVIDIA CoRIM signing
// root, validity at the verification time, version and product against the report → the
// measurements, index by index (RIM index i against SPDM block i+1; an active index in
// both RIMs is a conflict; index 35 is skipped when NVDEC0 is disabled), naming each
// mismatch. OCSP (device and RIM certificates) is not available offline: a note says so;
// it is never a passed check.
//
// Device chains and RIM verifications (parse, XML signature, chain: everything but the
// validity window) are cached, bounded, keyed by SHA-256 of their inputs.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "parse/nvgpu/rim.h"
#include "verify/nvgpu/options.h"
#include "verify/verification.h"

namespace veritee::nvgpu {

// The outcome of verifying one RIM on its own.
struct RimVerification {
  std::string file;
  std::optional<Rim> rim;          // set when it parsed
  std::string parse_detail;
  bool signature_ok = false;
  std::string signature_detail;
  bool chain_ok = false;
  std::string chain_detail;
  bool validity_ok = false;
  std::string validity_detail;
  bool builtin_anchor = false;
  std::string anchor;              // name + SHA-256 of the root the chain ended at
  Json certificates = Json::array();

  bool ok() const { return rim && signature_ok && chain_ok && validity_ok; }
};

class NvgpuVerifier {
 public:
  NvgpuVerifier();
  ~NvgpuVerifier();
  NvgpuVerifier(const NvgpuVerifier&) = delete;
  NvgpuVerifier& operator=(const NvgpuVerifier&) = delete;

  // One report (SPDM request ‖ response). Thread-safe; never throws.
  Verification Verify(ByteSpan report, const VerifyInputs& inputs);
  // A JSON evidence bundle (parse/nvgpu/evidence_json.h): every GPU must verify with its own
  // chain; the RIMs and options apply to each. Checks are prefixed "gpu<i>.".
  Verification VerifyBundle(ByteSpan json, const VerifyInputs& inputs);
  // One RIM: parse, XML signature with its KeyInfo leaf, chain to one of `anchors`,
  // validity of the chain at `at`.
  RimVerification VerifyRim(const RimFile& rim, UnixTime at,
                            std::span<const Certificate> anchors);

  // The built-in RIM root plus extra roots; the built-in device root plus extra roots.
  static Result<std::vector<Certificate>> RimAnchors(std::span<const Certificate> extra);

  size_t cached_chains() const;
  size_t cached_rims() const;
  static constexpr size_t kMaxCached = 4096;

  struct CachedChain;
  struct CachedRim;

 private:
  Result<std::shared_ptr<const CachedChain>> Chain(const std::vector<Certificate>& certs,
                                                   std::span<const Certificate> extra_roots);
  std::shared_ptr<const CachedRim> RimEntry(const RimFile& rim,
                                            std::span<const Certificate> anchors);
  // Appends the checks of one report to v (names prefixed); returns the claims when the
  // signature and the chain verified.
  std::optional<Json> VerifyInto(Verification& v, const std::string& prefix, ByteSpan report,
                                 const std::vector<Certificate>& certs, const VerifyInputs& in,
                                 Json& collateral);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedChain>> chains_;
  std::unordered_map<std::string, std::shared_ptr<const CachedRim>> rims_;
};

}  // namespace veritee::nvgpu
