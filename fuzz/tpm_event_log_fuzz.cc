// Fuzz target: TCG PC Client event logs (src/parse/tpm/event_log.h), the event-data decoders
// (event_data.h) and the replay (src/verify/tpm/replay.h).
//
// An accepted log round-trips byte for byte; decoding every event and the boot summary
// never throws; the replay succeeds and extends only PCRs 0-23.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "parse/tpm/event_data.h"
#include "parse/tpm/event_log.h"
#include "verify/tpm/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::tpm;
  const ByteSpan input(data, size);
  auto log = ParseEventLog(input);
  if (!log) return 0;
  const Bytes written = WriteEventLog(*log);
  if (written.size() != size) std::abort();
  for (size_t i = 0; i < size; ++i) {
    if (written[i] != data[i]) std::abort();
  }
  try {
    for (const Event& e : log->events) {
      if (DecodeEvent(e).dump().empty()) std::abort();
    }
    if (BootSummary(*log).dump().empty()) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  auto replay = ReplayEventLog(*log);
  if (!replay) std::abort();
  for (const auto& [bank, pcrs] : replay->pcrs) {
    for (const auto& [index, value] : pcrs) {
      if (index > kMaxLogPcr || value.empty()) std::abort();
    }
  }
  return 0;
}
