// Fuzz target: the KBS request decoders (kbs/protocol.h), the network entry points of
// POST /kbs/v0/auth and POST /kbs/v0/attest. The first byte picks the decoder.
//
// Beyond "does not crash" (and no exception escapes: nlohmann::json is used without
// exceptions): an Attestation that decodes has a valid JWK, its canonical runtime data is
// canonical (re-parsing and re-serialising it is the identity), and the report data made
// for it binds it while the same report data with one bit flipped does not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "kbs/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::kbs;
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] % 2 == 0) {
      auto r = ParseAuthRequest(body);
      if (r && TeeFromKbs(r->tee).empty() && (r->tee == "snp" || r->tee == "tdx")) std::abort();
      return 0;
    }
    auto a = ParseAttestationRequest(body);
    if (!a) return 0;
    if (!ValidateJwk(a->tee_pubkey)) std::abort();
    auto again = ParseUntrustedJson(a->runtime_data_canonical);
    if (!again || CanonicalJson(*again) != a->runtime_data_canonical) std::abort();
    Bytes rd = ReportDataFor(a->runtime_data_canonical);
    if (ReportDataBinding(rd, a->runtime_data_canonical) != "sha384") std::abort();
    rd[size % 48] ^= 1;
    if (!ReportDataBinding(rd, a->runtime_data_canonical).empty()) std::abort();
    if (a->evidence.evidence.empty() || a->evidence.evidence.size() > kMaxEvidenceBytes) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
