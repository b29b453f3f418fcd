// TPM 2.0 quote verification throughput, beside the primitives that bound it.
//
//   BM_RawRsa2048Verify     one RSASSA-PKCS1-v1_5/SHA-256 verify with a reused context
//                           (what `openssl speed rsa2048` measures as "verify/s")
//   BM_RawEcdsaP256Verify   one ECDSA P-256 verify with a reused context (`ecdsap256`)
//   BM_TpmParseQuote        ParseAttest of a real swtpm quote
//   BM_TpmParseEventLog     ParseEventLog of the 28-event Fedora log
//   BM_TpmReplayEventLog    parse + replay of the same log
//   BM_TpmVerify{Rsa,Ecc}   the whole verification (signature, nonce, pcrDigest) of the real
//                           swtpm quotes with their PCR file (AK cached)
//   BM_TpmVerifyRsaWithLog  the same plus the event log: replay and decoded-event claims
// The swtpm vectors are read from ../shared/testdata/tpm (skipped when absent).
#include <benchmark/benchmark.h>

#include "base/file.h"
#include "parse/tpm/attest.h"
#include "parse/tpm/event_log.h"
#include "raw_signature.h"
#include "verify/tpm/replay.h"
#include "verify/tpm/verifier.h"

namespace veritee {
namespace {

constexpr char kDir[] = VERITEE_SHARED_DIR "/testdata/tpm/swtpm_quote/";

void BM_RawRsa2048Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kRsa2048Pkcs1);
}
BENCHMARK(BM_RawRsa2048Verify);

void BM_RawEcdsaP256Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kEcdsaP256);
}
BENCHMARK(BM_RawEcdsaP256Verify);

bool Load(benchmark::State& state, const std::string& name, Bytes* out) {
  auto b = ReadFile(std::string(kDir) + name);
  if (!b) {
    state.SkipWithError("../shared/testdata/tpm not found");
    return false;
  }
  *out = std::move(*b);
  return true;
}

void BM_TpmParseQuote(benchmark::State& state) {
  Bytes quote;
  if (!Load(state, "quote_rsa.msg", &quote)) return;
  for (auto _ : state) {
    auto a = tpm::ParseAttest(quote);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_TpmParseQuote);

void BM_TpmParseEventLog(benchmark::State& state) {
  Bytes log;
  if (!Load(state, "replayed_event_log.bin", &log)) return;
  for (auto _ : state) {
    auto l = tpm::ParseEventLog(log);
    benchmark::DoNotOptimize(l);
  }
}
BENCHMARK(BM_TpmParseEventLog);

void BM_TpmReplayEventLog(benchmark::State& state) {
  Bytes log;
  if (!Load(state, "replayed_event_log.bin", &log)) return;
  for (auto _ : state) {
    auto l = tpm::ParseEventLog(log);
    auto r = tpm::ReplayEventLog(*l);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_TpmReplayEventLog);

void VerifyLoop(benchmark::State& state, const std::string& kind, bool with_log) {
  Bytes quote, log;
  tpm::TpmInputs in;
  Bytes pcrs;
  if (!Load(state, "quote_" + kind + ".msg", &quote) ||
      !Load(state, "quote_" + kind + ".sig", &in.signature) ||
      !Load(state, "ak_" + kind + ".pub", &in.ak) || !Load(state, "quote_" + kind + ".pcrs", &pcrs)) {
    return;
  }
  in.pcr_file = pcrs;
  in.nonce = Bytes{'S', 't', 'e', 'e', 'r', 'i', 'n', 'g', '-', 't', 'p', 'm', '-', 'q', 'u', 'o',
                   't', 'e', '-', 'n', 'o', 'n', 'c', 'e', '-', '0', '0', '0', '0', '0', '0', '1'};
  if (with_log) {
    if (!Load(state, "replayed_event_log.bin", &log)) return;
    in.event_log = log;
  }
  tpm::TpmVerifier verifier;
  for (auto _ : state) {
    Verification v = verifier.Verify(quote, in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}

void BM_TpmVerifyRsa(benchmark::State& state) { VerifyLoop(state, "rsa", false); }
BENCHMARK(BM_TpmVerifyRsa);
void BM_TpmVerifyEcc(benchmark::State& state) { VerifyLoop(state, "ecc", false); }
BENCHMARK(BM_TpmVerifyEcc);
void BM_TpmVerifyRsaWithLog(benchmark::State& state) { VerifyLoop(state, "rsa", true); }
BENCHMARK(BM_TpmVerifyRsaWithLog);

}  // namespace
}  // namespace veritee
