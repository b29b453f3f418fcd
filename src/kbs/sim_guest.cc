#include "kbs/sim_guest.h"

#include <filesystem>

#include "base/encoding.h"
#include "trust/dcap_collateral.h"

namespace veritee::kbs {

struct SnpSimGuest::State {
  sim::SnpSimulator simulator;
  sim::SnpVek vek;
  snp::Report base;
  std::string vek_pem, chain_pem;
};

Result<SnpSimGuest> SnpSimGuest::Open(const std::string& dir, const SimGuestOptions& options,
                                      UnixTime now) {
  if (std::filesystem::exists(dir + "/keys/ark.key.pem")) {
    VT_ASSIGN_OR_RETURN(auto simulator, sim::SnpSimulator::Load(dir));
    return FromSimulator(std::move(simulator), options);
  }
  VT_ASSIGN_OR_RETURN(auto simulator, sim::SnpSimulator::Create(snp::Product::kGenoa, now));
  VT_RETURN_IF_ERROR(simulator.Save(dir));
  return FromSimulator(std::move(simulator), options);
}

Result<SnpSimGuest> SnpSimGuest::FromSimulator(sim::SnpSimulator simulator,
                                               const SimGuestOptions& options) {
  auto state = std::make_shared<State>();
  const snp::Product product = simulator.product();
  const bool turin = product == snp::Product::kTurin;
  snp::TcbParts tcb{turin ? std::optional<uint8_t>(1) : std::nullopt, 4, 0, 24, 219};
  snp::Report r = simulator.DefaultReport(options.version, tcb);
  if (options.debug) r.policy |= uint64_t{1} << 19;
  if (options.measurement) {
    if (options.measurement->size() != r.measurement.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "a measurement is 48 bytes", "measurement");
    }
    std::copy(options.measurement->begin(), options.measurement->end(), r.measurement.begin());
  } else {
    for (size_t i = 0; i < r.measurement.size(); ++i) {
      r.measurement[i] = static_cast<uint8_t>(0xa0 + i);
    }
  }
  for (size_t i = 0; i < (turin ? 8u : 64u); ++i) {
    r.chip_id[i] = static_cast<uint8_t>(0x11 * (i % 15 + 1));
  }
  sim::SnpVekSpec spec;
  spec.chip_id = r.chip_id;
  spec.tcb = tcb;
  VT_ASSIGN_OR_RETURN(state->vek, simulator.IssueVek(spec));
  state->vek_pem = state->vek.cert.ToPem();
  state->chain_pem = simulator.ask().ToPem() + simulator.ark().ToPem();
  state->base = r;
  state->simulator = std::move(simulator);
  return SnpSimGuest(std::move(state));
}

Result<nlohmann::json> SnpSimGuest::Evidence(ByteSpan report_data) const {
  if (report_data.size() != 64) {
    return MakeError(ErrorCode::kInvalidArgument, "report data is 64 bytes");
  }
  snp::Report r = state_->base;
  std::copy(report_data.begin(), report_data.end(), r.report_data.begin());
  VT_ASSIGN_OR_RETURN(Bytes report, state_->simulator.Sign(r, state_->vek));
  return nlohmann::json{{"evidence", ToBase64(report)},
                        {"certificates", {state_->vek_pem, state_->chain_pem}}};
}

GuestEvidence SnpSimGuest::AsFunction() const {
  return [guest = *this](ByteSpan report_data) { return guest.Evidence(report_data); };
}

std::string SnpSimGuest::ArkPem() const { return state_->simulator.ark().ToPem(); }

std::string SnpSimGuest::measurement_hex() const { return ToHex(state_->base.measurement); }

struct TdxSimGuest::State {
  sim::DcapSimulator simulator;
  sim::DcapQuoteSpec spec;
  sim::DcapPlatformSpec platform;
};

Result<TdxSimGuest> TdxSimGuest::Open(const std::string& dir, bool debug, UnixTime now) {
  auto state = std::make_shared<State>();
  if (std::filesystem::exists(dir + "/keys/tcb_signing.key.pem")) {
    VT_ASSIGN_OR_RETURN(state->simulator, sim::DcapSimulator::Load(dir));
  } else {
    VT_ASSIGN_OR_RETURN(state->simulator, sim::DcapSimulator::Create(now));
    VT_RETURN_IF_ERROR(state->simulator.Save(dir));
  }
  state->spec.tdx = true;
  for (size_t i = 0; i < 48; ++i) state->spec.mr_td[i] = static_cast<uint8_t>(0x70 + i);
  if (debug) state->spec.td_attributes |= 1;  // TUD.DEBUG
  if (!std::filesystem::exists(dir + "/tcb_info.json")) {
    VT_ASSIGN_OR_RETURN(sim::DcapEvidence ev,
                        state->simulator.Make(state->spec, state->platform, sim::DcapFault::kNone, now));
    VT_RETURN_IF_ERROR(trust::SaveCollateralFolder(ev.collateral, dir));
  }
  return TdxSimGuest(std::move(state));
}

Result<nlohmann::json> TdxSimGuest::Evidence(ByteSpan report_data) const {
  if (report_data.size() != 64) return MakeError(ErrorCode::kInvalidArgument, "report data is 64 bytes");
  sim::DcapQuoteSpec spec = state_->spec;
  std::copy(report_data.begin(), report_data.end(), spec.report_data.begin());
  VT_ASSIGN_OR_RETURN(sim::DcapEvidence ev, state_->simulator.Make(spec, state_->platform, sim::DcapFault::kNone,
                                                                   SystemClock().Now()));
  return nlohmann::json{{"evidence", ToBase64(ev.quote)}};
}

GuestEvidence TdxSimGuest::AsFunction() const {
  return [guest = *this](ByteSpan report_data) { return guest.Evidence(report_data); };
}

std::string TdxSimGuest::mr_td_hex() const { return ToHex(state_->spec.mr_td); }

}  // namespace veritee::kbs
