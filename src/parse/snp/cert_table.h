// The SEV-SNP certificate table: the VEK and its chain as delivered with a report.
//
// This is the table of GHCB spec 56421 (SNP Extended Guest Request, "certificate table")
// that Linux hands out as the configfs-tsm `auxblob` and the SNP_GET_EXT_REPORT buffer:
// 24-byte entries {GUID (16 bytes, RFC 4122 byte order), u32 LE offset, u32 LE length},
// ended by an all-zero entry; offsets count from the start of the table (PROVENANCE.md
// section 6). The certificates themselves (DER or PEM) are not interpreted here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::snp {

using Guid = std::array<uint8_t, 16>;

inline constexpr size_t kCertTableEntrySize = 24;
inline constexpr size_t kMaxCertTableEntries = 64;  // not counting the terminator

enum class CertKind { kArk, kAsk, kVcek, kVlek, kUnknown };

// "ark", "ask", "vcek", "vlek" or "unknown".
std::string_view CertKindName(CertKind kind);

// The GUID of a known kind; nullopt for kUnknown.
std::optional<Guid> CertKindGuid(CertKind kind);
CertKind CertKindFromGuid(const Guid& guid);

// "c0b406a4-a803-4952-9743-3fb6014cd0ae" (lower case).
std::string GuidToString(const Guid& guid);

struct CertTableEntry {
  CertKind kind = CertKind::kUnknown;
  Guid guid{};
  ByteSpan data;  // a view into the parsed buffer
};

// Parses a table. Rejects (kMalformed): a missing terminator, more than
// kMaxCertTableEntries entries, an entry whose data overlaps the entry list, is empty,
// overlaps another entry's data, or repeats a GUID; kTruncated: data past the end of the
// buffer. Bytes after the last certificate may be zero padding; any non-zero byte there is
// kTrailingData. Bytes between certificates are not examined.
Result<std::vector<CertTableEntry>> ParseCertTable(ByteSpan table);

// A table with the certificates laid out in order right after the entry list.
// kUnknown entries have no GUID and are skipped; use WriteCertTableWithGuids for them.
Bytes WriteCertTable(const std::vector<std::pair<CertKind, Bytes>>& certs);
Bytes WriteCertTableWithGuids(const std::vector<std::pair<Guid, Bytes>>& certs);

// True when bytes parse as a certificate table with at least one entry.
bool LooksLikeCertTable(ByteSpan bytes);

}  // namespace veritee::snp
