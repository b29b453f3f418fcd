#include "crypto/jwe.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "crypto/ossl.h"

namespace veritee {
namespace {

using ParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using EvpCipherCtxPtr = OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr std::string_view kRsaOaep256 = "RSA-OAEP-256";
constexpr std::string_view kEcdhEsA256kw = "ECDH-ES+A256KW";
constexpr std::string_view kA256gcm = "A256GCM";

// Field size in bytes of the curves JOSE names.
size_t CurveBytes(std::string_view crv) {
  if (crv == "P-256") return 32;
  if (crv == "P-384") return 48;
  if (crv == "P-521") return 66;
  return 0;
}

Bytes BnToBytes(const BIGNUM* bn, size_t width) {
  Bytes out(width == 0 ? static_cast<size_t>(BN_num_bytes(bn)) : width, 0);
  if (width == 0) {
    BN_bn2bin(bn, out.data());
  } else {
    BN_bn2binpad(bn, out.data(), static_cast<int>(width));
  }
  return out;
}

Result<EvpPkeyPtr> EcKeyFromJwk(const Jwk& jwk) {
  const size_t width = CurveBytes(jwk.crv);
  if (width == 0) {
    return MakeError(ErrorCode::kUnsupported, "EC curve must be P-256, P-384 or P-521", "crv");
  }
  VT_ASSIGN_OR_RETURN(Bytes x, FromBase64UrlStrict(jwk.x, "x"));
  VT_ASSIGN_OR_RETURN(Bytes y, FromBase64UrlStrict(jwk.y, "y"));
  if (x.size() != width || y.size() != width) {
    return MakeError(ErrorCode::kMalformed,
                     "EC coordinates must be " + std::to_string(width) + " bytes each", "x/y");
  }
  Bytes point;
  point.reserve(1 + 2 * width);
  point.push_back(0x04);
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, jwk.crv.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "EC JWK parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "EC JWK is not a point of " + jwk.crv);
  }
  EvpPkeyPtr key(raw);
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "EC JWK point is not on " + jwk.crv);
  }
  return key;
}

Result<EvpPkeyPtr> RsaKeyFromJwk(const Jwk& jwk) {
  VT_ASSIGN_OR_RETURN(Bytes n, FromBase64UrlStrict(jwk.n, "n"));
  VT_ASSIGN_OR_RETURN(Bytes e, FromBase64UrlStrict(jwk.e, "e"));
  if (n.empty() || n[0] == 0) {
    return MakeError(ErrorCode::kMalformed, "RSA modulus has a leading zero byte", "n");
  }
  if (n.size() < 256 || n.size() > 1024) {
    return MakeError(ErrorCode::kUnsupported,
                     "RSA modulus must be 2048 to 8192 bits, got " + std::to_string(n.size() * 8),
                     "n");
  }
  if (e.empty() || e.size() > 8 || e[0] == 0 || (e.back() & 1) == 0 ||
      (e.size() == 1 && e[0] < 3)) {
    return MakeError(ErrorCode::kMalformed, "RSA exponent must be odd, >= 3, at most 64 bits",
                     "e");
  }
  BignumPtr bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA JWK parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "RSA JWK");
  }
  return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> KeyFromJwk(const Jwk& jwk) {
  if (jwk.kty == "EC") {
    if (!jwk.alg.empty() && jwk.alg != kEcdhEsA256kw) {
      return MakeError(ErrorCode::kUnsupported, "EC keys are used with ECDH-ES+A256KW", "alg");
    }
    return EcKeyFromJwk(jwk);
  }
  if (jwk.kty == "RSA") {
    if (!jwk.alg.empty() && jwk.alg != kRsaOaep256) {
      return MakeError(ErrorCode::kUnsupported, "RSA keys are used with RSA-OAEP-256", "alg");
    }
    return RsaKeyFromJwk(jwk);
  }
  return MakeError(ErrorCode::kUnsupported, "kty must be \"EC\" or \"RSA\"", "kty");
}

