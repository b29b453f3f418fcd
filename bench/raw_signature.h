// The raw signature primitive that bounds a verifier, as a Google Benchmark body: one key,
// one precomputed digest and signature, one EVP_PKEY_CTX reused (what `openssl speed
// ecdsap384`, `ecdsap256` or `rsa2048` measures as verify/s). The work is
// crypto/speed.h's RawSignatureBench, the same one `veritee bench verify` divides by, so
// the benchmark and the CLI's ratio measure the same thing.
//
// Each bench file keeps its own benchmark name:
//   void BM_RawEcdsaP384Verify(benchmark::State& state) {
//     RawSignatureVerify(state, RawSignature::kEcdsaP384);
//   }
//   BENCHMARK(BM_RawEcdsaP384Verify);
#pragma once

#include <benchmark/benchmark.h>

#include "crypto/speed.h"

namespace veritee {

inline void RawSignatureVerify(benchmark::State& state, RawSignature kind) {
  auto bench = RawSignatureBench::Create(kind);
  if (!bench) {
    state.SkipWithError(bench.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    if (!(*bench)->Run(1)) {
      state.SkipWithError("verify failed");
      break;
    }
  }
}

}  // namespace veritee
