// Fuzz target: the NVIDIA GPU attestation report parser (src/parse/nvgpu/spdm.h), the
// opaque-data decoder (opaque.h) and the claims built from them (claims.h).
//
// Beyond "does not crash": whatever ParseAttestationReport accepts must be written back
// byte-for-byte by WriteAttestationReport (every byte is a field or a checked length), the
// signed part and the signature must split the input exactly, and decoded opaque data must
// survive EncodeOpaque/DecodeOpaque unchanged. Claims must not throw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "parse/nvgpu/claims.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/spdm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::nvgpu;
  const ByteSpan input(data, size);
  auto report = ParseAttestationReport(input);
  if (!report) return 0;

  const Bytes written = WriteAttestationReport(*report);
  if (written.size() != input.size()) std::abort();
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] != input[i]) std::abort();
  }
  if (SignedPart(input).size() + SignatureOf(input).size() != input.size()) std::abort();

  auto opaque = DecodeOpaque(report->response.opaque);
  if (!opaque) return 0;
  auto again = DecodeOpaque(EncodeOpaque(*opaque));
  if (!again || !(*again == *opaque)) std::abort();
  try {
    if (ReportClaims(*report, *opaque).dump().empty()) std::abort();
    if (InspectReport(*report, *opaque).dump().empty()) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
