// NVIDIA's opaque data in the SPDM MEASUREMENTS response: a list of type/length/value
// entries (type u16 LE, length u16 LE, value) that carries the driver and VBIOS versions,
// the FWID, the project and SKU and the NVDEC and PPCIe states.
//
// The type numbers are NVIDIA's (nvtrust, local_gpu_verifier "OpaqueDataParser"), as
// written up in ../shared/testdata/nvidia/SPDM_LAYOUT.md section 3. Known types are
// decoded with their sizes checked (a wrong size or a repeated known type is kMalformed);
// unknown types are kept as they are, in order, so a newer driver that adds fields is
// still readable (they surface in the claims as `unknown_opaque`). Strings are ASCII,
// NUL-terminated or NUL-padded: printable characters up to the first NUL, NULs after it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "parse/nvgpu/spdm.h"

namespace veritee::nvgpu {

enum OpaqueType : uint16_t {
  kOpaqueCertIssuerName = 1,
  kOpaqueCertAuthorityKeyId = 2,
  kOpaqueDriverVersion = 3,
  kOpaqueGpuInfo = 4,
  kOpaqueSku = 5,
  kOpaqueVbiosVersion = 6,
  kOpaqueManufacturerId = 7,
  kOpaqueTamperDetection = 8,
  kOpaqueSmc = 9,
  kOpaqueVpr = 10,
  kOpaqueNvdec0Status = 11,
  kOpaqueMsrsCount = 12,
  kOpaqueCprInfo = 13,
  kOpaqueBoardId = 14,
  kOpaqueChipSku = 15,
  kOpaqueChipSkuMod = 16,
  kOpaqueProject = 17,
  kOpaqueProjectSku = 18,
  kOpaqueProjectSkuMod = 19,
  kOpaqueFwid = 20,
  kOpaqueProtectedPcieStatus = 21,
  kOpaqueSwitchPdi = 22,
  kOpaqueFloorsweptPorts = 23,
  kOpaquePositionId = 24,
  kOpaqueLockSwitchStatus = 25,
  kOpaqueGpuLinkConn = 32,
  kOpaqueSysEnableStatus = 33,
  kOpaqueDataVersion = 34,
  kOpaqueChipInfo = 35,
  kOpaqueFeatureFlag = 36,
  kOpaqueInvalid = 255,
};

// NVDEC0_STATUS and PROTECTED_PCIE_STATUS values.
inline constexpr uint8_t kStatusEnabled = 0xAA;
inline constexpr uint8_t kStatusDisabled = 0x55;

// "driver_version", "vbios_version", …; "" for a type NVIDIA has not defined.
std::string_view OpaqueTypeName(uint16_t type);

struct NvidiaOpaque {
  std::optional<std::string> driver_version;            // 3
  std::optional<std::array<uint8_t, 8>> gpu_info;       // 4
  std::optional<std::array<uint8_t, 8>> vbios_version;  // 6, raw v0..v7
  std::optional<uint8_t> nvdec0_status;                 // 11: 0xAA enabled, 0x55 disabled
  std::optional<std::vector<uint32_t>> msrscnt;         // 12: per measurement block
  std::optional<uint32_t> cprinfo;                      // 13
  std::optional<uint32_t> board_id;                     // 14
  std::optional<std::string> chip_sku;                  // 15
  std::optional<std::string> chip_sku_mod;              // 16
  std::optional<std::string> project;                   // 17
  std::optional<std::string> project_sku;               // 18
  std::optional<std::string> project_sku_mod;           // 19
  std::optional<std::array<uint8_t, kDigestSize>> fwid; // 20
  std::optional<uint8_t> protected_pcie_status;         // 21
  std::optional<std::vector<std::array<uint8_t, 8>>> switch_pdis;  // 22
  std::optional<Bytes> sys_enable_status;               // 33 (2 bytes)
  std::optional<uint16_t> opaque_data_version;          // 34
  std::optional<Bytes> feature_flag;                    // 36 (2 bytes)
  std::vector<OpaqueField> other;                       // every other type, in order

  bool operator==(const NvidiaOpaque&) const = default;
};

// Decodes the fields. Errors: kMalformed (a known type with the wrong size, a repeated
// known type, a string with non-printable characters or text after a NUL, a status byte
// other than 0xAA/0x55, the INVALID type 255). Field names say which type failed.
Result<NvidiaOpaque> DecodeOpaque(const std::vector<OpaqueField>& fields);

// The fields of `opaque` back as TLVs in a fixed order (known types by number, then the
// others): for tests and the fuzz round trip, not for signatures.
std::vector<OpaqueField> EncodeOpaque(const NvidiaOpaque& opaque);

// "%02X.%02X.%02X.%02X.%02X" of (v3, v2, v1, v0, v4): 00 9f 00 96 01 … -> "96.00.9F.00.01".
std::string VbiosVersionText(const std::array<uint8_t, 8>& raw);

}  // namespace veritee::nvgpu
