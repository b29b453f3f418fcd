// Fuzz target: the TPMT_SIGNATURE parser (src/parse/tpm/signature.h): accepted input
// round-trips byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "parse/tpm/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::tpm;
  auto sig = ParseSignature(ByteSpan(data, size));
  if (!sig) return 0;
  const Bytes written = WriteSignature(*sig);
  if (written.size() != size) std::abort();
  for (size_t i = 0; i < size; ++i) {
    if (written[i] != data[i]) std::abort();
  }
  if (DescribeSignature(*sig).empty()) std::abort();
  return 0;
}
