#include "parse/nitro/cbor.h"

#include <cbor.h>

#include <limits>

namespace veritee::nitro {
namespace {

// The token being decoded by one cbor_stream_decode call.
struct DecodeContext {
  CborToken token;
  const uint8_t* data = nullptr;
  size_t data_size = 0;
};

DecodeContext* Ctx(void* p) { return static_cast<DecodeContext*>(p); }

void SetUnsigned(void* c, uint64_t v) {
  Ctx(c)->token.type = CborType::kUnsigned;
  Ctx(c)->token.value = v;
}
void SetNegative(void* c, uint64_t v) {
  Ctx(c)->token.type = CborType::kNegative;
  Ctx(c)->token.value = v;
}
void SetString(void* c, CborType type, cbor_data data, size_t size) {
  Ctx(c)->token.type = type;
  Ctx(c)->token.value = size;
  Ctx(c)->data = data;
  Ctx(c)->data_size = size;
}
void SetIndefinite(void* c, CborType type) {
  Ctx(c)->token.type = type;
  Ctx(c)->token.indefinite = true;
}
void SetCount(void* c, CborType type, size_t n) {
  Ctx(c)->token.type = type;
  Ctx(c)->token.value = n;
}
void SetType(void* c, CborType type) { Ctx(c)->token.type = type; }

const cbor_callbacks kCallbacks = [] {
  cbor_callbacks cb = cbor_empty_callbacks;
  cb.uint8 = [](void* c, uint8_t v) { SetUnsigned(c, v); };
  cb.uint16 = [](void* c, uint16_t v) { SetUnsigned(c, v); };
  cb.uint32 = [](void* c, uint32_t v) { SetUnsigned(c, v); };
  cb.uint64 = [](void* c, uint64_t v) { SetUnsigned(c, v); };
  cb.negint8 = [](void* c, uint8_t v) { SetNegative(c, v); };
  cb.negint16 = [](void* c, uint16_t v) { SetNegative(c, v); };
  cb.negint32 = [](void* c, uint32_t v) { SetNegative(c, v); };
  cb.negint64 = [](void* c, uint64_t v) { SetNegative(c, v); };
  // libcbor's naming: byte_string is a definite string, byte_string_start an indefinite one.
  cb.byte_string = [](void* c, cbor_data d, size_t n) { SetString(c, CborType::kBytes, d, n); };
  cb.byte_string_start = [](void* c) { SetIndefinite(c, CborType::kBytes); };
  cb.string = [](void* c, cbor_data d, size_t n) { SetString(c, CborType::kText, d, n); };
  cb.string_start = [](void* c) { SetIndefinite(c, CborType::kText); };
  cb.array_start = [](void* c, size_t n) { SetCount(c, CborType::kArray, n); };
  cb.indef_array_start = [](void* c) { SetIndefinite(c, CborType::kArray); };
  cb.map_start = [](void* c, size_t n) { SetCount(c, CborType::kMap, n); };
  cb.indef_map_start = [](void* c) { SetIndefinite(c, CborType::kMap); };
  cb.tag = [](void* c, uint64_t v) {
    Ctx(c)->token.type = CborType::kTag;
    Ctx(c)->token.value = v;
  };
  cb.float2 = [](void* c, float) { SetType(c, CborType::kFloat); };
  cb.float4 = [](void* c, float) { SetType(c, CborType::kFloat); };
  cb.float8 = [](void* c, double) { SetType(c, CborType::kFloat); };
  cb.undefined = [](void* c) { SetType(c, CborType::kUndefined); };
  cb.null = [](void* c) { SetType(c, CborType::kNull); };
  cb.boolean = [](void* c, bool v) { SetType(c, v ? CborType::kTrue : CborType::kFalse); };
  cb.indef_break = [](void* c) { SetType(c, CborType::kBreak); };
  return cb;
}();

// Tag heads (major type 6) are decoded here: libcbor 0.8 (Debian 12) refuses tag numbers 6
// to 20 as "unassigned", which includes COSE_Sign1's tag 18 (RFC 9052 section 4.2).
Result<std::pair<CborToken, size_t>> DecodeTagHead(ByteSpan rest, size_t offset,
                                                   std::string_view field) {
  ByteReader r(rest, offset);
  VT_ASSIGN_OR_RETURN(uint8_t initial, r.U8(field));
  const uint8_t info = initial & 0x1f;
  CborToken t;
  t.type = CborType::kTag;
  t.offset = offset;
  if (info < 24) {
    t.value = info;
  } else if (info == 24) {
    VT_ASSIGN_OR_RETURN(t.value, r.U8(field));
  } else if (info == 25) {
    VT_ASSIGN_OR_RETURN(t.value, r.U16Be(field));
  } else if (info == 26) {
    VT_ASSIGN_OR_RETURN(t.value, r.U32Be(field));
  } else if (info == 27) {
    VT_ASSIGN_OR_RETURN(uint32_t high, r.U32Be(field));
    VT_ASSIGN_OR_RETURN(uint32_t low, r.U32Be(field));
    t.value = uint64_t{high} << 32 | low;
  } else {
    return MakeError(ErrorCode::kMalformed, "not well-formed CBOR (reserved tag head)",
                     std::string(field), offset);
  }
  return std::pair<CborToken, size_t>{t, r.offset() - offset};
}

// Decodes the item at the start of `rest`: its token and how many bytes it spans.
Result<std::pair<CborToken, size_t>> DecodeOne(ByteSpan rest, size_t offset,
                                               std::string_view field) {
  if (rest.empty()) {
    return MakeError(ErrorCode::kTruncated, "input ends before this CBOR item", std::string(field),
                     offset);
  }
  if (rest[0] >> 5 == 6) return DecodeTagHead(rest, offset, field);
  DecodeContext ctx;
  ctx.token.offset = offset;
  // A sentinel type: a head libcbor accepts without calling back is a bug we must catch.
  ctx.token.type = CborType::kBreak;
  cbor_decoder_result r = cbor_stream_decode(rest.data(), rest.size(), &kCallbacks, &ctx);
  if (r.status == CBOR_DECODER_NEDATA) {
    return MakeError(ErrorCode::kTruncated,
                     "CBOR item needs " + std::to_string(r.required) + " bytes, " +
                         std::to_string(rest.size()) + " left",
                     std::string(field), offset);
  }
  if (r.status != CBOR_DECODER_FINISHED || r.read == 0 || r.read > rest.size()) {
    return MakeError(ErrorCode::kMalformed,
                     "not well-formed CBOR (initial byte 0x" +
                         std::string(1, "0123456789abcdef"[rest[0] >> 4]) +
                         std::string(1, "0123456789abcdef"[rest[0] & 15]) + ")",
                     std::string(field), offset);
  }
  if (ctx.token.type == CborType::kBreak && rest[0] != 0xff) {
    return MakeError(ErrorCode::kMalformed, "unsupported CBOR item", std::string(field), offset);
  }
  if (ctx.data != nullptr) {
    // The content must lie inside the item libcbor says it read.
    const uint8_t* begin = rest.data();
    if (ctx.data < begin || ctx.data_size > r.read ||
        static_cast<size_t>(ctx.data - begin) > r.read - ctx.data_size) {
      return MakeError(ErrorCode::kInternal, "CBOR string outside its item", std::string(field),
                       offset);
    }
    ctx.token.data = ByteSpan(ctx.data, ctx.data_size);
  }
  return std::pair<CborToken, size_t>{ctx.token, r.read};
}

// RFC 3629 well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool ValidUtf8(ByteSpan s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = s[i];
    size_t n = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      cp = b & 0x1fu;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      cp = b & 0x0fu;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      cp = b & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Error TypeError(const CborToken& t, std::string_view want, std::string_view field) {
  return Error{ErrorCode::kMalformed,
               "expected " + std::string(want) + ", found " +
                   (t.indefinite ? "indefinite-length " : "") + std::string(CborTypeName(t.type)),
               std::string(field), t.offset};
}

}  // namespace

std::string_view CborTypeName(CborType type) {
  switch (type) {
    case CborType::kUnsigned:
      return "unsigned integer";
    case CborType::kNegative:
      return "negative integer";
    case CborType::kBytes:
      return "byte string";
    case CborType::kText:
      return "text string";
    case CborType::kArray:
      return "array";
    case CborType::kMap:
      return "map";
    case CborType::kTag:
      return "tag";
    case CborType::kFalse:
      return "false";
    case CborType::kTrue:
      return "true";
    case CborType::kNull:
      return "null";
    case CborType::kUndefined:
      return "undefined";
    case CborType::kFloat:
      return "float";
    case CborType::kBreak:
      return "break";
  }
  return "?";
}

Result<CborToken> CborReader::Peek(std::string_view field) const {
  VT_ASSIGN_OR_RETURN(auto decoded, DecodeOne(reader_.Rest(), reader_.offset(), field));
  return decoded.first;
}

Result<CborToken> CborReader::Next(std::string_view field) {
  VT_ASSIGN_OR_RETURN(auto decoded, DecodeOne(reader_.Rest(), reader_.offset(), field));
  VT_RETURN_IF_ERROR(reader_.Skip(decoded.second, field));
  return decoded.first;
}

Result<uint64_t> CborReader::Unsigned(std::string_view field) {
  VT_ASSIGN_OR_RETURN(CborToken t, Peek(field));
  if (t.type != CborType::kUnsigned) return tl::unexpected(TypeError(t, "unsigned integer", field));
  VT_RETURN_IF_ERROR(Next(field));
  return t.value;
}

Result<int64_t> CborReader::Integer(std::string_view field) {
  VT_ASSIGN_OR_RETURN(CborToken t, Peek(field));
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (t.type != CborType::kUnsigned && t.type != CborType::kNegative) {
    return tl::unexpected(TypeError(t, "integer", field));
  }
  if (t.value > kMax) {
    return MakeError(ErrorCode::kUnsupported, "integer outside the 64-bit signed range",
                     std::string(field), t.offset);
  }
  VT_RETURN_IF_ERROR(Next(field));
  const auto v = static_cast<int64_t>(t.value);
  return t.type == CborType::kUnsigned ? v : -1 - v;
}

Result<ByteSpan> CborReader::ByteString(std::string_view field, size_t max_size) {
  VT_ASSIGN_OR_RETURN(CborToken t, Peek(field));
  if (t.type != CborType::kBytes) return tl::unexpected(TypeError(t, "byte string", field));
  if (t.indefinite) {
    return MakeError(ErrorCode::kUnsupported, "indefinite-length byte string", std::string(field),
                     t.offset);
  }
  if (t.data.size() > max_size) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(t.data.size()) + " bytes, more than the " +
                         std::to_string(max_size) + " allowed",
                     std::string(field), t.offset);
  }
  VT_RETURN_IF_ERROR(Next(field));
  return t.data;
}