Result<Jwk> JwkFromKey(EVP_PKEY* key) {
  Jwk jwk;
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "EC group name");
    }
    std::string g(group, len);
    jwk.crv = g == "prime256v1" || g == "P-256"   ? "P-256"
              : g == "secp384r1" || g == "P-384" ? "P-384"
              : g == "secp521r1" || g == "P-521" ? "P-521"
                                                  : "";
    if (jwk.crv.empty()) return MakeError(ErrorCode::kUnsupported, "EC curve " + g);
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1) {
      BN_free(x);
      BN_free(y);
      return OpenSslFailure(ErrorCode::kCrypto, "EC public point");
    }
    BignumPtr bx(x), by(y);
    const size_t width = CurveBytes(jwk.crv);
    jwk.kty = "EC";
    jwk.x = ToBase64Url(BnToBytes(bx.get(), width));
    jwk.y = ToBase64Url(BnToBytes(by.get(), width));
    jwk.alg = std::string(kEcdhEsA256kw);
    return jwk;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
      BN_free(n);
      BN_free(e);
      return OpenSslFailure(ErrorCode::kCrypto, "RSA public key");
    }
    BignumPtr bn(n), be(e);
    jwk.kty = "RSA";
    jwk.n = ToBase64Url(BnToBytes(bn.get(), 0));
    jwk.e = ToBase64Url(BnToBytes(be.get(), 0));
    jwk.alg = std::string(kRsaOaep256);
    return jwk;
  }
  return MakeError(ErrorCode::kUnsupported, "TEE keys are EC or RSA");
}

void PutU32Be(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A §5.8.1) with SHA-256, one round for the
// 256-bit key-wrapping key. OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo ||
// SuppPubInfo, each datum length-prefixed (32-bit big-endian); apu and apv are empty.
SecretBytes ConcatKdfA256kw(ByteSpan z) {
  Bytes input;
  PutU32Be(input, 1);  // round counter
  input.insert(input.end(), z.begin(), z.end());
  PutU32Be(input, static_cast<uint32_t>(kEcdhEsA256kw.size()));
  input.insert(input.end(), kEcdhEsA256kw.begin(), kEcdhEsA256kw.end());
  PutU32Be(input, 0);    // PartyUInfo
  PutU32Be(input, 0);    // PartyVInfo
  PutU32Be(input, 256);  // SuppPubInfo: keydatalen in bits
  auto digest = Sha256(input);
  SecretBytes kek{ByteSpan(digest)};
  OPENSSL_cleanse(input.data(), input.size());
  OPENSSL_cleanse(digest.data(), digest.size());
  return kek;
}

Result<SecretBytes> Ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "ECDH");
  }
  SecretBytes z(Bytes(len, 0));
  if (EVP_PKEY_derive(ctx.get(), z.mutable_data(), &len) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "ECDH derive");
  }
  return z;
}

// AES Key Wrap (RFC 3394) with a 256-bit KEK; `unwrap` reverses it (integrity-checked).
Result<Bytes> AesKeyWrap(ByteSpan kek, ByteSpan in, bool unwrap) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslFailure(ErrorCode::kCrypto, "AES-KW context");
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_wrap(), nullptr, kek.data(), nullptr,
                        unwrap ? 0 : 1) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-KW init");
  }
  Bytes out(in.size() + 16, 0);
  int len = 0, fin = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    return OpenSslFailure(unwrap ? ErrorCode::kBadSignature : ErrorCode::kCrypto,
                          unwrap ? "AES-KW unwrap (integrity check failed)" : "AES-KW wrap");
  }
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

Status SetOaep(EVP_PKEY_CTX* ctx) {
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA-OAEP-256 parameters");
  }
  return Ok();
}

std::string HeaderFor(std::string_view alg, const Jwk* epk) {
  nlohmann::json h = {{"alg", alg}, {"enc", kA256gcm}};
  if (epk != nullptr) h["epk"] = {{"kty", "EC"}, {"crv", epk->crv}, {"x", epk->x}, {"y", epk->y}};
  return h.dump();
}

}  // namespace

