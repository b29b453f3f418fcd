#include "parse/dcap/quote.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/dcap/quote_claims.h"
#include "parse/dcap/test_data.h"

namespace veritee::dcap {
namespace {

Quote SampleQuote(uint16_t version, BodyType body) {
  Quote q;
  q.header.version = version;
  q.header.att_key_type = kAttKeyEcdsaP256;
  q.header.tee_type = body == BodyType::kSgx ? kTeeSgx : kTeeTdx;
  if (version == 3) {
    q.header.qe_svn = 9;
    q.header.pce_svn = 14;
  }
  q.header.qe_vendor_id = kIntelQeVendorId;
  for (size_t i = 0; i < 20; ++i) q.header.user_data[i] = static_cast<uint8_t>(i + 1);
  q.body_type = body;
  if (version == 5) q.body_descriptor = body;
  if (body == BodyType::kSgx) {
    q.sgx.mr_enclave.fill(0x11);
    q.sgx.mr_signer.fill(0x22);
    q.sgx.isv_prod_id = 3;
    q.sgx.isv_svn = 4;
    q.sgx.attributes[0] = 0x07;
    q.sgx.report_data.fill(0x33);
  } else {
    q.td.tee_tcb_svn = {6, 1, 3};
    q.td.mr_td.fill(0x44);
    q.td.td_attributes = uint64_t{1} << 28;
    q.td.xfam = 0x6e7;
    q.td.rtmr[2].fill(0x55);
    q.td.report_data.fill(0x66);
    if (body == BodyType::kTd15) {
      q.td.tee_tcb_svn2 = {6, 1, 3};
      q.td.mr_servicetd.fill(0x77);
    }
  }
  q.signature.fill(0xa1);
  q.attest_key.fill(0xb2);
  QeReportCertData qe;
  qe.qe_report.mr_signer.fill(0xc3);
  qe.qe_report.isv_prod_id = 2;
  qe.qe_report.isv_svn = 6;
  qe.qe_report_signature.fill(0xd4);
  qe.qe_auth_data = Bytes(32, 0xe5);
  qe.inner.type = 5;
  std::string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  qe.inner.data.assign(pem.begin(), pem.end());
  qe.inner.data.push_back(0);
  q.qe = qe;
  UpdateLayout(q);
  return q;
}

TEST(DcapQuote, RoundTripsEveryVersionAndBody) {
  for (auto [version, body] : std::vector<std::pair<uint16_t, BodyType>>{
           {3, BodyType::kSgx}, {4, BodyType::kSgx}, {4, BodyType::kTd10},
           {5, BodyType::kSgx}, {5, BodyType::kTd10}, {5, BodyType::kTd15}}) {
    SCOPED_TRACE(std::to_string(version) + " " + std::string(BodyTypeName(body)));
    Quote q = SampleQuote(version, body);
    Bytes bytes = WriteQuote(q);
    auto parsed = ParseQuote(bytes);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_TRUE(parsed->header == q.header);
    EXPECT_TRUE(parsed->body_descriptor == q.body_descriptor);
    EXPECT_TRUE(parsed->sgx == q.sgx);
    EXPECT_TRUE(parsed->td == q.td);
    EXPECT_TRUE(parsed->qe == q.qe);
    EXPECT_EQ(parsed->signed_size, q.signed_size);
    EXPECT_EQ(parsed->qe_report_offset, q.qe_report_offset);
    EXPECT_EQ(parsed->sig_data_len, q.sig_data_len);
    EXPECT_TRUE(parsed->outer == q.outer);
    EXPECT_TRUE(WriteQuote(*parsed) == bytes);
    EXPECT_EQ(QeReportBytes(bytes, *parsed).size(), kSgxReportSize);
    Bytes qe;
    ByteWriter w;
    WriteSgxReportBody(w, q.qe->qe_report);
    auto span = QeReportBytes(bytes, *parsed);
    EXPECT_TRUE(std::equal(span.begin(), span.end(), w.data().begin()));
    EXPECT_EQ(DetectQuote(bytes), 2);
  }
}

TEST(DcapQuote, ZeroPaddingIsToleratedOtherTrailingBytesAreNot) {
  Quote q = SampleQuote(4, BodyType::kTd10);
  Bytes bytes = WriteQuote(q);
  Bytes padded = bytes;
  padded.resize(bytes.size() + 70, 0);
  auto p = ParseQuote(padded);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->trailing.size(), 70u);
  EXPECT_EQ(WriteQuote(*p), padded);
  padded[bytes.size() + 10] = 'x';
  auto bad = ParseQuote(padded);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kTrailingData);
  EXPECT_EQ(bad.error().offset, bytes.size() + 10);
  auto kept = ParseQuoteKeepTrailing(padded);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->trailing_all_zero());
}

