// TPMT_SIGNATURE: the signature a TPM returns with an attestation, parsed and written.
//
// Follows TCG TPM 2.0 Library Specification Part 2, revision 1.59: 11.3.4 TPMT_SIGNATURE,
// 11.3.1 TPMS_SIGNATURE_RSA (RSASSA, RSAPSS: hash, TPM2B_PUBLIC_KEY_RSA) and 11.3.2
// TPMS_SIGNATURE_ECC (ECDSA: hash, r and s as TPM2B_ECC_PARAMETER). Big-endian. Other
// schemes (HMAC, ECDAA, SM2, ECSCHNORR, NULL) are kUnsupported: they are not what an
// attestation key of a verifier's choosing produces. No byte may follow the structure.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "parse/tpm/types.h"

namespace veritee::tpm {

inline constexpr size_t kMaxRsaSignatureSize = 512;  // TPM2_MAX_RSA_KEY_BYTES (4096 bits)
inline constexpr size_t kMaxEccParameterSize = 128;  // TPM2_MAX_ECC_KEY_BYTES

struct Signature {
  AlgId sig_alg = kAlgRsaSsa;  // rsassa, rsapss or ecdsa
  AlgId hash = kAlgSha256;
  Bytes rsa;                   // RSASSA / RSAPSS: the signature, big-endian
  Bytes ecc_r, ecc_s;          // ECDSA: r and s, big-endian unsigned

  bool operator==(const Signature&) const = default;
};

Result<Signature> ParseSignature(ByteSpan bytes);
Bytes WriteSignature(const Signature& sig);

// "RSASSA-PKCS1-v1_5 with sha256", "ECDSA with sha256", ...
std::string DescribeSignature(const Signature& sig);

}  // namespace veritee::tpm
