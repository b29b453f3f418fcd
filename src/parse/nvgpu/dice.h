// The FWID that an NVIDIA GPU's attestation certificate carries in a TCG DICE extension,
// decoded without OpenSSL.
//
// Two layouts are in use (../shared/testdata/nvidia/SPDM_LAYOUT.md section 3, "FWID"):
//   Hopper, OID 2.23.133.5.4.1: NVIDIA's own SEQUENCE { version INTEGER,
//       SubjectPublicKeyInfo, FWID... } where FWID ::= SEQUENCE { hashAlg OBJECT
//       IDENTIFIER, digest OCTET STRING } (the pre-standard DICE form).
//   Blackwell, OID 2.23.133.5.4.1.1: the TCG DiceTcbInfo of "DICE Attestation
//       Architecture" v1.1 section 6.1.1, a SEQUENCE of IMPLICIT-tagged optional fields
//       vendor [0], model [1], version [2], svn [3], layer [4], index [5],
//       fwids [6] SEQUENCE OF FWID, flags [7], vendorInfo [8], type [9]; later tags are
//       skipped (the ASN.1 has an extension marker). Here the first FWID is the GPU's and
//       the second is all-zero.
// The layout is told by the first element (INTEGER or a context tag). Strict DER: minimal
// lengths, context tags in increasing order, no bytes after the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::nvgpu {

inline constexpr std::string_view kHopperFwidOid = "2.23.133.5.4.1";
inline constexpr std::string_view kBlackwellFwidOid = "2.23.133.5.4.1.1";
inline constexpr std::string_view kSha384Oid = "2.16.840.1.101.3.4.2.2";

struct Fwid {
  std::string hash_alg;  // dotted OID
  Bytes digest;

  bool operator==(const Fwid&) const = default;
};

struct DiceTcbInfo {
  bool nvidia_layout = false;           // Hopper's SEQUENCE { INTEGER, SPKI, FWID... }
  std::optional<int64_t> layout_version;  // Hopper layout: the INTEGER
  Bytes subject_public_key_info;        // Hopper layout: the SPKI, DER
  std::optional<std::string> vendor, model, version;
  std::optional<int64_t> svn, layer, index;
  std::vector<Fwid> fwids;
  std::optional<Bytes> flags, vendor_info, type;

  // The first SHA-384 FWID's digest, or nullptr.
  const Bytes* Sha384Fwid() const;
  bool operator==(const DiceTcbInfo&) const = default;
};

// Decodes the extnValue contents of either OID. Errors: kMalformed (bad DER, wrong types,
// tags out of order, non-minimal INTEGER, no FWID), kTruncated, kTrailingData.
Result<DiceTcbInfo> ParseDiceTcbInfo(ByteSpan value);

// Dotted decimal of DER OBJECT IDENTIFIER contents (X.690 8.19); kMalformed when invalid.
Result<std::string> DecodeOid(ByteSpan contents);

}  // namespace veritee::nvgpu
