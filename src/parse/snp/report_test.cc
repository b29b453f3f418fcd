#include "parse/snp/report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse/snp/test_data.h"

namespace veritee::snp {
namespace {

using testing::SampleReport;

uint64_t ReadU64At(const Bytes& b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t{b[at + i]} << (8 * i);
  return v;
}

uint32_t ReadU32At(const Bytes& b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t{b[at + i]} << (8 * i);
  return v;
}

TEST(SnpReport, SizesMatchTheSpec) {
  EXPECT_EQ(kReportSize, 1184u);
  EXPECT_EQ(kSignedSize, 672u);
  for (uint32_t v = 2; v <= 5; ++v) EXPECT_EQ(WriteReport(SampleReport(v)).size(), kReportSize);
}

TEST(SnpReport, RoundTripsEveryVersion) {
  for (uint32_t v = 2; v <= 5; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    const Report want = SampleReport(v);
    const Bytes bytes = WriteReport(want);
    auto got = ParseReport(bytes);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, want);
    EXPECT_EQ(WriteReport(*got), bytes);
  }
}

TEST(SnpReport, FieldsSitAtTheirSpecOffsets) {
  const Report r = SampleReport(5);
  const Bytes b = WriteReport(r);
  EXPECT_EQ(ReadU32At(b, 0x000), 5u);
  EXPECT_EQ(ReadU32At(b, 0x004), 0x10009u);
  EXPECT_EQ(ReadU64At(b, 0x008), r.policy);
  EXPECT_EQ(b[0x010], 0x10);
  EXPECT_EQ(b[0x01F], 0x1F);
  EXPECT_EQ(b[0x020], 0x20);
  EXPECT_EQ(ReadU32At(b, 0x030), 1u);
  EXPECT_EQ(ReadU32At(b, 0x034), 1u);
  EXPECT_EQ(ReadU64At(b, 0x038), 0xdb18000000000004u);
  EXPECT_EQ(ReadU64At(b, 0x040), 0x25u);
  EXPECT_EQ(ReadU32At(b, 0x048), 0x07u);
  EXPECT_EQ(ReadU32At(b, 0x04C), 0u);
  EXPECT_EQ(b[0x050], 0x50);
  EXPECT_EQ(b[0x08F], 0x50 + 63);
  EXPECT_EQ(b[0x090], 0x90);
  EXPECT_EQ(b[0x0BF], 0x90 + 47);
  EXPECT_EQ(b[0x0C0], 0xC0);
  EXPECT_EQ(b[0x0E0], 0xE0);
  EXPECT_EQ(b[0x110], 0x11);
  EXPECT_EQ(b[0x140], 0x40);
  EXPECT_EQ(b[0x160], 0x60);
  EXPECT_EQ(ReadU64At(b, 0x180), 0x541700000000000au);
  EXPECT_EQ(b[0x188], 0x19);
  EXPECT_EQ(b[0x189], 0x11);
  EXPECT_EQ(b[0x18A], 0x01);
  EXPECT_EQ(b[0x1A0], 0xA0);
  EXPECT_EQ(b[0x1DF], static_cast<uint8_t>(0xA0 + 63));
  EXPECT_EQ(ReadU64At(b, 0x1E0), 0x4405000000000002u);
  EXPECT_EQ(b[0x1E8], 40);
  EXPECT_EQ(b[0x1E9], 55);
  EXPECT_EQ(b[0x1EA], 1);
  EXPECT_EQ(b[0x1EC], 39);
  EXPECT_EQ(b[0x1ED], 55);
  EXPECT_EQ(b[0x1EE], 1);
  EXPECT_EQ(ReadU64At(b, 0x1F0), 0x5100000004010101u);
  EXPECT_EQ(ReadU64At(b, 0x1F8), 0x3fu);
  EXPECT_EQ(ReadU64At(b, 0x200), 0x10000003fu);
  EXPECT_EQ(b[0x2A0], 0xA1);
  EXPECT_EQ(b[0x2E7], static_cast<uint8_t>(0xA1 + 71));
  EXPECT_EQ(b[0x2E8], 0xE8);
  EXPECT_EQ(b[0x32F], static_cast<uint8_t>(0xE8 + 71));
  EXPECT_TRUE(AllZero(ByteSpan(b).subspan(0x330)));
  // The named offsets agree with the numbers above.
  EXPECT_EQ(offsets::kReportedTcb, 0x180u);
  EXPECT_EQ(offsets::kChipId, 0x1A0u);
  EXPECT_EQ(offsets::kLaunchMitVector, 0x1F8u);
  EXPECT_EQ(offsets::kSignatureS, 0x2E8u);
}

TEST(SnpReport, VersionSpecificFieldsAreWrittenOnlyWhereTheyExist) {
  Report v2 = SampleReport(2);
  v2.cpuid_fam_id = 0x19;
  v2.launch_mit_vector = 7;
  const Bytes b2 = WriteReport(v2);
  EXPECT_TRUE(AllZero(ByteSpan(b2).subspan(0x188, 0x18)));
  EXPECT_TRUE(AllZero(ByteSpan(b2).subspan(0x1F8, 0xA8)));
  auto p2 = ParseReport(b2);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->cpuid_fam_id, 0);
  EXPECT_EQ(p2->launch_mit_vector, 0u);