struct TeeKeyPair::Key {
  EvpPkeyPtr pkey;
};

Result<Bytes> FromBase64UrlStrict(std::string_view text, std::string_view field) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) {
      return MakeError(ErrorCode::kMalformed, "not base64url (RFC 4648 §5, unpadded)",
                       std::string(field));
    }
  }
  if (text.size() % 4 == 1) {
    return MakeError(ErrorCode::kMalformed, "base64url of impossible length", std::string(field));
  }
  auto out = FromBase64(text);
  if (!out) return MakeError(ErrorCode::kMalformed, out.error().message, std::string(field));
  return out;
}

Result<Jwk> JwkFromSpki(ByteSpan spki_der) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePublicKey(spki_der));
  return JwkFromKey(key.get());
}

Status ValidateJwk(const Jwk& jwk) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, KeyFromJwk(jwk));
  (void)key;
  return Ok();
}

std::string JwkThumbprintInput(const Jwk& jwk) {
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  nlohmann::json j;  // std::map-backed: keys come out sorted
  if (jwk.kty == "EC") {
    j = {{"crv", jwk.crv}, {"kty", "EC"}, {"x", jwk.x}, {"y", jwk.y}};
  } else {
    j = {{"e", jwk.e}, {"kty", jwk.kty}, {"n", jwk.n}};
  }
  return j.dump();
}

std::array<uint8_t, 32> JwkThumbprint(const Jwk& jwk) {
  std::string in = JwkThumbprintInput(jwk);
  return Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
}

std::string JwkToJson(const Jwk& jwk) {
  nlohmann::json j = {{"kty", jwk.kty}};
  if (jwk.kty == "EC") {
    j["crv"] = jwk.crv;
    j["x"] = jwk.x;
    j["y"] = jwk.y;
  } else {
    j["n"] = jwk.n;
    j["e"] = jwk.e;
  }
  if (!jwk.alg.empty()) j["alg"] = jwk.alg;
  return j.dump();
}

std::string JweFlattened::ToJson() const {
  nlohmann::ordered_json j = {{"protected", protected_header},
                              {"encrypted_key", encrypted_key},
                              {"iv", iv},
                              {"ciphertext", ciphertext},
                              {"tag", tag}};
  return j.dump();
}

Result<JweFlattened> ParseJweFlattened(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kMalformed, "JWE is not a JSON object");
  }
  JweFlattened out;
  const std::pair<const char*, std::string*> members[] = {
      {"protected", &out.protected_header}, {"encrypted_key", &out.encrypted_key},
      {"iv", &out.iv}, {"ciphertext", &out.ciphertext}, {"tag", &out.tag}};
  for (const auto& [name, into] : members) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
      return MakeError(ErrorCode::kMalformed, "JWE member missing or not a string", name);
    }
    *into = it->get<std::string>();
  }
  for (const auto& [key, value] : j.items()) {
    bool known = key == "protected" || key == "encrypted_key" || key == "iv" ||
                 key == "ciphertext" || key == "tag";
    if (!known) return MakeError(ErrorCode::kUnsupported, "unexpected JWE member", key);
  }
  return out;
}

Result<std::string> JweAlgorithmFor(const Jwk& jwk) {
  if (jwk.kty == "EC") return std::string(kEcdhEsA256kw);
  if (jwk.kty == "RSA") return std::string(kRsaOaep256);
  return MakeError(ErrorCode::kUnsupported, "kty must be \"EC\" or \"RSA\"", "kty");
}

