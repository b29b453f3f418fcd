// /dev/tdx_guest: the Linux TDX guest driver's TDX_CMD_GET_REPORT0 ioctl
// (include/uapi/linux/tdx-guest.h, Linux 6.2+) and the TDREPORT it returns (Intel TDX
// Module ABI specification, TDG.MR.REPORT; TDREPORT_STRUCT = REPORTMACSTRUCT(256) ‖
// TEE_TCB_INFO(239) ‖ reserved(17) ‖ TDINFO_STRUCT(512)).
//
// A TDREPORT is MACed with a CPU-local key: only the same platform can check it, so it is
// not evidence a remote verifier can use. A remotely verifiable TDX quote comes from the
// quoting enclave, reached through configfs-tsm (configfs_tsm.h); `veritee attest` uses
// that when it is there and reports the TDREPORT otherwise, saying so. The layouts are
// written with ByteWriter and read with ByteReader; when the build machine's kernel headers
// ship <linux/tdx-guest.h> our sizes and the ioctl number are static_asserted against it
// (Debian 12's linux-libc-dev 6.1 predates it: then the numbers below, taken from the
// UAPI text, stand alone).
#pragma once

#include <array>
#include <string>

#include "base/bytes.h"

namespace veritee::attest::tdxguest {

inline constexpr size_t kReportDataSize = 64;   // TDX_REPORTDATA_LEN
inline constexpr size_t kTdReportSize = 1024;   // TDX_REPORT_LEN
inline constexpr size_t kReportReqSize = kReportDataSize + kTdReportSize;  // tdx_report_req

// struct tdx_report_req { __u8 reportdata[64]; __u8 tdreport[1024]; }
Bytes EncodeReportRequest(const std::array<uint8_t, kReportDataSize>& report_data);
// The TDREPORT the driver wrote back, after checking the reportdata half is unchanged.
Result<Bytes> DecodeReportResponse(ByteSpan req, const std::array<uint8_t, 64>& report_data);

// The fields of a TDREPORT that a guest can use locally (no MAC check here).
struct TdReport {
  uint8_t report_type = 0;         // REPORTMACSTRUCT.REPORTTYPE.TYPE: 0x81 for TDX
  uint8_t report_subtype = 0;
  uint8_t report_version = 0;
  std::array<uint8_t, 16> cpu_svn{};
  std::array<uint8_t, 48> tee_tcb_info_hash{};
  std::array<uint8_t, 48> tee_info_hash{};
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 32> mac{};
  std::array<uint8_t, 239> tee_tcb_info{};
  uint64_t td_attributes = 0;
  uint64_t xfam = 0;
  std::array<uint8_t, 48> mr_td{};
  std::array<uint8_t, 48> mr_config_id{};
  std::array<uint8_t, 48> mr_owner{};
  std::array<uint8_t, 48> mr_owner_config{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 48> servtd_hash{};
};
Result<TdReport> ParseTdReport(ByteSpan bytes);
Bytes WriteTdReport(const TdReport& report);  // tests and fakes

unsigned long IoctlGetReport0();

// One TDG.MR.REPORT through the driver.
Result<Bytes> GetTdReport(const std::array<uint8_t, 64>& report_data,
                          const std::string& device = "/dev/tdx_guest");

}  // namespace veritee::attest::tdxguest
