#include "attest/sev_guest.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/encoding.h"

#if __has_include(<linux/sev-guest.h>)
#include <linux/sev-guest.h>
#define VERITEE_HAVE_SEV_GUEST_UAPI 1
#endif

namespace veritee::attest::sevguest {
namespace {

// Stand-ins of the right size for the _IOWR size field.
struct IoctlArg {
  unsigned char bytes[kGuestRequestIoctlSize];
};

#ifdef VERITEE_HAVE_SEV_GUEST_UAPI
static_assert(sizeof(snp_report_req) == kReportReqSize);
static_assert(sizeof(snp_ext_report_req) == kExtReportReqSize);
static_assert(sizeof(snp_derived_key_req) == kDerivedKeyReqSize);
static_assert(sizeof(snp_guest_request_ioctl) == kGuestRequestIoctlSize);
static_assert(sizeof(snp_report_resp) == kReportRespSize);
static_assert(sizeof(snp_derived_key_resp) == kDerivedKeyRespSize);
static_assert(offsetof(snp_report_req, vmpl) == 64);
static_assert(offsetof(snp_ext_report_req, certs_address) == 96);
static_assert(offsetof(snp_ext_report_req, certs_len) == 104);
static_assert(offsetof(snp_derived_key_req, guest_field_select) == 8);
static_assert(offsetof(snp_derived_key_req, tcb_version) == 24);
static_assert(offsetof(snp_guest_request_ioctl, req_data) == 8);
static_assert(offsetof(snp_guest_request_ioctl, exitinfo2) == 24);
static_assert(SNP_GET_REPORT == _IOWR('S', 0x0, IoctlArg));
static_assert(SNP_GET_DERIVED_KEY == _IOWR('S', 0x1, IoctlArg));
static_assert(SNP_GET_EXT_REPORT == _IOWR('S', 0x2, IoctlArg));
#endif

constexpr size_t kReportSize = 0x4A0;
constexpr size_t kPageSize = 4096;

std::string FirmwareStatusName(uint32_t status) {
  switch (status) {
    case 0x16: return "INVALID_PARAM";
    case 0x27: return "INVALID_KEY";
    default: return "status " + HexU64(status, 4);
  }
}

struct FieldName {
  uint64_t bit;
  std::string_view name;
};
constexpr FieldName kFieldNames[] = {
    {kFieldPolicy, "policy"},         {kFieldImageId, "image_id"},
    {kFieldFamilyId, "family_id"},    {kFieldMeasurement, "measurement"},
    {kFieldGuestSvn, "guest_svn"},    {kFieldTcbVersion, "tcb"},
};

}  // namespace

Bytes EncodeReportRequest(const ReportRequest& req) {
  ByteWriter w;
  w.Append(req.user_data);
  w.U32Le(req.vmpl);
  w.Zeros(28);  // rsvd: must be zero
  return w.Take();
}

Result<ReportRequest> DecodeReportRequest(ByteSpan bytes) {
  ByteReader r(bytes);
  ReportRequest req;
  VT_ASSIGN_OR_RETURN(req.user_data, r.Array<64>("user_data"));
  VT_ASSIGN_OR_RETURN(req.vmpl, r.U32Le("vmpl"));
  VT_RETURN_IF_ERROR(r.ExpectZero(28, "rsvd"));
  VT_RETURN_IF_ERROR(r.Finish("snp_report_req"));
  return req;
}

Bytes EncodeExtReportRequest(const ExtReportRequest& req) {
  ByteWriter w;
  w.Append(EncodeReportRequest(req.data));
  w.U64Le(req.certs_address);
  w.U32Le(req.certs_len);
  w.Zeros(4);  // tail padding of the C struct (alignment 8)
  return w.Take();
}

Result<ExtReportRequest> DecodeExtReportRequest(ByteSpan bytes) {
  ByteReader r(bytes);
  ExtReportRequest req;
  VT_ASSIGN_OR_RETURN(ByteSpan data, r.Take(kReportReqSize, "data"));
  VT_ASSIGN_OR_RETURN(req.data, DecodeReportRequest(data));
  VT_ASSIGN_OR_RETURN(req.certs_address, r.U64Le("certs_address"));
  VT_ASSIGN_OR_RETURN(req.certs_len, r.U32Le("certs_len"));
  VT_RETURN_IF_ERROR(r.ExpectZero(4, "padding"));
  VT_RETURN_IF_ERROR(r.Finish("snp_ext_report_req"));
  return req;
}

Result<uint64_t> ParseGuestFields(std::string_view names) {
  uint64_t mask = 0;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    std::string_view name =
        names.substr(start, comma == std::string_view::npos ? names.size() - start : comma - start);
    if (!name.empty()) {
      bool found = false;
      for (const FieldName& f : kFieldNames) {
        if (f.name == name) {
          mask |= f.bit;
          found = true;
        }
      }
      if (!found) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "unknown guest field '" + std::string(name) +
                             "' (policy, image_id, family_id, measurement, guest_svn, tcb)");
      }
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return mask;
}

