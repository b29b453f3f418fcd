#include "parse/snp/report.h"

#include <bit>
#include <string>

#include "parse/snp/flags.h"

namespace veritee::snp {
namespace {

constexpr uint32_t kSigningKeyShift = 2;
constexpr uint32_t kSigningKeyMask = 0x7;
constexpr uint32_t kKeyInfoReservedMask = ~uint32_t{0x1F};  // bits 31:5

Result<SigningKey> SigningKeyFromBits(uint32_t bits) {
  switch (bits) {
    case 0:
      return SigningKey::kVcek;
    case 1:
      return SigningKey::kVlek;
    case 7:
      return SigningKey::kNone;
    default:
      break;
  }
  return MakeError(
      ErrorCode::kMalformed,
      "KEY_INFO signing key " + std::to_string(bits) + " is reserved (0 VCEK, 1 VLEK, 7 none)",
      "key_info.signing_key", offsets::kKeyInfo);
}

// Absolute offset of the lowest byte holding a set bit of mask within a little-endian
// field at field_offset.
size_t FirstSetByte(uint64_t mask, size_t field_offset) {
  return field_offset + static_cast<size_t>(std::countr_zero(mask)) / 8;
}

Status CheckPolicy(uint64_t policy) {
  // Spec 56860, guest policy: bit 17 "Reserved. Must be one."; bits 63:26 must be zero.
  if ((policy & (uint64_t{1} << kPolicyReservedMustBeOneBit)) == 0) {
    return MakeError(ErrorCode::kMalformed, "reserved bit 17 must be one", "policy",
                     offsets::kPolicy + 2);
  }
  if (uint64_t bad = policy & kPolicyMustBeZeroMask; bad != 0) {
    return MakeError(
        ErrorCode::kReservedNonZero,
        "bits 63:26 must be zero (lowest set: bit " + std::to_string(std::countr_zero(bad)) + ")",
        "policy", FirstSetByte(bad, offsets::kPolicy));
  }
  return Ok();
}

Status CheckKeyInfo(uint32_t key_info) {
  if (uint32_t bad = key_info & kKeyInfoReservedMask; bad != 0) {
    return MakeError(ErrorCode::kReservedNonZero, "bits 31:5 must be zero", "key_info",
                     FirstSetByte(bad, offsets::kKeyInfo));
  }
  return SigningKeyFromBits((key_info >> kSigningKeyShift) & kSigningKeyMask).map([](SigningKey) {
  });
}

template <size_t N>
Status ReadArray(ByteReader& r, std::array<uint8_t, N>& out, std::string_view field) {
  VT_ASSIGN_OR_RETURN(out, r.template Array<N>(field));
  return Ok();
}

Status ReadBody(ByteReader& r, Report& rep) {
  VT_ASSIGN_OR_RETURN(rep.version, r.U32Le("version"));
  if (rep.version < kMinReportVersion || rep.version > kMaxReportVersion) {
    return MakeError(
        ErrorCode::kUnsupported,
        "report version " + std::to_string(rep.version) + " is not supported (2 to 5 are)",
        "version", offsets::kVersion);
  }
  VT_ASSIGN_OR_RETURN(rep.guest_svn, r.U32Le("guest_svn"));
  VT_ASSIGN_OR_RETURN(rep.policy, r.U64Le("policy"));
  VT_RETURN_IF_ERROR(CheckPolicy(rep.policy));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.family_id, "family_id"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.image_id, "image_id"));
  VT_ASSIGN_OR_RETURN(rep.vmpl, r.U32Le("vmpl"));
  VT_ASSIGN_OR_RETURN(rep.signature_algo, r.U32Le("signature_algo"));
  VT_ASSIGN_OR_RETURN(rep.current_tcb, r.U64Le("current_tcb"));
  VT_ASSIGN_OR_RETURN(rep.platform_info, r.U64Le("platform_info"));
  VT_ASSIGN_OR_RETURN(rep.key_info, r.U32Le("key_info"));
  VT_RETURN_IF_ERROR(CheckKeyInfo(rep.key_info));
  VT_RETURN_IF_ERROR(r.ExpectZero(4, "reserved"));  // 0x4C..0x4F
  VT_RETURN_IF_ERROR(ReadArray(r, rep.report_data, "report_data"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.measurement, "measurement"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.host_data, "host_data"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.id_key_digest, "id_key_digest"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.author_key_digest, "author_key_digest"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.report_id, "report_id"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.report_id_ma, "report_id_ma"));
  VT_ASSIGN_OR_RETURN(rep.reported_tcb, r.U64Le("reported_tcb"));
  if (rep.has_cpuid()) {
    VT_ASSIGN_OR_RETURN(rep.cpuid_fam_id, r.U8("cpuid_fam_id"));
    VT_ASSIGN_OR_RETURN(rep.cpuid_mod_id, r.U8("cpuid_mod_id"));
    VT_ASSIGN_OR_RETURN(rep.cpuid_step, r.U8("cpuid_step"));
  }
  VT_RETURN_IF_ERROR(r.ExpectZero(offsets::kChipId - r.offset(), "reserved"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.chip_id, "chip_id"));
  VT_ASSIGN_OR_RETURN(rep.committed_tcb, r.U64Le("committed_tcb"));
  VT_ASSIGN_OR_RETURN(rep.current_build, r.U8("current_build"));
  VT_ASSIGN_OR_RETURN(rep.current_minor, r.U8("current_minor"));
  VT_ASSIGN_OR_RETURN(rep.current_major, r.U8("current_major"));
  VT_RETURN_IF_ERROR(r.ExpectZero(1, "reserved"));  // 0x1EB
  VT_ASSIGN_OR_RETURN(rep.committed_build, r.U8("committed_build"));
  VT_ASSIGN_OR_RETURN(rep.committed_minor, r.U8("committed_minor"));
  VT_ASSIGN_OR_RETURN(rep.committed_major, r.U8("committed_major"));
  VT_RETURN_IF_ERROR(r.ExpectZero(1, "reserved"));  // 0x1EF
  VT_ASSIGN_OR_RETURN(rep.launch_tcb, r.U64Le("launch_tcb"));
  if (rep.has_mit_vectors()) {
    VT_ASSIGN_OR_RETURN(rep.launch_mit_vector, r.U64Le("launch_mit_vector"));
    VT_ASSIGN_OR_RETURN(rep.current_mit_vector, r.U64Le("current_mit_vector"));
  }
  VT_RETURN_IF_ERROR(r.ExpectZero(offsets::kSignatureR - r.offset(), "reserved"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.signature_r, "signature_r"));
  VT_RETURN_IF_ERROR(ReadArray(r, rep.signature_s, "signature_s"));
  VT_RETURN_IF_ERROR(r.ExpectZero(kReportSize - offsets::kSignatureReserved, "reserved"));
  return r.Finish("report");
}

}  // namespace

