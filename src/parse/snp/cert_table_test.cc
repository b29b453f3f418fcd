#include "parse/snp/cert_table.h"

#include <gtest/gtest.h>

#include <string>

#include "parse/snp/test_data.h"

namespace veritee::snp {
namespace {

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

void PutU32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

TEST(SnpCertTable, GuidsAndNames) {
  EXPECT_EQ(GuidToString(*CertKindGuid(CertKind::kArk)), "c0b406a4-a803-4952-9743-3fb6014cd0ae");
  EXPECT_EQ(GuidToString(*CertKindGuid(CertKind::kAsk)), "4ab7b379-bbac-4fe4-a02f-05aef327c782");
  EXPECT_EQ(GuidToString(*CertKindGuid(CertKind::kVcek)), "63da758d-e664-4564-adc5-f4b93be8accd");
  EXPECT_EQ(GuidToString(*CertKindGuid(CertKind::kVlek)), "a8074bc2-a25a-483e-aae6-39c045a0b8a1");
  EXPECT_FALSE(CertKindGuid(CertKind::kUnknown));
  EXPECT_EQ(CertKindFromGuid(*CertKindGuid(CertKind::kVlek)), CertKind::kVlek);
  EXPECT_EQ(CertKindFromGuid(Guid{1}), CertKind::kUnknown);
  EXPECT_EQ(CertKindName(CertKind::kVcek), "vcek");
}

TEST(SnpCertTable, RoundTrip) {
  const Bytes table = WriteCertTable({{CertKind::kVcek, Text("vcek")},
                                      {CertKind::kAsk, Text("ask!")},
                                      {CertKind::kArk, Text("A")}});
  EXPECT_EQ(table.size(), 4 * kCertTableEntrySize + 9);
  auto parsed = ParseCertTable(table);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].kind, CertKind::kVcek);
  EXPECT_EQ(Bytes((*parsed)[0].data.begin(), (*parsed)[0].data.end()), Text("vcek"));
  EXPECT_EQ((*parsed)[1].kind, CertKind::kAsk);
  EXPECT_EQ((*parsed)[2].kind, CertKind::kArk);
  EXPECT_EQ(Bytes((*parsed)[2].data.begin(), (*parsed)[2].data.end()), Text("A"));
  EXPECT_TRUE(LooksLikeCertTable(table));
}

TEST(SnpCertTable, UnknownGuidsAreKept) {
  Guid other{};
  other[0] = 0x42;
  const Bytes table = WriteCertTableWithGuids({{other, Text("x")}});
  auto parsed = ParseCertTable(table);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].kind, CertKind::kUnknown);
  EXPECT_EQ((*parsed)[0].guid, other);
  // WriteCertTable cannot name an unknown kind's GUID, so it leaves it out.
  EXPECT_EQ(WriteCertTable({{CertKind::kUnknown, Text("x")}}).size(), kCertTableEntrySize);
}

TEST(SnpCertTable, EmptyTableIsJustATerminator) {
  const Bytes table = WriteCertTable({});
  auto parsed = ParseCertTable(table);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
  EXPECT_FALSE(LooksLikeCertTable(table));
}

TEST(SnpCertTable, ZeroPaddingIsAcceptedNonZeroIsNot) {
  Bytes table = WriteCertTable({{CertKind::kVcek, Text("vcek")}});
  const size_t end = table.size();
  table.resize(4096, 0);
  auto parsed = ParseCertTable(table);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 1u);
  table[end + 10] = 1;
  auto bad = ParseCertTable(table);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kTrailingData);
  EXPECT_EQ(bad.error().offset, end + 10);
}

TEST(SnpCertTable, MissingTerminator) {
  Bytes table = WriteCertTable({{CertKind::kVcek, Text("vcek")}});
  table.resize(kCertTableEntrySize + 10);  // the terminator is cut
  auto r = ParseCertTable(table);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseCertTable({}).error().code, ErrorCode::kMalformed);
  EXPECT_FALSE(LooksLikeCertTable({}));
}

