// Resources at rest: AES-256-GCM (crypto/aead.h) under a key-encryption key (KEK) that is
// never stored beside the data (DESIGN.md invariant 6).
//
// The KEK comes from a file (32 raw bytes, or 64 hex digits, or base64 of 32 bytes; the
// file must not be readable by group or others) or from an environment variable (hex or
// base64). Each resource is sealed with a fresh nonce and the AAD "veritee-resource-v1:" +
// its path, so a sealed value moved to another path (or a row swapped in the database)
// does not open. The sealed form stored is base64 of nonce ‖ ciphertext ‖ tag.
#pragma once

#include <memory>
#include <string>

#include "base/bytes.h"
#include "crypto/aead.h"

namespace veritee::kbs {

class Kek {
 public:
  static Result<Kek> FromFile(const std::string& path);
  static Result<Kek> FromEnv(const std::string& variable);
  static Result<Kek> FromBytes(ByteSpan key);  // tests
  // A short public fingerprint (first 8 bytes of SHA-256 of "veritee-kek-id" ‖ KEK, hex),
  // for logs: it identifies the KEK without revealing it.
  std::string Id() const;

  Result<std::string> Seal(const std::string& path, ByteSpan secret) const;
  // kBadSignature when the box was not sealed by this KEK for this path.
  Result<SecretBytes> Open(const std::string& path, const std::string& sealed) const;

 private:
  explicit Kek(SecretBytes key) : key_(std::make_shared<SecretBytes>(std::move(key))) {}
  std::shared_ptr<SecretBytes> key_;
};

}  // namespace veritee::kbs
