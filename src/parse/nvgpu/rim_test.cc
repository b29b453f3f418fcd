#include "parse/nvgpu/rim.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nvgpu/test_data.h"

namespace veritee::nvgpu {
namespace {

ByteSpan Span(const std::string& s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

const std::string kHash(96, 'a');

// A RIM-shaped document with one Resource given as XML text and a signature skeleton.
std::string Doc(const std::string& resources, const std::string& extra = "") {
  return R"(<?xml version="1.0"?>
<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" xmlns:h="http://www.w3.org/2001/04/xmlenc#sha384" name="GH100" tagId="t1" version="1.0">
  <Entity name="NVIDIA Corporation"/>
  <Meta colloquialVersion="545.00" product="GH100"/>
  <Payload>)" + resources + R"(</Payload>)" + extra + R"(
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"/>
      <ds:Reference URI="">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#sha384"/>
        <ds:DigestValue>AAAA</ds:DigestValue>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue>AAAA</ds:SignatureValue>
    <ds:KeyInfo><ds:X509Data><ds:X509Certificate>AQID</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
  </ds:Signature>
</SoftwareIdentity>)";
}

std::string Resource(const std::string& attrs) {
  return R"(<Resource type="Measurement" )" + attrs + "/>";
}

Error ParseError(const std::string& text) {
  auto r = ParseRim(Span(text));
  EXPECT_FALSE(r.has_value()) << text;
  return r ? Error{} : r.error();
}

TEST(Rim, ParsesMeasurementsAndSignatureStructure) {
  std::string text = Doc(Resource(R"(index="0" active="True" alternatives="2" size="48" h:Hash0=")" +
                                  kHash + R"(" h:Hash1=")" + std::string(96, '0') + R"(")") +
                         Resource(R"(index="7" active="False" alternatives="1" size="48" h:Hash0=")" +
                                  kHash + R"(")"));
  auto rim = ParseRim(Span(text));
  ASSERT_TRUE(rim.has_value()) << rim.error().ToString();
  EXPECT_EQ(rim->name, "GH100");
  EXPECT_EQ(rim->colloquial_version, "545.00");
  ASSERT_EQ(rim->measurements.size(), 2u);
  EXPECT_EQ(rim->measurements[0].alternatives.size(), 2u);
  EXPECT_EQ(rim->measurements[0].alternatives[0][0], 0xaa);
  EXPECT_EQ(rim->ActiveIndices(), std::vector<uint32_t>{0});
  EXPECT_EQ(rim->signature.references.size(), 1u);
  EXPECT_EQ(rim->signature.references[0].uri, "");
  EXPECT_EQ(rim->signature.references[0].transforms.size(), 2u);
  EXPECT_EQ(rim->signature.certificates, std::vector<Bytes>{Bytes({1, 2, 3})});
}

TEST(Rim, Rejections) {
  const std::string ok = R"(index="0" active="True" alternatives="1" size="48" h:Hash0=")" + kHash + R"(")";
  EXPECT_NE(ParseError("<a>").message.find("not well-formed XML"), std::string::npos);
  EXPECT_NE(ParseError(R"(<!DOCTYPE x [<!ENTITY e "x">]><x/>)").message.find("document type"),
            std::string::npos);
  EXPECT_NE(ParseError("<x/>").message.find("not a SWID SoftwareIdentity"), std::string::npos);
  Error e = ParseError(Doc(Resource(ok) + Resource(ok)));
  EXPECT_NE(e.message.find("index 0 appears twice"), std::string::npos) << e.message;
  e = ParseError(Doc(Resource(R"(index="1" active="Yes" alternatives="1" size="48" h:Hash0=")" +
                              kHash + R"(")")));
  EXPECT_NE(e.message.find("not True or False"), std::string::npos);
  e = ParseError(Doc(Resource(R"(index="1" active="True" alternatives="2" size="48" h:Hash0=")" +
                              kHash + R"(")")));
  EXPECT_NE(e.message.find("1 hash attributes for 2 alternatives"), std::string::npos)
      << e.message;
  e = ParseError(Doc(Resource(R"(index="1" active="True" alternatives="1" size="48" h:Hash0=")" +
                              kHash + R"(" h:Hash5=")" + kHash + R"(")")));
  EXPECT_NE(e.message.find("Hash5 is not Hash0..Hash0"), std::string::npos) << e.message;
  e = ParseError(Doc(Resource(R"(index="1" active="True" alternatives="1" size="32" h:Hash0="aa")")));
  EXPECT_EQ(e.code, ErrorCode::kUnsupported);
  e = ParseError(Doc(Resource(R"(index="1" active="True" alternatives="1" size="48" h:Hash0="ab")")));
  EXPECT_NE(e.message.find("not 96 hex digits"), std::string::npos);
  e = ParseError(Doc(Resource(R"(index="300" active="True" alternatives="1" size="48" h:Hash0=")" +
                              kHash + R"(")")));
  EXPECT_NE(e.message.find("exceeds 254"), std::string::npos);
  e = ParseError(Doc(Resource(ok), "<Payload/>"));
  EXPECT_EQ(e.message, "appears twice");
  e = ParseError(Doc(Resource(ok), "<Other/>"));
  EXPECT_EQ(e.message, "unexpected element");
  std::string unsigned_doc = Doc(Resource(ok));
  unsigned_doc.erase(unsigned_doc.find("<ds:Signature"),
                     unsigned_doc.find("</ds:Signature>") + 15 - unsigned_doc.find("<ds:Signature"));
  EXPECT_NE(ParseError(unsigned_doc).message.find("unsigned"), std::string::npos);
  EXPECT_NE(ParseError(std::string(kMaxRimBytes + 1, ' ')).message.find("at most"),
            std::string::npos);
}

TEST(Rim, VbiosVersionShape) {
  EXPECT_TRUE(IsVbiosVersion("96.00.5E.00.01"));
  EXPECT_TRUE(IsVbiosVersion("97.00.88.00.0F"));
  EXPECT_FALSE(IsVbiosVersion("545.00"));
  EXPECT_FALSE(IsVbiosVersion("550.144.03"));
  EXPECT_FALSE(IsVbiosVersion("96.00.5E.00.0G"));
}

// Every RIM of the shared data parses to what vectors.json records.
TEST(Rim, RealRims) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  nlohmann::json vectors = testing::LoadVectors(dir);
  ASSERT_EQ(vectors["rims"].size(), 9u);
  for (const auto& want : vectors["rims"]) {
    const std::string file = want["file"];
    auto rim = ParseRim(testing::ReadTestFile(dir, file));
    ASSERT_TRUE(rim.has_value()) << file << ": " << rim.error().ToString();
    EXPECT_EQ(rim->colloquial_version, want["colloquial_version"]) << file;
    EXPECT_EQ(rim->tag_id, want["tag_id"]) << file;
    EXPECT_EQ(rim->name, want["name"]) << file;
    EXPECT_EQ(nlohmann::json(rim->ActiveIndices()), want["active_indices"]) << file;
    EXPECT_GE(rim->signature.certificates.size(), 2u) << file;
    if (want.contains("golden_active")) {
      for (const RimMeasurement& m : rim->measurements) {
        if (!m.active) continue;
        std::vector<std::string> alts;
        for (const auto& a : m.alternatives) alts.push_back(ToHex(a));
        EXPECT_EQ(nlohmann::json(alts), want["golden_active"][std::to_string(m.index)])
            << file << " index " << m.index;
      }
    }
  }
}

}  // namespace
}  // namespace veritee::nvgpu
