// Fuzz target: the SEV-SNP certificate table parser (src/parse/snp/cert_table.h).
//
// Beyond "does not crash": every accepted entry's data lies inside the input, after the
// entry list, and rewriting the accepted entries with our writer parses back to the same
// GUIDs and bytes. (The input itself need not round-trip: it may have gaps or padding.)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include "parse/snp/cert_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::snp;
  const ByteSpan input(data, size);
  auto entries = ParseCertTable(input);
  if (LooksLikeCertTable(input) != (entries && !entries->empty())) std::abort();
  if (!entries) return 0;
  if (entries->size() > kMaxCertTableEntries) std::abort();

  const size_t header = (entries->size() + 1) * kCertTableEntrySize;
  std::vector<std::pair<Guid, Bytes>> rewrite;
  for (const CertTableEntry& e : *entries) {
    const uint8_t* begin = e.data.data();
    if (begin < data + header || begin + e.data.size() > data + size) std::abort();
    if (e.kind != CertKindFromGuid(e.guid)) std::abort();
    rewrite.emplace_back(e.guid, Bytes(e.data.begin(), e.data.end()));
  }

  const Bytes again = WriteCertTableWithGuids(rewrite);
  auto reparsed = ParseCertTable(again);
  if (!reparsed || reparsed->size() != entries->size()) std::abort();
  for (size_t i = 0; i < entries->size(); ++i) {
    const CertTableEntry& a = (*entries)[i];
    const CertTableEntry& b = (*reparsed)[i];
    if (a.guid != b.guid ||
        !std::equal(a.data.begin(), a.data.end(), b.data.begin(), b.data.end())) {
      std::abort();
    }
  }
  return 0;
}
