// ByteReader and ByteWriter: the only way veritee reads untrusted bytes.
//
// Every read is bounds-checked in one place, names the field it reads for the error
// message, and does not advance on failure. Child readers cover length-prefixed parts;
// ExpectZero checks must-be-zero ranges; Finish fails if bytes remain. Offsets in errors
// are absolute (relative to the outermost buffer), so "reserved at 0x1f8" points at the
// byte in the file. ByteWriter is the mirror image used by writers and the simulator.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace veritee {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data, size_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  Result<uint8_t> U8(std::string_view field);
  Result<uint16_t> U16Le(std::string_view field);
  Result<uint32_t> U32Le(std::string_view field);
  Result<uint64_t> U64Le(std::string_view field);
  Result<uint16_t> U16Be(std::string_view field);
  Result<uint32_t> U32Be(std::string_view field);

  // A view of the next n bytes (no copy).
  Result<ByteSpan> Take(size_t n, std::string_view field);

  // Copies the next N bytes into a fixed-size array.
  template <size_t N>
  Result<std::array<uint8_t, N>> Array(std::string_view field) {
    auto span = Take(N, field);
    if (!span) return tl::unexpected(std::move(span).error());
    std::array<uint8_t, N> out{};
    for (size_t i = 0; i < N; ++i) out[i] = (*span)[i];
    return out;
  }

  // Consumes n bytes that must all be zero; reports the first non-zero byte's offset.
  Status ExpectZero(size_t n, std::string_view field);
  Status Skip(size_t n, std::string_view field);

  // A reader over the next n bytes; this reader advances past them.
  Result<ByteReader> Child(size_t n, std::string_view field);

  // Fails with kTrailingData if any byte is left.
  Status Finish(std::string_view what) const;

  size_t offset() const { return base_ + pos_; }  // absolute offset of the next byte
  size_t remaining() const { return data_.size() - pos_; }
  ByteSpan Rest() const { return data_.subspan(pos_); }

 private:
  Status Need(size_t n, std::string_view field) const;
  template <typename T>
  Result<T> ReadInt(std::string_view field, bool little_endian);

  ByteSpan data_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16Le(uint16_t v) { Int(v, 2, true); }
  void U32Le(uint32_t v) { Int(v, 4, true); }
  void U64Le(uint64_t v) { Int(v, 8, true); }
  void U16Be(uint16_t v) { Int(v, 2, false); }
  void U32Be(uint32_t v) { Int(v, 4, false); }
  void Append(ByteSpan bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void Zeros(size_t n) { out_.insert(out_.end(), n, 0); }

  size_t size() const { return out_.size(); }
  const Bytes& data() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  void Int(uint64_t v, int width, bool little_endian);
  Bytes out_;
};

// True when every byte is zero (constant-time is not needed: inputs are public).
bool AllZero(ByteSpan bytes);

}  // namespace veritee
