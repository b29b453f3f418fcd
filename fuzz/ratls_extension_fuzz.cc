// Fuzz target: the RA-TLS certificate extensions (src/ratls/extension.h), which arrive from
// the network in every handshake with an RA-TLS peer, and the NSM response decoder.
//
// The first byte picks the decoder. Beyond "does not crash": whatever the evidence decoder
// accepts re-encodes with our writer into bytes that decode to the same value, and
// accepted sizes respect the documented bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "attest/nsm.h"
#include "ratls/extension.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  if (size == 0) return 0;
  const ByteSpan input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto ext = ratls::DecodeEvidenceExtension(input);
      if (!ext) return 0;
      if (ext->evidence.empty() || ext->evidence.size() > ratls::kMaxEvidenceSize) std::abort();
      if (ext->nonce && ext->nonce->size() > ratls::kMaxNonceSize) std::abort();
      auto again = ratls::DecodeEvidenceExtension(ratls::EncodeEvidenceExtension(*ext));
      if (!again || !(*again == *ext)) std::abort();
      break;
    }
    case 1: {
      auto certs = ratls::DecodeEndorsementsExtension(input, ratls::kTagSevSnpReport);
      if (!certs) return 0;
      if (certs->size() > ratls::kMaxEndorsements) std::abort();
      auto again = ratls::DecodeEndorsementsExtension(
          ratls::EncodeEndorsementsExtension(ratls::kTagSevSnpReport, *certs),
          ratls::kTagSevSnpReport);
      if (!again || *again != *certs) std::abort();
      break;
    }
    default: {
      auto doc = attest::nsm::DecodeAttestationResponse(input);
      if (!doc) return 0;
      auto again =
          attest::nsm::DecodeAttestationResponse(attest::nsm::EncodeAttestationResponse(*doc));
      if (!again || *again != *doc) std::abort();
      break;
    }
  }
  return 0;
}
