#include "parse/nvgpu/opaque.h"

#include <cstdio>
#include <set>

namespace veritee::nvgpu {
namespace {

std::string Field(uint16_t type) {
  std::string_view name = OpaqueTypeName(type);
  return "opaque " + (name.empty() ? "type " + std::to_string(type) : std::string(name));
}

Status WantSize(const OpaqueField& f, size_t size) {
  if (f.value.size() == size) return Ok();
  return MakeError(ErrorCode::kMalformed,
                   std::to_string(f.value.size()) + " bytes, expected " + std::to_string(size),
                   Field(f.type));
}

Status WantMultiple(const OpaqueField& f, size_t unit) {
  if (f.value.size() % unit == 0) return Ok();
  return MakeError(ErrorCode::kMalformed,
                   std::to_string(f.value.size()) + " bytes, not a multiple of " +
                       std::to_string(unit),
                   Field(f.type));
}

Result<std::string> Text(const OpaqueField& f) {
  std::string out;
  size_t i = 0;
  for (; i < f.value.size() && f.value[i] != 0; ++i) {
    const uint8_t c = f.value[i];
    if (c < 0x20 || c > 0x7e) {
      return MakeError(ErrorCode::kMalformed,
                       "non-printable byte " + std::to_string(c) + " in a string",
                       Field(f.type));
    }
    out.push_back(static_cast<char>(c));
  }
  for (; i < f.value.size(); ++i) {
    if (f.value[i] != 0) {
      return MakeError(ErrorCode::kMalformed, "text after the terminating NUL", Field(f.type));
    }
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> ToArray(const Bytes& b) {
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = b[i];
  return out;
}

uint32_t U32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

Result<uint8_t> Status8(const OpaqueField& f) {
  VT_RETURN_IF_ERROR(WantSize(f, 1));
  if (f.value[0] != kStatusEnabled && f.value[0] != kStatusDisabled) {
    return MakeError(ErrorCode::kMalformed,
                     "status " + std::to_string(f.value[0]) + " is neither 0xAA nor 0x55",
                     Field(f.type));
  }
  return f.value[0];
}

void PutText(std::vector<OpaqueField>& out, uint16_t type, const std::optional<std::string>& s) {
  if (!s) return;
  Bytes v(s->begin(), s->end());
  v.push_back(0);
  out.push_back({type, std::move(v)});
}

void PutU32(std::vector<OpaqueField>& out, uint16_t type, const std::optional<uint32_t>& x) {
  if (!x) return;
  ByteWriter w;
  w.U32Le(*x);
  out.push_back({type, w.Take()});
}

}  // namespace

std::string_view OpaqueTypeName(uint16_t type) {
  switch (type) {
    case kOpaqueCertIssuerName: return "cert_issuer_name";
    case kOpaqueCertAuthorityKeyId: return "cert_authority_key_identifier";
    case kOpaqueDriverVersion: return "driver_version";
    case kOpaqueGpuInfo: return "gpu_info";
    case kOpaqueSku: return "sku";
    case kOpaqueVbiosVersion: return "vbios_version";
    case kOpaqueManufacturerId: return "manufacturer_id";
    case kOpaqueTamperDetection: return "tamper_detection";
    case kOpaqueSmc: return "smc";
    case kOpaqueVpr: return "vpr";
    case kOpaqueNvdec0Status: return "nvdec0_status";
    case kOpaqueMsrsCount: return "msrscnt";
    case kOpaqueCprInfo: return "cprinfo";
    case kOpaqueBoardId: return "board_id";
    case kOpaqueChipSku: return "chip_sku";
    case kOpaqueChipSkuMod: return "chip_sku_mod";
    case kOpaqueProject: return "project";
    case kOpaqueProjectSku: return "project_sku";
    case kOpaqueProjectSkuMod: return "project_sku_mod";
    case kOpaqueFwid: return "fwid";
    case kOpaqueProtectedPcieStatus: return "protected_pcie_status";
    case kOpaqueSwitchPdi: return "switch_pdi";
    case kOpaqueFloorsweptPorts: return "floorswept_ports";
    case kOpaquePositionId: return "position_id";
    case kOpaqueLockSwitchStatus: return "lock_switch_status";
    case kOpaqueGpuLinkConn: return "gpu_link_conn";
    case kOpaqueSysEnableStatus: return "sys_enable_status";
    case kOpaqueDataVersion: return "opaque_data_version";
    case kOpaqueChipInfo: return "chip_info";
    case kOpaqueFeatureFlag: return "feature_flag";
    case kOpaqueInvalid: return "invalid";
    default: return "";
  }
}

Result<NvidiaOpaque> DecodeOpaque(const std::vector<OpaqueField>& fields) {
  NvidiaOpaque o;
  std::set<uint16_t> seen;
  for (const OpaqueField& f : fields) {
    switch (f.type) {
      case kOpaqueDriverVersion: case kOpaqueGpuInfo: case kOpaqueVbiosVersion:
      case kOpaqueNvdec0Status: case kOpaqueMsrsCount: case kOpaqueCprInfo:
      case kOpaqueBoardId: case kOpaqueChipSku: case kOpaqueChipSkuMod: case kOpaqueProject:
      case kOpaqueProjectSku: case kOpaqueProjectSkuMod: case kOpaqueFwid:
      case kOpaqueProtectedPcieStatus: case kOpaqueSwitchPdi: case kOpaqueSysEnableStatus:
      case kOpaqueDataVersion: case kOpaqueFeatureFlag:
        if (!seen.insert(f.type).second) {
          return MakeError(ErrorCode::kMalformed, "appears twice", Field(f.type));
        }
        break;
      case kOpaqueInvalid:
        return MakeError(ErrorCode::kMalformed, "type 255 is NVIDIA's INVALID marker",
                         Field(f.type));
      default:
        o.other.push_back(f);
        continue;
    }
    switch (f.type) {
      case kOpaqueDriverVersion: {
        VT_ASSIGN_OR_RETURN(o.driver_version, Text(f));
        break;
      }
      case kOpaqueGpuInfo:
        VT_RETURN_IF_ERROR(WantSize(f, 8));
        o.gpu_info = ToArray<8>(f.value);
        break;
      case kOpaqueVbiosVersion:
        VT_RETURN_IF_ERROR(WantSize(f, 8));
        o.vbios_version = ToArray<8>(f.value);
        break;
      case kOpaqueNvdec0Status: {
        VT_ASSIGN_OR_RETURN(o.nvdec0_status, Status8(f));
        break;
      }
      case kOpaqueMsrsCount: {
        VT_RETURN_IF_ERROR(WantMultiple(f, 4));
        std::vector<uint32_t> counts;
        for (size_t i = 0; i < f.value.size(); i += 4) counts.push_back(U32(&f.value[i]));
        o.msrscnt = std::move(counts);
        break;
      }
      case kOpaqueCprInfo:
        VT_RETURN_IF_ERROR(WantSize(f, 4));
        o.cprinfo = U32(f.value.data());
        break;
      case kOpaqueBoardId:
        VT_RETURN_IF_ERROR(WantSize(f, 4));
        o.board_id = U32(f.value.data());
        break;
      case kOpaqueChipSku: {
        VT_ASSIGN_OR_RETURN(o.chip_sku, Text(f));
        break;
      }
      case kOpaqueChipSkuMod: {
        VT_ASSIGN_OR_RETURN(o.chip_sku_mod, Text(f));
        break;
      }
      case kOpaqueProject: {
        VT_ASSIGN_OR_RETURN(o.project, Text(f));
        break;
      }
      case kOpaqueProjectSku: {
        VT_ASSIGN_OR_RETURN(o.project_sku, Text(f));
        break;
      }
      case kOpaqueProjectSkuMod: {
        VT_ASSIGN_OR_RETURN(o.project_sku_mod, Text(f));
        break;
      }
      case kOpaqueFwid:
        VT_RETURN_IF_ERROR(WantSize(f, kDigestSize));
        o.fwid = ToArray<kDigestSize>(f.value);
        break;
      case kOpaqueProtectedPcieStatus: {
        VT_ASSIGN_OR_RETURN(o.protected_pcie_status, Status8(f));
        break;
      }
      case kOpaqueSwitchPdi: {
        VT_RETURN_IF_ERROR(WantMultiple(f, 8));
        std::vector<std::array<uint8_t, 8>> pdis;
        for (size_t i = 0; i < f.value.size(); i += 8) {
          std::array<uint8_t, 8> pdi{};
          for (size_t j = 0; j < 8; ++j) pdi[j] = f.value[i + j];
          pdis.push_back(pdi);
        }
        o.switch_pdis = std::move(pdis);
        break;
      }
      case kOpaqueSysEnableStatus:
        VT_RETURN_IF_ERROR(WantSize(f, 2));
        o.sys_enable_status = f.value;
        break;
      case kOpaqueDataVersion:
        VT_RETURN_IF_ERROR(WantSize(f, 2));
        o.opaque_data_version = static_cast<uint16_t>(f.value[0] | f.value[1] << 8);
        break;
      case kOpaqueFeatureFlag:
        VT_RETURN_IF_ERROR(WantSize(f, 2));
        o.feature_flag = f.value;
        break;
      default:
        break;
    }
  }
  return o;
}

std::vector<OpaqueField> EncodeOpaque(const NvidiaOpaque& o) {
  std::vector<OpaqueField> out;
  PutText(out, kOpaqueDriverVersion, o.driver_version);
  if (o.gpu_info) out.push_back({kOpaqueGpuInfo, Bytes(o.gpu_info->begin(), o.gpu_info->end())});
  if (o.vbios_version) {
    out.push_back({kOpaqueVbiosVersion, Bytes(o.vbios_version->begin(), o.vbios_version->end())});
  }
  if (o.nvdec0_status) out.push_back({kOpaqueNvdec0Status, Bytes{*o.nvdec0_status}});
  if (o.msrscnt) {
    ByteWriter w;
    for (uint32_t c : *o.msrscnt) w.U32Le(c);
    out.push_back({kOpaqueMsrsCount, w.Take()});
  }
  PutU32(out, kOpaqueCprInfo, o.cprinfo);
  PutU32(out, kOpaqueBoardId, o.board_id);
  PutText(out, kOpaqueChipSku, o.chip_sku);
  PutText(out, kOpaqueChipSkuMod, o.chip_sku_mod);
  PutText(out, kOpaqueProject, o.project);
  PutText(out, kOpaqueProjectSku, o.project_sku);
  PutText(out, kOpaqueProjectSkuMod, o.project_sku_mod);
  if (o.fwid) out.push_back({kOpaqueFwid, Bytes(o.fwid->begin(), o.fwid->end())});
  if (o.protected_pcie_status) {
    out.push_back({kOpaqueProtectedPcieStatus, Bytes{*o.protected_pcie_status}});
  }
  if (o.switch_pdis) {
    Bytes v;
    for (const auto& pdi : *o.switch_pdis) v.insert(v.end(), pdi.begin(), pdi.end());
    out.push_back({kOpaqueSwitchPdi, std::move(v)});
  }
  if (o.sys_enable_status) out.push_back({kOpaqueSysEnableStatus, *o.sys_enable_status});
  if (o.opaque_data_version) {
    ByteWriter w;
    w.U16Le(*o.opaque_data_version);
    out.push_back({kOpaqueDataVersion, w.Take()});
  }
  if (o.feature_flag) out.push_back({kOpaqueFeatureFlag, *o.feature_flag});
  out.insert(out.end(), o.other.begin(), o.other.end());
  return out;
}

std::string VbiosVersionText(const std::array<uint8_t, 8>& v) {
  char text[16];
  std::snprintf(text, sizeof text, "%02X.%02X.%02X.%02X.%02X", unsigned{v[3]}, unsigned{v[2]},
                unsigned{v[1]}, unsigned{v[0]}, unsigned{v[4]});
  return text;
}

}  // namespace veritee::nvgpu