TEST(SnpCertTable, OutOfBoundsAndOverflow) {
  Bytes table = WriteCertTable({{CertKind::kVcek, Text("vcek")}});
  PutU32(table, 20, 5);  // length 5 > 4 available
  auto r = ParseCertTable(table);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTruncated);
  // offset + length overflows 32 bits.
  PutU32(table, 16, 0xFFFFFFF0u);
  PutU32(table, 20, 0x20u);
  r = ParseCertTable(table);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTruncated);
}

TEST(SnpCertTable, EntryOverlappingTheHeaderIsRejected) {
  Bytes table = WriteCertTable({{CertKind::kVcek, Text("vcek")}});
  PutU32(table, 16, 40);  // inside the terminator entry
  auto r = ParseCertTable(table);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
}

TEST(SnpCertTable, OverlapsDuplicatesAndEmptyEntriesAreRejected) {
  Bytes overlap = WriteCertTable({{CertKind::kVcek, Text("vcek")}, {CertKind::kAsk, Text("ask")}});
  PutU32(overlap, 24 + 16, 72 + 2);  // ASK starts inside the VCEK
  PutU32(overlap, 24 + 20, 2);
  EXPECT_EQ(ParseCertTable(overlap).error().code, ErrorCode::kMalformed);

  Bytes dup = WriteCertTable({{CertKind::kVcek, Text("a")}, {CertKind::kVcek, Text("b")}});
  EXPECT_EQ(ParseCertTable(dup).error().code, ErrorCode::kMalformed);

  Bytes empty = WriteCertTable({{CertKind::kVcek, Bytes{}}});
  EXPECT_EQ(ParseCertTable(empty).error().code, ErrorCode::kMalformed);
}

TEST(SnpCertTable, AtMost64Entries) {
  std::vector<std::pair<Guid, Bytes>> certs;
  for (size_t i = 0; i < kMaxCertTableEntries + 1; ++i) {
    Guid g{};
    g[0] = static_cast<uint8_t>(i + 1);
    certs.emplace_back(g, Text("c"));
  }
  auto r = ParseCertTable(WriteCertTableWithGuids(certs));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  certs.pop_back();
  auto ok = ParseCertTable(WriteCertTableWithGuids(certs));
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->size(), kMaxCertTableEntries);
}

TEST(SnpCertTable, RealConfigfsTsmAuxblob) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  const Bytes blob = testing::ReadTestFile(dir, "vectors/genoa-v3-veraison-tsm/auxblob.bin");
  auto parsed = ParseCertTable(blob);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].kind, CertKind::kArk);
  EXPECT_EQ((*parsed)[1].kind, CertKind::kAsk);
  EXPECT_EQ((*parsed)[2].kind, CertKind::kVcek);
  // Offsets and lengths from PROVENANCE.md: ARK 96/2277, ASK 2373/2325, VCEK 4698/1879.
  EXPECT_EQ((*parsed)[0].data.data() - blob.data(), 96);
  EXPECT_EQ((*parsed)[0].data.size(), 2277u);
  EXPECT_EQ((*parsed)[1].data.data() - blob.data(), 2373);
  EXPECT_EQ((*parsed)[1].data.size(), 2325u);
  EXPECT_EQ((*parsed)[2].data.data() - blob.data(), 4698);
  EXPECT_EQ((*parsed)[2].data.size(), 1879u);
  const std::string pem_begin = "-----BEGIN CERTIFICATE-----";
  for (const CertTableEntry& e : *parsed) {
    ASSERT_GE(e.data.size(), pem_begin.size());
    EXPECT_EQ(std::string(e.data.begin(), e.data.begin() + static_cast<long>(pem_begin.size())),
              pem_begin);
  }
  const Bytes vcek_pem = testing::ReadTestFile(dir, "vectors/genoa-v3-veraison-tsm/vcek.pem");
  EXPECT_EQ(Bytes((*parsed)[2].data.begin(), (*parsed)[2].data.end()), vcek_pem);
  // Rewriting it with our writer gives the same bytes (same order, no padding).
  std::vector<std::pair<CertKind, Bytes>> certs;
  for (const CertTableEntry& e : *parsed)
    certs.emplace_back(e.kind, Bytes(e.data.begin(), e.data.end()));
  EXPECT_EQ(WriteCertTable(certs), blob);
  EXPECT_TRUE(LooksLikeCertTable(blob));
}

}  // namespace
}  // namespace veritee::snp
