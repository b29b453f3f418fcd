// AMD's X.509 extensions in VCEK and VLEK certificates, decoded without OpenSSL.
//
// AMD publishes these under 1.3.6.1.4.1.3704.1 (AMD "Versioned Chip Endorsement Key"
// spec 57230, table "VCEK Certificate Extensions"; PROVENANCE.md section 6):
//   .1 structVersion INTEGER      .2 productName IA5String ("Milan-B0", "Genoa", "Turin")
//   .3.1 blSPL  .3.2 teeSPL  .3.3 snpSPL  .3.4-.3.7 spl_4..spl_7  .3.8 ucodeSPL
//   .3.9 fmcSPL (Turin)           each a DER INTEGER 0..255
//   .4 hwID: the raw chip id (64 bytes; 8 on Turin), NOT wrapped in a DER type
//   .5 cspID IA5String (VLEK only)
// The caller (verify/, on top of OpenSSL) hands over each extension's OID and the
// contents of its extnValue OCTET STRING. We accept strict DER only: minimal lengths,
// minimal non-negative INTEGERs, no bytes after the value, no repeated extension.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "parse/snp/tcb.h"

namespace veritee::snp {

inline constexpr std::string_view kAmdOidArc = "1.3.6.1.4.1.3704.1";
inline constexpr size_t kHwIdSize = 64;
inline constexpr size_t kTurinHwIdSize = 8;

struct RawExtension {
  std::string oid;  // dotted decimal
  ByteSpan value;   // extnValue OCTET STRING contents
};

struct AmdExtensions {
  std::optional<int64_t> struct_version;
  std::optional<std::string> product_name;
  std::optional<uint8_t> bl_spl, tee_spl, snp_spl, ucode_spl, fmc_spl;
  std::array<std::optional<uint8_t>, 4> spl_4_7;
  std::optional<Bytes> hwid;
  std::optional<std::string> csp_id;

  bool operator==(const AmdExtensions&) const = default;
};

// Decodes the AMD extensions among exts; other OIDs are ignored. Errors: kMalformed (bad
// DER, wrong type, negative or non-minimal INTEGER, SPL over 255, hwID not 8 or 64 bytes,
// non-IA5 characters, a repeated OID), kTruncated (a length past the value), kTrailingData
// (bytes after the DER value). Error fields name the extension.
Result<AmdExtensions> ParseAmdExtensions(std::span<const RawExtension> exts);

// The TCB the certificate was issued for, in the given layout; nullopt when a needed SPL
// is missing (bl, tee, snp, ucode; and fmc for Turin). fmc is set only for Turin.
std::optional<TcbParts> ExtensionTcb(const AmdExtensions& ext, TcbLayout layout);

}  // namespace veritee::snp
