// Intel DCAP quote verifier (SGX quote v3/v4/v5, TDX quote v4/v5), offline, the way
// Intel's Quote Verification Library checks a quote (NOTES.md sections 4-8; Intel SGX
// ECDSA Quote Library API, TDX DCAP Quoting Library API, PCS API v4).
//
// Pipeline, each step a named check: parse (trailing bytes zero) → Intel QE vendor →
// certification data (type 6 wrapping the type 5 PEM chain) → PCK chain to the pinned
// Intel SGX Root CA (or a --trust-root, then "simulated"); the root in the quote must be
// that anchor → PCK leaf and its SGX extensions → collateral parsed → Root CA CRL → PCK CRL
// (same issuer as the PCK leaf) → PCK not revoked → TCB Info and QE Identity signatures
// (TCB signing certificate chained to the same anchor, any valid version of it) and dates
// at --at → certificate validity → TCB Info id fits the TEE → FMSPC and PCE-ID → TDX
// module identity → QE report signature (PCK key) → QE report data = SHA-256(attestation
// key || QE auth data) → QE identity id, MISCSELECT/ATTRIBUTES under their masks,
// MRSIGNER, ISVPRODID → quote signature (attestation key) → TCB status (tcb_eval.h) against
// the allowed statuses → validation options.
//
// Work that does not depend on the quote is cached and done once: the collateral (parsed,
// signatures and CRL signatures checked; keyed by the collateral object and, on a miss, by
// its SHA-256) and the PCK chain (keyed by the certification data bytes). Per quote there
// remain the parse, three SHA-256 digests, two ECDSA P-256 verifications (quote and QE
// report), lookups and comparisons. Thread-safe; Verify never throws.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "verify/dcap/options.h"
#include "verify/verification.h"

namespace veritee::dcap {

class DcapVerifier {
 public:
  DcapVerifier();
  ~DcapVerifier();
  DcapVerifier(const DcapVerifier&) = delete;
  DcapVerifier& operator=(const DcapVerifier&) = delete;

  Verification Verify(ByteSpan quote, const VerifyInputs& inputs);

  static constexpr size_t kMaxCacheEntries = 1024;

  struct PckChain;
  struct CollateralState;

 private:
  std::shared_ptr<const PckChain> Chain(ByteSpan cert_data, const VerifyInputs& in);
  std::shared_ptr<const CollateralState> Collateral(const VerifyInputs& in);
  Result<SharedPkey> AttestKey(ByteSpan xy);

  // Heterogeneous lookup: the certification data is looked up as a string_view, so a
  // cached chain costs one hash and one comparison of the bytes, no copy.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const PckChain>, Hash, std::equal_to<>> chains_;
  std::unordered_map<std::string, std::shared_ptr<const CollateralState>> collateral_;
  std::unordered_map<const void*, std::pair<std::shared_ptr<const trust::DcapCollateral>,
                                            std::string>>
      collateral_keys_;  // collateral object → cache key (holds the object alive)
  std::unordered_map<std::string, SharedPkey> attest_keys_;
};

// "tdx" or "sgx" for a parsed quote's body.
std::string_view TeeName(bool tdx);

}  // namespace veritee::dcap
