// Fuzz target: the DCAP collateral parsers — PCS response slicing (SliceSignedBody), TCB
// Info and QE Identity bodies, the dcap-qvl collateral bundle, and the PCK certificate's
// SGX extension (src/parse/dcap/collateral.h, pck_extensions.h, src/trust/dcap_collateral.h).
//
// Beyond "does not crash": a sliced body is a substring of the input; whatever parses
// re-parses to the same struct after writing (the writers are the simulator's); the SGX
// extension writer round-trips what the parser accepts when its encoding is canonical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "parse/dcap/collateral.h"
#include "parse/dcap/pck_extensions.h"
#include "trust/dcap_collateral.h"

namespace {

void CheckTcbInfo(std::string_view body) {
  using namespace veritee::dcap;
  auto info = ParseTcbInfo(body);
  if (!info) return;
  auto again = ParseTcbInfo(WriteTcbInfo(*info));
  if (!again) std::abort();
  if (WriteTcbInfo(*again) != WriteTcbInfo(*info)) std::abort();
}

void CheckQeIdentity(std::string_view body) {
  using namespace veritee::dcap;
  auto qe = ParseQeIdentity(body);
  if (!qe) return;
  auto again = ParseQeIdentity(WriteQeIdentity(*qe));
  if (!again) std::abort();
  if (WriteQeIdentity(*again) != WriteQeIdentity(*qe)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::dcap;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (std::string_view key : {"tcbInfo", "enclaveIdentity"}) {
      auto sliced = SliceSignedBody(text, key);
      if (sliced) {
        if (sliced->body.data() < text.data() ||
            sliced->body.data() + sliced->body.size() > text.data() + text.size()) {
          std::abort();
        }
        CheckTcbInfo(sliced->body);
        CheckQeIdentity(sliced->body);
      }
    }
    CheckTcbInfo(text);
    CheckQeIdentity(text);
    (void)trust::ParseCollateralBundle(text);
    auto ext = ParsePckExtensions(ByteSpan(data, size));
    if (ext) {
      auto again = ParsePckExtensions(WritePckExtensions(*ext));
      if (!again || !(*again == *ext)) std::abort();
    }
  } catch (const std::exception&) {
    std::abort();  // our parsers must not throw (nlohmann is used without exceptions)
  }
  return 0;
}
