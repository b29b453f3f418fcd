#include "crypto/jose.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "crypto/ossl.h"

namespace veritee {
namespace {

using OsslParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using OsslParamPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;

constexpr size_t kMaxTokenBytes = 1 << 20;

struct Curve {
  JwsAlg alg;
  std::string_view jwk_crv;  // RFC 7518 section 6.2.1.1
  std::string_view group;    // OpenSSL group name
  size_t width;              // bytes of a coordinate, and of r and of s
  DigestAlg digest;
};

constexpr Curve kCurves[] = {
    {JwsAlg::kEs256, "P-256", "prime256v1", 32, DigestAlg::kSha256},
    {JwsAlg::kEs384, "P-384", "secp384r1", 48, DigestAlg::kSha384},
};

const Curve& CurveOf(JwsAlg alg) { return alg == JwsAlg::kEs256 ? kCurves[0] : kCurves[1]; }

ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

Result<Bytes> Coordinate(EVP_PKEY* key, const char* name, size_t width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "reading an EC public key");
  }
  BignumPtr bn(raw);
  Bytes out(width);
  if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(width)) != static_cast<int>(width)) {
    return MakeError(ErrorCode::kCrypto, "EC coordinate does not fit the curve");
  }
  return out;
}

// An EC public key from a JWK's crv, x and y (RFC 7518 section 6.2.1), checked to be a
// point on the curve.
Result<EvpPkeyPtr> KeyFromJwk(const JoseJson& jwk, const Curve** curve_out) {
  auto str = [&](const char* name) -> std::string {
    auto it = jwk.find(name);
    return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (str("kty") != "EC") return MakeError(ErrorCode::kUnsupported, "JWK is not an EC key");
  const Curve* curve = nullptr;
  for (const Curve& c : kCurves) {
    if (str("crv") == c.jwk_crv) curve = &c;
  }
  if (curve == nullptr) {
    return MakeError(ErrorCode::kUnsupported, "JWK curve '" + str("crv") + "' (P-256, P-384)");
  }
  VT_ASSIGN_OR_RETURN(Bytes x, Base64UrlDecode(str("x")));
  VT_ASSIGN_OR_RETURN(Bytes y, Base64UrlDecode(str("y")));
  if (x.size() != curve->width || y.size() != curve->width) {
    return MakeError(ErrorCode::kMalformed, "JWK x or y has the wrong length for its curve");
  }
  Bytes point{0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      curve->group.data(), curve->group.size()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "building a JWK key");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "JWK is not a point on " +
                                                     std::string(curve->jwk_crv));
  }
  EvpPkeyPtr key(raw);
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "JWK is not a point on " +
                                                     std::string(curve->jwk_crv));
  }
  *curve_out = curve;
  return key;
}

// A signing context per thread for the most recently used key: setting one up (provider
// fetch, key import) costs several times an ECDSA P-256 signature, and a verifier signs
// every result with the same key. The context holds a reference to its key, so a cached
// pointer can never be reused by another key while it is cached.
EVP_PKEY_CTX* SignContext(EVP_PKEY* key) {
  thread_local EVP_PKEY* cached_key = nullptr;
  thread_local EvpPkeyCtxPtr cached_ctx;
  if (cached_key == key && cached_ctx) return cached_ctx.get();
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) return nullptr;
  cached_ctx = std::move(ctx);
  cached_key = key;
  return cached_ctx.get();
}

// ECDSA over `digest`, as r||s of `width` bytes each (RFC 7518 section 3.4).
Result<Bytes> SignRawRs(EVP_PKEY* key, ByteSpan digest, size_t width) {
  EVP_PKEY_CTX* ctx = SignContext(key);
  if (ctx == nullptr) return OpenSslFailure(ErrorCode::kCrypto, "ECDSA sign setup");
  unsigned char der[160];
  size_t len = sizeof der;
  if (EVP_PKEY_sign(ctx, der, &len, digest.data(), digest.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "ECDSA sign");
  }
  const unsigned char* p = der;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) return OpenSslFailure(ErrorCode::kCrypto, "decoding our ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(2 * width);
  const int w = static_cast<int>(width);
  if (BN_bn2binpad(r, out.data(), w) != w || BN_bn2binpad(s, out.data() + width, w) != w) {
    return MakeError(ErrorCode::kCrypto, "ECDSA r/s do not fit the curve");
  }
  return out;
}

struct Parts {
  std::string_view header_b64, payload_b64, sig_b64;
  JoseJson header;
  std::string payload;
  Bytes sig;
};