  Report v4 = SampleReport(4);
  v4.current_mit_vector = 9;
  const Bytes b4 = WriteReport(v4);
  EXPECT_EQ(b4[0x188], 0x19);
  EXPECT_TRUE(AllZero(ByteSpan(b4).subspan(0x1F8, 0xA8)));
}

TEST(SnpReport, KeyInfoAccessors) {
  Report r = SampleReport(3);
  EXPECT_TRUE(r.author_key_en());
  EXPECT_TRUE(r.mask_chip_key());
  ASSERT_TRUE(r.signing_key());
  EXPECT_EQ(*r.signing_key(), SigningKey::kVlek);
  r.key_info = 0;
  EXPECT_EQ(*r.signing_key(), SigningKey::kVcek);
  EXPECT_FALSE(r.author_key_en());
  r.key_info = 7u << 2;
  EXPECT_EQ(*r.signing_key(), SigningKey::kNone);
  r.key_info = 3u << 2;
  ASSERT_FALSE(r.signing_key());
  EXPECT_EQ(r.signing_key().error().code, ErrorCode::kMalformed);
  EXPECT_EQ(SigningKeyName(SigningKey::kVlek), "vlek");
}

struct ReservedCase {
  uint32_t version;
  size_t offset;
};

TEST(SnpReport, EveryReservedByteIsChecked) {
  const std::vector<ReservedCase> cases = {
      {2, 0x04C}, {2, 0x04F}, {2, 0x188}, {2, 0x18A}, {2, 0x19F}, {2, 0x1EB},
      {2, 0x1EF}, {2, 0x1F8}, {2, 0x207}, {2, 0x29F}, {2, 0x330}, {2, 0x49F},
      {3, 0x18B}, {3, 0x19F}, {3, 0x1F8}, {3, 0x29F}, {4, 0x18B}, {4, 0x1F8},
      {4, 0x200}, {5, 0x208}, {5, 0x29F}, {5, 0x04D}, {5, 0x1EB}, {5, 0x400},
  };
  for (const ReservedCase& c : cases) {
    SCOPED_TRACE("v" + std::to_string(c.version) + " offset " + std::to_string(c.offset));
    Bytes b = WriteReport(SampleReport(c.version));
    ASSERT_EQ(b[c.offset], 0);
    b[c.offset] = 0x80;
    auto r = ParseReport(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kReservedNonZero);
    EXPECT_EQ(r.error().offset, c.offset);
  }
}

TEST(SnpReport, VersionFieldsAreNotReservedInTheirVersion) {
  Bytes b3 = WriteReport(SampleReport(3));
  b3[0x18A] = 0x02;  // CPUID_STEP
  EXPECT_TRUE(ParseReport(b3));
  Bytes b5 = WriteReport(SampleReport(5));
  b5[0x207] = 0x80;  // CURRENT_MIT_VECTOR top byte
  auto r5 = ParseReport(b5);
  ASSERT_TRUE(r5);
  EXPECT_EQ(r5->current_mit_vector >> 56, 0x80u);
}

TEST(SnpReport, KeyInfoReservedBits) {
  for (auto [at, value] : std::vector<std::pair<size_t, uint8_t>>{
           {0x48, 0x20}, {0x48, 0x80}, {0x49, 0x01}, {0x4B, 0x80}}) {
    Bytes b = WriteReport(SampleReport(2));
    b[at] = static_cast<uint8_t>(b[at] | value);
    auto r = ParseReport(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kReservedNonZero);
    EXPECT_EQ(r.error().field, "key_info");
    EXPECT_EQ(r.error().offset, at);
  }
}

