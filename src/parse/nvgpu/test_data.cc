#include "parse/nvgpu/test_data.h"

#include "base/encoding.h"
#include "parse/nvgpu/opaque.h"

namespace veritee::nvgpu::testing {

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
