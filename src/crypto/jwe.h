// JSON Web Keys (RFC 7517, 7518 §6) and JSON Web Encryption (RFC 7516) for the key broker:
// a resource is released as a JWE in the flattened JSON serialisation (RFC 7516 §7.2.2)
// whose content key is wrapped to the TEE public key the guest attested (the KBS protocol
// of confidential-containers/trustee, kbs/docs/kbs_attestation_protocol.md, "Response").
//
// Algorithms (RFC 7518): the content is always A256GCM (§5.3) with the ASCII of the
// base64url protected header as AAD; the content key is wrapped with
//   RSA-OAEP-256   (§4.3: RSAES-OAEP, SHA-256, MGF1-SHA-256) for an RSA key (2048-8192 bits),
//   ECDH-ES+A256KW (§4.6: an ephemeral key on the recipient's curve, Concat KDF over
//                   SHA-256 with AlgorithmID "ECDH-ES+A256KW", empty apu/apv, then AES
//                   Key Wrap RFC 3394) for an EC key on P-256, P-384 or P-521.
// A JWK from the network is hostile: members must be strict base64url of the exact size,
// an EC point must lie on its curve (EVP_PKEY_public_check), an RSA exponent must be odd
// and >= 3. No OpenSSL type appears here; TeeKeyPair (the guest side, for the client and
// tests) hides its key.
#pragma once

#include <memory>
#include <string>

#include "base/bytes.h"
#include "crypto/aead.h"

namespace veritee {

// The public members of a JWK, as base64url text (no padding).
struct Jwk {
  std::string kty;  // "EC" or "RSA"
  std::string crv;  // EC: "P-256", "P-384", "P-521"
  std::string x, y; // EC coordinates, each exactly the field size
  std::string n, e; // RSA modulus and exponent
  std::string alg;  // optional: "RSA-OAEP-256" or "ECDH-ES+A256KW" (checked when present)
};

// Checks the key (sizes, curve membership, exponent). kMalformed / kUnsupported.
Status ValidateJwk(const Jwk& jwk);
// The RFC 7638 thumbprint input (required members, lexicographic, no whitespace) and its
// SHA-256.
std::string JwkThumbprintInput(const Jwk& jwk);
std::array<uint8_t, 32> JwkThumbprint(const Jwk& jwk);
// The JWK of a SubjectPublicKeyInfo (DER), EC or RSA, with the "alg" JweEncrypt uses.
Result<Jwk> JwkFromSpki(ByteSpan spki_der);
// The JWK as canonical JSON text (members sorted, no whitespace; "alg" included if set).
std::string JwkToJson(const Jwk& jwk);

// The flattened JWE JSON serialisation, members base64url.
struct JweFlattened {
  std::string protected_header;  // "protected"
  std::string encrypted_key;
  std::string iv;
  std::string ciphertext;
  std::string tag;
  std::string ToJson() const;
};

// The key-management algorithm JweEncrypt uses for `jwk`.
Result<std::string> JweAlgorithmFor(const Jwk& jwk);
// Encrypts `plaintext` under a fresh A256GCM key wrapped to `recipient`.
Result<JweFlattened> JweEncrypt(const Jwk& recipient, ByteSpan plaintext);
// Parses the flattened serialisation (unknown members other than "aad"/"header" refused).
Result<JweFlattened> ParseJweFlattened(std::string_view json);

// A TEE key pair: what a guest generates per attestation. Copies share the key.
class TeeKeyPair {
 public:
  enum class Kind { kEcP256, kEcP384, kRsa2048, kRsa3072 };
  static Result<TeeKeyPair> Generate(Kind kind);
  static Result<TeeKeyPair> FromPrivatePem(ByteSpan pem);
  Result<std::string> PrivatePem() const;
  const Jwk& public_jwk() const { return jwk_; }
  // Decrypts a JWE addressed to this key; kBadSignature when it does not authenticate.
  Result<SecretBytes> Decrypt(const JweFlattened& jwe) const;

 private:
  struct Key;
  TeeKeyPair(std::shared_ptr<Key> key, Jwk jwk) : key_(std::move(key)), jwk_(std::move(jwk)) {}
  std::shared_ptr<Key> key_;
  Jwk jwk_;
};

// Strict base64url (RFC 4648 §5, no padding, no whitespace).
Result<Bytes> FromBase64UrlStrict(std::string_view text, std::string_view field);

}  // namespace veritee
