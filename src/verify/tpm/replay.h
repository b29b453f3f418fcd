// Replaying a TCG PC Client event log to PCR values.
//
// Follows the TCG PC Client Platform Firmware Profile 1.06: 3.3.4 (PCR initial values: 0
// for PCRs 0-16 and 23, all 0xFF for the dynamic PCRs 17-22; PCR 0 starts at the locality
// byte 00..0L when a StartupLocality event is logged, 10.4.5.3), and the extend rule of
// TPM 2.0 Part 1, 17.2: PCR_new = H(PCR_old || digest), per bank, in log order.
// EV_NO_ACTION events are never extended. A bank whose hash OpenSSL does not provide is
// left out and named in `unsupported_banks`.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "parse/tpm/event_log.h"
#include "parse/tpm/pcr_values.h"

namespace veritee::tpm {

struct ReplayResult {
  PcrMap pcrs;                                      // every PCR an event extended
  std::map<AlgId, std::map<uint32_t, size_t>> extends;  // events per bank and PCR
  std::vector<AlgId> unsupported_banks;
};

Result<ReplayResult> ReplayEventLog(const EventLog& log);

// The value of `pcr` in bank `alg` before any extend (locality: StartupLocality, if any).
Bytes InitialPcrValue(AlgId alg, uint32_t pcr, std::optional<uint8_t> locality);

}  // namespace veritee::tpm
