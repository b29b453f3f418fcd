// Hex and base64 codecs, and the evidence-text decoder.
//
// Hex output is always lower case; hex input is accepted in either case (DESIGN.md).
// Base64 follows RFC 4648 section 4 (standard alphabet, padding optional on input) and
// section 5 (URL-safe alphabet, for JOSE).
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"

namespace veritee {

std::string ToHex(ByteSpan bytes);
Result<Bytes> FromHex(std::string_view hex);

std::string ToBase64(ByteSpan bytes);
std::string ToBase64Url(ByteSpan bytes);  // no padding
// Accepts the standard or URL-safe alphabet; whitespace is ignored; padding optional.
Result<Bytes> FromBase64(std::string_view text);

// Evidence files may hold raw bytes, hex text or base64 text. Text is recognised only
// when the whole file (less surrounding whitespace) is in the alphabet; otherwise the bytes
// are returned as they are.
Bytes DecodeEvidenceText(Bytes raw);

// "0x" followed by 2*width lower-case hex digits.
std::string HexU64(uint64_t v, int width_bytes = 8);

}  // namespace veritee
