#include "parse/nvgpu/claims.h"

#include "base/encoding.h"

namespace veritee::nvgpu {
namespace {

std::string StatusName(uint8_t v) { return v == kStatusEnabled ? "enabled" : "disabled"; }

std::string VersionText(uint8_t v) {
  return std::to_string(v >> 4) + "." + std::to_string(v & 0x0f);
}

}  // namespace

Json ReportClaims(const AttestationReport& r, const NvidiaOpaque& o) {
  Json c = Json::object();
  c["nonce"] = ToHex(r.request.nonce);
  c["responder_nonce"] = ToHex(r.response.nonce);
  c["spdm_version"] = VersionText(r.response.spdm_version);
  c["slot_id"] = r.response.slot_id;
  if (o.driver_version) c["driver_version"] = *o.driver_version;
  if (o.vbios_version) c["vbios_version"] = VbiosVersionText(*o.vbios_version);
  if (o.project) c["project"] = *o.project;
  if (o.project_sku) c["project_sku"] = *o.project_sku;
  if (o.project_sku_mod) c["project_sku_mod"] = *o.project_sku_mod;
  if (o.chip_sku) c["chip_sku"] = *o.chip_sku;
  if (o.chip_sku_mod) c["chip_sku_mod"] = *o.chip_sku_mod;
  if (o.gpu_info) c["gpu_info"] = ToHex(*o.gpu_info);
  if (o.board_id) c["board_id"] = *o.board_id;
  if (o.cprinfo) c["cprinfo"] = *o.cprinfo;
  if (o.nvdec0_status) c["nvdec0_status"] = StatusName(*o.nvdec0_status);
  if (o.protected_pcie_status) c["protected_pcie_status"] = StatusName(*o.protected_pcie_status);
  if (o.fwid) c["fwid"] = ToHex(*o.fwid);
  if (o.opaque_data_version) c["opaque_data_version"] = *o.opaque_data_version;
  if (o.feature_flag) c["feature_flag"] = ToHex(*o.feature_flag);
  if (o.sys_enable_status) c["sys_enable_status"] = ToHex(*o.sys_enable_status);
  if (o.switch_pdis) {
    Json pdis = Json::array();
    for (const auto& pdi : *o.switch_pdis) pdis.push_back(ToHex(pdi));
    c["switch_pdis"] = std::move(pdis);
  }
  if (o.msrscnt) c["msrscnt"] = *o.msrscnt;
  Json m = Json::object();
  for (const MeasurementBlock& b : r.response.blocks) m[std::to_string(b.index)] = ToHex(b.value);
  c["measurements"] = std::move(m);
  if (!o.other.empty()) {
    Json unknown = Json::array();
    for (const OpaqueField& f : o.other) {
      Json entry = {{"type", f.type}, {"value", ToHex(f.value)}};
      std::string_view name = OpaqueTypeName(f.type);
      if (!name.empty()) entry["name"] = std::string(name);
      unknown.push_back(std::move(entry));
    }
    c["unknown_opaque"] = std::move(unknown);
  }
  return c;
}

Json InspectReport(const AttestationReport& r, const NvidiaOpaque& o) {
  Json out = Json::object();
  out["request"] = Json{{"spdm_version", VersionText(r.request.spdm_version)},
                        {"code", "GET_MEASUREMENTS"},
                        {"signature_requested", (r.request.attributes & 1) != 0},
                        {"operation", "all measurement blocks"},
                        {"nonce", ToHex(r.request.nonce)},
                        {"slot_id", r.request.slot_id}};
  Json blocks = Json::array();
  for (const MeasurementBlock& b : r.response.blocks) {
    blocks.push_back(Json{{"index", b.index},
                          {"value_type", b.value_type & 0x7f},
                          {"digest", b.is_digest()},
                          {"value", ToHex(b.value)}});
  }
  Json opaque = Json::array();
  for (const OpaqueField& f : r.response.opaque) {
    Json entry = {{"type", f.type}};
    std::string_view name = OpaqueTypeName(f.type);
    if (!name.empty()) entry["name"] = std::string(name);
    entry["value"] = ToHex(f.value);
    opaque.push_back(std::move(entry));
  }
  out["response"] = Json{{"spdm_version", VersionText(r.response.spdm_version)},
                         {"code", "MEASUREMENTS"},
                         {"slot_id", r.response.slot_id},
                         {"number_of_blocks", r.response.blocks.size()},
                         {"blocks", std::move(blocks)},
                         {"responder_nonce", ToHex(r.response.nonce)},
                         {"opaque_data", std::move(opaque)}};
  out["claims"] = ReportClaims(r, o);
  out["signature"] = Json{{"algorithm", "ECDSA P-384 with SHA-384, raw r||s"},
                          {"value", ToHex(r.response.signature)}};
  return out;
}

}  // namespace veritee::nvgpu
