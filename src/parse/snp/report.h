// The SEV-SNP ATTESTATION_REPORT: a plain struct, its parser and its writer.
//
// Follows AMD SEV-SNP ABI spec 56860, table "ATTESTATION_REPORT Structure", report
// versions 2 to 5 (PROVENANCE.md sections 4 and 5b). The report is 0x4A0 bytes, all
// integers little-endian; the signature covers bytes [0, 0x2A0). Version differences:
//   v2     baseline; 0x188..0x19F and 0x1F8..0x29F reserved.
//   v3, v4 CPUID_FAM_ID/MOD_ID/STEP at 0x188..0x18A (reserved from 0x18B).
//   v5     also LAUNCH_MIT_VECTOR at 0x1F8 and CURRENT_MIT_VECTOR at 0x200 (reserved
//          from 0x208).
// The parser fails closed: exact size, known version, every reserved range and reserved
// bit zero. TCB values stay raw u64 here: their layout depends on the product (tcb.h).
// The writer emits the exact bytes, so parse(write(x)) == x and, for any accepted input,
// write(parse(bytes)) == bytes. Verify signatures over the received bytes (SignedPart),
// never over a re-serialisation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "parse/snp/tcb.h"

namespace veritee::snp {

inline constexpr size_t kReportSize = 0x4A0;
inline constexpr size_t kSignedSize = 0x2A0;
inline constexpr size_t kSignatureComponentSize = 72;  // R and S, little-endian, zero-padded

inline constexpr uint32_t kMinReportVersion = 2;
inline constexpr uint32_t kMaxReportVersion = 5;
inline constexpr uint32_t kSignatureAlgoEcdsaP384Sha384 = 1;

// KEY_INFO bits 4:2.
enum class SigningKey : uint8_t { kVcek = 0, kVlek = 1, kNone = 7 };

// "vcek", "vlek" or "none".
std::string_view SigningKeyName(SigningKey key);

struct Report {
  uint32_t version = 0;                                        // 0x000
  uint32_t guest_svn = 0;                                      // 0x004
  uint64_t policy = 0;                                         // 0x008
  std::array<uint8_t, 16> family_id{};                         // 0x010
  std::array<uint8_t, 16> image_id{};                          // 0x020
  uint32_t vmpl = 0;                                           // 0x030
  uint32_t signature_algo = 0;                                 // 0x034
  uint64_t current_tcb = 0;                                    // 0x038
  uint64_t platform_info = 0;                                  // 0x040
  uint32_t key_info = 0;                                       // 0x048 (raw; accessors below)
  std::array<uint8_t, 64> report_data{};                       // 0x050
  std::array<uint8_t, 48> measurement{};                       // 0x090
  std::array<uint8_t, 32> host_data{};                         // 0x0C0
  std::array<uint8_t, 48> id_key_digest{};                     // 0x0E0
  std::array<uint8_t, 48> author_key_digest{};                 // 0x110
  std::array<uint8_t, 32> report_id{};                         // 0x140
  std::array<uint8_t, 32> report_id_ma{};                      // 0x160
  uint64_t reported_tcb = 0;                                   // 0x180
  uint8_t cpuid_fam_id = 0;                                    // 0x188 (v3+; reserved in v2)
  uint8_t cpuid_mod_id = 0;                                    // 0x189 (v3+)
  uint8_t cpuid_step = 0;                                      // 0x18A (v3+)
  std::array<uint8_t, 64> chip_id{};                           // 0x1A0
  uint64_t committed_tcb = 0;                                  // 0x1E0
  uint8_t current_build = 0;                                   // 0x1E8
  uint8_t current_minor = 0;                                   // 0x1E9
  uint8_t current_major = 0;                                   // 0x1EA
  uint8_t committed_build = 0;                                 // 0x1EC
  uint8_t committed_minor = 0;                                 // 0x1ED
  uint8_t committed_major = 0;                                 // 0x1EE
  uint64_t launch_tcb = 0;                                     // 0x1F0
  uint64_t launch_mit_vector = 0;                              // 0x1F8 (v5+)
  uint64_t current_mit_vector = 0;                             // 0x200 (v5+)
  std::array<uint8_t, kSignatureComponentSize> signature_r{};  // 0x2A0, little-endian
  std::array<uint8_t, kSignatureComponentSize> signature_s{};  // 0x2E8, little-endian

