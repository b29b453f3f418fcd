#include "verify/dcap/tcb_eval.h"

#include <algorithm>
#include <cstdio>

namespace veritee::dcap {
namespace {

bool StatusIsFine(TcbStatus s) {
  return s == TcbStatus::kUpToDate || s == TcbStatus::kSwHardeningNeeded ||
         s == TcbStatus::kConfigurationNeeded ||
         s == TcbStatus::kConfigurationAndSwHardeningNeeded;
}

// An OutOfDate component (QE or TDX module) lowers a level status (QVL's convergence).
TcbStatus ConvergeOutOfDate(TcbStatus level) {
  switch (level) {
    case TcbStatus::kUpToDate:
    case TcbStatus::kSwHardeningNeeded:
      return TcbStatus::kOutOfDate;
    case TcbStatus::kConfigurationNeeded:
    case TcbStatus::kConfigurationAndSwHardeningNeeded:
      return TcbStatus::kOutOfDateConfigurationNeeded;
    default:
      return level;
  }
}

TcbStatus Converge(TcbStatus level, TcbStatus component) {
  if (component == TcbStatus::kRevoked) return TcbStatus::kRevoked;
  if (component == TcbStatus::kOutOfDate || component == TcbStatus::kOutOfDateConfigurationNeeded) {
    return ConvergeOutOfDate(level);
  }
  return level;
}

bool SgxReaches(const TcbLevel& l, const PckExtensions& pck) {
  for (size_t i = 0; i < 16; ++i) {
    if (pck.tcb_comp_svn[i] < l.sgx[i].svn) return false;
  }
  return pck.pcesvn >= l.pcesvn;
}

bool TdxReaches(const TcbLevel& l, const std::array<uint8_t, 16>& svn) {
  if (!l.tdx) return false;
  const size_t from = svn[1] > 0 ? 2 : 0;
  for (size_t i = from; i < 16; ++i) {
    if (svn[i] < (*l.tdx)[i].svn) return false;
  }
  return true;
}

std::string Svns(const std::array<uint8_t, 16>& a) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(a[i]);
  }
  return out;
}

void Merge(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const auto& a : more) {
    if (std::find(into.begin(), into.end(), a) == into.end()) into.push_back(a);
  }
}

}  // namespace

std::string ModuleIdentityId(uint8_t major_version) {
  char id[8];
  std::snprintf(id, sizeof id, "TDX_%02X", major_version);
  return id;
}

QeTcbResult EvaluateQeTcb(const QeIdentity& identity, uint16_t qe_isv_svn) {
  QeTcbResult r;
  for (size_t i = 0; i < identity.tcb_levels.size(); ++i) {
    if (identity.tcb_levels[i].isvsvn <= qe_isv_svn) {
      r.level = i;
      r.status = identity.tcb_levels[i].status;
      return r;
    }
  }
  return r;
}

