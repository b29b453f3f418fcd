#include "attest/tdx_guest.h"

#include <gtest/gtest.h>

namespace veritee::attest::tdxguest {
namespace {

TEST(TdxGuestLayout, IoctlNumberMatchesTheUapi) {
  // TDX_CMD_GET_REPORT0 = _IOWR('T', 1, struct tdx_report_req), 1088 bytes.
  EXPECT_EQ(IoctlGetReport0(), 0xC4405401ul);
  EXPECT_EQ(kReportReqSize, 1088u);
}

TEST(TdxGuestLayout, RequestAndResponse) {
  std::array<uint8_t, 64> rd{};
  rd[0] = 0xaa;
  Bytes req = EncodeReportRequest(rd);
  ASSERT_EQ(req.size(), 1088u);
  // An untouched request (all-zero TDREPORT) is refused.
  EXPECT_EQ(DecodeReportResponse(req, rd).error().code, ErrorCode::kMalformed);
  TdReport t;
  t.report_type = 0x81;
  t.report_data = rd;
  t.mr_td[0] = 0x42;
  t.rtmr[3][47] = 0x7;
  Bytes report = WriteTdReport(t);
  ASSERT_EQ(report.size(), kTdReportSize);
  std::copy(report.begin(), report.end(), req.begin() + 64);
  auto back = DecodeReportResponse(req, rd);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, report);
  std::array<uint8_t, 64> other = rd;
  other[1] = 1;
  EXPECT_EQ(DecodeReportResponse(req, other).error().code, ErrorCode::kMismatch);
}

TEST(TdxGuestLayout, TdReportRoundTripAndOffsets) {
  TdReport t;
  t.report_type = 0x81;
  t.report_data.fill(0x11);
  t.mr_td.fill(0x22);
  t.td_attributes = 0x10000000;
  Bytes b = WriteTdReport(t);
  EXPECT_EQ(b[128], 0x11);        // REPORTDATA at 128
  EXPECT_EQ(b[512 + 16], 0x22);   // TDINFO at 512: ATTRIBUTES, XFAM, then MRTD
  auto parsed = ParseTdReport(b);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->report_data, t.report_data);
  EXPECT_EQ(parsed->mr_td, t.mr_td);
  EXPECT_EQ(parsed->td_attributes, t.td_attributes);
  b[0] = 0x00;  // SGX REPORTTYPE
  EXPECT_EQ(ParseTdReport(b).error().code, ErrorCode::kUnsupported);
  b[0] = 0x81;
  b[4] = 1;  // RESERVED1
  EXPECT_EQ(ParseTdReport(b).error().code, ErrorCode::kReservedNonZero);
  EXPECT_EQ(ParseTdReport(ByteSpan(b).first(1000)).error().code, ErrorCode::kMalformed);
}

TEST(TdxGuestDevice, AbsentDeviceIsAnIoError) {
  EXPECT_EQ(GetTdReport({}, "/nonexistent/tdx_guest").error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace veritee::attest::tdxguest
