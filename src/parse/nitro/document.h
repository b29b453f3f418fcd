// The AWS Nitro Enclaves attestation document: the payload of the COSE_Sign1 that the
// Nitro Secure Module (NSM) signs, as a plain struct with its parser and writer.
//
// Follows the CDDL of aws-nitro-enclaves-nsm-api, docs/attestation_process.md, section
// 3.2 "Attestation document specification", and its syntactic validation (3.2.2):
//
//   AttestationDocument = {
//     module_id: text, digest: "SHA256" / "SHA384" / "SHA512", timestamp: uint (ms),
//     pcrs: { + index (0..31) => bstr .size (32 / 48 / 64) },
//     certificate: bstr (DER, 1..1024), cabundle: [ + bstr (1..1024) ],
//     ? public_key: bstr (1..1024), ? user_data: bstr (0..1024), ? nonce: bstr (0..1024) }
//
// What real documents do (../shared/testdata/nitro/PROVENANCE.md): the payload map is
// definite-length up to 2024 and indefinite-length (bf ... ff) in current AWS output; absent
// optional fields are CBOR null rather than left out; public_key, user_data and nonce reach
// 1024 bytes (the 512 of the prose is out of date). The parser takes keys in any order,
// rejects unknown and duplicate keys, a null mandatory field, and PCR values whose size is
// not the digest's. The writer emits the NSM's key order, nulls for absent optional fields
// and the payload map in the recorded (definite or indefinite) form, so for every accepted
// payload parse(write(parse(p))) == parse(p).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "parse/nitro/cose.h"

namespace veritee::nitro {

inline constexpr size_t kMaxFieldSize = 1024;  // certificates, public_key, user_data, nonce
inline constexpr size_t kMaxModuleIdSize = 1024;
inline constexpr size_t kMaxPcrs = 32;  // index 0..31
inline constexpr size_t kMaxCabundle = 16;
inline constexpr size_t kMaxPcrSize = 64;

struct Pcr {
  uint32_t index = 0;
  Bytes value;
  bool operator==(const Pcr&) const = default;
};

struct AttestationDocument {
  std::string module_id;
  std::string digest;           // "SHA384" in every real document
  uint64_t timestamp_ms = 0;    // milliseconds since the Unix epoch
  std::vector<Pcr> pcrs;        // in document order
  Bytes certificate;            // the enclave's signing certificate (DER)
  std::vector<Bytes> cabundle;  // DER, root first, issuer of `certificate` last
  std::optional<Bytes> public_key;
  std::optional<Bytes> user_data;
  std::optional<Bytes> nonce;
  bool indefinite_map = false;  // the payload map is indefinite-length

  bool operator==(const AttestationDocument&) const = default;

  // The PCR with this index, or nullptr.
  const Pcr* FindPcr(uint32_t index) const;
};

// Size of a PCR for a digest name, 0 for an unknown name.
size_t DigestPcrSize(std::string_view digest);

// Parses the payload of the COSE_Sign1. Offsets in errors count from the start of the
// payload plus `base_offset`.
Result<AttestationDocument> ParseDocument(ByteSpan payload, size_t base_offset = 0);
Bytes WriteDocument(const AttestationDocument& doc);

// The envelope and the document it carries.
struct Attestation {
  CoseSign1 cose;
  AttestationDocument doc;
};
Result<Attestation> ParseAttestation(ByteSpan bytes);

// Cheap shape test for format detection: a (tagged) 4-array whose protected header and
// payload start like an NSM document.
bool LooksLikeNitroDocument(ByteSpan bytes);

}  // namespace veritee::nitro
