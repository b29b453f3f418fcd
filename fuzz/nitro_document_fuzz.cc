// Fuzz target: the AWS Nitro Enclaves COSE_Sign1 and attestation-document parsers
// (src/parse/nitro/, libcbor's streaming decoder underneath).
//
// Beyond "does not crash": whatever the parsers accept must survive a structural round trip
// through the writers (parse(write(x)) == x, for the envelope and for the document), the
// Sig_structure must be buildable, and the claims must serialise without throwing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "parse/nitro/claims.h"
#include "parse/nitro/cose.h"
#include "parse/nitro/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::nitro;
  const ByteSpan input(data, size);
  (void)LooksLikeNitroDocument(input);
  auto cose = ParseCoseSign1(input);
  // The payload parser also sees the raw input, so the corpus exercises it directly.
  auto direct = ParseDocument(input);
  if (direct) {
    auto again = ParseDocument(WriteDocument(*direct));
    if (!again || !(*again == *direct)) std::abort();
  }
  if (!cose) return 0;
  auto cose_again = ParseCoseSign1(WriteCoseSign1(*cose));
  if (!cose_again || !(*cose_again == *cose)) std::abort();
  if (SigStructure(cose->protected_header, cose->payload).size() <
      cose->protected_header.size() + cose->payload.size()) {
    std::abort();
  }
  auto doc = ParseDocument(cose->payload);
  if (!doc) return 0;
  auto doc_again = ParseDocument(WriteDocument(*doc));
  if (!doc_again || !(*doc_again == *doc)) std::abort();
  try {
    if (DocumentClaims(*doc).dump().empty()) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
