#include "base/encoding.h"

#include <cctype>

namespace veritee {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int B64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string Base64With(ByteSpan bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    if (rest == 2) v |= uint32_t{bytes[i + 1]} << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) {
      out += alphabet[(v >> 6) & 63];
    } else if (pad) {
      out += '=';
    }
    if (pad) out += '=';
  }
  return out;
}

}  // namespace

std::string ToHex(ByteSpan bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 15];
  }
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  if (hex.size() % 2 != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "hex has an odd number of digits (" + std::to_string(hex.size()) + ")");
  }
  Bytes out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "not a hex digit: '" + std::string(1, hi < 0 ? hex[i] : hex[i + 1]) +
                           "' at position " + std::to_string(hi < 0 ? i : i + 1));
    }
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string ToBase64(ByteSpan bytes) { return Base64With(bytes, kB64, true); }
std::string ToBase64Url(ByteSpan bytes) { return Base64With(bytes, kB64Url, false); }

Result<Bytes> FromBase64(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (IsSpace(c)) continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = B64Value(c);
    if (v < 0 || pad > 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "not base64 at position " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1)) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "base64 has a malformed ending");
  }
  return out;
}

Bytes DecodeEvidenceText(Bytes raw) {
  size_t begin = 0, end = raw.size();
  while (begin < end && IsSpace(static_cast<char>(raw[begin]))) ++begin;
  while (end > begin && IsSpace(static_cast<char>(raw[end - 1]))) --end;
  if (begin == end) return raw;
  std::string_view text(reinterpret_cast<const char*>(raw.data()) + begin, end - begin);
  bool hex = true, b64 = true;
  for (char c : text) {
    if (IsSpace(c)) continue;
    if (HexValue(c) < 0) hex = false;
    if (B64Value(c) < 0 && c != '=') b64 = false;
  }
  if (hex) {
    std::string compact;
    for (char c : text) {
      if (!IsSpace(c)) compact += c;
    }
    if (auto decoded = FromHex(compact)) return *decoded;
  }
  if (b64) {
    if (auto decoded = FromBase64(text)) return *decoded;
  }
  return raw;
}

std::string HexU64(uint64_t v, int width_bytes) {
  std::string out = "0x";
  for (int i = width_bytes * 2 - 1; i >= 0; --i) out += kHexDigits[(v >> (4 * i)) & 15];
  return out;
}

}  // namespace veritee
