#include "verify/dcap/ecdsa_p256.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "crypto/keys.h"

namespace veritee::dcap {
namespace {

// One DER INTEGER from a 32-byte big-endian unsigned value: leading zeros dropped, a 0x00
// prepended when the top bit is set.
void PutInteger(Bytes& out, ByteSpan v) {
  size_t i = 0;
  while (i + 1 < v.size() && v[i] == 0) ++i;
  const bool pad = (v[i] & 0x80) != 0;
  out.push_back(0x02);
  out.push_back(static_cast<uint8_t>(v.size() - i + (pad ? 1 : 0)));
  if (pad) out.push_back(0);
  out.insert(out.end(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
}

// Verification contexts for the last few keys used by this thread. Each context holds a
// reference to its key, so a cached pointer cannot be reused by another key meanwhile.
EVP_PKEY_CTX* Context(EVP_PKEY* key) {
  struct Entry {
    EVP_PKEY* key = nullptr;
    EvpPkeyCtxPtr ctx;
  };
  thread_local std::array<Entry, 4> cache;
  thread_local size_t next = 0;
  for (Entry& e : cache) {
    if (e.key == key && e.ctx) return e.ctx.get();
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return nullptr;
  Entry& slot = cache[next];
  next = (next + 1) % cache.size();
  slot.ctx = std::move(ctx);
  slot.key = key;
  return slot.ctx.get();
}

}  // namespace

std::array<uint8_t, 32> Sha256Of(std::initializer_list<ByteSpan> parts) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::array<uint8_t, 32> out{};
  unsigned len = 0;
  bool ok = md != nullptr && ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1;
  for (ByteSpan p : parts) ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  if (!ok) {
    ClearOpenSslErrors();
    out.fill(0);  // cannot match any signature or binding: the checks fail
  }
  return out;
}

Bytes RawSignatureToDer(ByteSpan rs) {
  Bytes body;
  body.reserve(72);
  PutInteger(body, rs.first(rs.size() / 2));
  PutInteger(body, rs.subspan(rs.size() / 2));
  Bytes out;
  out.reserve(2 + body.size());
  out.push_back(0x30);
  out.push_back(static_cast<uint8_t>(body.size()));
  for (uint8_t b : body) out.push_back(b);
  return out;
}

Result<SharedPkey> P256KeyFromRaw(ByteSpan xy) {
  if (xy.size() != 64) return MakeError(ErrorCode::kMalformed, "P-256 key is not 64 bytes");
  std::array<uint8_t, 65> point{};
  point[0] = 0x04;
  std::copy(xy.begin(), xy.end(), point.begin() + 1);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>("prime256v1"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1 || raw == nullptr) {
    return OpenSslFailure(ErrorCode::kMalformed, "attestation key is not a P-256 point");
  }
  EvpPkeyPtr key(raw);
  // EVP_PKEY_fromdata does not check that the point is on the curve.
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "attestation key is not a point on P-256");
  }
  return ShareKey(std::move(key));
}

Result<std::array<uint8_t, 64>> P256KeyToRaw(EVP_PKEY* key) {
  std::array<uint8_t, 65> point{};
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(),
                                      &len) != 1 ||
      len != 65 || point[0] != 0x04) {
    return OpenSslFailure(ErrorCode::kCrypto, "exporting a P-256 public key");
  }
  std::array<uint8_t, 64> out{};
  std::copy(point.begin() + 1, point.end(), out.begin());
  return out;
}

Status VerifyP256(EVP_PKEY* key, ByteSpan digest, ByteSpan rs) {
  if (rs.size() != 64 || digest.size() != 32) {
    return MakeError(ErrorCode::kMalformed, "P-256 signature or digest has the wrong size");
  }
  EVP_PKEY_CTX* ctx = Context(key);
  if (ctx == nullptr) return OpenSslFailure(ErrorCode::kCrypto, "ECDSA verify setup");
  Bytes der = RawSignatureToDer(rs);
  if (EVP_PKEY_verify(ctx, der.data(), der.size(), digest.data(), digest.size()) != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadSignature, "ECDSA P-256 signature does not verify");
  }
  return Ok();
}

Result<std::array<uint8_t, 64>> SignP256(EVP_PKEY* key, ByteSpan digest) {
  VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(key, digest));
  VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, 32, false));
  std::array<uint8_t, 64> out{};
  std::copy(rs.first.begin(), rs.first.end(), out.begin());
  std::copy(rs.second.begin(), rs.second.end(), out.begin() + 32);
  return out;
}

}  // namespace veritee::dcap
