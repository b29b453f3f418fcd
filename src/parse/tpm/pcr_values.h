// PCR values as tpm2-tools writes them (`tpm2_quote -o FILE`, read by `tpm2_checkquote -f`),
// parsed and written; and the plain concatenation of digests ("values" format).
//
// The tpm2-tools file is a memory image of the TSS2 C structures on a little-endian
// machine (tpm2-tools lib/pcr.c, pcr_fwrite): a TPML_PCR_SELECTION of 132 bytes (u32
// count, then 16 slots of TPMS_PCR_SELECTION: u16 hash, u8 sizeofSelect, u8 pcrSelect[4],
// one byte of padding), a u32 count of TPML_DIGEST lists, then each TPML_DIGEST of 532
// bytes (u32 count, then 8 slots of TPM2B_DIGEST: u16 size, u8 buffer[64]). The digests
// follow the selection: banks in order, PCR indices ascending, 8 to a list. Integers are
// little-endian here, unlike in TPM structures. Unused slots, padding and the bytes of a
// buffer beyond its size must be zero; each digest has its bank's size.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/bytes.h"
#include "parse/tpm/attest.h"

namespace veritee::tpm {

inline constexpr size_t kPcrFileSelectionSize = 4 + 16 * 8;   // 132
inline constexpr size_t kPcrFileDigestListSize = 4 + 8 * 66;  // 532

// PCR values by bank and index.
using PcrMap = std::map<AlgId, std::map<uint32_t, Bytes>>;

struct PcrValues {
  PcrSelection selection;
  std::vector<Bytes> digests;  // in selection order

  PcrMap ToMap() const;
  bool operator==(const PcrValues&) const = default;
};

// The tpm2-tools binary format.
Result<PcrValues> ParsePcrFile(ByteSpan bytes);
Bytes WritePcrFile(const PcrValues& values);

// The concatenated digests of `selection`, in its order (tpm2-tools "values" format).
// kMalformed when the size is not exactly the sum of the selected digest sizes.
Result<PcrValues> ParseConcatenatedPcrs(ByteSpan bytes, const PcrSelection& selection);

// The values of `selection` taken from `map`; kMismatch naming the first missing PCR.
Result<PcrValues> SelectPcrs(const PcrMap& map, const PcrSelection& selection);

}  // namespace veritee::tpm
