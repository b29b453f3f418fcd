#include "parse/nvgpu/evidence_json.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nvgpu/spdm.h"
#include "parse/nvgpu/test_data.h"

namespace veritee::nvgpu {
namespace {

ByteSpan Span(const std::string& s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

BundleItem SampleItem() {
  BundleItem b;
  b.arch = "HOPPER";
  b.nonce = Bytes(32, 0x11);
  b.report = WriteAttestationReport(testing::SampleReport(2));
  std::string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  b.certificate_chain.assign(pem.begin(), pem.end());
  b.driver_version = "590.12";
  b.version = "1.0";
  return b;
}

TEST(EvidenceBundle, RoundTrip) {
  std::vector<BundleItem> items = {SampleItem(), SampleItem()};
  items[1].driver_version.reset();
  std::string text = WriteEvidenceBundle(items);
  EXPECT_TRUE(LooksLikeEvidenceBundle(Span("  \n" + text)));
  auto parsed = ParseEvidenceBundle(Span(text));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, items);
}

TEST(EvidenceBundle, Rejections) {
  auto err = [](const std::string& text) {
    auto r = ParseEvidenceBundle(Span(text));
    EXPECT_FALSE(r.has_value()) << text;
    return r ? Error{} : r.error();
  };
  EXPECT_EQ(err("[").message, "not JSON");
  EXPECT_EQ(err("{}").message, "not a JSON array of GPU evidence");
  EXPECT_NE(err("[]").message.find("0 entries"), std::string::npos);
  EXPECT_EQ(err("[1]").message, "not an object");
  nlohmann::json item = nlohmann::json::parse(WriteEvidenceBundle({SampleItem()}))[0];
  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json copy = item;
    if (value.is_null()) {
      copy.erase(key);
    } else {
      copy[key] = value;
    }
    return nlohmann::json::array({copy}).dump();
  };
  Error e = err(with("nonce", nullptr));
  EXPECT_EQ(e.field, "gpu 0 nonce");
  EXPECT_EQ(e.message, "member is missing");
  EXPECT_EQ(err(with("nonce", "xyz")).field, "gpu 0 nonce");
  EXPECT_EQ(err(with("evidence", "!!!")).field, "gpu 0 evidence");
  EXPECT_EQ(err(with("certificate", 5)).message, "not a string");
  EXPECT_EQ(err(with("driver_version", 5)).field, "gpu 0 driver_version");
  EXPECT_EQ(err(with("extra", "x")).message, "unknown member 'extra'");
  std::string many = "[";
  for (size_t i = 0; i <= kMaxBundleGpus; ++i) many += (i ? "," : "") + item.dump();
  EXPECT_NE(err(many + "]").message.find("65 entries"), std::string::npos);
}

TEST(EvidenceBundle, RealBundles) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  for (auto [file, count] : {std::pair{"h100_590.12_evidence.json", 1u},
                             std::pair{"hgx8_h100_590.12_evidence.json", 8u}}) {
    Bytes text = testing::ReadTestFile(dir, file);
    auto items = ParseEvidenceBundle(text);
    ASSERT_TRUE(items.has_value()) << file << ": " << items.error().ToString();
    ASSERT_EQ(items->size(), count);
    for (const BundleItem& b : *items) {
      EXPECT_EQ(b.arch, "HOPPER");
      EXPECT_EQ(b.nonce.size(), 32u);
      auto r = ParseAttestationReport(b.report);
      ASSERT_TRUE(r.has_value()) << r.error().ToString();
      EXPECT_TRUE(std::equal(b.nonce.begin(), b.nonce.end(), r->request.nonce.begin()));
    }
  }
}

}  // namespace
}  // namespace veritee::nvgpu