std::string GuestFieldNames(uint64_t mask) {
  std::string out;
  for (const FieldName& f : kFieldNames) {
    if ((mask & f.bit) != 0) {
      if (!out.empty()) out += ",";
      out += f.name;
    }
  }
  return out.empty() ? "none" : out;
}

Bytes EncodeDerivedKeyRequest(const DerivedKeyRequest& req) {
  ByteWriter w;
  w.U32Le(req.root_key_select);
  w.U32Le(0);  // rsvd
  w.U64Le(req.guest_field_select);
  w.U32Le(req.vmpl);
  w.U32Le(req.guest_svn);
  w.U64Le(req.tcb_version);
  return w.Take();
}

Result<DerivedKeyRequest> DecodeDerivedKeyRequest(ByteSpan bytes) {
  ByteReader r(bytes);
  DerivedKeyRequest req;
  VT_ASSIGN_OR_RETURN(req.root_key_select, r.U32Le("root_key_select"));
  VT_RETURN_IF_ERROR(r.ExpectZero(4, "rsvd"));
  VT_ASSIGN_OR_RETURN(req.guest_field_select, r.U64Le("guest_field_select"));
  VT_ASSIGN_OR_RETURN(req.vmpl, r.U32Le("vmpl"));
  VT_ASSIGN_OR_RETURN(req.guest_svn, r.U32Le("guest_svn"));
  VT_ASSIGN_OR_RETURN(req.tcb_version, r.U64Le("tcb_version"));
  VT_RETURN_IF_ERROR(r.Finish("snp_derived_key_req"));
  return req;
}

Bytes EncodeGuestRequest(const GuestRequest& req) {
  ByteWriter w;
  w.U8(req.msg_version);
  w.Zeros(7);  // padding before the u64 req_data
  w.U64Le(req.req_data);
  w.U64Le(req.resp_data);
  w.U64Le(req.exitinfo2);
  return w.Take();
}

Result<GuestRequest> DecodeGuestRequest(ByteSpan bytes) {
  ByteReader r(bytes);
  GuestRequest g;
  VT_ASSIGN_OR_RETURN(g.msg_version, r.U8("msg_version"));
  VT_RETURN_IF_ERROR(r.Skip(7, "padding"));  // the kernel does not promise to zero it
  VT_ASSIGN_OR_RETURN(g.req_data, r.U64Le("req_data"));
  VT_ASSIGN_OR_RETURN(g.resp_data, r.U64Le("resp_data"));
  VT_ASSIGN_OR_RETURN(g.exitinfo2, r.U64Le("exitinfo2"));
  VT_RETURN_IF_ERROR(r.Finish("snp_guest_request_ioctl"));
  return g;
}

Result<Bytes> DecodeReportResponse(ByteSpan resp) {
  if (resp.size() != kReportRespSize) {
    return MakeError(ErrorCode::kMalformed, "snp_report_resp must be 4000 bytes");
  }
  ByteReader r(resp);
  VT_ASSIGN_OR_RETURN(uint32_t status, r.U32Le("MSG_REPORT_RSP.STATUS"));
  if (status != 0) {
    return MakeError(ErrorCode::kUnsupported,
                     "the firmware refused the report request: " + FirmwareStatusName(status),
                     "MSG_REPORT_RSP.STATUS");
  }
  VT_ASSIGN_OR_RETURN(uint32_t size, r.U32Le("MSG_REPORT_RSP.REPORT_SIZE"));
  VT_RETURN_IF_ERROR(r.ExpectZero(24, "MSG_REPORT_RSP reserved"));
  if (size != kReportSize) {
    return MakeError(ErrorCode::kUnsupported,
                     "REPORT_SIZE is " + std::to_string(size) + ", expected 1184",
                     "MSG_REPORT_RSP.REPORT_SIZE", 4);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan report, r.Take(size, "MSG_REPORT_RSP.REPORT"));
  VT_RETURN_IF_ERROR(r.ExpectZero(r.remaining(), "snp_report_resp after the report"));
  return Bytes(report.begin(), report.end());
}

Bytes EncodeReportResponse(uint32_t status, ByteSpan report) {
  ByteWriter w;
  w.U32Le(status);
  w.U32Le(static_cast<uint32_t>(report.size()));
  w.Zeros(24);
  w.Append(report);
  if (w.size() < kReportRespSize) w.Zeros(kReportRespSize - w.size());
  return w.Take();
}

Result<SecretBytes> DecodeDerivedKeyResponse(ByteSpan resp) {
  if (resp.size() != kDerivedKeyRespSize) {
    return MakeError(ErrorCode::kMalformed, "snp_derived_key_resp must be 64 bytes");
  }
  ByteReader r(resp);
  VT_ASSIGN_OR_RETURN(uint32_t status, r.U32Le("MSG_KEY_RSP.STATUS"));
  if (status != 0) {
    return MakeError(ErrorCode::kUnsupported,
                     "the firmware refused the key request: " + FirmwareStatusName(status),
                     "MSG_KEY_RSP.STATUS");
  }
  VT_RETURN_IF_ERROR(r.ExpectZero(28, "MSG_KEY_RSP reserved"));
  VT_ASSIGN_OR_RETURN(ByteSpan key, r.Take(32, "MSG_KEY_RSP.DERIVED_KEY"));
  VT_RETURN_IF_ERROR(r.Finish("MSG_KEY_RSP"));
  return SecretBytes(key);
}

