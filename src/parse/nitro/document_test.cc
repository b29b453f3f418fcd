#include "parse/nitro/document.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/encoding.h"
#include "parse/nitro/cbor.h"
#include "parse/nitro/claims.h"
#include "parse/nitro/cose.h"

namespace veritee::nitro {
namespace {

AttestationDocument Sample() {
  AttestationDocument d;
  d.module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  d.digest = "SHA384";
  d.timestamp_ms = 1706120065635;
  for (uint32_t i = 0; i < 16; ++i) {
    d.pcrs.push_back(Pcr{i, Bytes(48, static_cast<uint8_t>(i < 3 || i == 8 ? 0xa0 + i : 0))});
  }
  d.certificate = Bytes(600, 0x30);
  d.cabundle = {Bytes(500, 0x31), Bytes(700, 0x32), Bytes(650, 0x33), Bytes(640, 0x34)};
  d.public_key = Bytes(91, 0x04);
  d.user_data = Bytes(13, 0x55);
  d.nonce = std::nullopt;
  return d;
}

CoseSign1 Envelope(const AttestationDocument& d) {
  CoseSign1 c;
  c.protected_header = EncodeProtectedHeader(kCoseAlgEs384);
  c.alg = kCoseAlgEs384;
  c.unprotected_header = {0xa0};
  c.payload = WriteDocument(d);
  c.signature = Bytes(96, 0x77);
  return c;
}

// The payload with `key`'s value replaced by the raw CBOR `value`.
Bytes WithValue(const AttestationDocument& d, std::string_view key, ByteSpan value) {
  Bytes payload = WriteDocument(d);
  // Re-encode by hand: walk the map and splice.
  CborReader r(payload);
  auto count = r.MapHead("m");
  CborWriter w;
  w.MapHead(**count);
  for (uint64_t i = 0; i < **count; ++i) {
    auto name = *r.TextString("k", 32);
    const size_t start = r.offset();
    EXPECT_TRUE(r.Skip("v"));
    w.TextString(name);
    if (name == key) {
      w.Raw(value);
    } else {
      w.Raw(ByteSpan(payload).subspan(start, r.offset() - start));
    }
  }
  return w.Take();
}

void ExpectError(const Result<AttestationDocument>& r, ErrorCode code, std::string_view field,
                 std::string_view phrase = "") {
  ASSERT_FALSE(r) << "accepted";
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
  EXPECT_NE(r.error().message.find(phrase), std::string::npos) << r.error().ToString();
}

TEST(NitroDocument, RoundTripsDefiniteAndIndefinite) {
  for (bool indefinite : {false, true}) {
    AttestationDocument d = Sample();
    d.indefinite_map = indefinite;
    Bytes bytes = WriteDocument(d);
    EXPECT_EQ(bytes[0], indefinite ? 0xbf : 0xa9);
    auto parsed = ParseDocument(bytes);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_EQ(*parsed, d);
    EXPECT_EQ(WriteDocument(*parsed), bytes);
  }
}

TEST(NitroDocument, KeysInAnyOrderAndOptionalKeysLeftOut) {
  AttestationDocument d = Sample();
  CborWriter w;
  w.MapHead(6);
  w.TextString("cabundle");
  w.ArrayHead(1);
  w.ByteString(d.cabundle[0]);
  w.TextString("timestamp");
  w.Unsigned(d.timestamp_ms);
  w.TextString("certificate");
  w.ByteString(d.certificate);
  w.TextString("pcrs");
  w.MapHead(1);
  w.Unsigned(0);
  w.ByteString(d.pcrs[0].value);
  w.TextString("digest");
  w.TextString("SHA384");
  w.TextString("module_id");
  w.TextString("m");
  auto parsed = ParseDocument(w.data());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->module_id, "m");
  EXPECT_FALSE(parsed->public_key || parsed->user_data || parsed->nonce);
}

TEST(NitroDocument, FieldsOf1024BytesAcceptedAnd1025Rejected) {
  AttestationDocument d = Sample();
  d.public_key = Bytes(1024, 1);
  d.user_data = Bytes(1024, 1);
  d.nonce = Bytes(1024, 1);
  EXPECT_TRUE(ParseDocument(WriteDocument(d)));
  for (auto* field : {&d.public_key, &d.user_data, &d.nonce}) {
    AttestationDocument big = d;
    const auto index = field - &d.public_key;
    (&big.public_key)[index] = Bytes(1025, 1);
    auto r = ParseDocument(WriteDocument(big));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
    EXPECT_NE(r.error().message.find("1025 bytes"), std::string::npos) << r.error().ToString();
  }
  d.cabundle[1] = Bytes(1025, 2);
  ExpectError(ParseDocument(WriteDocument(d)), ErrorCode::kMalformed, "cabundle[1]", "1025");
}

TEST(NitroDocument, NullMandatoryFieldsAreRejected) {
  const Bytes null = {0xf6};
  for (const char* key : {"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle"}) {
    ExpectError(ParseDocument(WithValue(Sample(), key, null)), ErrorCode::kMalformed, key,
                "mandatory field is null");
  }
}

TEST(NitroDocument, StructuralErrors) {
  const AttestationDocument d = Sample();
  ExpectError(ParseDocument(WithValue(d, "cabundle", Bytes{0x80})), ErrorCode::kMalformed,
              "cabundle", "at least one");
  ExpectError(ParseDocument(WithValue(d, "digest", Bytes{0x63, 'M', 'D', '5'})),
              ErrorCode::kUnsupported, "digest", "MD5");
  ExpectError(ParseDocument(WithValue(d, "timestamp", Bytes{0x00})), ErrorCode::kMalformed,
              "timestamp", "zero");
  ExpectError(ParseDocument(WithValue(d, "timestamp", Bytes{0x20})), ErrorCode::kMalformed,
              "timestamp", "negative integer");
  ExpectError(ParseDocument(WithValue(d, "module_id", Bytes{0x60})), ErrorCode::kMalformed,
              "module_id", "empty");
  // PCR index 32, a duplicate index, and a 32-byte value with SHA384.
  CborWriter pcr32;
  pcr32.MapHead(1);
  pcr32.Unsigned(32);
  pcr32.ByteString(Bytes(48, 0));
  ExpectError(ParseDocument(WithValue(d, "pcrs", pcr32.data())), ErrorCode::kMalformed, "pcrs",
              "outside 0..31");
  CborWriter dup;
  dup.MapHead(2);
  dup.Unsigned(1);
  dup.ByteString(Bytes(48, 0));
  dup.Unsigned(1);
  dup.ByteString(Bytes(48, 0));
  ExpectError(ParseDocument(WithValue(d, "pcrs", dup.data())), ErrorCode::kMalformed, "pcrs",
              "twice");
  CborWriter short_pcr;
  short_pcr.MapHead(1);
  short_pcr.Unsigned(0);
  short_pcr.ByteString(Bytes(32, 0));
  ExpectError(ParseDocument(WithValue(d, "pcrs", short_pcr.data())), ErrorCode::kMalformed, "pcrs",
              "has 32 bytes");
  CborWriter none;
  none.MapHead(0);
  ExpectError(ParseDocument(WithValue(d, "pcrs", none.data())), ErrorCode::kMalformed, "pcrs",
              "no PCRs");
}

TEST(NitroDocument, UnknownDuplicateAndMissingKeys) {
  Bytes payload = WriteDocument(Sample());
  // Rename "nonce" to "nonc3": unknown key.
  Bytes unknown = payload;
  const std::string nonce = "nonce";
  auto it = std::search(unknown.begin(), unknown.end(), nonce.begin(), nonce.end());
  ASSERT_NE(it, unknown.end());
  it[4] = '3';
  ExpectError(ParseDocument(unknown), ErrorCode::kUnsupported, "attestation document",
              "unknown key 'nonc3'");
  CborWriter w;
  w.MapHead(2);
  w.TextString("module_id");
  w.TextString("a");
  w.TextString("module_id");
  w.TextString("b");
  ExpectError(ParseDocument(w.data()), ErrorCode::kMalformed, "module_id", "twice");
  CborWriter missing;
  missing.MapHead(1);
  missing.TextString("module_id");
  missing.TextString("a");
  ExpectError(ParseDocument(missing.data()), ErrorCode::kMalformed, "digest", "missing");
  // Trailing bytes after the map.
  Bytes trailing = payload;
  trailing.push_back(0);
  ExpectError(ParseDocument(trailing), ErrorCode::kTrailingData, "attestation document");
}

TEST(NitroDocument, EveryTruncationIsRejected) {
  AttestationDocument d = Sample();
  d.indefinite_map = true;
  Bytes cose = WriteCoseSign1(Envelope(d));
  ASSERT_TRUE(ParseAttestation(cose));
  for (size_t n = 0; n < cose.size(); ++n) {
    auto r = ParseAttestation(ByteSpan(cose).first(n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes accepted";
  }
}

TEST(CoseSign1, RoundTripAndSigStructure) {
  CoseSign1 c = Envelope(Sample());
  EXPECT_EQ(ToHex(c.protected_header), "a1013822");
  Bytes bytes = WriteCoseSign1(c);
  EXPECT_EQ(ToHex(ByteSpan(bytes).first(6)), "8444a1013822");
  auto parsed = ParseCoseSign1(bytes);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, c);
  EXPECT_EQ(WriteCoseSign1(*parsed), bytes);
  EXPECT_TRUE(LooksLikeNitroDocument(bytes));

  c.tagged = true;
  Bytes tagged = WriteCoseSign1(c);
  EXPECT_EQ(tagged[0], 0xd2);
  auto t = ParseCoseSign1(tagged);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->tagged);

  Bytes sig = SigStructure(c.protected_header, Bytes{0x01, 0x02});
  EXPECT_EQ(ToHex(sig),
            "846a5369676e61747572653144a1013822404201"
            "02");
}

TEST(CoseSign1, EnvelopeErrors) {
  CoseSign1 c = Envelope(Sample());
  Bytes good = WriteCoseSign1(c);

  Bytes null_unprotected = good;
  null_unprotected[6] = 0xf6;  // a0 -> null, as in the forged blocky document
  auto r = ParseCoseSign1(null_unprotected);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "unprotected header");
  EXPECT_NE(r.error().message.find("found null"), std::string::npos);