  bool author_key_en() const { return (key_info & 1u) != 0; }
  bool mask_chip_key() const { return (key_info & 2u) != 0; }
  // Bits 4:2; values other than 0 (VCEK), 1 (VLEK) and 7 (none) are kMalformed.
  Result<SigningKey> signing_key() const;
  bool has_cpuid() const { return version >= 3; }
  bool has_mit_vectors() const { return version >= 5; }

  bool operator==(const Report&) const = default;
};

// Field offsets (spec 56860), exposed for tests and error messages.
namespace offsets {
inline constexpr size_t kVersion = 0x000;
inline constexpr size_t kGuestSvn = 0x004;
inline constexpr size_t kPolicy = 0x008;
inline constexpr size_t kFamilyId = 0x010;
inline constexpr size_t kImageId = 0x020;
inline constexpr size_t kVmpl = 0x030;
inline constexpr size_t kSignatureAlgo = 0x034;
inline constexpr size_t kCurrentTcb = 0x038;
inline constexpr size_t kPlatformInfo = 0x040;
inline constexpr size_t kKeyInfo = 0x048;
inline constexpr size_t kReportData = 0x050;
inline constexpr size_t kMeasurement = 0x090;
inline constexpr size_t kHostData = 0x0C0;
inline constexpr size_t kIdKeyDigest = 0x0E0;
inline constexpr size_t kAuthorKeyDigest = 0x110;
inline constexpr size_t kReportId = 0x140;
inline constexpr size_t kReportIdMa = 0x160;
inline constexpr size_t kReportedTcb = 0x180;
inline constexpr size_t kCpuidFamId = 0x188;
inline constexpr size_t kChipId = 0x1A0;
inline constexpr size_t kCommittedTcb = 0x1E0;
inline constexpr size_t kCurrentBuild = 0x1E8;
inline constexpr size_t kCommittedBuild = 0x1EC;
inline constexpr size_t kLaunchTcb = 0x1F0;
inline constexpr size_t kLaunchMitVector = 0x1F8;
inline constexpr size_t kCurrentMitVector = 0x200;
inline constexpr size_t kSignatureR = 0x2A0;
inline constexpr size_t kSignatureS = 0x2E8;
inline constexpr size_t kSignatureReserved = 0x330;
}  // namespace offsets

// Parses exactly kReportSize bytes. Errors: kTruncated (short), kTrailingData (long),
// kUnsupported (version not 2..5), kReservedNonZero (a reserved range or bit, with its
// absolute offset; POLICY bits 63:26 with field "policy"), kMalformed (POLICY bit 17
// clear, or a KEY_INFO signing key other than 0, 1 or 7). SIGNATURE_ALGO is kept as-is:
// accepting only ECDSA P-384 is the verifier's job.
Result<Report> ParseReport(ByteSpan bytes);

// The exact kReportSize bytes of report. CPUID fields are written only for v3+, the
// mitigation vectors only for v5+; reserved ranges are zero. Values are not validated, so
// the writer can also build malformed reports for negative tests.
Bytes WriteReport(const Report& report);

// The signed region: the first kSignedSize bytes; empty if report is shorter, so that a
// signature check over it fails rather than covering a partial region.
ByteSpan SignedPart(ByteSpan report);

// The product named by the report's CPUID fields (v3+); kUnknown for v2.
Product ProductFromReport(const Report& report);

}  // namespace veritee::snp