Result<Parts> Split(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return MakeError(ErrorCode::kMalformed, "JWS is larger than 1 MiB");
  }
  size_t a = token.find('.');
  size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) {
    return MakeError(ErrorCode::kMalformed,
                     "not a compact JWS (three base64url parts separated by dots)");
  }
  Parts p;
  p.header_b64 = token.substr(0, a);
  p.payload_b64 = token.substr(a + 1, b - a - 1);
  p.sig_b64 = token.substr(b + 1);
  auto header = Base64UrlDecode(p.header_b64);
  if (!header) return MakeError(ErrorCode::kMalformed, "JWS header: " + header.error().message);
  auto payload = Base64UrlDecode(p.payload_b64);
  if (!payload) {
    return MakeError(ErrorCode::kMalformed, "JWS payload: " + payload.error().message);
  }
  auto sig = Base64UrlDecode(p.sig_b64);
  if (!sig) return MakeError(ErrorCode::kMalformed, "JWS signature: " + sig.error().message);
  try {
    p.header = JoseJson::parse(header->begin(), header->end());
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kMalformed, "JWS header is not JSON");
  }
  if (!p.header.is_object()) return MakeError(ErrorCode::kMalformed, "JWS header is not an object");
  p.payload.assign(payload->begin(), payload->end());
  p.sig = std::move(*sig);
  return p;
}

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) { return alg == JwsAlg::kEs256 ? "ES256" : "ES384"; }

Result<JwsAlg> ParseJwsAlg(std::string_view name) {
  if (name == "ES256") return JwsAlg::kEs256;
  if (name == "ES384") return JwsAlg::kEs384;
  return MakeError(ErrorCode::kUnsupported,
                   "JWS algorithm '" + std::string(name) + "' (ES256, ES384)");
}

std::string Base64UrlEncode(ByteSpan bytes) { return ToBase64Url(bytes); }

Result<Bytes> Base64UrlDecode(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return MakeError(ErrorCode::kMalformed, "not base64url without padding");
  }
  if (text.size() % 4 == 1) return MakeError(ErrorCode::kMalformed, "base64url of a bad length");
  auto bytes = FromBase64(text);
  // Canonical form: re-encoding gives the same text (no stray bits in the last digit).
  if (!bytes || ToBase64Url(*bytes) != text) {
    return MakeError(ErrorCode::kMalformed, "not canonical base64url");
  }
  return bytes;
}

Result<JwsKey> JwsKey::FromKey(std::shared_ptr<evp_pkey_st> key) {
  VT_ASSIGN_OR_RETURN(std::string group, EcCurveName(key.get()));
  const Curve* curve = nullptr;
  for (const Curve& c : kCurves) {
    if (group == c.group) curve = &c;
  }
  if (curve == nullptr) {
    return MakeError(ErrorCode::kUnsupported, "JWS keys are EC P-256 or P-384, not " + group);
  }
  VT_ASSIGN_OR_RETURN(Bytes x, Coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, curve->width));
  VT_ASSIGN_OR_RETURN(Bytes y, Coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, curve->width));
  JwsKey k;
  k.key_ = std::move(key);
  k.alg_ = curve->alg;
  const std::string xs = Base64UrlEncode(x), ys = Base64UrlEncode(y);
  // RFC 7638 section 3.2: the required members in lexicographic order, no whitespace.
  const std::string thumbprint_input = R"({"crv":")" + std::string(curve->jwk_crv) +
                                       R"(","kty":"EC","x":")" + xs + R"(","y":")" + ys + R"("})";
  k.kid_ = Base64UrlEncode(Sha256(AsBytes(thumbprint_input)));
  k.jwk_ = JoseJson{{"kty", "EC"},   {"crv", curve->jwk_crv}, {"x", xs},
                    {"y", ys},       {"kid", k.kid_},         {"alg", JwsAlgName(curve->alg)},
                    {"use", "sig"}};
  const std::string header =
      JoseJson{{"alg", JwsAlgName(curve->alg)}, {"typ", "JWT"}, {"kid", k.kid_}}.dump();
  k.jwt_header_b64_ = Base64UrlEncode(AsBytes(header));
  return k;
}

Result<JwsKey> JwsKey::Generate(JwsAlg alg) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey(CurveOf(alg).jwk_crv));
  return FromKey(ShareKey(std::move(key)));
}

Result<JwsKey> JwsKey::FromPrivatePem(std::string_view pem) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(AsBytes(pem)));
  return FromKey(ShareKey(std::move(key)));
}

