// A simulated confidential guest for the key broker: evidence from the SEV-SNP simulator
// (attest/sim/snp_sim.h) whose REPORT_DATA carries what the guest must bind, wrapped as
// veritee's KBS tee-evidence ({"evidence": base64, "certificates": [VCEK, ASK, ARK PEM]}).
// Used by `veritee kbs get-resource --sim DIR`, the tests, the demo and the load benchmark.
// Its evidence verifies only against the simulator's ARK, passed to the service explicitly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "attest/sim/dcap_sim.h"
#include "attest/sim/snp_sim.h"
#include "base/bytes.h"

namespace veritee::kbs {

// Produces the tee-evidence member for 64 bytes of report data.
using GuestEvidence = std::function<Result<nlohmann::json>(ByteSpan report_data)>;

struct SimGuestOptions {
  bool debug = false;                 // set POLICY.DEBUG (a guest the verifier must refuse)
  std::optional<Bytes> measurement;   // default: bytes 0xa0, 0xa1, ... (as `veritee sim snp`)
  uint32_t version = 5;
};

class SnpSimGuest {
 public:
  // The simulator PKI saved by `veritee sim snp --out DIR` (created there when absent).
  static Result<SnpSimGuest> Open(const std::string& dir, const SimGuestOptions& options,
                                  UnixTime now);
  static Result<SnpSimGuest> FromSimulator(sim::SnpSimulator simulator,
                                           const SimGuestOptions& options);
  Result<nlohmann::json> Evidence(ByteSpan report_data) const;
  GuestEvidence AsFunction() const;
  std::string ArkPem() const;
  std::string measurement_hex() const;

 private:
  struct State;
  explicit SnpSimGuest(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

// A simulated Intel TDX guest: quotes from the DCAP simulator (attest/sim/dcap_sim.h) with
// the report data to bind, as {"evidence": base64 of the quote} (the PCK chain travels in
// the quote). Open() also writes the simulator's collateral folder and root.pem into DIR,
// which the service takes as --collateral DIR --trust-root DIR/root.pem.
class TdxSimGuest {
 public:
  static Result<TdxSimGuest> Open(const std::string& dir, bool debug, UnixTime now);
  Result<nlohmann::json> Evidence(ByteSpan report_data) const;
  GuestEvidence AsFunction() const;
  std::string mr_td_hex() const;

 private:
  struct State;
  explicit TdxSimGuest(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace veritee::kbs
