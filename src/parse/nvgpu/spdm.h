// The NVIDIA GPU attestation report: an SPDM GET_MEASUREMENTS request followed directly by
// the MEASUREMENTS response, as Hopper and Blackwell GPUs return it (NVML
// nvmlDeviceGetConfComputeGpuAttestationReport; the "evidence" of NVIDIA's SDKs).
//
// Follows DMTF DSP0274 (SPDM) version 1.1.0: section 10.11 "GET_MEASUREMENTS request and
// MEASUREMENTS response" (tables 40-45), and the measurement block format of table 44
// "Measurement block" with the DMTF measurement specification (table 45). The layout as
// NVIDIA's GPUs fill it in is written up in ../shared/testdata/nvidia/SPDM_LAYOUT.md:
//
//   request  (37 bytes)  SPDMVersion 0x11, 0xE0, Param1 attributes (bit 0: signature
//                        requested), Param2 0xFF (all blocks), Nonce[32], SlotIDParam
//   response             SPDMVersion, 0x60, Param1 0, Param2 (slot id in bits 0-3),
//                        NumberOfBlocks, MeasurementRecordLength (u24), MeasurementRecord,
//                        Nonce[32], OpaqueLength (u16), OpaqueData, Signature[96]
//
// Every integer is little-endian; SPDM 1.1 has no RequesterContext. The signature is
// ECDSA P-384 raw r||s over request || response-without-signature (SignedPart below).
// The parser fails closed: SPDM 1.1 only, the request must ask for a signature over all
// blocks, reserved bits zero, the record length used exactly by NumberOfBlocks blocks,
// unique block indices 1..254, the DMTF measurement specification, OpaqueLength at most
// 1024 (SPDM 1.1), and no byte after the signature. The opaque data is kept as raw
// NVIDIA TLVs here (opaque.h decodes them). The writer emits the exact bytes, so
// parse(write(x)) == x, and write(parse(b)) == b for every accepted b.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::nvgpu {

inline constexpr size_t kRequestSize = 37;
inline constexpr size_t kNonceSize = 32;
inline constexpr size_t kSignatureSize = 96;  // ECDSA P-384 r || s, big-endian
inline constexpr size_t kMaxOpaqueSize = 1024;  // DSP0274 1.1: OpaqueLength <= 1024
inline constexpr size_t kDigestSize = 48;       // SHA-384 measurements

inline constexpr uint8_t kSpdmVersion11 = 0x11;
inline constexpr uint8_t kGetMeasurementsCode = 0xE0;
inline constexpr uint8_t kMeasurementsCode = 0x60;
inline constexpr uint8_t kAttributeSignatureRequested = 0x01;
inline constexpr uint8_t kOperationAllBlocks = 0xFF;
inline constexpr uint8_t kDmtfMeasurementSpec = 0x01;

struct MeasurementRequest {
  uint8_t spdm_version = kSpdmVersion11;
  uint8_t code = kGetMeasurementsCode;
  uint8_t attributes = kAttributeSignatureRequested;  // Param1
  uint8_t operation = kOperationAllBlocks;            // Param2
  std::array<uint8_t, kNonceSize> nonce{};            // the verifier's challenge
  uint8_t slot_id = 0;                                // SlotIDParam

  bool operator==(const MeasurementRequest&) const = default;
};

// One measurement block in the DMTF format (DSP0274 tables 44 and 45).
struct MeasurementBlock {
  uint8_t index = 0;                           // 1..254
  uint8_t spec = kDmtfMeasurementSpec;         // MeasurementSpecification
  uint8_t value_type = 0;                      // DMTFSpecMeasurementValueType
  Bytes value;                                 // the digest (or raw bit stream)

  // Bit 7 of the value type: 0 = digest, 1 = raw bit stream.
  bool is_digest() const { return (value_type & 0x80u) == 0; }
  bool operator==(const MeasurementBlock&) const = default;
};

// One NVIDIA opaque-data entry: type (u16), length (u16), value.
struct OpaqueField {
  uint16_t type = 0;
  Bytes value;

  bool operator==(const OpaqueField&) const = default;
};

struct MeasurementResponse {
  uint8_t spdm_version = kSpdmVersion11;
  uint8_t code = kMeasurementsCode;
  uint8_t param1 = 0;
  uint8_t slot_id = 0;  // Param2 bits 0-3
  std::vector<MeasurementBlock> blocks;
  std::array<uint8_t, kNonceSize> nonce{};  // the responder's (GPU's) own nonce
  std::vector<OpaqueField> opaque;
  std::array<uint8_t, kSignatureSize> signature{};

  bool operator==(const MeasurementResponse&) const = default;
};

struct AttestationReport {
  MeasurementRequest request;
  MeasurementResponse response;

  // The block with this index, or nullptr.
  const MeasurementBlock* Block(uint8_t index) const;
  bool operator==(const AttestationReport&) const = default;
};

// Field offsets, exposed for tests and error messages. Response offsets are relative to
// the start of the response (kRequestSize into the report).
namespace offsets {
inline constexpr size_t kRequestNonce = 4;
inline constexpr size_t kSlotIdParam = 36;
inline constexpr size_t kResponse = kRequestSize;
inline constexpr size_t kNumberOfBlocks = 4;      // in the response
inline constexpr size_t kRecordLength = 5;        // in the response
inline constexpr size_t kMeasurementRecord = 8;   // in the response
}  // namespace offsets

// Parses a whole report (request || response). Errors, each with the absolute offset:
// kTruncated (short anywhere), kTrailingData (bytes after the signature), kUnsupported
// (SPDM version other than 1.1, a measurement operation other than "all blocks", a
// measurement specification other than DMTF), kMalformed (wrong request/response codes,
// no signature requested, versions or slots that disagree, zero blocks, a record length
// not used exactly by its blocks, a block index 0 or 255 or repeated, a MeasurementSize
// that disagrees with its value size, an opaque TLV that overruns, OpaqueLength > 1024),
// kReservedNonZero (reserved attribute/slot bits, Param1 of the response).
Result<AttestationReport> ParseAttestationReport(ByteSpan report);
Result<MeasurementRequest> ParseMeasurementRequest(ByteSpan request);

// The exact bytes of a report. Values are not validated, so malformed reports can be made
// for negative tests (lengths are derived from the contents).
Bytes WriteAttestationReport(const AttestationReport& report);
Bytes WriteOpaqueFields(const std::vector<OpaqueField>& fields);
Result<std::vector<OpaqueField>> ParseOpaqueFields(ByteSpan opaque, size_t base_offset = 0);

// The signed bytes: request || response up to the signature; empty when the input is too
// short to hold a request and a signature, so a check over it fails.
ByteSpan SignedPart(ByteSpan report);
// The last kSignatureSize bytes; empty when too short.
ByteSpan SignatureOf(ByteSpan report);

}  // namespace veritee::nvgpu