TEST(DcapQuote, RejectsUnknownVersionKeyTeeAndBody) {
  Bytes bytes = WriteQuote(SampleQuote(4, BodyType::kTd10));
  Bytes b = bytes;
  b[0] = 6;
  EXPECT_EQ(ParseQuote(b).error().code, ErrorCode::kUnsupported);
  b = bytes;
  b[2] = 3;
  EXPECT_EQ(ParseQuote(b).error().field, "header.att_key_type");
  b = bytes;
  b[4] = 0x82;
  EXPECT_EQ(ParseQuote(b).error().field, "header.tee_type");
  b = bytes;
  b[9] = 1;  // reserved in v4
  EXPECT_EQ(ParseQuote(b).error().code, ErrorCode::kReservedNonZero);
  Bytes v5 = WriteQuote(SampleQuote(5, BodyType::kTd15));
  b = v5;
  b[48] = 4;
  EXPECT_EQ(ParseQuote(b).error().field, "body_descriptor.type");
  b = v5;
  b[50] = 0x84;  // size 584 for a 1.5 body
  EXPECT_EQ(ParseQuote(b).error().field, "body_descriptor.size");
  b = v5;
  b[48] = 1;  // SGX body under TEE type TDX
  EXPECT_EQ(ParseQuote(b).error().code, ErrorCode::kMalformed);
}

TEST(DcapQuote, ReservedBytesOfSgxBodiesMustBeZero) {
  Bytes bytes = WriteQuote(SampleQuote(3, BodyType::kSgx));
  for (size_t off : {20u, 96u, 160u, 262u}) {
    Bytes b = bytes;
    b[kHeaderSize + off] = 1;
    auto r = ParseQuote(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kReservedNonZero);
    EXPECT_EQ(r.error().offset, kHeaderSize + off);
  }
}

TEST(DcapQuote, LengthsMustAgreeWithContent) {
  Quote q = SampleQuote(4, BodyType::kTd10);
  Bytes bytes = WriteQuote(q);
  // sig_data_len one larger: the signature data would include a byte that is not there.
  Bytes b = bytes;
  b[q.signed_size] = static_cast<uint8_t>(b[q.signed_size] + 1);
  EXPECT_EQ(ParseQuote(b).error().code, ErrorCode::kTruncated);
  // ... one smaller: the certification data does not fit.
  b = bytes;
  b[q.signed_size] = static_cast<uint8_t>(b[q.signed_size] - 1);
  EXPECT_EQ(ParseQuote(b).error().code, ErrorCode::kTruncated);
  // Every prefix is rejected, none crashes.
  for (size_t n = 0; n < bytes.size(); n += 7) {
    EXPECT_FALSE(ParseQuote(ByteSpan(bytes).first(n))) << n;
  }
}

TEST(DcapQuote, OtherCertificationDataTypesAreKeptByName) {
  Quote q = SampleQuote(4, BodyType::kTd10);
  q.qe.reset();
  q.outer.type = 3;
  q.outer.data = Bytes(384, 0x5a);
  UpdateLayout(q);
  auto p = ParseQuote(WriteQuote(q));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_FALSE(p->qe);
  EXPECT_EQ(CertDataTypeName(p->outer.type), "PPID_RSA3072_ENCRYPTED");
}

TEST(DcapQuote, ClaimsUseDesignNames) {
  Json c = QuoteClaims(SampleQuote(5, BodyType::kTd15));
  for (const char* k : {"mr_td", "rtmr0", "rtmr3", "mr_seam", "mr_signer_seam", "seam_attributes",
                        "td_attributes", "xfam", "mr_config_id", "mr_owner", "mr_owner_config",
                        "report_data", "tee_tcb_svn", "tee_tcb_svn2", "mr_servicetd"}) {
    EXPECT_TRUE(c.contains(k)) << k;
  }
  EXPECT_EQ(c["td_attributes"], "0000001000000000");
  EXPECT_EQ(c["td_attributes_flags"]["sept_ve_disable"], true);
  Json s = QuoteClaims(SampleQuote(3, BodyType::kSgx));
  for (const char* k : {"mr_enclave", "mr_signer", "isv_prod_id", "isv_svn", "attributes",
                        "report_data"}) {
    EXPECT_TRUE(s.contains(k)) << k;
  }
  EXPECT_EQ(s["debug"], true);
}

// Every real quote parses (keeping trailing bytes) and writes back byte for byte.
TEST(DcapQuote, RealQuotesRoundTrip) {
  for (const char* tee : {"tdx", "sgx"}) {
    VT_DCAP_TESTDATA_OR_SKIP(dir, tee);
    auto vectors = testing::LoadVectors(dir);
    for (const auto& v : vectors["vectors"]) {
      SCOPED_TRACE(v["id"].get<std::string>());
      Bytes bytes = testing::ReadTestFile(dir / v["dir"].get<std::string>() / "quote.bin");
      auto q = ParseQuoteKeepTrailing(bytes);
      ASSERT_TRUE(q) << q.error().ToString();
      EXPECT_EQ(WriteQuote(*q), bytes);
      Quote copy = *q;
      UpdateLayout(copy);
      EXPECT_EQ(copy.signed_size, q->signed_size);
      EXPECT_EQ(copy.qe_report_offset, q->qe_report_offset);
      EXPECT_EQ(copy.sig_data_len, q->sig_data_len);
      EXPECT_EQ(ParseQuote(bytes).has_value(), q->trailing_all_zero());
    }
  }
}

}  // namespace
}  // namespace veritee::dcap
