#include "crypto/digest.h"

#include <openssl/sha.h>

namespace veritee {

size_t DigestSize(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::kSha256: return 32;
    case DigestAlg::kSha384: return 48;
    case DigestAlg::kSha512: return 64;
  }
  return 0;
}

std::string_view DigestName(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::kSha256: return "SHA-256";
    case DigestAlg::kSha384: return "SHA-384";
    case DigestAlg::kSha512: return "SHA-512";
  }
  return "?";
}

// The one-shot SHA functions are the fastest path in OpenSSL 3 (no provider fetch per call)
// and are not deprecated.
std::array<uint8_t, 32> Sha256(ByteSpan data) {
  std::array<uint8_t, 32> out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

std::array<uint8_t, 48> Sha384(ByteSpan data) {
  std::array<uint8_t, 48> out{};
  SHA384(data.data(), data.size(), out.data());
  return out;
}

std::array<uint8_t, 64> Sha512(ByteSpan data) {
  std::array<uint8_t, 64> out{};
  SHA512(data.data(), data.size(), out.data());
  return out;
}

Bytes Digest(DigestAlg alg, ByteSpan data) {
  switch (alg) {
    case DigestAlg::kSha256: {
      auto d = Sha256(data);
      return Bytes(d.begin(), d.end());
    }
    case DigestAlg::kSha384: {
      auto d = Sha384(data);
      return Bytes(d.begin(), d.end());
    }
    case DigestAlg::kSha512: {
      auto d = Sha512(data);
      return Bytes(d.begin(), d.end());
    }
  }
  return {};
}

}  // namespace veritee