TEST(SnpReport, SigningKeyMustBeVcekVlekOrNone) {
  for (uint32_t key = 0; key < 8; ++key) {
    Report rep = SampleReport(3);
    rep.key_info = key << 2;
    auto r = ParseReport(WriteReport(rep));
    if (key == 0 || key == 1 || key == 7) {
      EXPECT_TRUE(r) << key;
    } else {
      ASSERT_FALSE(r) << key;
      EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
      EXPECT_EQ(r.error().offset, offsets::kKeyInfo);
    }
  }
}

TEST(SnpReport, WrongSizesAreRejected) {
  const Bytes good = WriteReport(SampleReport(3));
  Bytes shorter(good.begin(), good.end() - 1);
  auto r = ParseReport(shorter);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(ParseReport({}).error().code, ErrorCode::kTruncated);

  for (uint8_t trailing : {uint8_t{0}, uint8_t{1}}) {
    Bytes longer = good;
    longer.push_back(trailing);
    auto l = ParseReport(longer);
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().code, ErrorCode::kTrailingData);
    EXPECT_EQ(l.error().offset, kReportSize);
  }
}

TEST(SnpReport, UnknownVersionsAreUnsupported) {
  for (uint32_t v : {0u, 1u, 6u, 0xFFFFFFFFu}) {
    Report rep = SampleReport(5);
    rep.version = v;
    auto r = ParseReport(WriteReport(rep));
    ASSERT_FALSE(r) << v;
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(r.error().message.find(std::to_string(v)), std::string::npos) << r.error().message;
  }
}

TEST(SnpReport, PolicyBit17MustBeSet) {
  Report rep = SampleReport(3);
  rep.policy &= ~(uint64_t{1} << 17);
  auto r = ParseReport(WriteReport(rep));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(r.error().field, "policy");
}

TEST(SnpReport, PolicyHighBitsMustBeZero) {
  for (int bit : {26, 40, 63}) {
    Report rep = SampleReport(3);
    rep.policy |= uint64_t{1} << bit;
    auto r = ParseReport(WriteReport(rep));
    ASSERT_FALSE(r) << bit;
    EXPECT_EQ(r.error().code, ErrorCode::kReservedNonZero);
    EXPECT_EQ(r.error().field, "policy");
    EXPECT_EQ(r.error().offset, offsets::kPolicy + static_cast<size_t>(bit / 8));
  }
  Report ok = SampleReport(5);
  ok.policy |= uint64_t{1} << 25;  // PAGE_SWAP_DISABLE is a defined bit
  EXPECT_TRUE(ParseReport(WriteReport(ok)));
}

TEST(SnpReport, SignatureAlgoIsParsedAsIs) {
  Report rep = SampleReport(2);
  rep.signature_algo = 2;
  auto r = ParseReport(WriteReport(rep));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->signature_algo, 2u);
}

TEST(SnpReport, SignedPartIsTheFirst0x2A0Bytes) {
  const Bytes b = WriteReport(SampleReport(3));
  ByteSpan signed_part = SignedPart(b);
  EXPECT_EQ(signed_part.size(), kSignedSize);
  EXPECT_EQ(signed_part.data(), b.data());
  EXPECT_TRUE(SignedPart(ByteSpan(b).first(0x29F)).empty());
}

TEST(SnpReport, ProductFromReportUsesCpuid) {
  EXPECT_EQ(ProductFromReport(SampleReport(2)), Product::kUnknown);
  EXPECT_EQ(ProductFromReport(SampleReport(3)), Product::kGenoa);
  Report turin = SampleReport(5);
  turin.cpuid_fam_id = 0x1A;
  turin.cpuid_mod_id = 0x02;
  EXPECT_EQ(ProductFromReport(turin), Product::kTurin);
}

TEST(SnpReport, RealVectorsRoundTripByteForByte) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  const nlohmann::json vectors = testing::LoadVectors(dir);
  int count = 0;
  for (const auto& v : vectors.at("vectors")) {
    if (!v.contains("report")) continue;
    const std::string id = v.at("id").get<std::string>();
    SCOPED_TRACE(id);
    const Bytes bytes = testing::ReadTestFile(dir, v.at("report").get<std::string>());
    auto r = ParseReport(bytes);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(WriteReport(*r), bytes);
    EXPECT_EQ(r->version, v.at("expected").at("version").get<uint32_t>());
    ++count;
  }
  EXPECT_GE(count, 20);
}

}  // namespace
}  // namespace veritee::snp
