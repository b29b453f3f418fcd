// Symmetric primitives for sealing and key derivation: HKDF-SHA256 (RFC 5869) and
// AES-256-GCM (NIST SP 800-38D) in the nonce(12) ‖ ciphertext ‖ tag(16) wire format.
//
// Keys live in SecretBytes, which wipes itself (OPENSSL_cleanse) when destroyed, so a
// derived key does not linger in freed memory. Opening a box either returns the whole
// plaintext or kBadSignature ("authentication failed"): nothing is released from a box
// whose tag does not verify.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "base/bytes.h"

namespace veritee {

// Bytes that are wiped on destruction and on reassignment. Move-only.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(ByteSpan bytes) : bytes_(bytes.begin(), bytes.end()) {}  // NOLINT: copies in
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  ByteSpan span() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* mutable_data() { return bytes_.data(); }

 private:
  void Wipe();
  Bytes bytes_;
};

// Overwrites a buffer that held key material in a way the compiler cannot elide.
void SecureWipe(std::span<uint8_t> bytes);

inline constexpr size_t kAes256KeySize = 32;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;

// HKDF-SHA256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes
// (at most 255 * 32).
Result<SecretBytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t length);

// Cryptographically random bytes (OpenSSL's DRBG).
Result<Bytes> RandomBytes(size_t n);

// AES-256-GCM with a fresh random 96-bit nonce; returns nonce ‖ ciphertext ‖ tag.
Result<Bytes> AesGcmSeal(ByteSpan key, ByteSpan plaintext, ByteSpan aad);
// The same with a caller-chosen nonce (tests and known-answer vectors only: a nonce must
// never repeat under one key).
Result<Bytes> AesGcmSealWithNonce(ByteSpan key, ByteSpan nonce, ByteSpan plaintext,
                                  ByteSpan aad);
// Opens nonce ‖ ciphertext ‖ tag. kMalformed when shorter than 28 bytes; kBadSignature when
// the tag does not verify (wrong key, altered nonce, ciphertext, tag or AAD).
Result<SecretBytes> AesGcmOpen(ByteSpan key, ByteSpan box, ByteSpan aad);

}  // namespace veritee
