#include "attest/sim/snp_attester.h"

#include <filesystem>

namespace veritee::sim {

Result<std::unique_ptr<SnpSimAttester>> SnpSimAttester::Open(const std::string& dir,
                                                             const SnpAttesterOptions& o,
                                                             UnixTime now) {
  std::error_code ec;
  std::optional<SnpSimulator> s;
  if (std::filesystem::exists(dir + "/keys/ark.key.pem", ec)) {
    VT_ASSIGN_OR_RETURN(auto loaded, SnpSimulator::Load(dir));
    s = std::move(loaded);
  } else {
    std::filesystem::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), dir);
    VT_ASSIGN_OR_RETURN(auto created, SnpSimulator::Create(o.product, now, o.rsa_bits));
    VT_RETURN_IF_ERROR(created.Save(dir));
    s = std::move(created);
  }
  const snp::Product product = s->product();
  snp::TcbParts tcb{product == snp::Product::kTurin ? std::optional<uint8_t>(1) : std::nullopt,
                    4, 0, 24, 219};
  SnpVekSpec spec;
  for (size_t i = 0; i < (product == snp::Product::kTurin ? 8u : 64u); ++i) {
    spec.chip_id[i] = static_cast<uint8_t>(0x11 * (i % 15 + 1));
  }
  spec.tcb = tcb;
  VT_ASSIGN_OR_RETURN(SnpVek vek, s->IssueVek(spec));
  auto a = std::unique_ptr<SnpSimAttester>(
      new SnpSimAttester(dir, std::move(*s), std::move(vek), tcb, o));
  const std::string pem = a->vek_.cert.ToPem() + a->simulator_.ask().ToPem();
  a->chain_pem_.assign(pem.begin(), pem.end());
  return a;
}

Result<attest::Evidence> SnpSimAttester::Attest(const attest::ReportData& report_data) {
  snp::Report r = simulator_.DefaultReport(5, tcb_);
  r.policy = options_.policy;
  r.report_data = report_data;
  if (options_.custom_measurement) {
    r.measurement = options_.measurement;
  } else {
    for (size_t i = 0; i < r.measurement.size(); ++i) {
      r.measurement[i] = static_cast<uint8_t>(0xa0 + i);
    }
  }
  if (simulator_.product() != snp::Product::kTurin) {
    for (size_t i = 0; i < 64; ++i) r.chip_id[i] = static_cast<uint8_t>(0x11 * (i % 15 + 1));
  } else {
    for (size_t i = 0; i < 8; ++i) r.chip_id[i] = static_cast<uint8_t>(0x11 * (i % 15 + 1));
  }
  attest::Evidence e;
  e.tee = "sev-snp";
  e.source = "simulator";
  e.simulated = true;
  VT_ASSIGN_OR_RETURN(e.evidence, simulator_.Sign(r, vek_));
  e.endorsements = chain_pem_;
  return e;
}

}  // namespace veritee::sim
