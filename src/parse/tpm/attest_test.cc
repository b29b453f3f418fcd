#include "parse/tpm/attest.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/tpm/pcr_values.h"
#include "parse/tpm/public_area.h"
#include "parse/tpm/signature.h"
#include "parse/tpm/test_data.h"

namespace veritee::tpm {
namespace {

Attest SampleQuote() {
  Attest a;
  a.qualified_signer = {0x00, 0x0b, 1, 2, 3};
  a.extra_data = Bytes(32, 0x5a);
  a.clock_info = ClockInfo{0x0102030405060708ULL, 7, 9, 1};
  a.firmware_version = 0x2019102300163636ULL;
  a.quote.pcr_select.banks.push_back(MakePcrBank(kAlgSha256, {0, 1, 2, 7, 9, 12}));
  a.quote.pcr_select.banks.push_back(MakePcrBank(kAlgSha1, {0, 23}));
  a.quote.pcr_digest = Bytes(32, 0xc6);
  return a;
}

Public SampleRsaAk() {
  Public p;
  p.type = kAlgRsa;
  p.attributes = kObjFixedTpm | kObjFixedParent | kObjSensitiveDataOrigin | kObjUserWithAuth |
                 kObjRestricted | kObjSign;
  p.scheme = kAlgRsaSsa;
  p.scheme_hash = kAlgSha256;
  p.rsa_key_bits = 2048;
  p.rsa_modulus = Bytes(256, 0xab);
  return p;
}

Public SampleEccAk() {
  Public p;
  p.type = kAlgEcc;
  p.attributes = kObjFixedTpm | kObjRestricted | kObjSign;
  p.scheme = kAlgEcdsa;
  p.scheme_hash = kAlgSha256;
  p.curve = kEccNistP256;
  p.ecc_x = Bytes(32, 1);
  p.ecc_y = Bytes(32, 2);
  return p;
}

TEST(TpmAttest, RoundTripsQuoteCertifyAndCreation) {
  Attest quote = SampleQuote();
  Attest creation = SampleQuote();
  creation.type = kStAttestCreation;
  creation.quote = {};
  creation.creation.object_name = Bytes(34, 3);
  creation.creation.creation_hash = Bytes(32, 4);
  Attest certify = SampleQuote();
  certify.type = kStAttestCertify;
  certify.quote = {};
  certify.certify.name = Bytes(34, 5);
  certify.certify.qualified_name = Bytes(34, 6);
  for (const Attest& want : {quote, creation, certify}) {
    Bytes bytes = WriteAttest(want);
    auto got = ParseAttest(bytes);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, want);
    EXPECT_EQ(WriteAttest(*got), bytes);
    EXPECT_TRUE(LooksLikeAttest(bytes));
  }
}

TEST(TpmAttest, FieldsAreBigEndianAtTheirOffsets) {
  Bytes b = WriteAttest(SampleQuote());
  EXPECT_EQ(ToHex(ByteSpan(b).first(6)), "ff5443478018");
  EXPECT_EQ(ToHex(ByteSpan(b).subspan(6, 2)), "0005");  // qualifiedSigner.size
}

TEST(TpmAttest, RejectsWrongMagicUnknownTypeAndTrailingBytes) {
  Bytes b = WriteAttest(SampleQuote());
  Bytes bad_magic = b;
  bad_magic[0] = 0xfe;
  auto e1 = ParseAttest(bad_magic);
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(e1.error().field, "magic");

  Bytes time_type = b;
  time_type[5] = 0x19;
  auto e2 = ParseAttest(time_type);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().code, ErrorCode::kUnsupported);

  Bytes trailing = b;
  trailing.push_back(0);
  auto e3 = ParseAttest(trailing);
  ASSERT_FALSE(e3);
  EXPECT_EQ(e3.error().code, ErrorCode::kTrailingData);

