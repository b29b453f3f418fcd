#include "parse/dcap/pck_extensions.h"

#include <charconv>
#include <set>

namespace veritee::dcap {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagEnumerated = 0x0a;
constexpr uint8_t kTagSequence = 0x30;

struct Tlv {
  uint8_t tag = 0;
  ByteSpan contents;
};

// One DER TLV (X.690 section 10): low tag numbers only, definite minimal length.
Result<Tlv> ReadTlv(ByteReader& r, std::string_view field) {
  const size_t start = r.offset();
  Tlv t;
  VT_ASSIGN_OR_RETURN(t.tag, r.U8(field));
  if ((t.tag & 0x1f) == 0x1f) {
    return MakeError(ErrorCode::kMalformed, "high tag numbers are not used here",
                     std::string(field), start);
  }
  VT_ASSIGN_OR_RETURN(uint8_t first, r.U8(field));
  size_t length = first;
  if (first == 0x80) {
    return MakeError(ErrorCode::kMalformed, "indefinite length is not DER", std::string(field),
                     start + 1);
  }
  if (first > 0x80) {
    const size_t octets = first & 0x7fu;
    if (octets > 3) {
      return MakeError(ErrorCode::kMalformed, "length too long", std::string(field), start + 1);
    }
    length = 0;
    for (size_t i = 0; i < octets; ++i) {
      VT_ASSIGN_OR_RETURN(uint8_t b, r.U8(field));
      if (i == 0 && b == 0) {
        return MakeError(ErrorCode::kMalformed, "non-minimal length", std::string(field),
                         start + 1);
      }
      length = (length << 8) | b;
    }
    if (length < 0x80) {
      return MakeError(ErrorCode::kMalformed, "non-minimal length", std::string(field),
                       start + 1);
    }
  }
  VT_ASSIGN_OR_RETURN(t.contents, r.Take(length, field));
  return t;
}

Result<Tlv> ReadTagged(ByteReader& r, uint8_t tag, std::string_view field) {
  const size_t start = r.offset();
  VT_ASSIGN_OR_RETURN(Tlv t, ReadTlv(r, field));
  if (t.tag != tag) {
    return MakeError(ErrorCode::kMalformed,
                     "DER tag 0x" + std::to_string(t.tag) + ", want 0x" + std::to_string(tag),
                     std::string(field), start);
  }
  return t;
}

Result<uint64_t> IntegerValue(ByteSpan c, std::string_view field, uint64_t max) {
  if (c.empty()) return MakeError(ErrorCode::kMalformed, "empty INTEGER", std::string(field));
  if ((c[0] & 0x80) != 0) {
    return MakeError(ErrorCode::kMalformed, "negative INTEGER", std::string(field));
  }
  if (c.size() > 1 && c[0] == 0 && (c[1] & 0x80) == 0) {
    return MakeError(ErrorCode::kMalformed, "non-minimal INTEGER", std::string(field));
  }
  if (c[0] == 0) c = c.subspan(1);
  if (c.size() > 8) return MakeError(ErrorCode::kMalformed, "INTEGER too large", std::string(field));
  uint64_t v = 0;
  for (uint8_t b : c) v = (v << 8) | b;
  if (v > max) {
    return MakeError(ErrorCode::kMalformed,
                     "INTEGER " + std::to_string(v) + " over " + std::to_string(max),
                     std::string(field));
  }
  return v;
}

template <size_t N>
Result<std::array<uint8_t, N>> FixedOctets(const Tlv& t, std::string_view field) {
  if (t.tag != kTagOctetString) {
    return MakeError(ErrorCode::kMalformed, "not an OCTET STRING", std::string(field));
  }
  if (t.contents.size() != N) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(t.contents.size()) + " bytes, want " + std::to_string(N),
                     std::string(field));
  }
  std::array<uint8_t, N> out{};
  std::copy(t.contents.begin(), t.contents.end(), out.begin());
  return out;
}

// Iterates SEQUENCE { SEQUENCE { OID, value } ... }, calling f(oid, value) once per OID.
template <typename F>
Status ForEachPair(ByteSpan seq_contents, size_t base, std::string_view field, F&& f) {
  ByteReader r(seq_contents, base);
  std::set<std::string> seen;
  while (r.remaining() > 0) {
    VT_ASSIGN_OR_RETURN(Tlv pair, ReadTagged(r, kTagSequence, field));
    ByteReader pr(pair.contents);
    VT_ASSIGN_OR_RETURN(Tlv oid_tlv, ReadTagged(pr, kTagOid, field));
    VT_ASSIGN_OR_RETURN(std::string oid, DecodeOid(oid_tlv.contents));
    VT_ASSIGN_OR_RETURN(Tlv value, ReadTlv(pr, oid));
    VT_RETURN_IF_ERROR(pr.Finish(oid));
    if (!seen.insert(oid).second) {
      return MakeError(ErrorCode::kMalformed, "repeated OID", oid);
    }
    VT_RETURN_IF_ERROR(f(oid, value));
  }
  return Ok();
}

