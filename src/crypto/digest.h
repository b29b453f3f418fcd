// SHA-2 digests (FIPS 180-4) through OpenSSL's EVP interface.
#pragma once

#include <array>

#include "base/bytes.h"

namespace veritee {

enum class DigestAlg { kSha256, kSha384, kSha512 };

size_t DigestSize(DigestAlg alg);
std::string_view DigestName(DigestAlg alg);

Bytes Digest(DigestAlg alg, ByteSpan data);
std::array<uint8_t, 32> Sha256(ByteSpan data);
std::array<uint8_t, 48> Sha384(ByteSpan data);
std::array<uint8_t, 64> Sha512(ByteSpan data);

}  // namespace veritee
