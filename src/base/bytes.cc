#include "base/bytes.h"

#include <string>

namespace veritee {

Status ByteReader::Need(size_t n, std::string_view field) const {
  if (n > remaining()) {
    return MakeError(ErrorCode::kTruncated,
                     "need " + std::to_string(n) + " bytes, " + std::to_string(remaining()) +
                         " left",
                     std::string(field), offset());
  }
  return Ok();
}

template <typename T>
Result<T> ByteReader::ReadInt(std::string_view field, bool little_endian) {
  VT_RETURN_IF_ERROR(Need(sizeof(T), field));
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    size_t idx = little_endian ? sizeof(T) - 1 - i : i;
    v = (v << 8) | data_[pos_ + idx];
  }
  pos_ += sizeof(T);
  return static_cast<T>(v);
}

Result<uint8_t> ByteReader::U8(std::string_view field) { return ReadInt<uint8_t>(field, true); }
Result<uint16_t> ByteReader::U16Le(std::string_view field) {
  return ReadInt<uint16_t>(field, true);
}
Result<uint32_t> ByteReader::U32Le(std::string_view field) {
  return ReadInt<uint32_t>(field, true);
}
Result<uint64_t> ByteReader::U64Le(std::string_view field) {
  return ReadInt<uint64_t>(field, true);
}
Result<uint16_t> ByteReader::U16Be(std::string_view field) {
  return ReadInt<uint16_t>(field, false);
}
Result<uint32_t> ByteReader::U32Be(std::string_view field) {
  return ReadInt<uint32_t>(field, false);
}

Result<ByteSpan> ByteReader::Take(size_t n, std::string_view field) {
  VT_RETURN_IF_ERROR(Need(n, field));
  ByteSpan out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Status ByteReader::ExpectZero(size_t n, std::string_view field) {
  VT_RETURN_IF_ERROR(Need(n, field));
  for (size_t i = 0; i < n; ++i) {
    if (data_[pos_ + i] != 0) {
      return MakeError(ErrorCode::kReservedNonZero, "must be zero", std::string(field),
                       offset() + i);
    }
  }
  pos_ += n;
  return Ok();
}

Status ByteReader::Skip(size_t n, std::string_view field) {
  VT_RETURN_IF_ERROR(Need(n, field));
  pos_ += n;
  return Ok();
}

Result<ByteReader> ByteReader::Child(size_t n, std::string_view field) {
  VT_RETURN_IF_ERROR(Need(n, field));
  ByteReader child(data_.subspan(pos_, n), offset());
  pos_ += n;
  return child;
}

Status ByteReader::Finish(std::string_view what) const {
  if (remaining() != 0) {
    return MakeError(ErrorCode::kTrailingData,
                     std::to_string(remaining()) + " unexpected trailing bytes",
                     std::string(what), offset());
  }
  return Ok();
}

void ByteWriter::Int(uint64_t v, int width, bool little_endian) {
  for (int i = 0; i < width; ++i) {
    int shift = little_endian ? 8 * i : 8 * (width - 1 - i);
    out_.push_back(static_cast<uint8_t>(v >> shift));
  }
}

bool AllZero(ByteSpan bytes) {
  uint8_t acc = 0;
  for (uint8_t b : bytes) acc |= b;
  return acc == 0;
}

}  // namespace veritee
