#include "parse/nvgpu/test_data.h"

#include <cstdlib>

#include "base/encoding.h"
#include "base/file.h"
#include "parse/nvgpu/opaque.h"

namespace veritee::nvgpu::testing {

std::optional<std::filesystem::path> NvidiaTestDataDir() {
  std::filesystem::path shared;
  if (const char* env = std::getenv("VERITEE_SHARED"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    const char* source = std::getenv("VERITEE_SOURCE_DIR");
    shared =
        std::filesystem::path(source != nullptr && *source != '\0' ? source : VERITEE_SOURCE_DIR) /
        ".." / "shared";
  }
  std::filesystem::path dir = shared / "testdata" / "nvidia";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "vectors.json", ec)) return std::nullopt;
  return dir;
}

bool SharedDataRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

nlohmann::json LoadVectors(const std::filesystem::path& dir) {
  Bytes raw = ReadTestFile(dir, "vectors.json");
  nlohmann::json j = nlohmann::json::parse(raw.begin(), raw.end(), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "vectors.json is not JSON";
  return j;
}

Bytes ReadTestFile(const std::filesystem::path& dir, const std::string& relative) {
  auto bytes = ReadFile((dir / relative).string());
  if (!bytes) {
    ADD_FAILURE() << relative << ": " << bytes.error().ToString();
    return {};
  }
  return *std::move(bytes);
}

Bytes ReadReport(const std::filesystem::path& dir, const std::string& relative) {
  return DecodeEvidenceText(ReadTestFile(dir, relative));
}

AttestationReport SampleReport(size_t blocks) {
  AttestationReport r;
  for (size_t i = 0; i < kNonceSize; ++i) {
    r.request.nonce[i] = static_cast<uint8_t>(0x40 + i);
    r.response.nonce[i] = static_cast<uint8_t>(0x80 + i);
  }
  for (size_t i = 1; i <= blocks; ++i) {
    MeasurementBlock b;
    b.index = static_cast<uint8_t>(i);
    b.value_type = 0x01;
    b.value.assign(kDigestSize, static_cast<uint8_t>(i));
    r.response.blocks.push_back(std::move(b));
  }
  NvidiaOpaque o;
  o.driver_version = "550.90.07";
  o.gpu_info = std::array<uint8_t, 8>{0x80, 0x01, 0, 0, 0, 0, 0, 0};
  o.vbios_version = std::array<uint8_t, 8>{0x00, 0x9f, 0x00, 0x96, 0x01, 0, 0, 0};
  o.nvdec0_status = kStatusDisabled;
  o.msrscnt = std::vector<uint32_t>(blocks, 1);
  o.cprinfo = 0x1c000;
  o.board_id = 945;
  o.chip_sku = "882";
  o.chip_sku_mod = "0";
  o.project = "1010";
  o.project_sku = "0200";
  o.project_sku_mod = "";
  std::array<uint8_t, kDigestSize> fwid{};
  for (size_t i = 0; i < fwid.size(); ++i) fwid[i] = static_cast<uint8_t>(0xf0 ^ i);
  o.fwid = fwid;
  o.protected_pcie_status = kStatusDisabled;
  r.response.opaque = EncodeOpaque(o);
  r.response.signature.fill(0x5a);
  return r;
}

}  // namespace veritee::nvgpu::testing
