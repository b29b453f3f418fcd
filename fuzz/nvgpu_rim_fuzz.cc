// Fuzz target: the NVIDIA RIM parser (src/parse/nvgpu/rim.h): libxml2 with no network and
// no DTD, then the strict SWID/XML-DSig structure walk. Whatever parses must have at least
// one measurement, unique indices, and exactly `alternatives` 48-byte golden values each.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "parse/nvgpu/rim.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::nvgpu;
  auto rim = ParseRim(ByteSpan(data, size));
  if (!rim) return 0;
  if (rim->measurements.empty()) std::abort();
  std::set<uint32_t> seen;
  for (const RimMeasurement& m : rim->measurements) {
    if (!seen.insert(m.index).second || m.alternatives.empty() ||
        m.alternatives.size() > kMaxRimAlternatives) {
      std::abort();
    }
  }
  (void)IsVbiosVersion(rim->colloquial_version);
  return 0;
}
