#include "attest/sev_guest.h"

#include <gtest/gtest.h>

namespace veritee::attest::sevguest {
namespace {

TEST(SevGuestLayout, IoctlNumbersMatchTheUapi) {
  // _IOWR('S', n, struct snp_guest_request_ioctl): dir 3, size 32, type 'S'.
  EXPECT_EQ(IoctlGetReport(), 0xC0205300ul);
  EXPECT_EQ(IoctlGetDerivedKey(), 0xC0205301ul);
  EXPECT_EQ(IoctlGetExtReport(), 0xC0205302ul);
}

TEST(SevGuestLayout, ReportRequest) {
  ReportRequest req;
  for (size_t i = 0; i < 64; ++i) req.user_data[i] = static_cast<uint8_t>(i);
  req.vmpl = 2;
  Bytes b = EncodeReportRequest(req);
  ASSERT_EQ(b.size(), kReportReqSize);
  EXPECT_EQ(b[63], 63);
  EXPECT_EQ(b[64], 2);  // vmpl, little-endian at 64
  EXPECT_EQ(*DecodeReportRequest(b), req);
  b[68] = 1;  // rsvd
  auto bad = DecodeReportRequest(b);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kReservedNonZero);
  EXPECT_EQ(bad.error().offset, 68u);
  EXPECT_EQ(DecodeReportRequest(ByteSpan(b).first(95)).error().code, ErrorCode::kTruncated);
}

TEST(SevGuestLayout, ExtReportRequest) {
  ExtReportRequest req;
  req.data.vmpl = 1;
  req.certs_address = 0x1122334455667788;
  req.certs_len = 0x4000;
  Bytes b = EncodeExtReportRequest(req);
  ASSERT_EQ(b.size(), kExtReportReqSize);
  EXPECT_EQ(b[96], 0x88);   // certs_address at 96
  EXPECT_EQ(b[105], 0x40);  // certs_len at 104
  EXPECT_EQ(*DecodeExtReportRequest(b), req);
  b[110] = 1;  // tail padding
  EXPECT_EQ(DecodeExtReportRequest(b).error().code, ErrorCode::kReservedNonZero);
}

TEST(SevGuestLayout, DerivedKeyRequest) {
  DerivedKeyRequest req{1, kFieldMeasurement | kFieldPolicy | kFieldTcbVersion, 0, 3,
                        0x0102030405060708};
  Bytes b = EncodeDerivedKeyRequest(req);
  ASSERT_EQ(b.size(), kDerivedKeyReqSize);
  EXPECT_EQ(b[0], 1);
  EXPECT_EQ(b[8], 0x29);  // guest_field_select at 8
  EXPECT_EQ(b[20], 3);    // guest_svn at 20
  EXPECT_EQ(b[24], 0x08); // tcb_version at 24
  EXPECT_EQ(*DecodeDerivedKeyRequest(b), req);
  b[4] = 1;
  EXPECT_EQ(DecodeDerivedKeyRequest(b).error().code, ErrorCode::kReservedNonZero);
}

TEST(SevGuestLayout, GuestFieldNames) {
  EXPECT_EQ(*ParseGuestFields("measurement,policy,tcb"),
            kFieldMeasurement | kFieldPolicy | kFieldTcbVersion);
  EXPECT_EQ(GuestFieldNames(kFieldMeasurement | kFieldTcbVersion), "measurement,tcb");
  EXPECT_EQ(ParseGuestFields("measurement,vmpl").error().code, ErrorCode::kInvalidArgument);
}

TEST(SevGuestLayout, GuestRequestCarriesBothErrorHalves) {
  GuestRequest g{1, 0x1000, 0x2000, (uint64_t{kVmmErrInvalidLen} << 32) | 0x16};
  Bytes b = EncodeGuestRequest(g);
  ASSERT_EQ(b.size(), kGuestRequestIoctlSize);
  EXPECT_EQ(b[8], 0x00);
  EXPECT_EQ(b[9], 0x10);  // req_data at 8
  EXPECT_EQ(b[24], 0x16); // exitinfo2 at 24
  auto back = DecodeGuestRequest(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, g);
  EXPECT_EQ(back->fw_error(), 0x16u);
  EXPECT_EQ(back->vmm_error(), kVmmErrInvalidLen);
}

TEST(SevGuestLayout, ReportResponse) {
  Bytes report(1184, 0x5a);
  Bytes resp = EncodeReportResponse(0, report);
  ASSERT_EQ(resp.size(), kReportRespSize);
  EXPECT_EQ(*DecodeReportResponse(resp), report);

  auto refused = DecodeReportResponse(EncodeReportResponse(0x16, report));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("INVALID_PARAM"), std::string::npos);

  EXPECT_EQ(DecodeReportResponse(EncodeReportResponse(0, Bytes(1000, 1))).error().code,
            ErrorCode::kUnsupported);
  Bytes trailing = resp;
  trailing[3999] = 1;
  EXPECT_EQ(DecodeReportResponse(trailing).error().code, ErrorCode::kReservedNonZero);
  Bytes reserved = resp;
  reserved[8] = 1;
  EXPECT_EQ(DecodeReportResponse(reserved).error().code, ErrorCode::kReservedNonZero);
  EXPECT_EQ(DecodeReportResponse(ByteSpan(resp).first(100)).error().code, ErrorCode::kMalformed);
}

TEST(SevGuestLayout, DerivedKeyResponse) {
  Bytes key(32, 0xab);
  auto k = DecodeDerivedKeyResponse(EncodeDerivedKeyResponse(0, key));
  ASSERT_TRUE(k);
  EXPECT_EQ(Bytes(k->span().begin(), k->span().end()), key);
  EXPECT_EQ(DecodeDerivedKeyResponse(EncodeDerivedKeyResponse(0x27, key)).error().code,
            ErrorCode::kUnsupported);
}

TEST(SevGuestDevice, AbsentDeviceIsAnIoError) {
  auto d = SevGuestDevice::Open("/nonexistent/sev-guest");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace veritee::attest::sevguest
