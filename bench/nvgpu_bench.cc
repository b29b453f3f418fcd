// NVIDIA GPU verification throughput, beside the primitive that bounds it.
//
//   BM_RawEcdsaP384Verify       one EVP_PKEY_verify with a reused context (= openssl speed)
//   BM_NvgpuParse               ParseAttestationReport + DecodeOpaque of a real H100 report
//   BM_NvgpuVerify              the whole verification of the real H100 545.00 report
//                               (signature and chain; chain cached), no RIMs
//   BM_NvgpuVerifyWithRims      the same with its driver and VBIOS RIMs (RIM signatures and
//                               chains cached by file digest; validity and the comparison of
//                               32 golden measurements run every time)
//   BM_NvgpuRimXmlDsig          one uncached RIM: libxml2 parse + xmlsec1 XML-DSig verify
//   BM_NvgpuBundle8             the 8-GPU HGX evidence bundle (8 signatures per iteration)
// The real files are read from ../shared/testdata/nvidia (skipped when absent).
#include <benchmark/benchmark.h>

#include "base/encoding.h"
#include "base/file.h"
#include "base/time.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/rim.h"
#include "parse/nvgpu/spdm.h"
#include "raw_signature.h"
#include "verify/nvgpu/verifier.h"
#include "verify/nvgpu/xmldsig.h"

namespace veritee {
namespace {

constexpr char kDir[] = VERITEE_SHARED_DIR "/testdata/nvidia/";

Result<Bytes> Read(const std::string& name) { return ReadFile(std::string(kDir) + name); }

void BM_NvgpuRawEcdsaP384Verify(benchmark::State& state) {
  RawSignatureVerify(state, RawSignature::kEcdsaP384);
}
BENCHMARK(BM_NvgpuRawEcdsaP384Verify);

struct Real {
  Bytes report;
  nvgpu::VerifyInputs in;
};

std::optional<Real> Load(bool rims) {
  auto hex = Read("h100_545.00_report.hex");
  auto chain = Read("h100_545.00_chain.pem");
  if (!hex || !chain) return std::nullopt;
  Real r;
  r.report = DecodeEvidenceText(*hex);
  r.in.at = *ParseTime("2024-06-01T00:00:00Z");
  r.in.certs = *ParseCertificates(*chain);
  r.in.validation.expect["nonce"] =
      *FromHex("4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e");
  if (rims) {
    for (const char* f : {"rim_driver_545.00_test_no_gpu.swidtag",
                          "rim_vbios_1010_0200_882_96005E0001_test_no_gpu.swidtag"}) {
      auto xml = Read(f);
      if (!xml) return std::nullopt;
      r.in.rims.push_back({f, *xml});
    }
  }
  return r;
}

void BM_NvgpuParse(benchmark::State& state) {
  auto r = Load(false);
  if (!r) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  for (auto _ : state) {
    auto p = nvgpu::ParseAttestationReport(r->report);
    auto o = nvgpu::DecodeOpaque(p->response.opaque);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_NvgpuParse);

void VerifyLoop(benchmark::State& state, bool rims) {
  auto r = Load(rims);
  if (!r) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  nvgpu::NvgpuVerifier verifier;
  for (auto _ : state) {
    Verification v = verifier.Verify(r->report, r->in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}
void BM_NvgpuVerify(benchmark::State& state) { VerifyLoop(state, false); }
void BM_NvgpuVerifyWithRims(benchmark::State& state) { VerifyLoop(state, true); }
BENCHMARK(BM_NvgpuVerify);
BENCHMARK(BM_NvgpuVerifyWithRims);

void BM_NvgpuRimXmlDsig(benchmark::State& state) {
  auto xml = Read("rim_driver_545.00_test_no_gpu.swidtag");
  if (!xml) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  auto rim = nvgpu::ParseRim(*xml);
  auto leaf = Certificate::FromDer(rim->signature.certificates.at(0));
  for (auto _ : state) {
    auto doc = nvgpu::ParseXmlDocument(*xml);
    auto st = nvgpu::VerifyRimXmlSignature(doc->get(), rim->signature, leaf->PublicKey());
    if (!st) {
      state.SkipWithError(st.error().ToString().c_str());
      return;
    }
  }
}
BENCHMARK(BM_NvgpuRimXmlDsig);

void BM_NvgpuBundle8(benchmark::State& state) {
  auto json = Read("hgx8_h100_590.12_evidence.json");
  if (!json) {
    state.SkipWithError("../shared/testdata not found");
    return;
  }
  nvgpu::NvgpuVerifier verifier;
  nvgpu::VerifyInputs in;
  in.at = *ParseTime("2026-11-21T00:00:00Z");
  for (auto _ : state) {
    Verification v = verifier.VerifyBundle(*json, in);
    if (!v.accepted()) {
      state.SkipWithError(v.reason().c_str());
      return;
    }
  }
}
BENCHMARK(BM_NvgpuBundle8);

}  // namespace
}  // namespace veritee
