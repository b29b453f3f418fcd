#include "parse/snp/amd_extensions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace veritee::snp {
namespace {

const std::string kArc = "1.3.6.1.4.1.3704.1";

// Holds the value bytes so the RawExtension spans stay valid.
struct ExtList {
  std::vector<std::pair<std::string, Bytes>> items;

  ExtList& Add(const std::string& oid, Bytes value) {
    items.emplace_back(oid, std::move(value));
    return *this;
  }
  std::vector<RawExtension> Raw() const {
    std::vector<RawExtension> out;
    for (const auto& [oid, value] : items) out.push_back(RawExtension{oid, value});
    return out;
  }
  Result<AmdExtensions> Parse() const {
    const auto raw = Raw();
    return ParseAmdExtensions(raw);
  }
};

Bytes Ia5(std::string_view s) {
  Bytes b = {0x16, static_cast<uint8_t>(s.size())};
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

ExtList MilanVcek() {
  ExtList l;
  l.Add(kArc + ".1", {0x02, 0x01, 0x00})
      .Add(kArc + ".2", Ia5("Milan-B0"))
      .Add(kArc + ".3.1", {0x02, 0x01, 0x04})
      .Add(kArc + ".3.2", {0x02, 0x01, 0x00})
      .Add(kArc + ".3.4", {0x02, 0x01, 0x00})
      .Add(kArc + ".3.5", {0x02, 0x01, 0x00})
      .Add(kArc + ".3.6", {0x02, 0x01, 0x00})
      .Add(kArc + ".3.7", {0x02, 0x01, 0x00})
      .Add(kArc + ".3.3", {0x02, 0x01, 0x18})
      .Add(kArc + ".3.8", {0x02, 0x02, 0x00, 0xDB})
      .Add(kArc + ".4", Bytes(64, 0xAB))
      .Add("2.5.29.15", {0xFF, 0xFF});  // not ours: ignored, not even decoded
  return l;
}

TEST(SnpAmdExtensions, DecodesAMilanVcek) {
  auto r = MilanVcek().Parse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->struct_version, 0);
  EXPECT_EQ(r->product_name, "Milan-B0");
  EXPECT_EQ(r->bl_spl, 4);
  EXPECT_EQ(r->tee_spl, 0);
  EXPECT_EQ(r->snp_spl, 24);
  EXPECT_EQ(r->ucode_spl, 219);
  EXPECT_FALSE(r->fmc_spl);
  for (const auto& spl : r->spl_4_7) EXPECT_EQ(spl, 0);
  ASSERT_TRUE(r->hwid);
  EXPECT_EQ(r->hwid->size(), 64u);
  EXPECT_FALSE(r->csp_id);

  auto tcb = ExtensionTcb(*r, TcbLayout::kMilanGenoa);
  ASSERT_TRUE(tcb);
  EXPECT_EQ(EncodeTcb(*tcb, TcbLayout::kMilanGenoa), 0xdb18000000000004u);
  EXPECT_FALSE(ExtensionTcb(*r, TcbLayout::kTurin));  // no fmcSPL
}

TEST(SnpAmdExtensions, DecodesATurinVcekAndAVlek) {
  ExtList turin;
  turin.Add(kArc + ".1", {0x02, 0x01, 0x01})
      .Add(kArc + ".2", Ia5("Turin"))
      .Add(kArc + ".3.1", {0x02, 0x01, 0x01})
      .Add(kArc + ".3.2", {0x02, 0x01, 0x01})
      .Add(kArc + ".3.3", {0x02, 0x01, 0x04})
      .Add(kArc + ".3.8", {0x02, 0x01, 0x51})
      .Add(kArc + ".3.9", {0x02, 0x01, 0x01})
      .Add(kArc + ".4", Bytes(8, 0x59));
  auto t = turin.Parse();
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->struct_version, 1);
  EXPECT_EQ(t->fmc_spl, 1);
  EXPECT_FALSE(t->spl_4_7[0]);
  EXPECT_EQ(t->hwid->size(), 8u);
  auto tcb = ExtensionTcb(*t, TcbLayout::kTurin);
  ASSERT_TRUE(tcb);
  EXPECT_EQ(EncodeTcb(*tcb, TcbLayout::kTurin), 0x5100000004010101u);
  auto as_milan = ExtensionTcb(*t, TcbLayout::kMilanGenoa);
  ASSERT_TRUE(as_milan);
  EXPECT_FALSE(as_milan->fmc);

  ExtList vlek;
  vlek.Add(kArc + ".5", Ia5("AWS")).Add(kArc + ".2", Ia5("Milan"));
  auto v = vlek.Parse();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->csp_id, "AWS");
  EXPECT_FALSE(v->hwid);
  EXPECT_FALSE(ExtensionTcb(*v, TcbLayout::kMilanGenoa));
}

