// TPMT_PUBLIC / TPM2B_PUBLIC: the public area of a TPM key (here: the attestation key),
// parsed and written.
//
// Follows TCG TPM 2.0 Library Specification Part 2, revision 1.59: 12.2.4 TPMT_PUBLIC,
// 12.2.5 TPM2B_PUBLIC, 12.2.3.5 TPMS_RSA_PARMS, 12.2.3.6 TPMS_ECC_PARMS, 11.2.3.1
// TPMT_RSA_SCHEME / 11.2.5.6 TPMT_ECC_SCHEME, 11.1.7 TPMT_SYM_DEF_OBJECT, 11.2.2
// TPMT_KDF_SCHEME, 11.2.5.2 TPMS_ECC_POINT. Big-endian. RSA and ECC keys are read; keyed
// hash and symmetric objects are kUnsupported (they cannot sign an attestation). Reserved
// TPMA_OBJECT bits must be zero. The object's Name is nameAlg || H_nameAlg(TPMT_PUBLIC
// bytes), computed by the verifier over the received bytes (TpmtPublicBytes).
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "parse/tpm/types.h"

namespace veritee::tpm {

inline constexpr size_t kMaxRsaKeyBytes = 512;  // TPM2_MAX_RSA_KEY_BYTES
inline constexpr size_t kMaxEccKeyBytes = 128;  // TPM2_MAX_ECC_KEY_BYTES

struct Public {
  AlgId type = kAlgRsa;  // rsa or ecc
  AlgId name_alg = kAlgSha256;
  uint32_t attributes = 0;
  Bytes auth_policy;
  // TPMT_SYM_DEF_OBJECT: null for a signing key.
  AlgId symmetric = kAlgNull;
  uint16_t symmetric_key_bits = 0;
  AlgId symmetric_mode = 0;
  // TPMT_RSA_SCHEME / TPMT_ECC_SCHEME: null (any scheme) or a scheme with its hash.
  AlgId scheme = kAlgNull;
  AlgId scheme_hash = 0;
  uint16_t scheme_count = 0;  // ECDAA only
  // RSA
  uint16_t rsa_key_bits = 0;
  uint32_t rsa_exponent = 0;  // 0 means the default, 65537
  Bytes rsa_modulus;
  // ECC
  uint16_t curve = 0;
  AlgId kdf = kAlgNull;
  AlgId kdf_hash = 0;
  Bytes ecc_x, ecc_y;

  bool operator==(const Public&) const = default;
};

Result<Public> ParseTpmtPublic(ByteSpan bytes);
// A TPM2B_PUBLIC: the size must cover the TPMT_PUBLIC exactly, and nothing may follow.
Result<Public> ParseTpm2bPublic(ByteSpan bytes);
// The TPMT_PUBLIC bytes inside a TPM2B_PUBLIC (size checked, nothing after it).
Result<ByteSpan> TpmtPublicBytes(ByteSpan tpm2b_public);

Bytes WriteTpmtPublic(const Public& pub);
Bytes WriteTpm2bPublic(const Public& pub);

// True when the bytes look like a TPM2B_PUBLIC of an RSA or ECC key (size prefix matches).
bool LooksLikeTpm2bPublic(ByteSpan bytes);

// "RSA-2048", "ECC nist_p256", ...
std::string DescribePublic(const Public& pub);

}  // namespace veritee::tpm
