// SEV-SNP verification throughput, beside the primitive that bounds it.
//
//   BM_RawEcdsaP384Verify  one EVP_PKEY_verify with a reused context (= openssl speed)
//   BM_SnpParse            ParseReport of a real report
//   BM_SnpVerifyReal       the whole verification of a real Genoa report (cached chain)
//   BM_SnpVerifySim        the same on simulator evidence
// The real report is read from ../shared/testdata (skipped when absent).
#include <benchmark/benchmark.h>

#include "attest/sim/snp_sim.h"
#include "base/file.h"
#include "parse/snp/report.h"
#include "raw_signature.h"
#include "verify/snp/verifier.h"

namespace veritee {
namespace {

constexpr char kVector[] = VERITEE_SHARED_DIR "/testdata/snp/vectors/genoa-v3-msft-tav/";

void BM_RawEcdsaP384Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kEcdsaP384);
}
BENCHMARK(BM_RawEcdsaP384Verify);

void BM_SnpParse(benchmark::State& state) {
  auto report = ReadFile(std::string(kVector) + "report.bin");
  if (!report) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  for (auto _ : state) {
    auto r = snp::ParseReport(*report);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SnpParse);

void BM_SnpVerifyReal(benchmark::State& state) {
  auto report = ReadFile(std::string(kVector) + "report.bin");
  auto vcek = ReadFile(std::string(kVector) + "vcek.pem");
  if (!report || !vcek) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  snp::VerifyInputs in;
  in.at = 1795219200;  // 2026-11-21
  in.certs = *ParseCertificates(*vcek);
  snp::SnpVerifier verifier;
  for (auto _ : state) {
    Verification v = verifier.Verify(*report, in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}
BENCHMARK(BM_SnpVerifyReal);

void BM_SnpVerifySim(benchmark::State& state) {
  auto sim = sim::SnpSimulator::Create(snp::Product::kMilan, 1795219200, 2048);
  snp::TcbParts tcb{std::nullopt, 4, 0, 24, 219};
  sim::SnpVekSpec spec;
  spec.chip_id.fill(7);
  spec.tcb = tcb;
  auto vek = sim->IssueVek(spec);
  snp::Report r = sim->DefaultReport(3, tcb);
  r.chip_id = spec.chip_id;
  auto bytes = sim->Sign(r, *vek);
  snp::VerifyInputs in;
  in.at = 1795219200;
  in.certs = {vek->cert, sim->ask()};
  in.extra_roots = {sim->ark()};
  snp::SnpVerifier verifier;
  for (auto _ : state) {
    Verification v = verifier.Verify(*bytes, in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}
BENCHMARK(BM_SnpVerifySim);

}  // namespace
}  // namespace veritee
