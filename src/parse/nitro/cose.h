// COSE_Sign1 (RFC 9052 section 4.2): the envelope of an AWS Nitro Enclaves attestation
// document.
//
//   COSE_Sign1 = [ protected: bstr .cbor header_map, unprotected: header_map,
//                  payload: bstr, signature: bstr ]        optionally under tag 18
//
// The NSM emits it untagged, with the protected header {1: -35} (alg ES384) as the 4 bytes
// a1 01 38 22, an empty unprotected map, the attestation document as payload and a 96-byte
// raw r||s ECDSA P-384 signature (RFC 9053 section 2.1). The parser keeps the protected
// header and the payload exactly as received, because the signature covers them inside the
// Sig_structure (RFC 9052 section 4.4); SigStructure() builds that structure around the
// received bytes, never around a re-encoding. Protected header parameters other than alg
// are rejected (an unknown "crit" must not be ignored); unprotected parameters are kept
// as raw bytes and do not affect verification.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::nitro {

inline constexpr uint64_t kCoseSign1Tag = 18;
inline constexpr int64_t kCoseHeaderAlg = 1;
inline constexpr int64_t kCoseAlgEs384 = -35;
inline constexpr size_t kEs384SignatureSize = 96;  // r || s, 48 bytes each
// Bounds: the largest real document is under 5 KiB; a payload within the CDDL limits
// (32 PCRs, 16 certificates and three fields of 1024 bytes) stays under 32 KiB.
inline constexpr size_t kMaxCoseSize = 64 * 1024;
inline constexpr size_t kMaxProtectedHeaderSize = 64;
inline constexpr size_t kMaxSignatureSize = 512;

struct CoseSign1 {
  bool tagged = false;         // wrapped in tag 18
  Bytes protected_header;      // the serialized header map, as received
  std::optional<int64_t> alg;  // its alg parameter
  Bytes unprotected_header;    // the encoded unprotected map, as received (empty: a0)
  Bytes payload;               // as received
  Bytes signature;             // as received

  bool operator==(const CoseSign1&) const = default;
};

// Parses and checks the envelope: a 4-element array of the right types, a protected
// header that is a map with only the alg parameter, an unprotected header that is a map,
// and nothing after the array. The signature's length and the algorithm are not judged
// here (the verifier names them as checks).
Result<CoseSign1> ParseCoseSign1(ByteSpan bytes);

// The encoding of `cose`: parse(write(x)) == x.
Bytes WriteCoseSign1(const CoseSign1& cose);

// The protected header {1: alg}.
Bytes EncodeProtectedHeader(int64_t alg);

// Sig_structure = ["Signature1", body_protected, external_aad = h'', payload], encoded: the
// bytes the signature is computed over.
Bytes SigStructure(ByteSpan protected_header, ByteSpan payload);

}  // namespace veritee::nitro
