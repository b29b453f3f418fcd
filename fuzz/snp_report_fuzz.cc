// Fuzz target: the SEV-SNP ATTESTATION_REPORT parser (src/parse/snp/report.h).
//
// Beyond "does not crash": whatever ParseReport accepts must be written back byte-for-byte
// by WriteReport (every byte of an accepted report is either a field or a checked-zero
// reserved byte), and turning it into claims must not throw, for every product layout.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "parse/snp/report.h"
#include "parse/snp/report_claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::snp;
  const ByteSpan input(data, size);
  auto report = ParseReport(input);
  if (!report) return 0;

  const Bytes written = WriteReport(*report);
  if (written.size() != input.size()) std::abort();
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] != input[i]) std::abort();
  }
  if (SignedPart(input).size() != kSignedSize) std::abort();

  try {
    for (Product p : {Product::kUnknown, Product::kMilan, Product::kGenoa, Product::kTurin,
                      ProductFromReport(*report)}) {
      const std::string text = ReportClaims(*report, p).dump();
      if (text.empty()) std::abort();
    }
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
