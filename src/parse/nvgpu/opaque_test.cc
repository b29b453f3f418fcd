#include "parse/nvgpu/opaque.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/nvgpu/claims.h"
#include "parse/nvgpu/test_data.h"

namespace veritee::nvgpu {
namespace {

Error DecodeError(std::vector<OpaqueField> fields) {
  auto o = DecodeOpaque(fields);
  EXPECT_FALSE(o.has_value());
  return o ? Error{} : o.error();
}

TEST(Opaque, SampleDecodesAndReencodes) {
  AttestationReport r = testing::SampleReport();
  auto o = DecodeOpaque(r.response.opaque);
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  EXPECT_EQ(o->driver_version, "550.90.07");
  EXPECT_EQ(VbiosVersionText(*o->vbios_version), "96.00.9F.00.01");
  EXPECT_EQ(o->project_sku_mod, "");
  EXPECT_EQ(o->msrscnt->size(), 64u);
  auto again = DecodeOpaque(EncodeOpaque(*o));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *o);
}

TEST(Opaque, VbiosVersionText) {
  EXPECT_EQ(VbiosVersionText({0x00, 0x9f, 0x00, 0x96, 0x01, 0, 0, 0}), "96.00.9F.00.01");
  EXPECT_EQ(VbiosVersionText({0x00, 0x74, 0x00, 0x96, 0x20, 0, 0, 0}), "96.00.74.00.20");
}

TEST(Opaque, StringsAreNulTerminatedOrPadded) {
  auto o = DecodeOpaque({{kOpaqueChipSku, Bytes{'8', '8', '2', 0, 0, 0}},
                         {kOpaqueProject, Bytes{'G', '5', '2', '0'}}});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->chip_sku, "882");
  EXPECT_EQ(o->project, "G520");
  Error e = DecodeError({{kOpaqueChipSku, Bytes{'8', 0, '2'}}});
  EXPECT_EQ(e.code, ErrorCode::kMalformed);
  EXPECT_EQ(e.field, "opaque chip_sku");
  e = DecodeError({{kOpaqueDriverVersion, Bytes{'5', '\n', 0}}});
  EXPECT_EQ(e.field, "opaque driver_version");
}

TEST(Opaque, SizesAreChecked) {
  struct Case {
    uint16_t type;
    size_t size;
    const char* field;
  } cases[] = {{kOpaqueGpuInfo, 7, "opaque gpu_info"},
               {kOpaqueVbiosVersion, 9, "opaque vbios_version"},
               {kOpaqueNvdec0Status, 2, "opaque nvdec0_status"},
               {kOpaqueMsrsCount, 6, "opaque msrscnt"},
               {kOpaqueCprInfo, 3, "opaque cprinfo"},
               {kOpaqueBoardId, 5, "opaque board_id"},
               {kOpaqueFwid, 32, "opaque fwid"},
               {kOpaqueSwitchPdi, 12, "opaque switch_pdi"},
               {kOpaqueDataVersion, 1, "opaque opaque_data_version"},
               {kOpaqueFeatureFlag, 3, "opaque feature_flag"},
               {kOpaqueSysEnableStatus, 1, "opaque sys_enable_status"}};
  for (const Case& c : cases) {
    Error e = DecodeError({{c.type, Bytes(c.size, 0x55)}});
    EXPECT_EQ(e.code, ErrorCode::kMalformed) << c.field;
    EXPECT_EQ(e.field, c.field);
  }
}

TEST(Opaque, StatusBytesRepeatsAndInvalid) {
  Error e = DecodeError({{kOpaqueNvdec0Status, Bytes{0x00}}});
  EXPECT_NE(e.message.find("neither 0xAA nor 0x55"), std::string::npos) << e.message;
  e = DecodeError({{kOpaqueProtectedPcieStatus, Bytes{0x12}}});
  EXPECT_EQ(e.field, "opaque protected_pcie_status");
  e = DecodeError({{kOpaqueDriverVersion, Bytes{'1', 0}}, {kOpaqueDriverVersion, Bytes{'2', 0}}});
  EXPECT_EQ(e.message, "appears twice");
  e = DecodeError({{kOpaqueInvalid, Bytes{}}});
  EXPECT_EQ(e.field, "opaque invalid");
}

