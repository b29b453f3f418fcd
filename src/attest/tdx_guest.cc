#include "attest/tdx_guest.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#if __has_include(<linux/tdx-guest.h>)
#include <linux/tdx-guest.h>
#define VERITEE_HAVE_TDX_GUEST_UAPI 1
#endif

namespace veritee::attest::tdxguest {
namespace {

struct IoctlArg {
  unsigned char bytes[kReportReqSize];
};

#ifdef VERITEE_HAVE_TDX_GUEST_UAPI
static_assert(TDX_REPORTDATA_LEN == kReportDataSize);
static_assert(TDX_REPORT_LEN == kTdReportSize);
static_assert(sizeof(struct tdx_report_req) == kReportReqSize);
static_assert(offsetof(struct tdx_report_req, tdreport) == kReportDataSize);
static_assert(TDX_CMD_GET_REPORT0 == _IOWR('T', 1, IoctlArg));
#endif

constexpr size_t kReportMacStructSize = 256;
constexpr size_t kTeeTcbInfoSize = 239;
constexpr size_t kTdInfoSize = 512;

}  // namespace

Bytes EncodeReportRequest(const std::array<uint8_t, kReportDataSize>& report_data) {
  ByteWriter w;
  w.Append(report_data);
  w.Zeros(kTdReportSize);
  return w.Take();
}

Result<Bytes> DecodeReportResponse(ByteSpan req, const std::array<uint8_t, 64>& report_data) {
  ByteReader r(req);
  VT_ASSIGN_OR_RETURN(auto echoed, r.Array<kReportDataSize>("reportdata"));
  if (echoed != report_data) {
    return MakeError(ErrorCode::kMismatch, "the driver changed reportdata", "reportdata", 0);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan report, r.Take(kTdReportSize, "tdreport"));
  VT_RETURN_IF_ERROR(r.Finish("tdx_report_req"));
  if (AllZero(report)) {
    return MakeError(ErrorCode::kMalformed, "the driver returned an empty TDREPORT", "tdreport",
                     kReportDataSize);
  }
  return Bytes(report.begin(), report.end());
}

Result<TdReport> ParseTdReport(ByteSpan bytes) {
  if (bytes.size() != kTdReportSize) {
    return MakeError(ErrorCode::kMalformed,
                     "TDREPORT_STRUCT is 1024 bytes, got " + std::to_string(bytes.size()));
  }
  ByteReader r(bytes);
  TdReport t;
  // REPORTMACSTRUCT
  VT_ASSIGN_OR_RETURN(t.report_type, r.U8("REPORTTYPE.TYPE"));
  VT_ASSIGN_OR_RETURN(t.report_subtype, r.U8("REPORTTYPE.SUBTYPE"));
  VT_ASSIGN_OR_RETURN(t.report_version, r.U8("REPORTTYPE.VERSION"));
  VT_RETURN_IF_ERROR(r.ExpectZero(1, "REPORTTYPE.RESERVED"));
  VT_RETURN_IF_ERROR(r.ExpectZero(12, "REPORTMACSTRUCT.RESERVED1"));
  VT_ASSIGN_OR_RETURN(t.cpu_svn, r.Array<16>("CPUSVN"));
  VT_ASSIGN_OR_RETURN(t.tee_tcb_info_hash, r.Array<48>("TEE_TCB_INFO_HASH"));
  VT_ASSIGN_OR_RETURN(t.tee_info_hash, r.Array<48>("TEE_INFO_HASH"));
  VT_ASSIGN_OR_RETURN(t.report_data, r.Array<64>("REPORTDATA"));
  VT_RETURN_IF_ERROR(r.ExpectZero(32, "REPORTMACSTRUCT.RESERVED2"));
  VT_ASSIGN_OR_RETURN(t.mac, r.Array<32>("MAC"));
  if (r.offset() != kReportMacStructSize) {
    return MakeError(ErrorCode::kInternal, "REPORTMACSTRUCT layout");
  }
  if (t.report_type != 0x81) {
    return MakeError(ErrorCode::kUnsupported, "REPORTTYPE.TYPE is not 0x81 (TDX)",
                     "REPORTTYPE.TYPE", 0);
  }
  VT_ASSIGN_OR_RETURN(t.tee_tcb_info, r.Array<kTeeTcbInfoSize>("TEE_TCB_INFO"));
  VT_RETURN_IF_ERROR(r.ExpectZero(17, "TDREPORT.RESERVED"));
  // TDINFO_STRUCT
  VT_ASSIGN_OR_RETURN(t.td_attributes, r.U64Le("ATTRIBUTES"));
  VT_ASSIGN_OR_RETURN(t.xfam, r.U64Le("XFAM"));
  VT_ASSIGN_OR_RETURN(t.mr_td, r.Array<48>("MRTD"));
  VT_ASSIGN_OR_RETURN(t.mr_config_id, r.Array<48>("MRCONFIGID"));
  VT_ASSIGN_OR_RETURN(t.mr_owner, r.Array<48>("MROWNER"));
  VT_ASSIGN_OR_RETURN(t.mr_owner_config, r.Array<48>("MROWNERCONFIG"));
  for (size_t i = 0; i < 4; ++i) {
    VT_ASSIGN_OR_RETURN(t.rtmr[i], r.Array<48>("RTMR" + std::to_string(i)));
  }
  VT_ASSIGN_OR_RETURN(t.servtd_hash, r.Array<48>("SERVTD_HASH"));
  // TDX 1.5 places no fields here; 1.0 called it reserved. Accept either, but keep the
  // byte count exact.
  VT_RETURN_IF_ERROR(r.Skip(64, "TDINFO.RESERVED"));
  VT_RETURN_IF_ERROR(r.Finish("TDREPORT_STRUCT"));
  static_assert(kReportMacStructSize + kTeeTcbInfoSize + 17 + kTdInfoSize == kTdReportSize);
  return t;
}

Bytes WriteTdReport(const TdReport& t) {
  ByteWriter w;
  w.U8(t.report_type);
  w.U8(t.report_subtype);
  w.U8(t.report_version);
  w.Zeros(1 + 12);
  w.Append(t.cpu_svn);
  w.Append(t.tee_tcb_info_hash);
  w.Append(t.tee_info_hash);
  w.Append(t.report_data);
  w.Zeros(32);
  w.Append(t.mac);
  w.Append(t.tee_tcb_info);
  w.Zeros(17);
  w.U64Le(t.td_attributes);
  w.U64Le(t.xfam);
  w.Append(t.mr_td);
  w.Append(t.mr_config_id);
  w.Append(t.mr_owner);
  w.Append(t.mr_owner_config);
  for (const auto& r : t.rtmr) w.Append(r);
  w.Append(t.servtd_hash);
  w.Zeros(64);
  return w.Take();
}

unsigned long IoctlGetReport0() { return _IOWR('T', 1, IoctlArg); }

Result<Bytes> GetTdReport(const std::array<uint8_t, 64>& report_data, const std::string& device) {
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, "cannot open: " + std::string(std::strerror(errno)), device);
  }
  Bytes req = EncodeReportRequest(report_data);
  int rc = ::ioctl(fd, IoctlGetReport0(), req.data());
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, "TDX_CMD_GET_REPORT0: " + std::string(std::strerror(err)),
                     device);
  }
  return DecodeReportResponse(req, report_data);
}

}  // namespace veritee::attest::tdxguest