TEST(SnpAmdExtensions, IntegersNeedALeadingZeroOnlyForTheHighBit) {
  ExtList l;
  l.Add(kArc + ".3.8", {0x02, 0x02, 0x00, 0x80}).Add(kArc + ".1", {0x02, 0x01, 0x7F});
  auto r = l.Parse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ucode_spl, 0x80);
  EXPECT_EQ(r->struct_version, 127);
}

struct BadValue {
  std::string suffix;
  Bytes value;
  ErrorCode code;
  std::string why;
};

TEST(SnpAmdExtensions, RejectsNonStrictDer) {
  const std::vector<BadValue> cases = {
      {".3.8", {0x02, 0x01, 0xDB}, ErrorCode::kMalformed, "negative"},
      {".3.8", {0x02, 0x02, 0x00, 0x05}, ErrorCode::kMalformed, "non-minimal integer"},
      {".3.8", {0x02, 0x02, 0x01, 0x00}, ErrorCode::kMalformed, "SPL 256"},
      {".3.8", {0x02, 0x00}, ErrorCode::kMalformed, "empty integer"},
      {".3.8", {0x04, 0x01, 0x05}, ErrorCode::kMalformed, "wrong tag"},
      {".3.8", {0x02, 0x81, 0x01, 0x05}, ErrorCode::kMalformed, "long-form short length"},
      {".3.8", {0x02, 0x80, 0x05, 0x00, 0x00}, ErrorCode::kMalformed, "indefinite length"},
      {".3.8", {0x02, 0x01, 0x05, 0x00}, ErrorCode::kTrailingData, "trailing byte"},
      {".3.8", {0x02, 0x02, 0x05}, ErrorCode::kTruncated, "short"},
      {".3.8", {}, ErrorCode::kTruncated, "empty value"},
      {".3.8", {0x02, 0x01, 0x05, 0x02, 0x01, 0x05}, ErrorCode::kTrailingData, "two values"},
      {".3.4", {0x02, 0x02, 0x01, 0x00}, ErrorCode::kMalformed, "spl_4 256"},
      {".1", {0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0}, ErrorCode::kMalformed, "> int64"},
      {".1", {0x02, 0x01, 0xFF}, ErrorCode::kMalformed, "negative version"},
      {".2", {0x16, 0x02, 'M', 0xC3}, ErrorCode::kMalformed, "non-IA5"},
      {".2", {0x0C, 0x05, 'M', 'i', 'l', 'a', 'n'}, ErrorCode::kMalformed, "UTF8String"},
      {".2",
       {0x16, 0x82, 0x00, 0x05, 'M', 'i', 'l', 'a', 'n'},
       ErrorCode::kMalformed,
       "leading zero length"},
      {".4", Bytes(63, 1), ErrorCode::kMalformed, "hwID 63"},
      {".4", Bytes(0), ErrorCode::kMalformed, "hwID empty"},
      {".4", Bytes(65, 1), ErrorCode::kMalformed, "hwID 65"},
      {".5", {0x02, 0x01, 0x01}, ErrorCode::kMalformed, "cspID not a string"},
  };
  for (const BadValue& c : cases) {
    SCOPED_TRACE(c.why);
    ExtList l;
    l.Add(kArc + c.suffix, c.value);
    auto r = l.Parse();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, c.code) << r.error().ToString();
    EXPECT_NE(r.error().field.find(kArc + c.suffix), std::string::npos) << r.error().field;
  }
}

TEST(SnpAmdExtensions, LongFormLengthsAreAcceptedWhenNeeded) {
  Bytes value = {0x16, 0x81, 0x80};
  value.insert(value.end(), 0x80, 'a');
  ExtList l;
  l.Add(kArc + ".2", value);
  auto r = l.Parse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->product_name->size(), 0x80u);
}

TEST(SnpAmdExtensions, RepeatedExtensionsAreRejected) {
  ExtList l = MilanVcek();
  l.Add(kArc + ".3.8", {0x02, 0x01, 0x01});
  auto r = l.Parse();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(r.error().field, kArc + ".3.8");

  ExtList other;
  other.Add("2.5.29.19", {}).Add("2.5.29.19", {});
  EXPECT_FALSE(other.Parse());
}

TEST(SnpAmdExtensions, UnknownAmdOidsAndLookalikesAreIgnored) {
  ExtList l;
  l.Add(kArc + ".3.10", {0xFF})
      .Add(kArc + ".6", {0xFF})
      .Add(kArc + "0.1", {0xFF})  // 1.3.6.1.4.1.3704.10.1: another arc
      .Add("1.3.6.1.4.1.3704.2.1", {0xFF});
  auto r = l.Parse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, AmdExtensions{});
}

}  // namespace
}  // namespace veritee::snp
