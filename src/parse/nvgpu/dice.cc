#include "parse/nvgpu/dice.h"

#include <string>

namespace veritee::nvgpu {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagSequence = 0x30;
constexpr size_t kMaxLengthOctets = 3;  // an extension is far below 16 MiB

struct Tlv {
  uint8_t tag = 0;
  ByteSpan contents;
  ByteSpan whole;              // tag, length and contents
  size_t offset = 0;           // absolute offset of the tag
  size_t contents_offset = 0;  // absolute offset of the contents
};

// One DER TLV (X.690 section 10): a low-number tag, a minimal definite length, contents.
Result<Tlv> ReadTlv(ByteReader& r, std::string_view field) {
  Tlv t;
  t.offset = r.offset();
  const ByteSpan rest = r.Rest();
  VT_ASSIGN_OR_RETURN(t.tag, r.U8(field));
  if ((t.tag & 0x1Fu) == 0x1Fu) {
    return MakeError(ErrorCode::kMalformed, "high tag numbers are not used here",
                     std::string(field), t.offset);
  }
  VT_ASSIGN_OR_RETURN(uint8_t first, r.U8(field));
  size_t length = first;
  if (first == 0x80) {
    return MakeError(ErrorCode::kMalformed, "indefinite length is not DER", std::string(field),
                     t.offset + 1);
  }
  if (first > 0x80) {
    const size_t octets = first & 0x7Fu;
    if (octets > kMaxLengthOctets) {
      return MakeError(ErrorCode::kMalformed, "length too long", std::string(field),
                       t.offset + 1);
    }
    length = 0;
    for (size_t i = 0; i < octets; ++i) {
      VT_ASSIGN_OR_RETURN(uint8_t b, r.U8(field));
      if (i == 0 && b == 0) {
        return MakeError(ErrorCode::kMalformed, "non-minimal length", std::string(field),
                         t.offset + 1);
      }
      length = (length << 8) | b;
    }
    if (length < 0x80) {
      return MakeError(ErrorCode::kMalformed, "non-minimal length", std::string(field),
                       t.offset + 1);
    }
  }
  t.contents_offset = r.offset();
  VT_ASSIGN_OR_RETURN(t.contents, r.Take(length, field));
  t.whole = rest.first(r.offset() - t.offset);
  return t;
}

Result<Tlv> Expect(ByteReader& r, uint8_t tag, std::string_view field) {
  VT_ASSIGN_OR_RETURN(Tlv t, ReadTlv(r, field));
  if (t.tag != tag) {
    return MakeError(ErrorCode::kMalformed,
                     "DER tag " + std::to_string(t.tag) + ", want " + std::to_string(tag),
                     std::string(field), t.offset);
  }
  return t;
}

// A DER INTEGER (minimal two's complement) that fits int64.
Result<int64_t> Integer(const Tlv& t, std::string_view field) {
  ByteSpan c = t.contents;
  if (c.empty() || c.size() > 8) {
    return MakeError(ErrorCode::kMalformed, "INTEGER of " + std::to_string(c.size()) + " bytes",
                     std::string(field), t.offset);
  }
  if (c.size() > 1 && ((c[0] == 0x00 && (c[1] & 0x80) == 0) ||
                       (c[0] == 0xFF && (c[1] & 0x80) != 0))) {
    return MakeError(ErrorCode::kMalformed, "non-minimal INTEGER", std::string(field),
                     t.offset);
  }
  uint64_t v = (c[0] & 0x80) != 0 ? ~uint64_t{0} : 0;
  for (uint8_t b : c) v = (v << 8) | b;
  return static_cast<int64_t>(v);
}

Result<std::string> Utf8(const Tlv& t, std::string_view field) {
  std::string out;
  for (uint8_t c : t.contents) {
    // The strings here are ASCII; anything else is reported rather than passed on.
    if (c < 0x20 || c > 0x7e) {
      return MakeError(ErrorCode::kMalformed, "non-ASCII byte in a string", std::string(field),
                       t.offset);
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

Result<Fwid> ReadFwid(ByteReader& r) {
  VT_ASSIGN_OR_RETURN(Tlv seq, Expect(r, kTagSequence, "FWID"));
  ByteReader f(seq.contents, seq.contents_offset);
  VT_ASSIGN_OR_RETURN(Tlv oid, Expect(f, kTagOid, "FWID hashAlg"));
  VT_ASSIGN_OR_RETURN(Tlv digest, Expect(f, kTagOctetString, "FWID digest"));
  VT_RETURN_IF_ERROR(f.Finish("FWID"));
  Fwid out;
  VT_ASSIGN_OR_RETURN(out.hash_alg, DecodeOid(oid.contents));
  out.digest.assign(digest.contents.begin(), digest.contents.end());
  return out;
}

Status ReadNvidiaLayout(ByteReader& r, DiceTcbInfo& out) {
  out.nvidia_layout = true;
  VT_ASSIGN_OR_RETURN(Tlv version, Expect(r, kTagInteger, "TcbInfo version"));
  VT_ASSIGN_OR_RETURN(out.layout_version, Integer(version, "TcbInfo version"));
  VT_ASSIGN_OR_RETURN(Tlv spki, Expect(r, kTagSequence, "TcbInfo subjectPublicKeyInfo"));
  out.subject_public_key_info.assign(spki.whole.begin(), spki.whole.end());
  while (r.remaining() != 0) {
    VT_ASSIGN_OR_RETURN(Fwid f, ReadFwid(r));
    out.fwids.push_back(std::move(f));
  }
  return Ok();
}

Status ReadTcgLayout(ByteReader& r, DiceTcbInfo& out) {
  int last = -1;
  while (r.remaining() != 0) {
    VT_ASSIGN_OR_RETURN(Tlv t, ReadTlv(r, "DiceTcbInfo field"));
    if ((t.tag & 0xC0u) != 0x80u) {
      return MakeError(ErrorCode::kMalformed, "DiceTcbInfo field is not context-tagged",
                       "DiceTcbInfo", t.offset);
    }
    const int number = t.tag & 0x1F;
    const bool constructed = (t.tag & 0x20u) != 0;
    if (number <= last) {
      return MakeError(ErrorCode::kMalformed,
                       "field [" + std::to_string(number) + "] out of order or repeated",
                       "DiceTcbInfo", t.offset);
    }
    last = number;
    const bool want_constructed = number == 6;
    if (number <= 9 && constructed != want_constructed) {
      return MakeError(ErrorCode::kMalformed,
                       "field [" + std::to_string(number) + "] has the wrong form",
                       "DiceTcbInfo", t.offset);
    }
    switch (number) {
      case 0: { VT_ASSIGN_OR_RETURN(out.vendor, Utf8(t, "DiceTcbInfo vendor")); break; }
      case 1: { VT_ASSIGN_OR_RETURN(out.model, Utf8(t, "DiceTcbInfo model")); break; }
      case 2: { VT_ASSIGN_OR_RETURN(out.version, Utf8(t, "DiceTcbInfo version")); break; }
      case 3: { VT_ASSIGN_OR_RETURN(out.svn, Integer(t, "DiceTcbInfo svn")); break; }
      case 4: { VT_ASSIGN_OR_RETURN(out.layer, Integer(t, "DiceTcbInfo layer")); break; }
      case 5: { VT_ASSIGN_OR_RETURN(out.index, Integer(t, "DiceTcbInfo index")); break; }
      case 6: {
        ByteReader list(t.contents, t.contents_offset);
        while (list.remaining() != 0) {
          VT_ASSIGN_OR_RETURN(Fwid f, ReadFwid(list));
          out.fwids.push_back(std::move(f));
        }
        break;
      }
      case 7: out.flags = Bytes(t.contents.begin(), t.contents.end()); break;
      case 8: out.vendor_info = Bytes(t.contents.begin(), t.contents.end()); break;
      case 9: out.type = Bytes(t.contents.begin(), t.contents.end()); break;
      default: break;  // later fields (flagsMask, …): after the extension marker
    }
  }
  return Ok();
}

}  // namespace

const Bytes* DiceTcbInfo::Sha384Fwid() const {
  for (const Fwid& f : fwids) {
    if (f.hash_alg == kSha384Oid) return &f.digest;
  }
  return nullptr;
}

Result<std::string> DecodeOid(ByteSpan c) {
  if (c.empty() || (c.back() & 0x80u) != 0) {
    return MakeError(ErrorCode::kMalformed, "empty or unterminated OBJECT IDENTIFIER");
  }
  std::string out;
  uint64_t arc = 0;
  bool first = true;
  bool start = true;
  for (uint8_t b : c) {
    if (start && b == 0x80) {
      return MakeError(ErrorCode::kMalformed, "non-minimal OBJECT IDENTIFIER arc");
    }
    if (arc > (uint64_t{1} << 56)) return MakeError(ErrorCode::kMalformed, "OID arc too large");
    arc = (arc << 7) | (b & 0x7Fu);
    start = (b & 0x80u) == 0;
    if (!start) continue;
    if (first) {
      const uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      out.append(std::to_string(top)).append(".").append(std::to_string(arc - 40 * top));
      first = false;
    } else {
      out.append(".").append(std::to_string(arc));
    }
    arc = 0;
  }
  return out;
}

Result<DiceTcbInfo> ParseDiceTcbInfo(ByteSpan value) {
  ByteReader outer(value);
  VT_ASSIGN_OR_RETURN(Tlv seq, Expect(outer, kTagSequence, "TcbInfo"));
  VT_RETURN_IF_ERROR(outer.Finish("TcbInfo"));
  ByteReader r(seq.contents, seq.contents_offset);
  DiceTcbInfo out;
  if (!seq.contents.empty() && seq.contents[0] == kTagInteger) {
    VT_RETURN_IF_ERROR(ReadNvidiaLayout(r, out));
  } else {
    VT_RETURN_IF_ERROR(ReadTcgLayout(r, out));
  }
  if (out.fwids.empty()) {
    return MakeError(ErrorCode::kMalformed, "no FWID in the TcbInfo extension", "TcbInfo");
  }
  return out;
}

}  // namespace veritee::nvgpu