void PutLength(Bytes& out, size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
    return;
  }
  Bytes len;
  while (n > 0) {
    len.insert(len.begin(), static_cast<uint8_t>(n & 0xff));
    n >>= 8;
  }
  out.push_back(static_cast<uint8_t>(0x80 | len.size()));
  out.insert(out.end(), len.begin(), len.end());
}

Bytes Der(uint8_t tag, ByteSpan contents) {
  Bytes out{tag};
  PutLength(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes DerInteger(uint64_t v) {
  Bytes c;
  do {
    c.insert(c.begin(), static_cast<uint8_t>(v & 0xff));
    v >>= 8;
  } while (v > 0);
  if ((c[0] & 0x80) != 0) c.insert(c.begin(), 0);
  return Der(kTagInteger, c);
}

Bytes Pair(const std::string& oid, const Bytes& value_der) {
  Bytes contents = Der(kTagOid, EncodeOid(oid).value_or(Bytes{}));
  contents.insert(contents.end(), value_der.begin(), value_der.end());
  return Der(kTagSequence, contents);
}

const std::string kArc(kSgxExtensionOid);

}  // namespace

std::string_view SgxTypeName(SgxType type) {
  switch (type) {
    case SgxType::kStandard: return "Standard";
    case SgxType::kScalable: return "Scalable";
    case SgxType::kScalableWithIntegrity: return "ScalableWithIntegrity";
  }
  return "unknown";
}

Result<Bytes> EncodeOid(std::string_view dotted) {
  std::vector<uint64_t> arcs;
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string_view part = dotted.substr(0, dot);
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "bad OID " + std::string(dotted));
    }
    arcs.push_back(v);
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
    return MakeError(ErrorCode::kInvalidArgument, "bad OID");
  }
  Bytes out;
  auto put = [&](uint64_t v) {
    Bytes b{static_cast<uint8_t>(v & 0x7f)};
    v >>= 7;
    while (v > 0) {
      b.insert(b.begin(), static_cast<uint8_t>(0x80 | (v & 0x7f)));
      v >>= 7;
    }
    out.insert(out.end(), b.begin(), b.end());
  };
  put(arcs[0] * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  return out;
}

Result<std::string> DecodeOid(ByteSpan c) {
  if (c.empty()) return MakeError(ErrorCode::kMalformed, "empty OID");
  std::string out;
  uint64_t v = 0;
  bool first = true;
  for (size_t i = 0; i < c.size(); ++i) {
    if (v == 0 && c[i] == 0x80) return MakeError(ErrorCode::kMalformed, "non-minimal OID arc");
    if (v > (uint64_t{1} << 56)) return MakeError(ErrorCode::kMalformed, "OID arc too large");
    v = (v << 7) | (c[i] & 0x7f);
    if ((c[i] & 0x80) != 0) {
      if (i + 1 == c.size()) return MakeError(ErrorCode::kMalformed, "truncated OID");
      continue;
    }
    if (first) {
      uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
      out = std::to_string(a) + "." + std::to_string(v - 40 * a);
      first = false;
    } else {
      out += '.';
      out += std::to_string(v);
    }
    v = 0;
  }
  return out;
}

