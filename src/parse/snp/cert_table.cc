#include "parse/snp/cert_table.h"

#include <algorithm>

namespace veritee::snp {
namespace {

// GUIDs in RFC 4122 byte order (as stored in the table).
constexpr Guid kArkGuid{0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
                        0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};
constexpr Guid kAskGuid{0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
                        0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82};
constexpr Guid kVcekGuid{0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
                         0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
constexpr Guid kVlekGuid{0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
                         0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1};

struct RawEntry {
  Guid guid;
  uint32_t offset;
  uint32_t length;
  size_t entry_offset;  // where the entry itself sits, for errors
};

// Reads entries up to and including the all-zero terminator.
Result<std::vector<RawEntry>> ReadEntries(ByteSpan table) {
  ByteReader r(table);
  std::vector<RawEntry> entries;
  while (true) {
    if (r.remaining() < kCertTableEntrySize) {
      return MakeError(ErrorCode::kMalformed, "no all-zero terminating entry", "cert_table",
                       r.offset());
    }
    const size_t at = r.offset();
    VT_ASSIGN_OR_RETURN(Guid guid, r.Array<16>("guid"));
    VT_ASSIGN_OR_RETURN(uint32_t offset, r.U32Le("offset"));
    VT_ASSIGN_OR_RETURN(uint32_t length, r.U32Le("length"));
    if (AllZero(guid) && offset == 0 && length == 0) return entries;
    if (entries.size() == kMaxCertTableEntries) {
      return MakeError(ErrorCode::kMalformed,
                       "more than " + std::to_string(kMaxCertTableEntries) + " entries",
                       "cert_table", at);
    }
    entries.push_back(RawEntry{guid, offset, length, at});
  }
}

}  // namespace

std::string_view CertKindName(CertKind kind) {
  switch (kind) {
    case CertKind::kArk:
      return "ark";
    case CertKind::kAsk:
      return "ask";
    case CertKind::kVcek:
      return "vcek";
    case CertKind::kVlek:
      return "vlek";
    case CertKind::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<Guid> CertKindGuid(CertKind kind) {
  switch (kind) {
    case CertKind::kArk:
      return kArkGuid;
    case CertKind::kAsk:
      return kAskGuid;
    case CertKind::kVcek:
      return kVcekGuid;
    case CertKind::kVlek:
      return kVlekGuid;
    case CertKind::kUnknown:
      break;
  }
  return std::nullopt;
}

CertKind CertKindFromGuid(const Guid& guid) {
  for (CertKind k : {CertKind::kArk, CertKind::kAsk, CertKind::kVcek, CertKind::kVlek}) {
    if (CertKindGuid(k) == guid) return k;
  }
  return CertKind::kUnknown;
}

std::string GuidToString(const Guid& guid) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < guid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kDigits[guid[i] >> 4];
    out += kDigits[guid[i] & 0xF];
  }
  return out;
}

Result<std::vector<CertTableEntry>> ParseCertTable(ByteSpan table) {
  VT_ASSIGN_OR_RETURN(std::vector<RawEntry> raw, ReadEntries(table));
  const size_t header_size = (raw.size() + 1) * kCertTableEntrySize;

  std::vector<CertTableEntry> out;
  out.reserve(raw.size());
  size_t data_end = header_size;
  for (const RawEntry& e : raw) {
    const std::string field = "cert_table[" + GuidToString(e.guid) + "]";
    if (e.length == 0) {
      return MakeError(ErrorCode::kMalformed, "empty certificate", field, e.entry_offset);
    }
    if (e.offset < header_size) {
      return MakeError(ErrorCode::kMalformed, "certificate overlaps the entry list", field,
                       e.entry_offset);
    }
    // Both are u32, so the sum cannot overflow a u64.
    const uint64_t end = uint64_t{e.offset} + uint64_t{e.length};
    if (end > table.size()) {
      return MakeError(ErrorCode::kTruncated,
                       "certificate runs to " + std::to_string(end) + ", table is " +
                           std::to_string(table.size()) + " bytes",
                       field, e.entry_offset);
    }
    for (size_t i = 0; i < out.size(); ++i) {
      const RawEntry& o = raw[i];
      if (o.guid == e.guid) {
        return MakeError(ErrorCode::kMalformed, "GUID appears twice", field, e.entry_offset);
      }
      if (e.offset < uint64_t{o.offset} + o.length && o.offset < end) {
        return MakeError(ErrorCode::kMalformed, "certificate overlaps another", field,
                         e.entry_offset);
      }
    }
    data_end = std::max(data_end, static_cast<size_t>(end));
    out.push_back(
        CertTableEntry{CertKindFromGuid(e.guid), e.guid, table.subspan(e.offset, e.length)});
  }
  // The kernel and hypervisors hand out page-sized buffers: zero padding is fine.
  ByteReader tail(table.subspan(data_end), data_end);
  if (auto padding = tail.ExpectZero(tail.remaining(), "cert_table padding"); !padding) {
    Error e = std::move(padding).error();
    e.code = ErrorCode::kTrailingData;
    e.message = "non-zero byte after the last certificate";
    return tl::unexpected(std::move(e));
  }
  return out;
}

Bytes WriteCertTableWithGuids(const std::vector<std::pair<Guid, Bytes>>& certs) {
  ByteWriter w;
  size_t offset = (certs.size() + 1) * kCertTableEntrySize;
  for (const auto& [guid, data] : certs) {
    w.Append(guid);
    w.U32Le(static_cast<uint32_t>(offset));
    w.U32Le(static_cast<uint32_t>(data.size()));
    offset += data.size();
  }
  w.Zeros(kCertTableEntrySize);
  for (const auto& cert : certs) w.Append(cert.second);
  return w.Take();
}

Bytes WriteCertTable(const std::vector<std::pair<CertKind, Bytes>>& certs) {
  std::vector<std::pair<Guid, Bytes>> with_guids;
  for (const auto& [kind, data] : certs) {
    if (auto guid = CertKindGuid(kind)) with_guids.emplace_back(*guid, data);
  }
  return WriteCertTableWithGuids(with_guids);
}

bool LooksLikeCertTable(ByteSpan bytes) {
  auto parsed = ParseCertTable(bytes);
  return parsed && !parsed->empty();
}

}  // namespace veritee::snp
