// JOSE: JWS compact serialization (RFC 7515 section 7.1) with ES256 and ES384 (RFC 7518
// section 3.4: ECDSA P-256/SHA-256 and P-384/SHA-384, the signature being r||s as
// fixed-width big-endian integers, not DER), JWTs as JWS over a JSON claims set
// (RFC 7519), and EC public keys as JWK / JWK Set (RFC 7517, RFC 7518 section 6.2) with
// the RFC 7638 thumbprint as "kid".
//
// Verification is strict: base64url without padding and in canonical form, only ES256 and
// ES384 (never "none", never an algorithm the key was not made for), no "crit" extensions,
// keys only from the JWK Set the caller trusts (a "jwk", "jku" or "x5u" header is ignored),
// and a signature of exactly 2 x 32 or 2 x 48 bytes. OpenSSL stays inside this file: the
// header only names the key type.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept opaque here

namespace veritee {

using JoseJson = nlohmann::ordered_json;

enum class JwsAlg { kEs256, kEs384 };

std::string_view JwsAlgName(JwsAlg alg);  // "ES256", "ES384"
Result<JwsAlg> ParseJwsAlg(std::string_view name);

// RFC 4648 section 5 without padding; decoding rejects padding, whitespace, other
// alphabets and non-canonical trailing bits.
std::string Base64UrlEncode(ByteSpan bytes);
Result<Bytes> Base64UrlDecode(std::string_view text);

// An EC key pair that signs JWS with its algorithm (P-256: ES256, P-384: ES384).
class JwsKey {
 public:
  static Result<JwsKey> Generate(JwsAlg alg);
  // PKCS#8 or traditional EC private key in PEM; the curve gives the algorithm.
  static Result<JwsKey> FromPrivatePem(std::string_view pem);
  Result<std::string> PrivatePem() const;

  JwsAlg alg() const { return alg_; }
  const std::string& kid() const { return kid_; }  // RFC 7638 thumbprint
  // {"kty": "EC", "crv", "x", "y", "kid", "alg", "use": "sig"}: public parts only.
  const JoseJson& PublicJwk() const { return jwk_; }
  // {"keys": [PublicJwk()]}
  JoseJson Jwks() const;

  // Compact JWS of `payload` with the protected header {"alg", "typ", "kid"}.
  Result<std::string> SignCompact(std::string_view payload, std::string_view typ = "JWT") const;

 private:
  JwsKey() = default;
  static Result<JwsKey> FromKey(std::shared_ptr<evp_pkey_st> key);

  std::shared_ptr<evp_pkey_st> key_;
  JwsAlg alg_ = JwsAlg::kEs256;
  std::string kid_;
  JoseJson jwk_;
  std::string jwt_header_b64_;  // the protected header for typ "JWT", encoded once
};

struct JwsVerified {
  JoseJson header;
  std::string payload;  // decoded
  std::string kid;      // of the key that verified it
  JwsAlg alg = JwsAlg::kEs256;
};

// Verifies a compact JWS with a key of `jwks` (a JWK Set, or a single JWK). With a "kid"
// header only that key is tried. kBadSignature when no key verifies; kMalformed for a
// token that is not a well-formed JWS; kUnsupported for other algorithms or "crit".
Result<JwsVerified> VerifyCompact(std::string_view token, const JoseJson& jwks);

// The header and payload of a compact JWS, decoded but NOT verified (for display).
Result<std::pair<JoseJson, std::string>> DecodeCompactUnverified(std::string_view token);

}  // namespace veritee
