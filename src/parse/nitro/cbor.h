// CBOR (RFC 8949) items, one at a time: the tokenizer and the encoder under the AWS Nitro
// Enclaves attestation-document parser and writer.
//
// Reading uses libcbor's stateless streaming decoder (cbor_stream_decode), which decodes one
// data item head (and the content of a definite-length string) per call and allocates
// nothing: libcbor's tree builder (cbor_load) allocates arrays and maps from the declared
// count before checking that the input holds that many items, which a hostile 9-byte
// input turns into a 2^64-element allocation. Every byte is consumed through a ByteReader,
// so offsets in errors are absolute and a failed read does not advance. The grammar above
// (cose.h, document.h) decides what may appear where; tag heads are decoded by hand
// (libcbor 0.8 rejects tag 18, COSE_Sign1); CborReader::Skip walks unknown
// values with a depth limit and never allocates.
//
// Writing uses libcbor's encoders (cbor_encode_*), which emit the shortest head for every
// argument (RFC 8949 section 4.2.1, "preferred serialization").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::nitro {

enum class CborType {
  kUnsigned,  // major type 0; value
  kNegative,  // major type 1; the integer is -1 - value
  kBytes,     // major type 2; definite: data; indefinite: chunks follow until a break
  kText,      // major type 3; same
  kArray,     // major type 4; definite: value items follow; indefinite: until a break
  kMap,       // major type 5; definite: value pairs follow; indefinite: until a break
  kTag,       // major type 6; value = tag number; one item follows
  kFalse,
  kTrue,
  kNull,
  kUndefined,
  kFloat,  // half, single or double precision
  kBreak,  // 0xff, ends an indefinite-length item
};

std::string_view CborTypeName(CborType type);

struct CborToken {
  CborType type = CborType::kUnsigned;
  size_t offset = 0;        // absolute offset of the item's first byte
  uint64_t value = 0;       // integer, string length, item/pair count or tag number
  bool indefinite = false;  // strings, arrays and maps of indefinite length
  ByteSpan data;            // the content of a definite-length string
};

class CborReader {
 public:
  explicit CborReader(ByteSpan data, size_t base_offset = 0) : reader_(data, base_offset) {}

  // The next item head (with the content of a definite-length string). Does not advance
  // on failure: kTruncated when the input ends inside the item, kMalformed for bytes that
  // are not CBOR (reserved additional information, unassigned simple values).
  Result<CborToken> Next(std::string_view field);
  Result<CborToken> Peek(std::string_view field) const;

  // Typed reads: kMalformed naming the field and the type found when the type differs.
  Result<uint64_t> Unsigned(std::string_view field);
  Result<int64_t> Integer(std::string_view field);  // major type 0 or 1, within int64
  // Definite-length strings of at most `max_size` bytes (kMalformed beyond). Indefinite-
  // length (chunked) strings are kUnsupported: no COSE or NSM encoder produces them, and a
  // signed byte string must have one encoding.
  Result<ByteSpan> ByteString(std::string_view field, size_t max_size);
  Result<std::string_view> TextString(std::string_view field, size_t max_size);
  // Array or map head: the count, or nullopt for indefinite length (then the items end
  // with a break, see AtBreak). A definite count larger than the bytes left is kTruncated
  // before any caller can reserve memory for it.
  Result<std::optional<uint64_t>> ArrayHead(std::string_view field);
  Result<std::optional<uint64_t>> MapHead(std::string_view field);
  // True (and the break consumed) when the next byte is a break.
  bool AtBreak();
  // Consumes `null` and returns true, or returns false without consuming.
  bool TakeNull();

  // Skips one complete item of any type, nested at most `max_depth` levels.
  Status Skip(std::string_view field, int max_depth = 16);

  Status Finish(std::string_view what) const { return reader_.Finish(what); }
  size_t offset() const { return reader_.offset(); }
  size_t remaining() const { return reader_.remaining(); }

 private:
  Result<std::optional<uint64_t>> ContainerHead(CborType type, std::string_view field,
                                                uint64_t per_item_bytes);

  ByteReader reader_;
};

// CBOR encoder for the writers: every head in preferred (shortest) form.
class CborWriter {
 public:
  void Unsigned(uint64_t v);
  void Integer(int64_t v);
  void ByteString(ByteSpan bytes);
  void TextString(std::string_view text);
  void ArrayHead(uint64_t count);
  void MapHead(uint64_t count);
  void IndefiniteMapHead();
  void IndefiniteArrayHead();
  void Break();
  void Null();
  void Tag(uint64_t tag);
  void Raw(ByteSpan bytes) { out_.Append(bytes); }

  const Bytes& data() const { return out_.data(); }
  Bytes Take() { return out_.Take(); }

 private:
  ByteWriter out_;
};

}  // namespace veritee::nitro
