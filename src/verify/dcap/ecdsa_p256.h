// ECDSA P-256 with SHA-256 as DCAP uses it: public keys as raw x||y (64 bytes), signatures
// as raw r||s big-endian (64 bytes) (Intel SGX ECDSA Quote Library API, "ECDSA Signature
// Data Structure"; NOTES.md section 4).
//
// Kept apart from crypto/keys.h for speed: a quote needs two verifications with two
// different keys (attestation key, PCK key), so a per-thread cache of a few verification
// contexts avoids setting one up per call, and r||s is converted to DER without bignums.
#pragma once

#include <array>
#include <initializer_list>

#include "base/bytes.h"
#include "crypto/ossl.h"

namespace veritee::dcap {

// An EC P-256 public key from x||y; kMalformed when not a point on the curve.
Result<SharedPkey> P256KeyFromRaw(ByteSpan xy);
// x||y of an EC P-256 public key (simulator, tests).
Result<std::array<uint8_t, 64>> P256KeyToRaw(EVP_PKEY* key);
// Verifies r||s over a SHA-256 digest; kBadSignature when it does not verify.
Status VerifyP256(EVP_PKEY* key, ByteSpan digest32, ByteSpan rs64);
// Signs a SHA-256 digest, returns r||s (simulator, tests).
Result<std::array<uint8_t, 64>> SignP256(EVP_PKEY* key, ByteSpan digest32);
// SHA-256 over the concatenation of `parts`, with the digest fetched once and a context per
// thread (OpenSSL 3 fetches the implementation on every EVP_Digest/EVP_sha256 use).
std::array<uint8_t, 32> Sha256Of(std::initializer_list<ByteSpan> parts);
// r||s (32+32 bytes, big-endian) as a DER ECDSA-Sig-Value.
Bytes RawSignatureToDer(ByteSpan rs64);

}  // namespace veritee::dcap