TEST(Opaque, UnknownTypesAreKeptAndSurfaced) {
  AttestationReport r = testing::SampleReport(2);
  r.response.opaque.push_back({kOpaqueChipInfo, Bytes{1, 2}});
  r.response.opaque.push_back({4242, Bytes{3}});
  auto o = DecodeOpaque(r.response.opaque);
  ASSERT_TRUE(o.has_value());
  ASSERT_EQ(o->other.size(), 2u);
  Json claims = ReportClaims(r, *o);
  ASSERT_EQ(claims["unknown_opaque"].size(), 2u);
  EXPECT_EQ(claims["unknown_opaque"][0]["name"], "chip_info");
  EXPECT_EQ(claims["unknown_opaque"][1]["type"], 4242);
  EXPECT_EQ(claims["unknown_opaque"][1]["value"], "03");
  EXPECT_FALSE(claims["unknown_opaque"][1].contains("name"));
}

TEST(Opaque, Claims) {
  AttestationReport r = testing::SampleReport(2);
  auto o = DecodeOpaque(r.response.opaque);
  ASSERT_TRUE(o.has_value());
  Json c = ReportClaims(r, *o);
  EXPECT_EQ(c["driver_version"], "550.90.07");
  EXPECT_EQ(c["vbios_version"], "96.00.9F.00.01");
  EXPECT_EQ(c["nvdec0_status"], "disabled");
  EXPECT_EQ(c["spdm_version"], "1.1");
  EXPECT_EQ(c["nonce"], ToHex(r.request.nonce));
  EXPECT_EQ(c["measurements"]["2"], ToHex(Bytes(48, 2)));
  Json inspect = InspectReport(r, *o);
  EXPECT_EQ(inspect["response"]["blocks"].size(), 2u);
  EXPECT_EQ(inspect["response"]["opaque_data"][0]["name"], "driver_version");
}

// Real reports: every opaque field decodes to the values recorded in vectors.json.
TEST(Opaque, RealReports) {
  VT_NVIDIA_TESTDATA_OR_SKIP(dir);
  nlohmann::json vectors = testing::LoadVectors(dir);
  for (const auto& v : vectors["evidence"]) {
    if (!v.contains("report")) continue;
    Bytes bytes = testing::ReadReport(dir, v["report"].get<std::string>());
    auto r = ParseAttestationReport(bytes);
    ASSERT_TRUE(r.has_value());
    std::vector<uint16_t> ids;
    for (const OpaqueField& f : r->response.opaque) ids.push_back(f.type);
    EXPECT_EQ(nlohmann::json(ids), v["opaque_field_ids"]) << v["name"];
    auto o = DecodeOpaque(r->response.opaque);
    ASSERT_TRUE(o.has_value()) << v["name"] << ": " << o.error().ToString();
    EXPECT_TRUE(o->other.empty());
    if (!v.contains("opaque")) continue;
    const auto& want = v["opaque"];
    EXPECT_EQ(*o->driver_version, want["DRIVER_VERSION"]);
    EXPECT_EQ(VbiosVersionText(*o->vbios_version), want["VBIOS_VERSION"]);
    EXPECT_EQ(*o->project, want["PROJECT"]);
    EXPECT_EQ(*o->project_sku, want["PROJECT_SKU"]);
    EXPECT_EQ(*o->chip_sku, want["CHIP_SKU"]);
    EXPECT_EQ(*o->board_id, want["BOARD_ID"]);
    EXPECT_EQ(nlohmann::json(*o->msrscnt), want["MSRSCNT"]);
    if (want.contains("FWID")) {
      EXPECT_EQ(ToHex(*o->fwid), want["FWID"]);
    }
  }
}

}  // namespace
}  // namespace veritee::nvgpu
