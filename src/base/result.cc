#include "base/result.h"

#include <cstdio>

namespace veritee {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kTrailingData: return "trailing-data";
    case ErrorCode::kReservedNonZero: return "reserved-non-zero";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kBadSignature: return "bad-signature";
    case ErrorCode::kChainInvalid: return "chain-invalid";
    case ErrorCode::kExpired: return "expired";
    case ErrorCode::kRevoked: return "revoked";
    case ErrorCode::kMismatch: return "mismatch";
    case ErrorCode::kCrypto: return "crypto";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out;
  if (!field.empty()) {
    out += field;
    if (offset) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " at 0x%zx", *offset);
      out += buf;
    }
    out += ": ";
  } else if (offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "at 0x%zx: ", *offset);
    out += buf;
  }
  out += message;
  return out;
}

}  // namespace veritee