Result<std::string> JwsKey::PrivatePem() const { return PrivateKeyToPem(key_.get()); }

JoseJson JwsKey::Jwks() const { return JoseJson{{"keys", JoseJson::array({jwk_})}}; }

Result<std::string> JwsKey::SignCompact(std::string_view payload, std::string_view typ) const {
  std::string input =
      typ == "JWT" ? jwt_header_b64_
                   : Base64UrlEncode(AsBytes(
                         JoseJson{{"alg", JwsAlgName(alg_)}, {"typ", typ}, {"kid", kid_}}.dump()));
  input += '.';
  input += Base64UrlEncode(AsBytes(payload));
  const Curve& curve = CurveOf(alg_);
  Bytes digest = Digest(curve.digest, AsBytes(input));
  // RFC 7518 section 3.4: R and S as fixed-width big-endian octet strings, concatenated.
  VT_ASSIGN_OR_RETURN(Bytes sig, SignRawRs(key_.get(), digest, curve.width));
  input += '.';
  input += Base64UrlEncode(sig);
  return input;
}

Result<std::pair<JoseJson, std::string>> DecodeCompactUnverified(std::string_view token) {
  VT_ASSIGN_OR_RETURN(Parts p, Split(token));
  return std::make_pair(std::move(p.header), std::move(p.payload));
}

Result<JwsVerified> VerifyCompact(std::string_view token, const JoseJson& jwks) {
  VT_ASSIGN_OR_RETURN(Parts p, Split(token));
  auto alg_it = p.header.find("alg");
  if (alg_it == p.header.end() || !alg_it->is_string()) {
    return MakeError(ErrorCode::kMalformed, "JWS header has no \"alg\"");
  }
  VT_ASSIGN_OR_RETURN(JwsAlg alg, ParseJwsAlg(alg_it->get<std::string>()));
  if (p.header.contains("crit")) {
    return MakeError(ErrorCode::kUnsupported, "JWS header has \"crit\" extensions");
  }
  std::string kid;
  if (auto it = p.header.find("kid"); it != p.header.end()) {
    if (!it->is_string()) return MakeError(ErrorCode::kMalformed, "JWS \"kid\" is not a string");
    kid = it->get<std::string>();
  }
  const Curve& curve = CurveOf(alg);
  if (p.sig.size() != 2 * curve.width) {
    return MakeError(ErrorCode::kBadSignature,
                     std::string(JwsAlgName(alg)) + " signature must be " +
                         std::to_string(2 * curve.width) + " bytes, got " +
                         std::to_string(p.sig.size()));
  }
  JoseJson keys;
  if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
    keys = jwks["keys"];
  } else if (jwks.is_object() && jwks.contains("kty")) {
    keys = JoseJson::array({jwks});
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "not a JWK Set ({\"keys\": [...]}) or a JWK");
  }
  const std::string input =
      std::string(p.header_b64) + "." + std::string(p.payload_b64);
  const Bytes digest = Digest(curve.digest, AsBytes(input));
  size_t tried = 0;
  for (const JoseJson& jwk : keys) {
    if (!jwk.is_object()) continue;
    auto jkid = jwk.find("kid");
    std::string this_kid = jkid != jwk.end() && jkid->is_string() ? jkid->get<std::string>() : "";
    if (!kid.empty() && this_kid != kid) continue;
    // A key is used only for the algorithm it declares (RFC 7517 section 4.4) and for
    // signatures when it says what it is for.
    if (auto a = jwk.find("alg"); a != jwk.end() && *a != JwsAlgName(alg)) continue;
    if (auto u = jwk.find("use"); u != jwk.end() && *u != "sig") continue;
    const Curve* key_curve = nullptr;
    auto key = KeyFromJwk(jwk, &key_curve);
    if (!key || key_curve->alg != alg) continue;
    ++tried;
    auto ok = VerifyEcdsaDigest(key->get(), digest, p.sig, EcdsaFormat::kRawBigEndian);
    if (ok) {
      return JwsVerified{std::move(p.header), std::move(p.payload), this_kid, alg};
    }
  }
  if (tried == 0) {
    return MakeError(ErrorCode::kBadSignature,
                     kid.empty() ? "no " + std::string(JwsAlgName(alg)) + " key in the JWK Set"
                                 : "no key with kid '" + kid + "' for " +
                                       std::string(JwsAlgName(alg)) + " in the JWK Set");
  }
  return MakeError(ErrorCode::kBadSignature, "JWS signature does not verify");
}

}  // namespace veritee
