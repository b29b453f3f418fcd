#include "parse/snp/amd_extensions.h"

#include <set>
#include <string_view>

namespace veritee::snp {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagIa5String = 0x16;
constexpr size_t kMaxLengthOctets = 4;

// A minimal DER (X.690 section 10) reader over ByteReader: one tag byte (we only need
// low-tag-number universal types), a definite minimal length, the contents.
Result<ByteSpan> ReadTlv(ByteReader& r, uint8_t want_tag, std::string_view field) {
  const size_t start = r.offset();
  VT_ASSIGN_OR_RETURN(uint8_t tag, r.U8(field));
  if (tag != want_tag) {
    return MakeError(ErrorCode::kMalformed,
                     "DER tag " + std::to_string(tag) + ", want " + std::to_string(want_tag),
                     std::string(field), start);
  }
  VT_ASSIGN_OR_RETURN(uint8_t first, r.U8(field));
  size_t length = first;
  if (first == 0x80) {
    return MakeError(ErrorCode::kMalformed, "indefinite length is not DER", std::string(field),
                     start + 1);
  }
  if (first > 0x80) {
    const size_t octets = first & 0x7Fu;
    if (octets > kMaxLengthOctets) {
      return MakeError(ErrorCode::kMalformed, "length too long", std::string(field), start + 1);
    }
    length = 0;
    for (size_t i = 0; i < octets; ++i) {
      VT_ASSIGN_OR_RETURN(uint8_t b, r.U8(field));
      if (i == 0 && b == 0) {
        return MakeError(ErrorCode::kMalformed, "non-minimal length (leading zero)",
                         std::string(field), start + 1);
      }
      length = (length << 8) | b;
    }
    if (length < 0x80) {
      return MakeError(ErrorCode::kMalformed, "non-minimal length (fits in short form)",
                       std::string(field), start + 1);
    }
  }
  return r.Take(length, field);
}

// A whole extnValue holding exactly one TLV of want_tag.
Result<ByteSpan> ReadSole(ByteSpan value, uint8_t want_tag, std::string_view field) {
  ByteReader r(value);
  VT_ASSIGN_OR_RETURN(ByteSpan contents, ReadTlv(r, want_tag, field));
  VT_RETURN_IF_ERROR(r.Finish(field));
  return contents;
}

// A non-negative DER INTEGER that fits int64.
Result<int64_t> ReadNonNegativeInteger(ByteSpan value, std::string_view field) {
  VT_ASSIGN_OR_RETURN(ByteSpan c, ReadSole(value, kTagInteger, field));
  if (c.empty()) return MakeError(ErrorCode::kMalformed, "empty INTEGER", std::string(field));
  if ((c[0] & 0x80) != 0) {
    return MakeError(ErrorCode::kMalformed, "negative INTEGER", std::string(field));
  }
  if (c.size() > 1 && c[0] == 0 && (c[1] & 0x80) == 0) {
    return MakeError(ErrorCode::kMalformed, "non-minimal INTEGER", std::string(field));
  }
  if (c[0] == 0) c = c.subspan(1);
  if (c.size() > 8 || (c.size() == 8 && (c[0] & 0x80) != 0)) {
    return MakeError(ErrorCode::kMalformed, "INTEGER too large", std::string(field));
  }
  uint64_t v = 0;
  for (uint8_t b : c) v = (v << 8) | b;
  return static_cast<int64_t>(v);
}

Result<uint8_t> ReadSpl(ByteSpan value, std::string_view field) {
  VT_ASSIGN_OR_RETURN(int64_t v, ReadNonNegativeInteger(value, field));
  if (v > 0xFF) {
    return MakeError(ErrorCode::kMalformed, "SPL " + std::to_string(v) + " exceeds 255",
                     std::string(field));
  }
  return static_cast<uint8_t>(v);
}

Result<std::string> ReadIa5(ByteSpan value, std::string_view field) {
  VT_ASSIGN_OR_RETURN(ByteSpan c, ReadSole(value, kTagIa5String, field));
  std::string out;
  out.reserve(c.size());
  for (uint8_t b : c) {
    if (b > 0x7F) {
      return MakeError(ErrorCode::kMalformed, "non-IA5 character", std::string(field));
    }
    out += static_cast<char>(b);
  }
  return out;
}

Result<Bytes> ReadHwId(ByteSpan value, std::string_view field) {
  if (value.size() != kHwIdSize && value.size() != kTurinHwIdSize) {
    return MakeError(ErrorCode::kMalformed,
                     "hwID is " + std::to_string(value.size()) + " bytes, want 64 or 8",
                     std::string(field));
  }
  return Bytes(value.begin(), value.end());
}

template <typename T>
Status Store(std::optional<T>& slot, Result<T> value) {
  if (!value) return tl::unexpected(std::move(value).error());
  slot = std::move(*value);
  return Ok();
}

Status Decode(const RawExtension& e, std::string_view name, AmdExtensions& out) {
  const std::string field = std::string(name) + " (" + e.oid + ")";
  const std::string_view sub = std::string_view(e.oid).substr(kAmdOidArc.size());
  if (sub == ".1") return Store(out.struct_version, ReadNonNegativeInteger(e.value, field));
  if (sub == ".2") return Store(out.product_name, ReadIa5(e.value, field));
  if (sub == ".3.1") return Store(out.bl_spl, ReadSpl(e.value, field));
  if (sub == ".3.2") return Store(out.tee_spl, ReadSpl(e.value, field));
  if (sub == ".3.3") return Store(out.snp_spl, ReadSpl(e.value, field));
  if (sub == ".3.4") return Store(out.spl_4_7[0], ReadSpl(e.value, field));
  if (sub == ".3.5") return Store(out.spl_4_7[1], ReadSpl(e.value, field));
  if (sub == ".3.6") return Store(out.spl_4_7[2], ReadSpl(e.value, field));
  if (sub == ".3.7") return Store(out.spl_4_7[3], ReadSpl(e.value, field));
  if (sub == ".3.8") return Store(out.ucode_spl, ReadSpl(e.value, field));
  if (sub == ".3.9") return Store(out.fmc_spl, ReadSpl(e.value, field));
  if (sub == ".4") return Store(out.hwid, ReadHwId(e.value, field));
  if (sub == ".5") return Store(out.csp_id, ReadIa5(e.value, field));
  return Ok();
}

// The name of a known AMD OID, or empty.
std::string_view AmdOidName(std::string_view oid) {
  struct Known {
    std::string_view suffix;
    std::string_view name;
  };
  static constexpr Known kKnown[] = {
      {".1", "structVersion"}, {".2", "productName"}, {".3.1", "blSPL"},  {".3.2", "teeSPL"},
      {".3.3", "snpSPL"},      {".3.4", "spl_4"},     {".3.5", "spl_5"},  {".3.6", "spl_6"},
      {".3.7", "spl_7"},       {".3.8", "ucodeSPL"},  {".3.9", "fmcSPL"}, {".4", "hwID"},
      {".5", "cspID"},
  };
  if (oid.substr(0, kAmdOidArc.size()) != kAmdOidArc) return {};
  const std::string_view sub = oid.substr(kAmdOidArc.size());
  for (const Known& k : kKnown) {
    if (k.suffix == sub) return k.name;
  }
  return {};
}

}  // namespace

Result<AmdExtensions> ParseAmdExtensions(std::span<const RawExtension> exts) {
  AmdExtensions out;
  std::set<std::string_view> seen;
  for (const RawExtension& e : exts) {
    // RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a
    // particular extension."
    if (!seen.insert(e.oid).second) {
      return MakeError(ErrorCode::kMalformed, "extension appears twice", e.oid);
    }
    const std::string_view name = AmdOidName(e.oid);
    if (name.empty()) continue;
    VT_RETURN_IF_ERROR(Decode(e, name, out));
  }
  return out;
}

std::optional<TcbParts> ExtensionTcb(const AmdExtensions& ext, TcbLayout layout) {
  if (!ext.bl_spl || !ext.tee_spl || !ext.snp_spl || !ext.ucode_spl) return std::nullopt;
  TcbParts parts;
  parts.bootloader = *ext.bl_spl;
  parts.tee = *ext.tee_spl;
  parts.snp = *ext.snp_spl;
  parts.microcode = *ext.ucode_spl;
  if (layout == TcbLayout::kTurin) {
    if (!ext.fmc_spl) return std::nullopt;
    parts.fmc = *ext.fmc_spl;
  }
  return parts;
}

}  // namespace veritee::snp
