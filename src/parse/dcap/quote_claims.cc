#include "parse/dcap/quote_claims.h"

#include "base/encoding.h"

namespace veritee::dcap {

std::string Le32Hex(uint32_t v) {
  std::array<uint8_t, 4> b{};
  for (size_t i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return ToHex(b);
}

std::string Le64Hex(uint64_t v) {
  std::array<uint8_t, 8> b{};
  for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return ToHex(b);
}

Json TdAttributesJson(uint64_t a) {
  constexpr uint64_t kDebug = uint64_t{1} << 0, kSeptVeDisable = uint64_t{1} << 28,
                     kPks = uint64_t{1} << 30, kKl = uint64_t{1} << 31,
                     kPerfmon = uint64_t{1} << 63;
  Json out = {{"debug", (a & kDebug) != 0},
              {"sept_ve_disable", (a & kSeptVeDisable) != 0},
              {"pks", (a & kPks) != 0},
              {"kl", (a & kKl) != 0},
              {"perfmon", (a & kPerfmon) != 0}};
  uint64_t unknown = a & ~(kDebug | kSeptVeDisable | kPks | kKl | kPerfmon);
  if (unknown != 0) out["unknown_bits"] = HexU64(unknown);
  return out;
}

Json SgxReportJson(const SgxReportBody& b) {
  return Json{{"cpu_svn", ToHex(b.cpu_svn)},
              {"misc_select", Le32Hex(b.misc_select)},
              {"isv_ext_prod_id", ToHex(b.isv_ext_prod_id)},
              {"attributes", ToHex(b.attributes)},
              {"attributes_flags", {{"init", (b.flags() & 1) != 0},
                                    {"debug", b.debug()},
                                    {"mode64bit", (b.flags() & 4) != 0},
                                    {"provision_key", (b.flags() & 0x10) != 0},
                                    {"einittoken_key", (b.flags() & 0x20) != 0},
                                    {"kss", (b.flags() & 0x80) != 0}}},
              {"xfrm", HexU64(b.xfrm())},
              {"mr_enclave", ToHex(b.mr_enclave)},
              {"mr_signer", ToHex(b.mr_signer)},
              {"config_id", ToHex(b.config_id)},
              {"isv_prod_id", b.isv_prod_id},
              {"isv_svn", b.isv_svn},
              {"config_svn", b.config_svn},
              {"isv_family_id", ToHex(b.isv_family_id)},
              {"report_data", ToHex(b.report_data)}};
}

Json QuoteClaims(const Quote& q) {
  Json out = Json::object();
  out["quote_version"] = q.header.version;
  out["body_type"] = std::string(BodyTypeName(q.body_type));
  if (q.is_tdx()) {
    const TdReportBody& t = q.td;
    out["mr_td"] = ToHex(t.mr_td);
    for (size_t i = 0; i < 4; ++i) out["rtmr" + std::to_string(i)] = ToHex(t.rtmr[i]);
    out["mr_seam"] = ToHex(t.mr_seam);
    out["mr_signer_seam"] = ToHex(t.mr_signer_seam);
    out["seam_attributes"] = Le64Hex(t.seam_attributes);
    out["td_attributes"] = Le64Hex(t.td_attributes);
    out["td_attributes_flags"] = TdAttributesJson(t.td_attributes);
    out["xfam"] = Le64Hex(t.xfam);
    out["mr_config_id"] = ToHex(t.mr_config_id);
    out["mr_owner"] = ToHex(t.mr_owner);
    out["mr_owner_config"] = ToHex(t.mr_owner_config);
    out["report_data"] = ToHex(t.report_data);
    out["tee_tcb_svn"] = ToHex(t.tee_tcb_svn);
    out["tee_tcb"] = {{"tdx_module_svn", t.tee_tcb_svn[0]},
                      {"tdx_module_major_version", t.tee_tcb_svn[1]},
                      {"tdx_late_microcode_svn", t.tee_tcb_svn[2]}};
    if (q.body_type == BodyType::kTd15) {
      out["tee_tcb_svn2"] = ToHex(t.tee_tcb_svn2);
      out["mr_servicetd"] = ToHex(t.mr_servicetd);
    }
  } else {
    const SgxReportBody& b = q.sgx;
    out["mr_enclave"] = ToHex(b.mr_enclave);
    out["mr_signer"] = ToHex(b.mr_signer);
    out["isv_prod_id"] = b.isv_prod_id;
    out["isv_svn"] = b.isv_svn;
    out["attributes"] = ToHex(b.attributes);
    out["debug"] = b.debug();
    out["report_data"] = ToHex(b.report_data);
    out["cpu_svn"] = ToHex(b.cpu_svn);
    out["misc_select"] = Le32Hex(b.misc_select);
    out["config_id"] = ToHex(b.config_id);
    out["config_svn"] = b.config_svn;
    out["isv_ext_prod_id"] = ToHex(b.isv_ext_prod_id);
    out["isv_family_id"] = ToHex(b.isv_family_id);
  }
  return out;
}

}  // namespace veritee::dcap
