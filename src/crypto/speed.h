// The raw cost of one ECDSA P-384 verification, measured the way `openssl speed ecdsap384`
// does (one key, one precomputed digest and DER signature, one EVP_PKEY_CTX reused), so
// `veritee bench` can report its throughput as a ratio to the signature primitive on the
// same machine in the same run.
#pragma once

#include <memory>

#include "base/result.h"

namespace veritee {

class RawEcdsaP384Bench {
 public:
  // Generates a key and a signature; one instance per thread.
  static Result<std::unique_ptr<RawEcdsaP384Bench>> Create();
  ~RawEcdsaP384Bench();

  // Verifies `n` times; false if a verification failed (it never should).
  bool Run(uint64_t n);

 private:
  struct State;
  explicit RawEcdsaP384Bench(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace veritee
