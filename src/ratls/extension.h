// RA-TLS certificate extensions, as the Confidential Computing Consortium's "Interoperable
// RA-TLS X.509 Cert and Evidence Formats" specifies (TCG DICE OIDs; Gramine implements the
// same for SGX).
//
//   evidence (required)     OID 2.23.133.5.4.9 tcg-dice-conceptual-message-wrapper,
//                           non-critical (the CCC text: OpenSSL and mbedTLS reject unknown
//                           critical extensions). extnValue holds CBOR:
//                             TAG(format) [ evidence: bstr, claims: bstr .cbor claims-map ]
//                             claims-map = { "pubkey-hash": bstr .cbor [alg: uint, hash: bstr],
//                                            ? "nonce": bstr, * other claims (ignored) }
//                           alg is the IANA Named Information hash id: sha-256 1,
//                           sha-384 7, sha-512 8 (we write 8).
//   endorsements (optional) OID 2.23.133.5.4.2 tcg-dice-endorsement-manifest:
//                             TAG(format) [ * bstr ]  (DER certificates: VCEK/VLEK, ASK...)
//
// The CBOR tag names the evidence format: 60000 is the TEE-quote tag Gramine uses (Intel
// SGX/TDX DCAP quotes); 60010 (SEV-SNP ATTESTATION_REPORT) is veritee's own until a tag is
// registered, and a peer that does not know it rejects the certificate, failing closed.
//
// The report data of the evidence binds the certificate's key, and the nonce when present:
//   REPORT_DATA = SHA-512(DER SubjectPublicKeyInfo ‖ nonce)        (attest/binding.h)
// Decoding treats the extension as hostile input: definite lengths only, sizes bounded
// before anything is copied, every byte consumed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace veritee::ratls {

inline constexpr char kEvidenceOid[] = "2.23.133.5.4.9";
inline constexpr char kEndorsementsOid[] = "2.23.133.5.4.2";

inline constexpr uint64_t kTagTeeQuote = 60000;      // SGX/TDX DCAP quote (Gramine)
inline constexpr uint64_t kTagSevSnpReport = 60010;  // SEV-SNP report (veritee)

inline constexpr uint64_t kHashSha256 = 1;
inline constexpr uint64_t kHashSha384 = 7;
inline constexpr uint64_t kHashSha512 = 8;

inline constexpr size_t kMaxExtensionSize = 64 * 1024;
inline constexpr size_t kMaxEvidenceSize = 48 * 1024;
inline constexpr size_t kMaxClaimsSize = 4096;
inline constexpr size_t kMaxNonceSize = 64;
inline constexpr size_t kMaxEndorsements = 8;
inline constexpr size_t kMaxEndorsementSize = 16 * 1024;

struct EvidenceExtension {
  uint64_t tag = 0;
  Bytes evidence;
  uint64_t hash_alg = kHashSha512;
  Bytes pubkey_hash;
  std::optional<Bytes> nonce;
  bool operator==(const EvidenceExtension&) const = default;
};

// The tag for "sev-snp" / "tdx" / "sgx"; kUnsupported otherwise.
Result<uint64_t> TagForTee(std::string_view tee);
// "sev-snp", "tdx-or-sgx" (the quote header tells which), or kUnsupported.
Result<std::string> TeeForTag(uint64_t tag);

Bytes EncodeEvidenceExtension(const EvidenceExtension& ext);
Result<EvidenceExtension> DecodeEvidenceExtension(ByteSpan value);

Bytes EncodeEndorsementsExtension(uint64_t tag, const std::vector<Bytes>& certs_der);
Result<std::vector<Bytes>> DecodeEndorsementsExtension(ByteSpan value, uint64_t expected_tag);

}  // namespace veritee::ratls
