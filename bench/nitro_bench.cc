// AWS Nitro Enclaves verification throughput, beside the primitive that bounds it.
//
//   BM_RawEcdsaP384Verify        one EVP_PKEY_verify with a reused context (= openssl speed)
//   BM_NitroParse                ParseAttestation of a real document (COSE + payload)
//   BM_NitroVerifyReal           the whole verification of a real document (cached chain)
//   BM_NitroVerifyRealColdChain  the same with a fresh verifier each time (chain built)
//   BM_NitroVerifySim            simulator evidence, cached chain
// The real document (choracle_2026-04-22, the current indefinite-length encoding) is read
// from ../shared/testdata (skipped when absent).
#include <benchmark/benchmark.h>

#include "attest/sim/nitro_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "parse/nitro/document.h"
#include "raw_signature.h"
#include "verify/nitro/verifier.h"

namespace veritee {
namespace {

constexpr char kDocument[] = VERITEE_SHARED_DIR "/testdata/nitro/choracle_2026-04-22.b64";

Result<Bytes> RealDocument() {
  VT_ASSIGN_OR_RETURN(Bytes raw, ReadFile(kDocument));
  return DecodeEvidenceText(std::move(raw));
}

void BM_RawEcdsaP384Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kEcdsaP384);
}
BENCHMARK(BM_RawEcdsaP384Verify);

void BM_NitroParse(benchmark::State& state) {
  auto doc = RealDocument();
  if (!doc) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  for (auto _ : state) {
    auto a = nitro::ParseAttestation(*doc);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_NitroParse);

void VerifyLoop(benchmark::State& state, const Bytes& doc, const nitro::VerifyInputs& in,
                bool cold) {
  nitro::NitroVerifier warm;
  for (auto _ : state) {
    Verification v = cold ? nitro::NitroVerifier().Verify(doc, in) : warm.Verify(doc, in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}

void BM_NitroVerifyReal(benchmark::State& state) {
  auto doc = RealDocument();
  if (!doc) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  VerifyLoop(state, *doc, nitro::VerifyInputs{}, false);
}
BENCHMARK(BM_NitroVerifyReal);

void BM_NitroVerifyRealColdChain(benchmark::State& state) {
  auto doc = RealDocument();
  if (!doc) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  VerifyLoop(state, *doc, nitro::VerifyInputs{}, true);
}
BENCHMARK(BM_NitroVerifyRealColdChain);

void BM_NitroVerifySim(benchmark::State& state) {
  auto sim = sim::NitroSimulator::Create(1776884737);
  auto leaf = sim->IssueLeaf();
  auto doc = sim->Sign(sim->DefaultDocument(), *leaf);
  nitro::VerifyInputs in;
  in.extra_roots = {sim->root()};
  VerifyLoop(state, *doc, in, false);
}
BENCHMARK(BM_NitroVerifySim);

}  // namespace
}  // namespace veritee
