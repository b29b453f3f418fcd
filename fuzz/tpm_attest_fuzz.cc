// Fuzz target: the TPMS_ATTEST parser (src/parse/tpm/attest.h).
//
// Whatever ParseAttest accepts must be written back byte for byte by WriteAttest (every byte
// is a field; no slack), and its PCR selection must list only PCRs its bitmaps select.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "parse/tpm/attest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::tpm;
  const ByteSpan input(data, size);
  auto attest = ParseAttest(input);
  if (!attest) return 0;
  if (!LooksLikeAttest(input)) std::abort();
  const Bytes written = WriteAttest(*attest);
  if (written.size() != size) std::abort();
  for (size_t i = 0; i < size; ++i) {
    if (written[i] != data[i]) std::abort();
  }
  for (const PcrBank& bank : attest->quote.pcr_select.banks) {
    for (uint32_t index : bank.Indices()) {
      if (index >= 8 * bank.select.size()) std::abort();
    }
  }
  return 0;
}