Result<std::string_view> CborReader::TextString(std::string_view field, size_t max_size) {
  VT_ASSIGN_OR_RETURN(CborToken t, Peek(field));
  if (t.type != CborType::kText) return tl::unexpected(TypeError(t, "text string", field));
  if (t.indefinite) {
    return MakeError(ErrorCode::kUnsupported, "indefinite-length text string", std::string(field),
                     t.offset);
  }
  if (t.data.size() > max_size) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(t.data.size()) + " bytes of text, more than the " +
                         std::to_string(max_size) + " allowed",
                     std::string(field), t.offset);
  }
  // RFC 8949 section 3.1: a text string is UTF-8; anything else is not valid CBOR (and
  // would not survive JSON output).
  if (!ValidUtf8(t.data)) {
    return MakeError(ErrorCode::kMalformed, "text string is not valid UTF-8", std::string(field),
                     t.offset);
  }
  VT_RETURN_IF_ERROR(Next(field));
  return std::string_view(reinterpret_cast<const char*>(t.data.data()), t.data.size());
}

Result<std::optional<uint64_t>> CborReader::ContainerHead(CborType type, std::string_view field,
                                                          uint64_t per_item_bytes) {
  VT_ASSIGN_OR_RETURN(CborToken t, Peek(field));
  if (t.type != type) return tl::unexpected(TypeError(t, CborTypeName(type), field));
  VT_RETURN_IF_ERROR(Next(field));
  if (t.indefinite) return std::optional<uint64_t>();
  // Every item takes at least one byte.
  if (t.value > remaining() / per_item_bytes) {
    return MakeError(ErrorCode::kTruncated,
                     std::string(CborTypeName(type)) + " of " + std::to_string(t.value) +
                         " entries, only " + std::to_string(remaining()) + " bytes left",
                     std::string(field), t.offset);
  }
  return std::optional<uint64_t>(t.value);
}

