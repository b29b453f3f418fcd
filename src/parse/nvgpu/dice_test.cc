#include "parse/nvgpu/dice.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace veritee::nvgpu {
namespace {

// DER helpers for building extension values (short and one-byte long lengths only).
Bytes Tlv(uint8_t tag, const Bytes& contents) {
  Bytes out{tag};
  if (contents.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(contents.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(contents.size()));
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes kSha384OidDer = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};

Bytes FwidDer(uint8_t fill) {
  return Tlv(0x30, Cat({Tlv(0x06, kSha384OidDer), Tlv(0x04, Bytes(48, fill))}));
}

// A stand-in SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID ecPublicKey }, BIT STRING }.
Bytes SpkiDer() {
  return Tlv(0x30, Cat({Tlv(0x30, Tlv(0x06, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01})),
                        Tlv(0x03, Bytes(98, 0x04))}));
}

TEST(Dice, HopperLayout) {
  Bytes value = Tlv(0x30, Cat({Tlv(0x02, {0x01}), SpkiDer(), FwidDer(0xab)}));
  auto t = ParseDiceTcbInfo(value);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_TRUE(t->nvidia_layout);
  EXPECT_EQ(t->layout_version, 1);
  EXPECT_EQ(t->subject_public_key_info, SpkiDer());
  ASSERT_EQ(t->fwids.size(), 1u);
  EXPECT_EQ(t->fwids[0].hash_alg, kSha384Oid);
  ASSERT_NE(t->Sha384Fwid(), nullptr);
  EXPECT_EQ(*t->Sha384Fwid(), Bytes(48, 0xab));
}

TEST(Dice, TcgLayoutWithTwoFwids) {
  Bytes fields = Cat({Tlv(0x80, {'N', 'V', 'I', 'D', 'I', 'A'}), Tlv(0x81, {'G', 'B', '1'}),
                      Tlv(0x82, {'0', '1'}), Tlv(0x83, {0x01}), Tlv(0x84, {0x00}),
                      Tlv(0x85, {0x00}), Tlv(0xA6, Cat({FwidDer(0xcd), FwidDer(0x00)})),
                      Tlv(0x87, {0x00, 0x80, 0x00, 0x00, 0x01}), Tlv(0x88, {0xc0}),
                      Tlv(0x89, {0x00}), Tlv(0x8a, {0x01})});
  auto t = ParseDiceTcbInfo(Tlv(0x30, fields));
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_FALSE(t->nvidia_layout);
  EXPECT_EQ(t->vendor, "NVIDIA");
  EXPECT_EQ(t->model, "GB1");
  EXPECT_EQ(t->version, "01");
  EXPECT_EQ(t->svn, 1);
  EXPECT_EQ(t->layer, 0);
  ASSERT_EQ(t->fwids.size(), 2u);
  EXPECT_EQ(*t->Sha384Fwid(), Bytes(48, 0xcd));
  EXPECT_EQ(t->vendor_info, Bytes{0xc0});
}

TEST(Dice, Rejections) {
  auto err = [](const Bytes& value) {
    auto t = ParseDiceTcbInfo(value);
    EXPECT_FALSE(t.has_value());
    return t ? Error{} : t.error();
  };
  // Out of order context tags.
  Error e = err(Tlv(0x30, Cat({Tlv(0x81, {'a'}), Tlv(0x80, {'b'}), Tlv(0xA6, FwidDer(1))})));
  EXPECT_EQ(e.code, ErrorCode::kMalformed);
  EXPECT_NE(e.message.find("out of order"), std::string::npos) << e.message;
  // fwids given as a primitive.
  e = err(Tlv(0x30, Tlv(0x86, FwidDer(1))));
  EXPECT_NE(e.message.find("wrong form"), std::string::npos) << e.message;
  // No FWID at all.
  e = err(Tlv(0x30, Tlv(0x80, {'x'})));
  EXPECT_NE(e.message.find("no FWID"), std::string::npos);
  // Trailing bytes after the SEQUENCE.
  Bytes value = Tlv(0x30, Cat({Tlv(0x02, {0x01}), SpkiDer(), FwidDer(2)}));
  value.push_back(0);
  EXPECT_EQ(err(value).code, ErrorCode::kTrailingData);
  // Truncated.
  value.resize(value.size() - 10);
  EXPECT_EQ(err(value).code, ErrorCode::kTruncated);
  // Non-minimal INTEGER and long-form length for a short value.
  e = err(Tlv(0x30, Cat({Tlv(0x02, {0x00, 0x01}), SpkiDer(), FwidDer(2)})));
  EXPECT_NE(e.message.find("non-minimal INTEGER"), std::string::npos);
  e = err(Bytes{0x30, 0x81, 0x03, 0x02, 0x01, 0x01});
  EXPECT_NE(e.message.find("non-minimal length"), std::string::npos);
  e = err(Bytes{0x30, 0x80, 0x00, 0x00});
  EXPECT_NE(e.message.find("indefinite"), std::string::npos);
}

TEST(Dice, Oids) {
  EXPECT_EQ(DecodeOid(kSha384OidDer).value(), "2.16.840.1.101.3.4.2.2");
  EXPECT_EQ(DecodeOid(Bytes{0x67, 0x81, 0x05, 0x05, 0x04, 0x01, 0x01}).value(),
            "2.23.133.5.4.1.1");
  EXPECT_FALSE(DecodeOid(Bytes{}).has_value());
  EXPECT_FALSE(DecodeOid(Bytes{0x2a, 0x86}).has_value());
  EXPECT_FALSE(DecodeOid(Bytes{0x2a, 0x80, 0x01}).has_value());
}

}  // namespace
}  // namespace veritee::nvgpu
