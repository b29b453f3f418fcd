// The SEV-SNP simulator as an Attester: reports signed by the simulator PKI of a folder
// (created on first use, as `veritee sim snp` does), with the caller's report data.
//
// The evidence carries the VCEK and the ASK/ARK chain as PEM endorsements and says
// simulated = true; it verifies only when the folder's ark.pem is passed as a trust root.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "attest/attester.h"
#include "attest/sim/snp_sim.h"

namespace veritee::sim {

struct SnpAttesterOptions {
  snp::Product product = snp::Product::kGenoa;
  std::array<uint8_t, 48> measurement{};  // default: a0 a1 a2 ... (as `veritee sim snp`)
  bool custom_measurement = false;
  int rsa_bits = 4096;
  uint64_t policy = 0x30000;
};

class SnpSimAttester final : public attest::Attester {
 public:
  static Result<std::unique_ptr<SnpSimAttester>> Open(const std::string& dir,
                                                       const SnpAttesterOptions& options,
                                                       UnixTime now);
  std::string_view name() const override { return "simulator"; }
  Result<attest::Evidence> Attest(const attest::ReportData& report_data) override;
  const SnpSimulator& simulator() const { return simulator_; }
  std::string ark_path() const { return dir_ + "/ark.pem"; }

 private:
  SnpSimAttester(std::string dir, SnpSimulator s, SnpVek vek, snp::TcbParts tcb,
                 SnpAttesterOptions o)
      : dir_(std::move(dir)), simulator_(std::move(s)), vek_(std::move(vek)), tcb_(tcb),
        options_(o) {}
  std::string dir_;
  SnpSimulator simulator_;
  SnpVek vek_;
  snp::TcbParts tcb_;
  SnpAttesterOptions options_;
  Bytes chain_pem_;
};

}  // namespace veritee::sim