std::string_view SigningKeyName(SigningKey key) {
  switch (key) {
    case SigningKey::kVcek:
      return "vcek";
    case SigningKey::kVlek:
      return "vlek";
    case SigningKey::kNone:
      return "none";
  }
  return "reserved";
}

Result<SigningKey> Report::signing_key() const {
  return SigningKeyFromBits((key_info >> kSigningKeyShift) & kSigningKeyMask);
}

Result<Report> ParseReport(ByteSpan bytes) {
  if (bytes.size() < kReportSize) {
    return MakeError(
        ErrorCode::kTruncated,
        "report is " + std::to_string(bytes.size()) + " bytes, need " + std::to_string(kReportSize),
        "report", bytes.size());
  }
  if (bytes.size() > kReportSize) {
    return MakeError(
        ErrorCode::kTrailingData,
        std::to_string(bytes.size() - kReportSize) + " bytes after the 1184-byte report", "report",
        kReportSize);
  }
  ByteReader r(bytes);
  Report rep;
  VT_RETURN_IF_ERROR(ReadBody(r, rep));
  return rep;
}

Bytes WriteReport(const Report& rep) {
  ByteWriter w;
  w.U32Le(rep.version);
  w.U32Le(rep.guest_svn);
  w.U64Le(rep.policy);
  w.Append(rep.family_id);
  w.Append(rep.image_id);
  w.U32Le(rep.vmpl);
  w.U32Le(rep.signature_algo);
  w.U64Le(rep.current_tcb);
  w.U64Le(rep.platform_info);
  w.U32Le(rep.key_info);
  w.Zeros(4);
  w.Append(rep.report_data);
  w.Append(rep.measurement);
  w.Append(rep.host_data);
  w.Append(rep.id_key_digest);
  w.Append(rep.author_key_digest);
  w.Append(rep.report_id);
  w.Append(rep.report_id_ma);
  w.U64Le(rep.reported_tcb);
  if (rep.has_cpuid()) {
    w.U8(rep.cpuid_fam_id);
    w.U8(rep.cpuid_mod_id);
    w.U8(rep.cpuid_step);
  }
  w.Zeros(offsets::kChipId - w.size());
  w.Append(rep.chip_id);
  w.U64Le(rep.committed_tcb);
  w.U8(rep.current_build);
  w.U8(rep.current_minor);
  w.U8(rep.current_major);
  w.Zeros(1);
  w.U8(rep.committed_build);
  w.U8(rep.committed_minor);
  w.U8(rep.committed_major);
  w.Zeros(1);
  w.U64Le(rep.launch_tcb);
  if (rep.has_mit_vectors()) {
    w.U64Le(rep.launch_mit_vector);
    w.U64Le(rep.current_mit_vector);
  }
  w.Zeros(offsets::kSignatureR - w.size());
  w.Append(rep.signature_r);
  w.Append(rep.signature_s);
  w.Zeros(kReportSize - w.size());
  return w.Take();
}

ByteSpan SignedPart(ByteSpan report) {
  if (report.size() < kSignedSize) return {};
  return report.first(kSignedSize);
}

Product ProductFromReport(const Report& report) {
  if (!report.has_cpuid()) return Product::kUnknown;
  return ProductFromCpuid(report.cpuid_fam_id, report.cpuid_mod_id);
}

}  // namespace veritee::snp
