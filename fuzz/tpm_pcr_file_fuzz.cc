// Fuzz target: the tpm2-tools PCR values file (src/parse/tpm/pcr_values.h): accepted input
// round-trips byte for byte, has one digest per selected PCR, and its map has them all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "parse/tpm/pcr_values.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::tpm;
  auto values = ParsePcrFile(ByteSpan(data, size));
  if (!values) return 0;
  if (values->digests.size() != values->selection.PcrCount()) std::abort();
  const Bytes written = WritePcrFile(*values);
  if (written.size() != size) std::abort();
  for (size_t i = 0; i < size; ++i) {
    if (written[i] != data[i]) std::abort();
  }
  auto selected = SelectPcrs(values->ToMap(), values->selection);
  if (!selected || selected->digests != values->digests) std::abort();
  return 0;
}