Result<std::optional<uint64_t>> CborReader::ArrayHead(std::string_view field) {
  return ContainerHead(CborType::kArray, field, 1);
}

Result<std::optional<uint64_t>> CborReader::MapHead(std::string_view field) {
  return ContainerHead(CborType::kMap, field, 2);
}

bool CborReader::AtBreak() {
  ByteSpan rest = reader_.Rest();
  if (rest.empty() || rest[0] != 0xff) return false;
  (void)reader_.Skip(1, "break");
  return true;
}

bool CborReader::TakeNull() {
  ByteSpan rest = reader_.Rest();
  if (rest.empty() || rest[0] != 0xf6) return false;
  (void)reader_.Skip(1, "null");
  return true;
}

Status CborReader::Skip(std::string_view field, int max_depth) {
  if (max_depth < 0) {
    return MakeError(ErrorCode::kUnsupported, "CBOR nested too deeply", std::string(field),
                     offset());
  }
  VT_ASSIGN_OR_RETURN(CborToken t, Next(field));
  switch (t.type) {
    case CborType::kBytes:
    case CborType::kText:
      if (t.indefinite) {
        while (!AtBreak()) {
          VT_ASSIGN_OR_RETURN(CborToken chunk, Next(field));
          if (chunk.type != t.type || chunk.indefinite) {
            return tl::unexpected(TypeError(chunk, "a chunk of the same string type", field));
          }
        }
      }
      return Ok();
    case CborType::kArray:
    case CborType::kMap: {
      const uint64_t per = t.type == CborType::kMap ? 2 : 1;
      if (t.indefinite) {
        while (!AtBreak()) {
          for (uint64_t k = 0; k < per; ++k) VT_RETURN_IF_ERROR(Skip(field, max_depth - 1));
        }
        return Ok();
      }
      if (t.value > remaining() / per) {
        return MakeError(ErrorCode::kTruncated, "container larger than the input",
                         std::string(field), t.offset);
      }
      for (uint64_t i = 0; i < t.value * per; ++i) VT_RETURN_IF_ERROR(Skip(field, max_depth - 1));
      return Ok();
    }
    case CborType::kTag:
      return Skip(field, max_depth - 1);
    case CborType::kBreak:
      return MakeError(ErrorCode::kMalformed, "unexpected break", std::string(field), t.offset);
    default:
      return Ok();
  }
}

