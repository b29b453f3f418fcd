// Intel DCAP verification throughput, beside the primitive that bounds it.
//
//   BM_RawEcdsaP256Verify  one EVP_PKEY_verify with a reused context (= openssl speed
//                          ecdsap256); a DCAP quote needs two (quote and QE report)
//   BM_DcapParse           ParseQuote of a real TDX quote
//   BM_DcapVerifyTdxReal   the whole verification of a real TDX v4 quote (cached collateral
//                          and PCK chain), at its verify_at time
//   BM_DcapVerifySgxReal   the same for a real SGX v3 quote
//   BM_DcapVerifySim       a simulated TDX v5 quote
// The real quotes are read from ../shared/testdata (skipped when absent).
#include <benchmark/benchmark.h>

#include "attest/sim/dcap_sim.h"
#include "base/file.h"
#include "parse/dcap/quote.h"
#include "raw_signature.h"
#include "trust/dcap_collateral.h"
#include "verify/dcap/verifier.h"

namespace veritee {
namespace {

constexpr char kTdx[] = VERITEE_SHARED_DIR "/testdata/tdx/tdx_v4_phala_b0c06f_uptodate";
constexpr char kTdxAt[] = "2025-06-20T10:32:27Z";
constexpr char kSgx[] = VERITEE_SHARED_DIR "/testdata/sgx/sgx_v3_automata_00606a_swhn";
constexpr char kSgxAt[] = "2025-08-16T05:41:26Z";

void BM_RawEcdsaP256Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kEcdsaP256);
}
BENCHMARK(BM_RawEcdsaP256Verify);

void BM_DcapParse(benchmark::State& state) {
  auto quote = ReadFile(std::string(kTdx) + "/quote.bin");
  if (!quote) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  for (auto _ : state) {
    auto q = dcap::ParseQuote(*quote);
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_DcapParse);

void VerifyReal(benchmark::State& state, const char* dir, const char* at) {
  auto quote = ReadFile(std::string(dir) + "/quote.bin");
  auto collateral = trust::LoadDcapCollateral(dir);
  if (!quote || !collateral) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  dcap::DcapVerifier verifier;
  dcap::VerifyInputs in;
  in.at = ParseTime(at).value();
  in.collateral = std::make_shared<trust::DcapCollateral>(*collateral);
  for (auto s : {dcap::TcbStatus::kSwHardeningNeeded, dcap::TcbStatus::kConfigurationAndSwHardeningNeeded}) {
    in.validation.allowed_statuses.insert(s);
  }
  if (!verifier.Verify(*quote, in).accepted()) {
    state.SkipWithError("the quote does not verify");
    return;
  }
  for (auto _ : state) {
    Verification v = verifier.Verify(*quote, in);
    benchmark::DoNotOptimize(v);
  }
}

void BM_DcapVerifyTdxReal(benchmark::State& state) { VerifyReal(state, kTdx, kTdxAt); }
BENCHMARK(BM_DcapVerifyTdxReal);
void BM_DcapVerifySgxReal(benchmark::State& state) { VerifyReal(state, kSgx, kSgxAt); }
BENCHMARK(BM_DcapVerifySgxReal);

void BM_DcapVerifySim(benchmark::State& state) {
  const UnixTime now = 1790000000;
  auto sim = sim::DcapSimulator::Create(now);
  sim::DcapQuoteSpec spec;
  spec.version = 5;
  auto ev = sim->Make(spec, {}, sim::DcapFault::kNone, now);
  dcap::DcapVerifier verifier;
  dcap::VerifyInputs in;
  in.at = now;
  in.collateral = std::make_shared<trust::DcapCollateral>(ev->collateral);
  in.extra_roots.push_back(sim->root());
  for (auto _ : state) {
    Verification v = verifier.Verify(ev->quote, in);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_DcapVerifySim);

}  // namespace
}  // namespace veritee
