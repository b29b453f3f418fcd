// The raw cost of one signature verification, measured the way `openssl speed ecdsap384`
// (or ecdsap256, rsa2048) does: one key, one precomputed digest and signature, one
// EVP_PKEY_CTX reused. `veritee bench` reports its throughput as a ratio to the signature
// primitive of the evidence's vendor, on the same machine, in the same run.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"

namespace veritee {

enum class RawSignature {
  kEcdsaP384,      // SEV-SNP reports, Nitro documents, NVIDIA SPDM (openssl speed ecdsap384)
  kEcdsaP256,      // Intel DCAP quotes and QE reports, TPM ECC AKs (openssl speed ecdsap256)
  kRsa2048Pkcs1,   // TPM RSA AKs, RSASSA-PKCS1-v1_5 with SHA-256 (openssl speed rsa2048)
};

// "ecdsa-p384", "ecdsa-p256", "rsa2048".
std::string_view RawSignatureName(RawSignature kind);

class RawSignatureBench {
 public:
  // Generates a key and a signature; one instance per thread.
  static Result<std::unique_ptr<RawSignatureBench>> Create(RawSignature kind);
  ~RawSignatureBench();

  // Verifies `n` times; false if a verification failed (it never should).
  bool Run(uint64_t n);

 private:
  struct State;
  explicit RawSignatureBench(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace veritee
