#include "ratls/extension.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nitro/cbor.h"

namespace veritee::ratls {
namespace {

EvidenceExtension Sample() {
  EvidenceExtension e;
  e.tag = kTagSevSnpReport;
  e.evidence = Bytes(1184, 0x5a);
  e.hash_alg = kHashSha512;
  e.pubkey_hash = Bytes(64, 0x11);
  return e;
}

TEST(RatlsExtension, RoundTripWithAndWithoutNonce) {
  EvidenceExtension e = Sample();
  auto back = DecodeEvidenceExtension(EncodeEvidenceExtension(e));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, e);
  e.nonce = Bytes{1, 2, 3};
  back = DecodeEvidenceExtension(EncodeEvidenceExtension(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
}

TEST(RatlsExtension, WireShape) {
  Bytes b = EncodeEvidenceExtension(Sample());
  // tag(60010) = d9 ea6a, array(2) = 82, bstr(1184) = 59 04a0
  EXPECT_EQ(ToHex(ByteSpan(b).first(7)), "d9ea6a825904a0");
  Bytes tdx = EncodeEvidenceExtension([] {
    EvidenceExtension e = Sample();
    e.tag = kTagTeeQuote;
    return e;
  }());
  EXPECT_EQ(ToHex(ByteSpan(tdx).first(3)), "d9ea60");  // tag 60000, as Gramine
}

TEST(RatlsExtension, UnknownClaimsAreIgnored) {
  nitro::CborWriter entry;
  entry.ArrayHead(2);
  entry.Unsigned(kHashSha256);
  entry.ByteString(Bytes(32, 7));
  nitro::CborWriter claims;
  claims.MapHead(2);
  claims.TextString("vendor-claim");
  claims.ArrayHead(1);
  claims.Unsigned(5);
  claims.TextString("pubkey-hash");
  claims.ByteString(entry.data());
  nitro::CborWriter w;
  w.Tag(kTagTeeQuote);
  w.ArrayHead(2);
  w.ByteString(Bytes{1});
  w.ByteString(claims.data());
  auto e = DecodeEvidenceExtension(w.data());
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->hash_alg, kHashSha256);
  EXPECT_FALSE(e->nonce);
}

Bytes WithClaims(const Bytes& claims) {
  nitro::CborWriter w;
  w.Tag(kTagSevSnpReport);
  w.ArrayHead(2);
  w.ByteString(Bytes{1});
  w.ByteString(claims);
  return w.Take();
}

TEST(RatlsExtension, HostileShapesRejected) {
  Bytes good = EncodeEvidenceExtension(Sample());
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(DecodeEvidenceExtension(trailing).error().code, ErrorCode::kTrailingData);
  EXPECT_EQ(DecodeEvidenceExtension(ByteSpan(good).first(good.size() - 1)).error().code,
            ErrorCode::kTruncated);
  EXPECT_EQ(DecodeEvidenceExtension(ByteSpan(good).subspan(3)).error().code,
            ErrorCode::kMalformed);  // no tag
  // A 2^64-element array head is refused before anything is reserved.
  EXPECT_FALSE(DecodeEvidenceExtension(*FromHex("d9ea6a9bffffffffffffffff")));
  // Indefinite array.
  EXPECT_EQ(DecodeEvidenceExtension(*FromHex("d9ea6a9f4101ff")).error().code,
            ErrorCode::kUnsupported);

  nitro::CborWriter empty_claims;
  empty_claims.MapHead(0);
  EXPECT_NE(DecodeEvidenceExtension(WithClaims(empty_claims.data())).error().message.find(
                "pubkey-hash"),
            std::string::npos);

  nitro::CborWriter bad_alg_entry;
  bad_alg_entry.ArrayHead(2);
  bad_alg_entry.Unsigned(99);
  bad_alg_entry.ByteString(Bytes(64, 0));
  nitro::CborWriter bad_alg;
  bad_alg.MapHead(1);
  bad_alg.TextString("pubkey-hash");
  bad_alg.ByteString(bad_alg_entry.data());
  EXPECT_EQ(DecodeEvidenceExtension(WithClaims(bad_alg.data())).error().code,
            ErrorCode::kUnsupported);

  nitro::CborWriter short_entry;
  short_entry.ArrayHead(2);
  short_entry.Unsigned(kHashSha512);
  short_entry.ByteString(Bytes(32, 0));
  nitro::CborWriter short_hash;
  short_hash.MapHead(1);
  short_hash.TextString("pubkey-hash");
  short_hash.ByteString(short_entry.data());
  EXPECT_EQ(DecodeEvidenceExtension(WithClaims(short_hash.data())).error().code,
            ErrorCode::kMalformed);
}

TEST(RatlsExtension, Endorsements) {
  std::vector<Bytes> certs = {Bytes(10, 1), Bytes(20, 2)};
  Bytes b = EncodeEndorsementsExtension(kTagSevSnpReport, certs);
  auto back = DecodeEndorsementsExtension(b, kTagSevSnpReport);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, certs);
  EXPECT_EQ(DecodeEndorsementsExtension(b, kTagTeeQuote).error().code, ErrorCode::kMismatch);
  EXPECT_EQ(DecodeEndorsementsExtension(EncodeEndorsementsExtension(kTagSevSnpReport,
                                                                    std::vector<Bytes>(9, Bytes{1})),
                                        kTagSevSnpReport)
                .error()
                .code,
            ErrorCode::kMalformed);
}

TEST(RatlsExtension, TeeTags) {
  EXPECT_EQ(*TagForTee("sev-snp"), kTagSevSnpReport);
  EXPECT_EQ(*TagForTee("tdx"), kTagTeeQuote);
  EXPECT_EQ(TagForTee("tpm").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(TeeForTag(1).error().code, ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace veritee::ratls