Result<JweFlattened> JweEncrypt(const Jwk& recipient, ByteSpan plaintext) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr peer, KeyFromJwk(recipient));
  VT_ASSIGN_OR_RETURN(Bytes cek_bytes, RandomBytes(kAes256KeySize));
  SecretBytes cek(std::move(cek_bytes));
  JweFlattened out;
  Bytes encrypted_key;
  std::string header;
  if (recipient.kty == "RSA") {
    header = HeaderFor(kRsaOaep256, nullptr);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, peer.get(), nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "RSA-OAEP init");
    }
    VT_RETURN_IF_ERROR(SetOaep(ctx.get()));
    size_t len = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, cek.data(), cek.size()) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "RSA-OAEP size");
    }
    encrypted_key.resize(len);
    if (EVP_PKEY_encrypt(ctx.get(), encrypted_key.data(), &len, cek.data(), cek.size()) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "RSA-OAEP encrypt");
    }
    encrypted_key.resize(len);
  } else {
    EvpPkeyPtr eph(EVP_EC_gen(recipient.crv.c_str()));
    if (!eph) return OpenSslFailure(ErrorCode::kCrypto, "ephemeral EC key");
    VT_ASSIGN_OR_RETURN(Jwk epk, JwkFromKey(eph.get()));
    header = HeaderFor(kEcdhEsA256kw, &epk);
    VT_ASSIGN_OR_RETURN(SecretBytes z, Ecdh(eph.get(), peer.get()));
    SecretBytes kek = ConcatKdfA256kw(z.span());
    VT_ASSIGN_OR_RETURN(encrypted_key, AesKeyWrap(kek.span(), cek.span(), false));
  }
  out.protected_header = ToBase64Url(
      ByteSpan(reinterpret_cast<const uint8_t*>(header.data()), header.size()));
  // RFC 7516 §5.1 step 14: AAD = ASCII(BASE64URL(UTF8(JWE Protected Header))).
  const ByteSpan aad(reinterpret_cast<const uint8_t*>(out.protected_header.data()),
                     out.protected_header.size());
  VT_ASSIGN_OR_RETURN(Bytes box, AesGcmSeal(cek.span(), plaintext, aad));
  const ByteSpan all(box);
  out.encrypted_key = ToBase64Url(encrypted_key);
  out.iv = ToBase64Url(all.first(kGcmNonceSize));
  out.ciphertext = ToBase64Url(all.subspan(kGcmNonceSize, box.size() - kGcmNonceSize - kGcmTagSize));
  out.tag = ToBase64Url(all.last(kGcmTagSize));
  return out;
}

Result<TeeKeyPair> TeeKeyPair::Generate(Kind kind) {
  EvpPkeyPtr key;
  switch (kind) {
    case Kind::kEcP256: key.reset(EVP_EC_gen("P-256")); break;
    case Kind::kEcP384: key.reset(EVP_EC_gen("P-384")); break;
    case Kind::kRsa2048: key.reset(EVP_RSA_gen(2048)); break;
    case Kind::kRsa3072: key.reset(EVP_RSA_gen(3072)); break;
  }
  if (!key) return OpenSslFailure(ErrorCode::kCrypto, "generating the TEE key");
  VT_ASSIGN_OR_RETURN(Jwk jwk, JwkFromKey(key.get()));
  auto holder = std::make_shared<Key>();
  holder->pkey = std::move(key);
  return TeeKeyPair(std::move(holder), std::move(jwk));
}

Result<TeeKeyPair> TeeKeyPair::FromPrivatePem(ByteSpan pem) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(pem));
  VT_ASSIGN_OR_RETURN(Jwk jwk, JwkFromKey(key.get()));
  auto holder = std::make_shared<Key>();
  holder->pkey = std::move(key);
  return TeeKeyPair(std::move(holder), std::move(jwk));
}

Result<std::string> TeeKeyPair::PrivatePem() const { return PrivateKeyToPem(key_->pkey.get()); }