Bytes EncodeDerivedKeyResponse(uint32_t status, ByteSpan key) {
  ByteWriter w;
  w.U32Le(status);
  w.Zeros(28);
  w.Append(key);
  return w.Take();
}

unsigned long IoctlGetReport() { return _IOWR('S', 0x0, IoctlArg); }
unsigned long IoctlGetDerivedKey() { return _IOWR('S', 0x1, IoctlArg); }
unsigned long IoctlGetExtReport() { return _IOWR('S', 0x2, IoctlArg); }

Result<SevGuestDevice> SevGuestDevice::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, "cannot open: " + std::string(std::strerror(errno)), path);
  }
  return SevGuestDevice(fd, path);
}

SevGuestDevice::~SevGuestDevice() {
  if (fd_ >= 0) ::close(fd_);
}

Status SevGuestDevice::Request(unsigned long cmd, ByteSpan req, Bytes& req_out, Bytes& resp,
                               GuestRequest& g) {
  req_out.assign(req.begin(), req.end());
  GuestRequest in;
  in.msg_version = 1;
  in.req_data = reinterpret_cast<uintptr_t>(req_out.data());
  in.resp_data = reinterpret_cast<uintptr_t>(resp.data());
  Bytes arg = EncodeGuestRequest(in);
  int rc = -1;
  int err = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    rc = ::ioctl(fd_, cmd, arg.data());
    err = errno;
    if (rc == 0 || (err != EBUSY && err != EAGAIN)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
  }
  VT_ASSIGN_OR_RETURN(g, DecodeGuestRequest(arg));
  if (rc != 0) {
    return MakeError(ErrorCode::kIo,
                     "ioctl failed: " + std::string(std::strerror(err)) + " (firmware error " +
                         HexU64(g.fw_error(), 4) + ", VMM error " + HexU64(g.vmm_error(), 4) +
                         ")",
                     path_);
  }
  return Ok();
}

Result<Bytes> SevGuestDevice::GetReport(const std::array<uint8_t, 64>& report_data,
                                        uint32_t vmpl) {
  Bytes req_out, resp(kReportRespSize, 0);
  GuestRequest g;
  VT_RETURN_IF_ERROR(
      Request(IoctlGetReport(), EncodeReportRequest({report_data, vmpl}), req_out, resp, g));
  return DecodeReportResponse(resp);
}

Result<SevGuestDevice::ExtReport> SevGuestDevice::GetExtReport(
    const std::array<uint8_t, 64>& report_data, uint32_t vmpl) {
  Bytes certs(4 * kPageSize, 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    ExtReportRequest req{{report_data, vmpl}, 0, static_cast<uint32_t>(certs.size())};
    req.certs_address = reinterpret_cast<uintptr_t>(certs.data());
    Bytes req_out, resp(kReportRespSize, 0);
    GuestRequest g;
    Status st = Request(IoctlGetExtReport(), EncodeExtReportRequest(req), req_out, resp, g);
    if (!st) {
      // The host needs a bigger buffer: it wrote the size it needs into certs_len.
      if (g.vmm_error() != kVmmErrInvalidLen || attempt > 0) return tl::unexpected(st.error());
      VT_ASSIGN_OR_RETURN(ExtReportRequest back, DecodeExtReportRequest(req_out));
      if (back.certs_len == 0 || back.certs_len > kMaxCertsBufferSize) {
        return MakeError(ErrorCode::kMalformed,
                         "the host asks for a certificate buffer of " +
                             std::to_string(back.certs_len) + " bytes",
                         path_);
      }
      certs.assign(back.certs_len, 0);
      continue;
    }
    VT_ASSIGN_OR_RETURN(Bytes report, DecodeReportResponse(resp));
    // An all-zero buffer means the host provided no certificates.
    if (AllZero(certs)) certs.clear();
    return ExtReport{std::move(report), std::move(certs)};
  }
  return MakeError(ErrorCode::kIo, "extended report: the host kept changing the buffer size",
                   path_);
}

Result<SecretBytes> SevGuestDevice::GetDerivedKey(const DerivedKeyRequest& req) {
  Bytes req_out, resp(kDerivedKeyRespSize, 0);
  GuestRequest g;
  VT_RETURN_IF_ERROR(Request(IoctlGetDerivedKey(), EncodeDerivedKeyRequest(req), req_out, resp, g));
  auto key = DecodeDerivedKeyResponse(resp);
  SecureWipe(resp);
  return key;
}

}  // namespace veritee::attest::sevguest