  auto e4 = ParseAttest(ByteSpan(b).first(b.size() - 1));
  ASSERT_FALSE(e4);
  EXPECT_EQ(e4.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(e4.error().field, "pcrDigest");
}

TEST(TpmAttest, RejectsOversizedTpm2bAndBadSafeAndDuplicateBank) {
  Attest a = SampleQuote();
  a.extra_data = Bytes(67, 1);  // > sizeof(TPMT_HA)
  auto e1 = ParseAttest(WriteAttest(a));
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(e1.error().field, "extraData");

  a = SampleQuote();
  a.clock_info.safe = 2;
  auto e2 = ParseAttest(WriteAttest(a));
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().field, "clockInfo.safe");

  a = SampleQuote();
  a.quote.pcr_select.banks.push_back(MakePcrBank(kAlgSha256, {3}));
  auto e3 = ParseAttest(WriteAttest(a));
  ASSERT_FALSE(e3);
  EXPECT_EQ(e3.error().field, "pcrSelections.hash");

  a = SampleQuote();
  a.quote.pcr_select.banks[0].select = Bytes(5, 0xff);
  auto e4 = ParseAttest(WriteAttest(a));
  ASSERT_FALSE(e4);
  EXPECT_EQ(e4.error().field, "pcrSelections.sizeofSelect");
}

TEST(TpmPcrSelection, IndicesFollowTheBitmap) {
  PcrBank bank = MakePcrBank(kAlgSha256, {0, 7, 9, 12, 23});
  EXPECT_EQ(ToHex(bank.select), "811280");
  EXPECT_EQ(bank.Indices(), (std::vector<uint32_t>{0, 7, 9, 12, 23}));
  EXPECT_EQ(MakePcrBank(kAlgSha1, {31}).select.size(), 4u);
}

TEST(TpmSignature, RoundTripsAndRejectsUnsupportedSchemes) {
  Signature rsa{kAlgRsaSsa, kAlgSha256, Bytes(256, 7), {}, {}};
  Signature pss{kAlgRsaPss, kAlgSha384, Bytes(384, 8), {}, {}};
  Signature ecdsa{kAlgEcdsa, kAlgSha256, {}, Bytes(32, 1), Bytes(31, 2)};
  for (const Signature& want : {rsa, pss, ecdsa}) {
    Bytes b = WriteSignature(want);
    auto got = ParseSignature(b);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, want);
  }
  Bytes hmac = WriteSignature(rsa);
  hmac[1] = 0x05;
  auto e1 = ParseSignature(hmac);
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(e1.error().field, "sigAlg");

  Bytes bad_hash = WriteSignature(rsa);
  bad_hash[3] = 0x01;  // rsa is not a hash
  auto e2 = ParseSignature(bad_hash);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().field, "signature.hash");

  Bytes trailing = WriteSignature(ecdsa);
  trailing.push_back(0);
  EXPECT_EQ(ParseSignature(trailing).error().code, ErrorCode::kTrailingData);
}

TEST(TpmPublic, RoundTripsRsaAndEcc) {
  for (const Public& want : {SampleRsaAk(), SampleEccAk()}) {
    Bytes b = WriteTpm2bPublic(want);
    EXPECT_TRUE(LooksLikeTpm2bPublic(b));
    auto got = ParseTpm2bPublic(b);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, want);
    auto inner = TpmtPublicBytes(b);
    ASSERT_TRUE(inner);
    EXPECT_EQ(Bytes(inner->begin(), inner->end()), WriteTpmtPublic(want));
  }
}

TEST(TpmPublic, RejectsReservedBitsSizeMismatchAndKeyedHash) {
  Public p = SampleRsaAk();
  p.attributes |= 1u << 0;
  auto e1 = ParseTpm2bPublic(WriteTpm2bPublic(p));
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kReservedNonZero);
  EXPECT_EQ(e1.error().offset, 6u);  // inside the TPM2B: 2 + type 2 + nameAlg 2

  Bytes b = WriteTpm2bPublic(SampleEccAk());
  b.push_back(0);
  EXPECT_EQ(ParseTpm2bPublic(b).error().code, ErrorCode::kTrailingData);
  b[1] = static_cast<uint8_t>(b[1] + 1);  // size now covers the extra byte
  EXPECT_EQ(ParseTpm2bPublic(b).error().code, ErrorCode::kTrailingData);

  Bytes keyed = WriteTpmtPublic(SampleRsaAk());
  keyed[1] = 0x08;
  EXPECT_EQ(ParseTpmtPublic(keyed).error().code, ErrorCode::kUnsupported);
}

