#include "verify/tpm/replay.h"

#include <algorithm>

#include "verify/tpm/tpm_crypto.h"

namespace veritee::tpm {

Bytes InitialPcrValue(AlgId alg, uint32_t pcr, std::optional<uint8_t> locality) {
  const size_t size = HashSize(alg).value_or(0);
  if (pcr >= 17 && pcr <= 22) return Bytes(size, 0xFF);
  Bytes v(size, 0);
  if (pcr == 0 && locality && size > 0) v.back() = *locality;
  return v;
}

Result<ReplayResult> ReplayEventLog(const EventLog& log) {
  ReplayResult out;
  std::vector<AlgId> banks;
  for (AlgId alg : log.Banks()) {
    if (TpmHashSupported(alg) && HashSize(alg)) {
      banks.push_back(alg);
    } else {
      out.unsupported_banks.push_back(alg);
    }
  }
  for (size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    if (e.type == kEvNoAction) continue;
    for (AlgId alg : banks) {
      const EventDigest* d = e.DigestFor(alg);
      if (d == nullptr) {
        return MakeError(ErrorCode::kMalformed, "event has no " + AlgName(alg) + " digest",
                         "event " + std::to_string(i), e.offset);
      }
      auto& bank = out.pcrs[alg];
      auto it = bank.find(e.pcr);
      if (it == bank.end()) {
        it = bank.emplace(e.pcr, InitialPcrValue(alg, e.pcr, log.startup_locality)).first;
      }
      VT_ASSIGN_OR_RETURN(it->second, TpmHash2(alg, it->second, d->digest));
      ++out.extends[alg][e.pcr];
    }
  }
  return out;
}

}  // namespace veritee::tpm
