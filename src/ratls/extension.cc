#include "ratls/extension.h"

#include "base/encoding.h"
#include "parse/nitro/cbor.h"

namespace veritee::ratls {
namespace {

using nitro::CborReader;
using nitro::CborType;
using nitro::CborWriter;

Status ExpectDefinite(const std::optional<uint64_t>& count, std::string_view field) {
  if (!count) {
    return MakeError(ErrorCode::kUnsupported, "indefinite-length item", std::string(field));
  }
  return Ok();
}

Result<uint64_t> ReadTag(CborReader& r, std::string_view field) {
  VT_ASSIGN_OR_RETURN(auto token, r.Next(field));
  if (token.type != CborType::kTag) {
    return MakeError(ErrorCode::kMalformed, "expected a CBOR tag naming the evidence format",
                     std::string(field), token.offset);
  }
  return token.value;
}

size_t HashSize(uint64_t alg) {
  switch (alg) {
    case kHashSha256: return 32;
    case kHashSha384: return 48;
    case kHashSha512: return 64;
    default: return 0;
  }
}

}  // namespace

Result<uint64_t> TagForTee(std::string_view tee) {
  if (tee == "sev-snp") return kTagSevSnpReport;
  if (tee == "tdx" || tee == "sgx") return kTagTeeQuote;
  return MakeError(ErrorCode::kUnsupported,
                   "no RA-TLS evidence format for \"" + std::string(tee) + "\" evidence");
}

Result<std::string> TeeForTag(uint64_t tag) {
  if (tag == kTagSevSnpReport) return std::string("sev-snp");
  if (tag == kTagTeeQuote) return std::string("tdx-or-sgx");
  return MakeError(ErrorCode::kUnsupported, "unknown evidence format tag " + std::to_string(tag));
}

Bytes EncodeEvidenceExtension(const EvidenceExtension& ext) {
  CborWriter hash_entry;
  hash_entry.ArrayHead(2);
  hash_entry.Unsigned(ext.hash_alg);
  hash_entry.ByteString(ext.pubkey_hash);
  CborWriter claims;
  claims.MapHead(ext.nonce ? 2 : 1);
  claims.TextString("pubkey-hash");
  claims.ByteString(hash_entry.data());
  if (ext.nonce) {
    claims.TextString("nonce");
    claims.ByteString(*ext.nonce);
  }
  CborWriter w;
  w.Tag(ext.tag);
  w.ArrayHead(2);
  w.ByteString(ext.evidence);
  w.ByteString(claims.data());
  return w.Take();
}

Result<EvidenceExtension> DecodeEvidenceExtension(ByteSpan value) {
  if (value.size() > kMaxExtensionSize) {
    return MakeError(ErrorCode::kMalformed, "evidence extension larger than 64 KiB", "evidence");
  }
  EvidenceExtension ext;
  CborReader r(value);
  VT_ASSIGN_OR_RETURN(ext.tag, ReadTag(r, "evidence tag"));
  VT_ASSIGN_OR_RETURN(auto count, r.ArrayHead("evidence array"));
  VT_RETURN_IF_ERROR(ExpectDefinite(count, "evidence array"));
  if (*count != 2) {
    return MakeError(ErrorCode::kMalformed, "the evidence array holds [evidence, claims]",
                     "evidence array");
  }
  VT_ASSIGN_OR_RETURN(ByteSpan evidence, r.ByteString("evidence", kMaxEvidenceSize));
  if (evidence.empty()) return MakeError(ErrorCode::kMalformed, "empty evidence", "evidence");
  ext.evidence.assign(evidence.begin(), evidence.end());
  VT_ASSIGN_OR_RETURN(ByteSpan claims_bytes, r.ByteString("claims", kMaxClaimsSize));
  VT_RETURN_IF_ERROR(r.Finish("evidence extension"));

  CborReader c(claims_bytes);
  VT_ASSIGN_OR_RETURN(auto pairs, c.MapHead("claims"));
  VT_RETURN_IF_ERROR(ExpectDefinite(pairs, "claims"));
  bool have_hash = false;
  for (uint64_t i = 0; i < *pairs; ++i) {
    VT_ASSIGN_OR_RETURN(std::string_view key, c.TextString("claim name", 64));
    if (key == "pubkey-hash") {
      if (have_hash) return MakeError(ErrorCode::kMalformed, "pubkey-hash twice", "pubkey-hash");
      have_hash = true;
      VT_ASSIGN_OR_RETURN(ByteSpan entry_bytes, c.ByteString("pubkey-hash", 128));
      CborReader e(entry_bytes);
      VT_ASSIGN_OR_RETURN(auto n, e.ArrayHead("hash-entry"));
      VT_RETURN_IF_ERROR(ExpectDefinite(n, "hash-entry"));
      if (*n != 2) {
        return MakeError(ErrorCode::kMalformed, "hash-entry is [alg, hash]", "pubkey-hash");
      }
      VT_ASSIGN_OR_RETURN(ext.hash_alg, e.Unsigned("hash-alg-id"));
      const size_t size = HashSize(ext.hash_alg);
      if (size == 0) {
        return MakeError(ErrorCode::kUnsupported,
                         "hash algorithm " + std::to_string(ext.hash_alg) +
                             " (sha-256 = 1, sha-384 = 7, sha-512 = 8 are supported)",
                         "pubkey-hash");
      }
      VT_ASSIGN_OR_RETURN(ByteSpan hash, e.ByteString("hash-value", 64));
      if (hash.size() != size) {
        return MakeError(ErrorCode::kMalformed, "hash-value has the wrong size for its algorithm",
                         "pubkey-hash");
      }
      ext.pubkey_hash.assign(hash.begin(), hash.end());
      VT_RETURN_IF_ERROR(e.Finish("hash-entry"));
    } else if (key == "nonce") {
      if (ext.nonce) return MakeError(ErrorCode::kMalformed, "nonce twice", "nonce");
      VT_ASSIGN_OR_RETURN(ByteSpan nonce, c.ByteString("nonce", kMaxNonceSize));
      ext.nonce = Bytes(nonce.begin(), nonce.end());
    } else {
      // "All other custom claims will be ignored" (CCC); skipped with a depth limit.
      VT_RETURN_IF_ERROR(c.Skip("claim " + std::string(key), 8));
    }
  }
  VT_RETURN_IF_ERROR(c.Finish("claims"));
  if (!have_hash) {
    return MakeError(ErrorCode::kMalformed, "the claims lack the required pubkey-hash", "claims");
  }
  return ext;
}

Bytes EncodeEndorsementsExtension(uint64_t tag, const std::vector<Bytes>& certs_der) {
  CborWriter w;
  w.Tag(tag);
  w.ArrayHead(certs_der.size());
  for (const Bytes& c : certs_der) w.ByteString(c);
  return w.Take();
}

Result<std::vector<Bytes>> DecodeEndorsementsExtension(ByteSpan value, uint64_t expected_tag) {
  if (value.size() > kMaxExtensionSize) {
    return MakeError(ErrorCode::kMalformed, "endorsements extension larger than 64 KiB",
                     "endorsements");
  }
  CborReader r(value);
  VT_ASSIGN_OR_RETURN(uint64_t tag, ReadTag(r, "endorsements tag"));
  if (tag != expected_tag) {
    return MakeError(ErrorCode::kMismatch,
                     "endorsements tag " + std::to_string(tag) + " differs from the evidence's " +
                         std::to_string(expected_tag),
                     "endorsements tag");
  }
  VT_ASSIGN_OR_RETURN(auto count, r.ArrayHead("endorsements"));
  VT_RETURN_IF_ERROR(ExpectDefinite(count, "endorsements"));
  if (*count > kMaxEndorsements) {
    return MakeError(ErrorCode::kMalformed, "more than 8 endorsements", "endorsements");
  }
  std::vector<Bytes> out;
  for (uint64_t i = 0; i < *count; ++i) {
    VT_ASSIGN_OR_RETURN(ByteSpan c, r.ByteString("endorsement", kMaxEndorsementSize));
    out.emplace_back(c.begin(), c.end());
  }
  VT_RETURN_IF_ERROR(r.Finish("endorsements extension"));
  return out;
}

}  // namespace veritee::ratls
