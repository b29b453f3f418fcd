// TPMS_ATTEST (the message a TPM signs for TPM2_Quote, TPM2_Certify and
// TPM2_CertifyCreation) and TPML_PCR_SELECTION: plain structs, parsers and writers.
//
// Follows TCG TPM 2.0 Library Specification Part 2 "Structures", revision 1.59: 10.12.12
// TPMS_ATTEST, 10.12.8 TPMS_QUOTE_INFO, 10.12.6 TPMS_CREATION_INFO, 10.12.3
// TPMS_CERTIFY_INFO, 10.9.7 TPMS_PCR_SELECTION / 10.9.9 TPML_PCR_SELECTION, 10.11.1
// TPMS_CLOCK_INFO. All integers are big-endian. The parser fails closed: the magic must be
// TPM_GENERATED_VALUE, the type one of the three attestation kinds we read, every TPM2B no
// larger than its union, `safe` a TPMI_YES_NO, PCR selections at most 16 banks of at most
// 4 bytes with no bank twice, and no byte after the structure. The writer emits the exact
// bytes back, so write(parse(b)) == b for every accepted b. Signatures are verified over the
// received bytes, never over a re-serialisation.
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "parse/tpm/types.h"

namespace veritee::tpm {

inline constexpr size_t kMaxPcrBanks = 16;       // TPM2_NUM_PCR_BANKS
inline constexpr size_t kMaxPcrSelectBytes = 4;  // TPM2_PCR_SELECT_MAX: PCRs 0..31
inline constexpr size_t kMaxNameSize = 2 + 64;   // sizeof(TPMU_NAME): TPMT_HA with SHA-512
inline constexpr size_t kMaxDataSize = 2 + 64;   // sizeof(TPMT_HA) (TPM2B_DATA)
inline constexpr size_t kMaxDigestSize = 64;     // sizeof(TPMU_HA) (TPM2B_DIGEST)

// One TPMS_PCR_SELECTION: a bank and the bitmap of its selected PCRs.
struct PcrBank {
  AlgId hash = 0;
  Bytes select;  // sizeofSelect bytes; bit i of byte j selects PCR 8*j + i

  std::vector<uint32_t> Indices() const;  // ascending
  bool operator==(const PcrBank&) const = default;
};

// TPML_PCR_SELECTION.
struct PcrSelection {
  std::vector<PcrBank> banks;

  size_t PcrCount() const;  // selected PCRs over all banks
  bool operator==(const PcrSelection&) const = default;
};

// A selection of `indices` in one bank, with the 3-byte bitmap of a 24-PCR TPM (4 bytes
// when an index is above 23).
PcrBank MakePcrBank(AlgId hash, const std::vector<uint32_t>& indices);

Result<PcrSelection> ReadPcrSelection(ByteReader& r);
void WritePcrSelection(ByteWriter& w, const PcrSelection& s);

struct ClockInfo {
  uint64_t clock = 0;
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  uint8_t safe = 0;
  bool operator==(const ClockInfo&) const = default;
};

struct QuoteInfo {  // TPMS_QUOTE_INFO
  PcrSelection pcr_select;
  Bytes pcr_digest;
  bool operator==(const QuoteInfo&) const = default;
};

struct CreationInfo {  // TPMS_CREATION_INFO
  Bytes object_name;
  Bytes creation_hash;
  bool operator==(const CreationInfo&) const = default;
};

struct CertifyInfo {  // TPMS_CERTIFY_INFO
  Bytes name;
  Bytes qualified_name;
  bool operator==(const CertifyInfo&) const = default;
};

struct Attest {
  uint32_t magic = kTpmGeneratedValue;
  uint16_t type = kStAttestQuote;
  Bytes qualified_signer;  // TPM2B_NAME
  Bytes extra_data;        // TPM2B_DATA: the caller's nonce
  ClockInfo clock_info;
  uint64_t firmware_version = 0;
  // Exactly one of these is meaningful, by `type`.
  QuoteInfo quote;
  CreationInfo creation;
  CertifyInfo certify;

  bool operator==(const Attest&) const = default;
};

// kMalformed for a wrong magic (with its value), kUnsupported for an attestation type
// other than quote, certify and creation, kTruncated / kTrailingData as usual.
Result<Attest> ParseAttest(ByteSpan bytes);
Bytes WriteAttest(const Attest& attest);

// True when the bytes start with TPM_GENERATED_VALUE and a TPM_ST_ATTEST_* tag.
bool LooksLikeAttest(ByteSpan bytes);

// Big-endian helpers shared by the TPM parsers.
Result<uint64_t> ReadU64Be(ByteReader& r, std::string_view field);
void WriteU64Be(ByteWriter& w, uint64_t v);
// A TPM2B: u16 size then that many bytes; kMalformed when size > max_size.
Result<Bytes> ReadTpm2b(ByteReader& r, size_t max_size, std::string_view field);
void WriteTpm2b(ByteWriter& w, ByteSpan data);

}  // namespace veritee::tpm