  Bytes three = good;
  three[0] = 0x83;
  r = ParseCoseSign1(three);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);

  Bytes trailing = good;
  trailing.push_back(0x00);
  EXPECT_EQ(ParseCoseSign1(trailing).error().code, ErrorCode::kTrailingData);

  Bytes other_tag = good;
  other_tag.insert(other_tag.begin(), 0xd1);  // tag 17: COSE_Mac0
  EXPECT_EQ(ParseCoseSign1(other_tag).error().code, ErrorCode::kUnsupported);

  CoseSign1 crit = c;
  CborWriter w;
  w.MapHead(2);
  w.Integer(1);
  w.Integer(-35);
  w.Integer(2);  // crit
  w.ArrayHead(0);
  crit.protected_header = w.Take();
  r = ParseCoseSign1(WriteCoseSign1(crit));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("parameter 2"), std::string::npos);

  // An unprotected header with parameters is kept byte for byte.
  CoseSign1 kid = c;
  kid.unprotected_header = FromHex("a104426b31").value();  // {4: h'6b31'}
  auto k = ParseCoseSign1(WriteCoseSign1(kid));
  ASSERT_TRUE(k) << k.error().ToString();
  EXPECT_EQ(k->unprotected_header, kid.unprotected_header);

  EXPECT_EQ(ParseCoseSign1(Bytes(kMaxCoseSize + 1, 0x84)).error().code, ErrorCode::kMalformed);
}

TEST(NitroClaims, DebugAndTimestamp) {
  AttestationDocument d = Sample();
  EXPECT_TRUE(DebugIndicators(d).empty());
  auto claims = DocumentClaims(d);
  EXPECT_EQ(claims["timestamp"], 1706120065635u);
  EXPECT_EQ(claims["timestamp_utc"], "2024-01-24T18:14:25.635Z");
  EXPECT_EQ(claims["pcr0"], ToHex(Bytes(48, 0xa0)));
  EXPECT_EQ(claims["pcr15"], std::string(96, '0'));
  EXPECT_TRUE(claims["nonce"].is_null());
  EXPECT_EQ(claims["debug"], false);
  d.pcrs[1].value.assign(48, 0);
  d.pcrs.erase(d.pcrs.begin() + 2);
  EXPECT_EQ(DebugIndicators(d), (std::vector<std::string>{"pcr1 is all zero", "pcr2 is absent"}));
  EXPECT_EQ(DocumentClaims(d)["debug"], true);
  EXPECT_EQ(FormatTimestampMs(~0ULL), "18446744073709551615 ms");
}

}  // namespace
}  // namespace veritee::nitro
