// The cryptography of TPM 2.0 attestation over OpenSSL: hashing by TPM algorithm
// identifier, public keys from TPMT_PUBLIC, TPMT_SIGNATURE verification and object Names.
//
// Follows TCG TPM 2.0 Library Specification Part 1 "Architecture", revision 1.59: 16
// "Names" (Name = nameAlg || H_nameAlg(TPMT_PUBLIC)), B.2 / C.2 (RSA and ECC public keys;
// an RSA exponent of 0 means 65537), and the signature schemes of Part 2, 11.2.1.2
// (RSASSA = PKCS #1 v1.5, RSAPSS = PKCS #1 PSS with MGF1 of the same hash, ECDSA over a
// hash truncated to the curve order). A TPM signs the digest of the exact TPMS_ATTEST
// bytes with the hash of the signature; we verify over the received bytes. For RSAPSS the
// salt length is not fixed by the signature (TPMs use the hash size or the largest that
// fits), so the verifier recovers it from the encoding.
#pragma once

#include <string>

#include "base/bytes.h"
#include "crypto/ossl.h"
#include "parse/tpm/public_area.h"
#include "parse/tpm/signature.h"

namespace veritee::tpm {

// The digest of `data` with a TPM hash algorithm (sha1, sha256, sha384, sha512, and
// sm3_256/sha3 when OpenSSL provides them). kUnsupported for other identifiers.
Result<Bytes> TpmHash(AlgId alg, ByteSpan data);
// H(a || b), the PCR extend operation.
Result<Bytes> TpmHash2(AlgId alg, ByteSpan a, ByteSpan b);
bool TpmHashSupported(AlgId alg);

// An OpenSSL key for an RSA or ECC (NIST P-256/384/521) public area. kUnsupported for
// other curves, kMalformed for a modulus that does not have keyBits bits or a point of the
// wrong size or off the curve.
Result<EvpPkeyPtr> PublicKeyFromTpm(const Public& pub);

// Verifies `sig` over `message` with `key`. kBadSignature when it does not verify,
// kMismatch when the scheme does not fit the key (an ECDSA signature and an RSA key).
Status VerifyTpmSignature(EVP_PKEY* key, const Signature& sig, ByteSpan message);

// nameAlg || H_nameAlg(tpmt_public).
Result<Bytes> ObjectName(AlgId name_alg, ByteSpan tpmt_public);

}  // namespace veritee::tpm