namespace {
// Appends the head that `encode` writes (at most 9 bytes).
template <typename F>
void Head(ByteWriter& out, F encode) {
  unsigned char buf[9];
  size_t n = encode(buf, sizeof buf);
  out.Append(ByteSpan(buf, n));
}
}  // namespace

void CborWriter::Unsigned(uint64_t v) {
  Head(out_, [v](unsigned char* b, size_t n) { return cbor_encode_uint(v, b, n); });
}

void CborWriter::Integer(int64_t v) {
  if (v >= 0) {
    Unsigned(static_cast<uint64_t>(v));
  } else {
    const uint64_t n = static_cast<uint64_t>(-(v + 1));
    Head(out_, [n](unsigned char* b, size_t size) { return cbor_encode_negint(n, b, size); });
  }
}

void CborWriter::ByteString(ByteSpan bytes) {
  const size_t len = bytes.size();
  Head(out_, [len](unsigned char* b, size_t n) { return cbor_encode_bytestring_start(len, b, n); });
  out_.Append(bytes);
}

void CborWriter::TextString(std::string_view text) {
  const size_t len = text.size();
  Head(out_, [len](unsigned char* b, size_t n) { return cbor_encode_string_start(len, b, n); });
  out_.Append(ByteSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void CborWriter::ArrayHead(uint64_t count) {
  const auto c = static_cast<size_t>(count);
  Head(out_, [c](unsigned char* b, size_t n) { return cbor_encode_array_start(c, b, n); });
}

void CborWriter::MapHead(uint64_t count) {
  const auto c = static_cast<size_t>(count);
  Head(out_, [c](unsigned char* b, size_t n) { return cbor_encode_map_start(c, b, n); });
}

void CborWriter::IndefiniteMapHead() {
  Head(out_, [](unsigned char* b, size_t n) { return cbor_encode_indef_map_start(b, n); });
}

void CborWriter::IndefiniteArrayHead() {
  Head(out_, [](unsigned char* b, size_t n) { return cbor_encode_indef_array_start(b, n); });
}

void CborWriter::Break() {
  Head(out_, [](unsigned char* b, size_t n) { return cbor_encode_break(b, n); });
}

void CborWriter::Null() {
  Head(out_, [](unsigned char* b, size_t n) { return cbor_encode_null(b, n); });
}

void CborWriter::Tag(uint64_t tag) {
  Head(out_, [tag](unsigned char* b, size_t n) { return cbor_encode_tag(tag, b, n); });
}

}  // namespace veritee::nitro
