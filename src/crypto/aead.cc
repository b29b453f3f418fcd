#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <limits>

#include "crypto/ossl.h"

namespace veritee {
namespace {

using EvpCipherCtxPtr = OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpKdfPtr = OsslPtr<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = OsslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;

constexpr size_t kMaxIntLen = static_cast<size_t>(std::numeric_limits<int>::max());

Status CheckKey(ByteSpan key) {
  if (key.size() != kAes256KeySize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AES-256-GCM needs a 32-byte key, got " + std::to_string(key.size()));
  }
  return Ok();
}

}  // namespace

void SecureWipe(std::span<uint8_t> bytes) {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void SecretBytes::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

Result<SecretBytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t length) {
  if (length == 0 || length > 255 * 32) {
    return MakeError(ErrorCode::kInvalidArgument, "HKDF-SHA256 output is 1..8160 bytes");
  }
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslFailure(ErrorCode::kCrypto, "HKDF fetch");
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslFailure(ErrorCode::kCrypto, "HKDF context");
  char digest[] = "SHA256";
  // OpenSSL wants non-const pointers in OSSL_PARAM; it only reads them here.
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()), ikm.size());
  // An empty salt means "HashLen zero bytes" (RFC 5869 2.2); OpenSSL does that when the
  // parameter is absent.
  if (!salt.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()), salt.size());
  }
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()), info.size());
  params[n] = OSSL_PARAM_construct_end();
  SecretBytes out(Bytes(length, 0));
  if (EVP_KDF_derive(ctx.get(), out.mutable_data(), length, params) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "HKDF-SHA256");
  }
  return out;
}

Result<Bytes> RandomBytes(size_t n) {
  Bytes out(n, 0);
  if (n > kMaxIntLen) return MakeError(ErrorCode::kInvalidArgument, "too many random bytes");
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RAND_bytes");
  }
  return out;
}

Result<Bytes> AesGcmSeal(ByteSpan key, ByteSpan plaintext, ByteSpan aad) {
  VT_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(kGcmNonceSize));
  return AesGcmSealWithNonce(key, nonce, plaintext, aad);
}

Result<Bytes> AesGcmSealWithNonce(ByteSpan key, ByteSpan nonce, ByteSpan plaintext,
                                  ByteSpan aad) {
  VT_RETURN_IF_ERROR(CheckKey(key));
  if (nonce.size() != kGcmNonceSize) {
    return MakeError(ErrorCode::kInvalidArgument, "AES-GCM nonce must be 12 bytes");
  }
  if (plaintext.size() > kMaxIntLen - 64 || aad.size() > kMaxIntLen) {
    return MakeError(ErrorCode::kInvalidArgument, "AES-GCM input too large");
  }
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM context");
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM init");
  }
  int len = 0;
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM AAD");
  }
  Bytes out(kGcmNonceSize + plaintext.size() + kGcmTagSize, 0);
  std::copy(nonce.begin(), nonce.end(), out.begin());
  uint8_t* ct = out.data() + kGcmNonceSize;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), ct, &len, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM encrypt");
  }
  int final_len = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), ct + plaintext.size(), &final_len) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagSize),
                          ct + plaintext.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM tag");
  }
  return out;
}

Result<SecretBytes> AesGcmOpen(ByteSpan key, ByteSpan box, ByteSpan aad) {
  VT_RETURN_IF_ERROR(CheckKey(key));
  if (box.size() < kGcmNonceSize + kGcmTagSize) {
    return MakeError(ErrorCode::kMalformed,
                     "sealed box is " + std::to_string(box.size()) +
                         " bytes; nonce(12) + tag(16) need at least 28");
  }
  if (box.size() > kMaxIntLen || aad.size() > kMaxIntLen) {
    return MakeError(ErrorCode::kInvalidArgument, "AES-GCM input too large");
  }
  ByteSpan nonce = box.first(kGcmNonceSize);
  ByteSpan ct = box.subspan(kGcmNonceSize, box.size() - kGcmNonceSize - kGcmTagSize);
  ByteSpan tag = box.last(kGcmTagSize);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM context");
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM init");
  }
  int len = 0;
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM AAD");
  }
  SecretBytes plain(Bytes(ct.size(), 0));
  if (!ct.empty() && EVP_DecryptUpdate(ctx.get(), plain.mutable_data(), &len, ct.data(),
                                       static_cast<int>(ct.size())) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM decrypt");
  }
  Bytes tag_copy(tag.begin(), tag.end());
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagSize),
                          tag_copy.data()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "AES-GCM set tag");
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), plain.mutable_data() + ct.size(), &final_len) != 1) {
    ClearOpenSslErrors();
    // `plain` holds unauthenticated bytes: it is wiped when it goes out of scope.
    return MakeError(ErrorCode::kBadSignature,
                     "AES-256-GCM authentication failed (wrong key or key id, or the nonce, "
                     "ciphertext, tag or associated data was altered)");
  }
  return plain;
}

}  // namespace veritee