Result<SecretBytes> TeeKeyPair::Decrypt(const JweFlattened& jwe) const {
  VT_ASSIGN_OR_RETURN(Bytes header_bytes, FromBase64UrlStrict(jwe.protected_header, "protected"));
  auto header = nlohmann::json::parse(header_bytes.begin(), header_bytes.end(), nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("alg") ||
      !header.contains("enc") || !header["alg"].is_string() || !header["enc"].is_string()) {
    return MakeError(ErrorCode::kMalformed, "JWE protected header", "protected");
  }
  if (header["enc"] != kA256gcm) {
    return MakeError(ErrorCode::kUnsupported, "JWE enc must be A256GCM", "enc");
  }
  const std::string alg = header["alg"].get<std::string>();
  VT_ASSIGN_OR_RETURN(Bytes encrypted_key, FromBase64UrlStrict(jwe.encrypted_key, "encrypted_key"));
  Bytes cek;
  if (alg == kRsaOaep256 && jwk_.kty == "RSA") {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "RSA-OAEP init");
    }
    VT_RETURN_IF_ERROR(SetOaep(ctx.get()));
    size_t len = 0;
    if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, encrypted_key.data(), encrypted_key.size()) != 1) {
      return OpenSslFailure(ErrorCode::kBadSignature, "RSA-OAEP decrypt");
    }
    cek.resize(len);
    if (EVP_PKEY_decrypt(ctx.get(), cek.data(), &len, encrypted_key.data(), encrypted_key.size()) != 1) {
      return OpenSslFailure(ErrorCode::kBadSignature, "RSA-OAEP decrypt");
    }
    cek.resize(len);
  } else if (alg == kEcdhEsA256kw && jwk_.kty == "EC") {
    const auto& epk_json = header.value("epk", nlohmann::json());
    if (!epk_json.is_object()) return MakeError(ErrorCode::kMalformed, "missing epk", "epk");
    Jwk epk;
    for (const auto& [name, into] : {std::pair<const char*, std::string*>{"kty", &epk.kty},
                                     {"crv", &epk.crv}, {"x", &epk.x}, {"y", &epk.y}}) {
      auto it = epk_json.find(name);
      if (it == epk_json.end() || !it->is_string()) {
        return MakeError(ErrorCode::kMalformed, "epk member missing", name);
      }
      *into = it->get<std::string>();
    }
    if (epk.kty != "EC" || epk.crv != jwk_.crv) {
      return MakeError(ErrorCode::kMalformed, "epk is not on the recipient's curve", "epk");
    }
    VT_ASSIGN_OR_RETURN(EvpPkeyPtr peer, EcKeyFromJwk(epk));
    VT_ASSIGN_OR_RETURN(SecretBytes z, Ecdh(key_->pkey.get(), peer.get()));
    SecretBytes kek = ConcatKdfA256kw(z.span());
    VT_ASSIGN_OR_RETURN(cek, AesKeyWrap(kek.span(), encrypted_key, true));
  } else {
    return MakeError(ErrorCode::kUnsupported, "JWE alg " + alg + " does not fit this key", "alg");
  }
  SecretBytes content_key(std::move(cek));
  if (content_key.size() != kAes256KeySize) {
    return MakeError(ErrorCode::kMalformed, "content key is not 32 bytes", "encrypted_key");
  }
  VT_ASSIGN_OR_RETURN(Bytes iv, FromBase64UrlStrict(jwe.iv, "iv"));
  VT_ASSIGN_OR_RETURN(Bytes ct, FromBase64UrlStrict(jwe.ciphertext, "ciphertext"));
  VT_ASSIGN_OR_RETURN(Bytes tag, FromBase64UrlStrict(jwe.tag, "tag"));
  if (iv.size() != kGcmNonceSize || tag.size() != kGcmTagSize) {
    return MakeError(ErrorCode::kMalformed, "A256GCM wants a 12-byte iv and a 16-byte tag", "iv");
  }
  Bytes box = iv;
  box.insert(box.end(), ct.begin(), ct.end());
  box.insert(box.end(), tag.begin(), tag.end());
  const ByteSpan aad(reinterpret_cast<const uint8_t*>(jwe.protected_header.data()),
                     jwe.protected_header.size());
  return AesGcmOpen(content_key.span(), box, aad);
}

}  // namespace veritee