Result<PckExtensions> ParsePckExtensions(ByteSpan value) {
  ByteReader outer(value);
  VT_ASSIGN_OR_RETURN(Tlv seq, ReadTagged(outer, kTagSequence, "sgx_extensions"));
  VT_RETURN_IF_ERROR(outer.Finish("sgx_extensions"));
  PckExtensions e;
  bool have_tcb = false, have_pceid = false, have_fmspc = false, have_ppid = false;
  auto on_entry = [&](const std::string& oid, const Tlv& v) -> Status {
    if (oid == kArc + ".1") {
      VT_ASSIGN_OR_RETURN(e.ppid, FixedOctets<16>(v, "ppid"));
      have_ppid = true;
    } else if (oid == kArc + ".2") {
      if (v.tag != kTagSequence) return MakeError(ErrorCode::kMalformed, "not a SEQUENCE", "tcb");
      std::array<bool, 18> got{};
      VT_RETURN_IF_ERROR(ForEachPair(v.contents, 0, "tcb", [&](const std::string& o,
                                                               const Tlv& t) -> Status {
        const std::string prefix = kArc + ".2.";
        if (o.rfind(prefix, 0) != 0) return Ok();
        int idx = 0;
        std::string_view rest(o.c_str() + prefix.size());
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), idx);
        if (ec != std::errc() || p != rest.data() + rest.size() || idx < 1 || idx > 18) {
          return Ok();  // an unknown TCB component: ignored
        }
        if (idx <= 16) {
          if (t.tag != kTagInteger) return MakeError(ErrorCode::kMalformed, "not an INTEGER", o);
          VT_ASSIGN_OR_RETURN(uint64_t n, IntegerValue(t.contents, o, 255));
          e.tcb_comp_svn[static_cast<size_t>(idx - 1)] = static_cast<uint8_t>(n);
        } else if (idx == 17) {
          if (t.tag != kTagInteger) return MakeError(ErrorCode::kMalformed, "not an INTEGER", o);
          VT_ASSIGN_OR_RETURN(uint64_t n, IntegerValue(t.contents, o, 0xffff));
          e.pcesvn = static_cast<uint16_t>(n);
        } else {
          VT_ASSIGN_OR_RETURN(e.cpusvn, FixedOctets<16>(t, o));
        }
        got[static_cast<size_t>(idx - 1)] = true;
        return Ok();
      }));
      for (size_t i = 0; i < got.size(); ++i) {
        if (!got[i]) {
          return MakeError(ErrorCode::kMalformed, "TCB lacks component " + std::to_string(i + 1),
                           "tcb");
        }
      }
      have_tcb = true;
    } else if (oid == kArc + ".3") {
      VT_ASSIGN_OR_RETURN(e.pce_id, FixedOctets<2>(v, "pce_id"));
      have_pceid = true;
    } else if (oid == kArc + ".4") {
      VT_ASSIGN_OR_RETURN(e.fmspc, FixedOctets<6>(v, "fmspc"));
      have_fmspc = true;
    } else if (oid == kArc + ".5") {
      if (v.tag != kTagEnumerated) {
        return MakeError(ErrorCode::kMalformed, "not an ENUMERATED", "sgx_type");
      }
      VT_ASSIGN_OR_RETURN(uint64_t n, IntegerValue(v.contents, "sgx_type", 2));
      e.sgx_type = static_cast<SgxType>(n);
    } else if (oid == kArc + ".6") {
      if (v.tag != kTagOctetString) {
        return MakeError(ErrorCode::kMalformed, "not an OCTET STRING", "platform_instance_id");
      }
      e.platform_instance_id = Bytes(v.contents.begin(), v.contents.end());
    } else if (oid == kArc + ".7") {
      if (v.tag != kTagSequence) {
        return MakeError(ErrorCode::kMalformed, "not a SEQUENCE", "configuration");
      }
      e.configuration = Bytes(v.contents.begin(), v.contents.end());
    }
    return Ok();
  };
  VT_RETURN_IF_ERROR(ForEachPair(seq.contents, 0, "sgx_extensions", on_entry));
  if (!have_tcb || !have_pceid || !have_fmspc || !have_ppid) {
    return MakeError(ErrorCode::kMalformed,
                     std::string("SGX extension lacks ") +
                         (!have_ppid ? "PPID" : !have_tcb ? "TCB" : !have_pceid ? "PCE-ID" : "FMSPC"),
                     "sgx_extensions");
  }
  return e;
}

Bytes WritePckExtensions(const PckExtensions& e) {
  Bytes tcb;
  for (size_t i = 0; i < 16; ++i) {
    Bytes p = Pair(kArc + ".2." + std::to_string(i + 1), DerInteger(e.tcb_comp_svn[i]));
    tcb.insert(tcb.end(), p.begin(), p.end());
  }
  Bytes pce = Pair(kArc + ".2.17", DerInteger(e.pcesvn));
  tcb.insert(tcb.end(), pce.begin(), pce.end());
  Bytes cpu = Pair(kArc + ".2.18", Der(kTagOctetString, e.cpusvn));
  tcb.insert(tcb.end(), cpu.begin(), cpu.end());

  Bytes all;
  auto add = [&](const Bytes& p) { all.insert(all.end(), p.begin(), p.end()); };
  add(Pair(kArc + ".1", Der(kTagOctetString, e.ppid)));
  add(Pair(kArc + ".2", Der(kTagSequence, tcb)));
  add(Pair(kArc + ".3", Der(kTagOctetString, e.pce_id)));
  add(Pair(kArc + ".4", Der(kTagOctetString, e.fmspc)));
  if (e.sgx_type) {
    Bytes en = DerInteger(static_cast<uint8_t>(*e.sgx_type));
    en[0] = kTagEnumerated;
    add(Pair(kArc + ".5", en));
  }
  if (e.platform_instance_id) add(Pair(kArc + ".6", Der(kTagOctetString, *e.platform_instance_id)));
  if (e.configuration) add(Pair(kArc + ".7", Der(kTagSequence, *e.configuration)));
  return Der(kTagSequence, all);
}

}  // namespace veritee::dcap
