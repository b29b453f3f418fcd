// Public and private keys, ECDSA (FIPS 186-5) and RSASSA-PSS (RFC 8017) signatures.
//
// Verification works on a digest computed by the caller over the exact received bytes, so
// a verifier hashes once and never re-serialises. ECDSA signatures come in three shapes in
// attestation evidence: DER (X.509, TPM), raw r||s big-endian (DCAP, COSE, JOSE) and raw
// little-endian r, s (AMD SEV-SNP, 72 bytes each). Signing functions exist for the
// simulator and tests only.
#pragma once

#include <string>
#include <utility>

#include "base/bytes.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"

namespace veritee {

enum class EcdsaFormat { kDer, kRawBigEndian, kRawLittleEndian };

// Verifies an ECDSA signature over `digest`. For the raw formats `sig` is r||s with both
// halves of equal length. kBadSignature when it does not verify.
Status VerifyEcdsaDigest(EVP_PKEY* key, ByteSpan digest, ByteSpan sig, EcdsaFormat format);
// Same, with r and s given separately as unsigned integers.
Status VerifyEcdsaDigestRS(EVP_PKEY* key, ByteSpan digest, ByteSpan r, ByteSpan s,
                           bool little_endian);
Status VerifyEcdsa(EVP_PKEY* key, DigestAlg alg, ByteSpan message, ByteSpan sig,
                   EcdsaFormat format);

// RSASSA-PSS with MGF1 using the same digest, and the given salt length.
Status VerifyRsaPss(EVP_PKEY* key, DigestAlg alg, ByteSpan message, ByteSpan sig,
                    int salt_length);

// "secp384r1", "prime256v1", ... for EC keys; an error for other key types.
Result<std::string> EcCurveName(EVP_PKEY* key);
// "EC P-384", "RSA-4096", ...
std::string DescribeKey(EVP_PKEY* key);

// SubjectPublicKeyInfo in PEM or DER.
Result<EvpPkeyPtr> ParsePublicKey(ByteSpan pem_or_der);
// PKCS#8 / traditional private key in PEM.
Result<EvpPkeyPtr> ParsePrivateKeyPem(ByteSpan pem);
Result<std::string> PrivateKeyToPem(EVP_PKEY* key);
Result<Bytes> PublicKeyToDer(EVP_PKEY* key);

// Key generation and signing: simulator and tests.
Result<EvpPkeyPtr> GenerateEcKey(std::string_view curve);  // "P-256", "P-384"
Result<EvpPkeyPtr> GenerateRsaKey(int bits);
Result<Bytes> SignEcdsaDigest(EVP_PKEY* key, ByteSpan digest);  // DER
// Splits a DER ECDSA signature into r and s of `width` bytes each, in either byte order.
Result<std::pair<Bytes, Bytes>> EcdsaDerToRS(ByteSpan der, size_t width, bool little_endian);
Result<Bytes> SignRsaPss(EVP_PKEY* key, DigestAlg alg, ByteSpan message, int salt_length);

}  // namespace veritee