TcbEvaluation EvaluateTcb(const TcbInfo& info, const PckExtensions& pck,
                          const std::optional<TdInputs>& td, const QeIdentity& qe_identity,
                          const QeTcbResult& qe) {
  TcbEvaluation e;
  std::optional<size_t> sgx_level;
  for (size_t i = 0; i < info.tcb_levels.size(); ++i) {
    const TcbLevel& l = info.tcb_levels[i];
    if (!SgxReaches(l, pck)) continue;
    if (!sgx_level) sgx_level = i;
    if (td && !TdxReaches(l, td->tee_tcb_svn)) continue;
    e.level = i;
    break;
  }
  if (!e.level) {
    const std::string pck_text =
        "PCK SGX SVNs [" + Svns(pck.tcb_comp_svn) + "], PCESVN " + std::to_string(pck.pcesvn) +
        (td ? ", TEE_TCB_SVN [" + Svns(td->tee_tcb_svn) + "]" : "");
    e.status = TcbStatus::kTcbNotSupported;
    e.detail = "no TCB level of TCB Info (FMSPC) is reached by " + pck_text +
               (sgx_level && td ? " (the SGX components reach a level, the TDX ones do not)" : "");
    return e;
  }
  const TcbLevel& level = info.tcb_levels[*e.level];
  e.platform_status = level.status;
  e.advisory_ids = level.advisory_ids;
  e.advisory_ids_all = level.advisory_ids;
  TcbStatus status = level.status;
  std::string detail = "level " + std::to_string(*e.level) + " (tcbDate " + level.tcb_date_text +
                       ", " + std::string(TcbStatusName(level.status)) + ")";

  if (td) {
    const uint8_t major = td->tee_tcb_svn[1];
    if (major == 0) {
      e.module_status = TcbStatus::kUpToDate;
    } else {
      e.module_identity = ModuleIdentityId(major);
      const TdxModuleIdentity* id = nullptr;
      for (const auto& m : info.tdx_module_identities) {
        if (m.id == *e.module_identity) id = &m;
      }
      if (id == nullptr) {
        e.module_identity_missing = true;
        e.status = TcbStatus::kTcbNotSupported;
        e.detail = "TCB Info has no TDX module identity " + *e.module_identity;
        return e;
      }
      const IdentityTcbLevel* ml = nullptr;
      for (const auto& l : id->tcb_levels) {
        if (l.isvsvn <= td->tee_tcb_svn[0]) {
          ml = &l;
          break;
        }
      }
      if (ml == nullptr) {
        e.status = TcbStatus::kTcbNotSupported;
        e.detail = "TDX module SVN " + std::to_string(td->tee_tcb_svn[0]) +
                   " is below every level of " + *e.module_identity;
        return e;
      }
      e.module_status = ml->status;
      Merge(e.advisory_ids_all, ml->advisory_ids);
      detail += "; TDX module " + *e.module_identity + " SVN " + std::to_string(td->tee_tcb_svn[0]) +
                " " + std::string(TcbStatusName(ml->status));
    }
    status = Converge(status, *e.module_status);
    // TD report 1.5: relaunch advised when only the module is behind and the SVNs the TD
    // would get after a relaunch (TEE_TCB_SVN2) reach the newest level.
    if (td->tee_tcb_svn2 && StatusIsFine(qe.status) && sgx_level &&
        StatusIsFine(info.tcb_levels[*sgx_level].status) &&
        *e.module_status == TcbStatus::kOutOfDate &&
        (status == TcbStatus::kOutOfDate || status == TcbStatus::kOutOfDateConfigurationNeeded) &&
        !info.tcb_levels.empty() && info.tcb_levels[0].tdx) {
      const auto& svn2 = *td->tee_tcb_svn2;
      const auto& newest = *info.tcb_levels[0].tdx;
      uint8_t newest_module = newest[0].svn;
      if (e.module_identity) {
        for (const auto& m : info.tdx_module_identities) {
          if (m.id == *e.module_identity && !m.tcb_levels.empty()) {
            newest_module = static_cast<uint8_t>(std::min<uint16_t>(m.tcb_levels[0].isvsvn, 255));
          }
        }
      }
      if (svn2[0] >= newest_module && svn2[2] >= newest[2].svn) {
        status = status == TcbStatus::kOutOfDate ? TcbStatus::kTdRelaunchAdvised
                                                 : TcbStatus::kTdRelaunchAdvisedConfigurationNeeded;
        detail += "; TEE_TCB_SVN2 reaches the newest level: relaunch advised";
      }
    }
  }

  // The QE identity's status.
  if (qe.status == TcbStatus::kTcbNotSupported) {
    e.status = TcbStatus::kTcbNotSupported;
    e.detail = "the QE report ISVSVN is below every QE identity level";
    return e;
  }
  if (qe.level) Merge(e.advisory_ids_all, qe_identity.tcb_levels[*qe.level].advisory_ids);
  if (qe.status != TcbStatus::kUpToDate) {
    detail += "; QE identity " + std::string(TcbStatusName(qe.status));
  }
  status = Converge(status, qe.status);
  std::sort(e.advisory_ids_all.begin(), e.advisory_ids_all.end());
  e.status = status;
  e.detail = std::string(TcbStatusName(status)) + ": " + detail;
  return e;
}

}  // namespace veritee::dcap
