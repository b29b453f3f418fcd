// /dev/sev-guest: the Linux SEV-SNP guest driver's ioctls (include/uapi/linux/sev-guest.h)
// and the firmware messages they carry (AMD SEV-SNP Firmware ABI Specification 56860,
// section 7 "Guest Messages": MSG_REPORT_REQ/RSP, MSG_KEY_REQ/RSP; GHCB specification
// 56421 for the extended report's certificate buffer).
//
// Request and response layouts are written with ByteWriter and read back with ByteReader,
// never by casting a struct: the kernel structures are only used to static_assert that our
// sizes match the UAPI the build machine ships (sev_guest.cc). The ioctl argument itself
// (struct snp_guest_request_ioctl) carries two user pointers; it is encoded the same way,
// in the machine's byte order (little-endian x86-64, the only SEV-SNP guest architecture).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "crypto/aead.h"

namespace veritee::attest::sevguest {

inline constexpr size_t kReportReqSize = 96;           // struct snp_report_req
inline constexpr size_t kExtReportReqSize = 112;       // struct snp_ext_report_req (padded)
inline constexpr size_t kDerivedKeyReqSize = 32;       // struct snp_derived_key_req
inline constexpr size_t kGuestRequestIoctlSize = 32;   // struct snp_guest_request_ioctl
inline constexpr size_t kReportRespSize = 4000;        // struct snp_report_resp
inline constexpr size_t kDerivedKeyRespSize = 64;      // struct snp_derived_key_resp
inline constexpr size_t kMaxCertsBufferSize = 0x10000 * 4;  // 64 pages: ample for VCEK/ASK/ARK

// MSG_REPORT_REQ: REPORT_DATA and the VMPL to report (0..3; the kernel checks it).
struct ReportRequest {
  std::array<uint8_t, 64> user_data{};
  uint32_t vmpl = 0;
  bool operator==(const ReportRequest&) const = default;
};
Bytes EncodeReportRequest(const ReportRequest& req);
Result<ReportRequest> DecodeReportRequest(ByteSpan bytes);

struct ExtReportRequest {
  ReportRequest data;
  uint64_t certs_address = 0;  // user buffer for the certificate table
  uint32_t certs_len = 0;      // its size in bytes (a multiple of the page size)
  bool operator==(const ExtReportRequest&) const = default;
};
Bytes EncodeExtReportRequest(const ExtReportRequest& req);
Result<ExtReportRequest> DecodeExtReportRequest(ByteSpan bytes);

// MSG_KEY_REQ GUEST_FIELD_SELECT bits: what the derived key is bound to.
enum GuestField : uint64_t {
  kFieldPolicy = 1u << 0,
  kFieldImageId = 1u << 1,
  kFieldFamilyId = 1u << 2,
  kFieldMeasurement = 1u << 3,
  kFieldGuestSvn = 1u << 4,
  kFieldTcbVersion = 1u << 5,
};
// "policy,measurement,tcb" → mask. Names: policy, image_id, family_id, measurement,
// guest_svn, tcb.
Result<uint64_t> ParseGuestFields(std::string_view names);
std::string GuestFieldNames(uint64_t mask);

struct DerivedKeyRequest {
  uint32_t root_key_select = 0;    // bit 0: 0 = VCEK (chip), 1 = VMRK (migration agent)
  uint64_t guest_field_select = 0;
  uint32_t vmpl = 0;
  uint32_t guest_svn = 0;
  uint64_t tcb_version = 0;
  bool operator==(const DerivedKeyRequest&) const = default;
};
Bytes EncodeDerivedKeyRequest(const DerivedKeyRequest& req);
Result<DerivedKeyRequest> DecodeDerivedKeyRequest(ByteSpan bytes);

// struct snp_guest_request_ioctl: msg_version (u8, then 7 bytes of padding), the request
// and response addresses, and exitinfo2 (firmware error in bits 31:0, VMM error in 63:32).
struct GuestRequest {
  uint8_t msg_version = 1;
  uint64_t req_data = 0;
  uint64_t resp_data = 0;
  uint64_t exitinfo2 = 0;
  uint32_t fw_error() const { return static_cast<uint32_t>(exitinfo2); }
  uint32_t vmm_error() const { return static_cast<uint32_t>(exitinfo2 >> 32); }
  bool operator==(const GuestRequest&) const = default;
};
Bytes EncodeGuestRequest(const GuestRequest& req);
Result<GuestRequest> DecodeGuestRequest(ByteSpan bytes);
inline constexpr uint32_t kVmmErrInvalidLen = 1;  // SNP_GUEST_VMM_ERR_INVALID_LEN
inline constexpr uint32_t kVmmErrBusy = 2;        // SNP_GUEST_VMM_ERR_BUSY

// MSG_REPORT_RSP: STATUS (u32), REPORT_SIZE (u32), 24 reserved bytes, the report; the rest
// of the kernel's 4000-byte buffer is zero. Non-zero STATUS is kUnsupported with the
// firmware's code named.
Result<Bytes> DecodeReportResponse(ByteSpan resp);
Bytes EncodeReportResponse(uint32_t status, ByteSpan report);  // tests and fakes
// MSG_KEY_RSP: STATUS (u32), 28 reserved bytes, DERIVED_KEY (32 bytes).
Result<SecretBytes> DecodeDerivedKeyResponse(ByteSpan resp);
Bytes EncodeDerivedKeyResponse(uint32_t status, ByteSpan key);  // tests and fakes

// The ioctl request numbers, computed from our sizes (equal to the UAPI's when it is
// present; static_asserted in sev_guest.cc).
unsigned long IoctlGetReport();
unsigned long IoctlGetDerivedKey();
unsigned long IoctlGetExtReport();

// The device. Each call is one guest request; EBUSY/EAGAIN from a throttling host is
// retried a few times.
class SevGuestDevice {
 public:
  static Result<SevGuestDevice> Open(const std::string& path = "/dev/sev-guest");
  ~SevGuestDevice();
  SevGuestDevice(SevGuestDevice&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
    other.fd_ = -1;
  }
  SevGuestDevice& operator=(SevGuestDevice&&) = delete;
  SevGuestDevice(const SevGuestDevice&) = delete;

  // SNP_GET_REPORT: the 1184-byte ATTESTATION_REPORT.
  Result<Bytes> GetReport(const std::array<uint8_t, 64>& report_data, uint32_t vmpl);
  struct ExtReport {
    Bytes report;
    Bytes certs;  // GHCB certificate table (GUID table + certificates); empty when none
  };
  // SNP_GET_EXT_REPORT: the report and the host-provided certificate table (VCEK/VLEK,
  // ASK, ARK), growing the buffer when the host asks for more.
  Result<ExtReport> GetExtReport(const std::array<uint8_t, 64>& report_data, uint32_t vmpl);
  // SNP_GET_DERIVED_KEY: 32 bytes bound to the chosen root and guest fields.
  Result<SecretBytes> GetDerivedKey(const DerivedKeyRequest& req);

 private:
  SevGuestDevice(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Request(unsigned long cmd, ByteSpan req, Bytes& req_out, Bytes& resp, GuestRequest& g);
  int fd_ = -1;
  std::string path_;
};

}  // namespace veritee::attest::sevguest