TEST(TpmPcrFile, RoundTripsAndChecksSizes) {
  PcrValues v;
  v.selection.banks.push_back(MakePcrBank(kAlgSha256, {0, 1, 2, 3, 4, 5, 6, 7, 9, 12}));
  v.selection.banks.push_back(MakePcrBank(kAlgSha1, {0}));
  for (uint8_t i = 0; i < 10; ++i) v.digests.push_back(Bytes(32, i));
  v.digests.push_back(Bytes(20, 0xee));
  Bytes file = WritePcrFile(v);
  EXPECT_EQ(file.size(), kPcrFileSelectionSize + 4 + 2 * kPcrFileDigestListSize);
  auto got = ParsePcrFile(file);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, v);
  EXPECT_EQ(got->ToMap().at(kAlgSha256).at(12), Bytes(32, 9));

  PcrValues wrong = v;
  wrong.digests[10] = Bytes(32, 0xee);  // a 32-byte value in the sha1 bank
  auto e1 = ParsePcrFile(WritePcrFile(wrong));
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().field, "TPM2B_DIGEST.size");

  Bytes padded = file;
  padded[10] = 1;  // the unused 4th select byte of the first slot (count 4, hash 2, size 1, 3)
  auto e2 = ParsePcrFile(padded);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().code, ErrorCode::kReservedNonZero);

  Bytes concatenated;
  for (const Bytes& d : v.digests) concatenated.insert(concatenated.end(), d.begin(), d.end());
  auto raw = ParseConcatenatedPcrs(concatenated, v.selection);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->digests, v.digests);
  EXPECT_FALSE(ParseConcatenatedPcrs(ByteSpan(concatenated).first(20), v.selection));

  auto selected = SelectPcrs(v.ToMap(), v.selection);
  ASSERT_TRUE(selected);
  EXPECT_EQ(*selected, v);
  PcrSelection more = v.selection;
  more.banks[1] = MakePcrBank(kAlgSha1, {0, 4});
  auto missing = SelectPcrs(v.ToMap(), more);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("sha1:4"), std::string::npos);
}

TEST(TpmRealFiles, SwtpmQuoteParts) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const auto q = dir / "swtpm_quote";
  for (const char* kind : {"rsa", "ecc"}) {
    SCOPED_TRACE(kind);
    Bytes msg = testing::ReadTestFile(q, std::string("quote_") + kind + ".msg");
    auto attest = ParseAttest(msg);
    ASSERT_TRUE(attest) << attest.error().ToString();
    EXPECT_EQ(WriteAttest(*attest), msg);
    EXPECT_EQ(ToHex(attest->extra_data),
              "5374656572696e672d74706d2d71756f74652d6e6f6e63652d30303030303031");
    EXPECT_EQ(ToHex(attest->quote.pcr_digest),
              "c662cb8aab3e0c891dc1700997538c74b01ea6d3a28c4ea4f6b3f0f70208e85e");
    Bytes sig = testing::ReadTestFile(q, std::string("quote_") + kind + ".sig");
    auto s = ParseSignature(sig);
    ASSERT_TRUE(s) << s.error().ToString();
    EXPECT_EQ(WriteSignature(*s), sig);
    Bytes pub = testing::ReadTestFile(q, std::string("ak_") + kind + ".pub");
    auto p = ParseTpm2bPublic(pub);
    ASSERT_TRUE(p) << p.error().ToString();
    EXPECT_EQ(WriteTpm2bPublic(*p), pub);
    Bytes pcrs = testing::ReadTestFile(q, std::string("quote_") + kind + ".pcrs");
    auto values = ParsePcrFile(pcrs);
    ASSERT_TRUE(values) << values.error().ToString();
    EXPECT_EQ(WritePcrFile(*values), pcrs);
    EXPECT_EQ(values->selection, attest->quote.pcr_select);
  }
}

}  // namespace
}  // namespace veritee::tpm
