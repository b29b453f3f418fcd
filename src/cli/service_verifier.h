// The evidence verifier of `veritee serve`: the FormatHandler registry (cli/format.h)
// behind the key broker's EvidenceVerifier interface (kbs/broker.h), so the service
// verifies every TEE the command line does, with the same code and options.
//
// The server's configuration supplies what a command line would: extra trust roots
// (simulator roots, never built in), CRLs, the collateral folder (DCAP), the verification
// policy file and the DCAP TCB statuses to allow. The certificates come with each request.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kbs/broker.h"

namespace veritee::cli {

struct ServiceVerifierOptions {
  std::vector<std::string> trust_roots, crls;
  std::string collateral, policy, allow_tcb_status;
};

Result<kbs::EvidenceVerifier> MakeServiceVerifier(const ServiceVerifierOptions& options);

}  // namespace veritee::cli
