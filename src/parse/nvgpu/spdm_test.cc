#include "parse/nvgpu/spdm.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/test_data.h"

namespace veritee::nvgpu {
namespace {

using testing::SampleReport;

// Offsets inside a SampleReport (64 blocks of 48-byte digests).
constexpr size_t kResp = kRequestSize;
constexpr size_t kRecord = kResp + 8;
constexpr size_t kBlockSize = 7 + kDigestSize;

Error ParseError(const Bytes& bytes) {
  auto r = ParseAttestationReport(bytes);
  EXPECT_FALSE(r.has_value());
  return r ? Error{} : r.error();
}

TEST(Spdm, RoundTrip) {
  AttestationReport r = SampleReport();
  Bytes bytes = WriteAttestationReport(r);
  ASSERT_EQ(bytes.size(), kRequestSize + 8 + 64 * kBlockSize + 32 + 2 +
                              WriteOpaqueFields(r.response.opaque).size() + kSignatureSize);
  auto parsed = ParseAttestationReport(bytes);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, r);
  EXPECT_EQ(WriteAttestationReport(*parsed), bytes);
  EXPECT_EQ(parsed->Block(7)->value, Bytes(kDigestSize, 7));
  EXPECT_EQ(parsed->Block(65), nullptr);
}

TEST(Spdm, SignedPartAndSignature) {
  Bytes bytes = WriteAttestationReport(SampleReport());
  EXPECT_EQ(SignedPart(bytes).size(), bytes.size() - kSignatureSize);
  EXPECT_EQ(SignatureOf(bytes).size(), kSignatureSize);
  EXPECT_EQ(SignatureOf(bytes)[0], 0x5a);
  Bytes tiny(kRequestSize + kSignatureSize - 1, 0);
  EXPECT_TRUE(SignedPart(tiny).empty());
  EXPECT_TRUE(SignatureOf(tiny).empty());
}

TEST(Spdm, EveryTruncationIsRejected) {
  Bytes bytes = WriteAttestationReport(SampleReport(3));
  for (size_t n = 0; n < bytes.size(); ++n) {
    Bytes cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = ParseAttestationReport(cut);
    ASSERT_FALSE(r.has_value()) << n;
    // A cut inside the record is reported as a record length that does not fit.
    EXPECT_TRUE(r.error().code == ErrorCode::kTruncated) << n << ": " << r.error().ToString();
  }
}

TEST(Spdm, TrailingBytesAreRejected) {
  Bytes bytes = WriteAttestationReport(SampleReport(2));
  bytes.push_back(0);
  EXPECT_EQ(ParseError(bytes).code, ErrorCode::kTrailingData);
}

TEST(Spdm, RequestFields) {
  Bytes good = WriteAttestationReport(SampleReport(2));
  struct Case {
    size_t offset;
    uint8_t value;
    ErrorCode code;
    const char* field;
  } cases[] = {
      {0, 0x12, ErrorCode::kUnsupported, "request SPDMVersion"},
      {0, 0x10, ErrorCode::kUnsupported, "request SPDMVersion"},
      {1, 0xE1, ErrorCode::kMalformed, "request RequestResponseCode"},
      {2, 0x00, ErrorCode::kMalformed, "request Param1"},
      {2, 0x03, ErrorCode::kReservedNonZero, "request Param1"},
      {3, 0x01, ErrorCode::kUnsupported, "request Param2"},
      {36, 0x10, ErrorCode::kReservedNonZero, "request SlotIDParam"},
      {36, 0x08, ErrorCode::kMalformed, "request SlotIDParam"},
      {kResp + 0, 0x12, ErrorCode::kUnsupported, "response SPDMVersion"},
      {kResp + 1, 0x61, ErrorCode::kMalformed, "response RequestResponseCode"},
      {kResp + 2, 0x01, ErrorCode::kReservedNonZero, "response Param1"},
      {kResp + 3, 0x20, ErrorCode::kReservedNonZero, "response Param2"},
      {kResp + 3, 0x01, ErrorCode::kMalformed, "response Param2"},
      {kResp + 4, 0x00, ErrorCode::kMalformed, "NumberOfBlocks"},
      {kRecord + 0, 0x00, ErrorCode::kMalformed, "measurement block Index"},
      {kRecord + 0, 0xFF, ErrorCode::kMalformed, "measurement block Index"},
      {kRecord + kBlockSize, 0x01, ErrorCode::kMalformed, "measurement block Index"},
      {kRecord + 1, 0x02, ErrorCode::kUnsupported, "MeasurementSpecification"},
  };
  for (const Case& c : cases) {
    Bytes bytes = good;
    bytes[c.offset] = c.value;
    Error e = ParseError(bytes);
    EXPECT_EQ(e.code, c.code) << c.offset << " " << e.ToString();
    EXPECT_EQ(e.field, c.field) << c.offset << " " << e.ToString();
    EXPECT_EQ(e.offset, c.offset) << e.ToString();
  }
  // A value size that disagrees with MeasurementSize is reported at MeasurementSize.
  Bytes bytes = good;
  bytes[kRecord + 5] = 0x31;
  Error e = ParseError(bytes);
  EXPECT_EQ(e.code, ErrorCode::kMalformed);
  EXPECT_EQ(e.field, "MeasurementSize");
  EXPECT_EQ(e.offset, kRecord + 2);
}

TEST(Spdm, RecordLengthMustBeUsedExactly) {
  AttestationReport r = SampleReport(2);
  Bytes bytes = WriteAttestationReport(r);
  // Claim one block fewer than the record holds.
  bytes[kResp + 4] = 1;
  Error e = ParseError(bytes);
  EXPECT_EQ(e.code, ErrorCode::kMalformed);
  EXPECT_EQ(e.field, "MeasurementRecordLength");
  EXPECT_NE(e.message.find("unused"), std::string::npos) << e.message;
}

TEST(Spdm, OpaqueLengthLimitAndOverrun) {
  AttestationReport r = SampleReport(1);
  r.response.opaque = {{1000, Bytes(1021, 0)}};  // 1025 bytes of opaque data
  Error e = ParseError(WriteAttestationReport(r));
  EXPECT_EQ(e.code, ErrorCode::kMalformed);
  EXPECT_EQ(e.field, "OpaqueLength");

  r.response.opaque = {{3, Bytes{'5', '5', '0', 0}}};
  Bytes bytes = WriteAttestationReport(r);
  const size_t opaque_at = kRecord + kBlockSize + 32 + 2;
  bytes[opaque_at + 2] = 9;  // value length 9 > the 4 bytes left in OpaqueData
  e = ParseError(bytes);
  EXPECT_EQ(e.code, ErrorCode::kTruncated);
  EXPECT_EQ(e.field, "opaque value of type 3");
}

TEST(Spdm, RawBitStreamBlocksAndOtherSizesParse) {
  AttestationReport r = SampleReport(2);
  r.response.blocks[1].value_type = 0x85;
  r.response.blocks[1].value = Bytes{1, 2, 3};
  auto parsed = ParseAttestationReport(WriteAttestationReport(r));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_FALSE(parsed->response.blocks[1].is_digest());
  EXPECT_EQ(*parsed, r);
}

TEST(Spdm, RequestAlone) {
  Bytes bytes = WriteAttestationReport(SampleReport(1));
  auto q = ParseMeasurementRequest(ByteSpan(bytes).first(kRequestSize));
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->nonce[0], 0x40);
  EXPECT_FALSE(ParseMeasurementRequest(ByteSpan(bytes).first(kRequestSize + 1)).has_value());
}

// Every real report of ../shared/testdata/nvidia parses, and is written back exactly.
TEST(Spdm, RealReportsRoundTrip) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  nlohmann::json vectors = testing::LoadVectors(dir);
  size_t count = 0;
  for (const auto& v : vectors["evidence"]) {
    if (!v.contains("report")) continue;
    Bytes bytes = testing::ReadReport(dir, v["report"].get<std::string>());
    auto r = ParseAttestationReport(bytes);
    ASSERT_TRUE(r.has_value()) << v["name"] << ": " << r.error().ToString();
    EXPECT_EQ(WriteAttestationReport(*r), bytes) << v["name"];
    EXPECT_EQ(r->response.blocks.size(), v["response"]["number_of_blocks"].get<size_t>());
    EXPECT_EQ(ToHex(r->request.nonce), v["request"]["nonce"]);
    EXPECT_EQ(ToHex(r->response.nonce), v["response"]["responder_nonce"]);
    ++count;
  }
  EXPECT_EQ(count, 8u);
}

}  // namespace
}  // namespace veritee::nvgpu
