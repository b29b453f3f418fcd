// TCB status of a DCAP quote as Intel's Quote Verification Library computes it.
//
// Intel SGX-TDX-DCAP-QuoteVerificationLibrary (TcbLevelCheck, TdxModuleCheck,
// TDRelaunchCheck, EnclaveReportVerifier) as summarised in NOTES.md section 8:
//   * QE identity level: the first `tcbLevels` entry with isvsvn <= the QE report's ISVSVN.
//   * Platform level: the first TCB Info level (highest first) where every PCK SGX component
//     SVN and the PCESVN reach the level's; for TDX also TEE_TCB_SVN[i] >= the level's
//     tdxtcbcomponents[i] for i from 0, or from 2 when TEE_TCB_SVN[1] (the TDX module major
//     version) is non-zero: the module is then judged by `tdxModuleIdentities` "TDX_%02X".
//   * Convergence: an OutOfDate module or QE turns UpToDate/SWHardeningNeeded into OutOfDate
//     and Configuration[AndSWHardening]Needed into OutOfDateConfigurationNeeded; Revoked wins.
//   * TD report 1.5: the relaunch rule (TDRelaunchAdvised) when only the module is behind
//     and TEE_TCB_SVN2 shows the TD would be current after a relaunch.
// Advisory IDs: `advisory_ids` are the matched platform level's (what Intel's QvE returns);
// `advisory_ids_all` also merges the QE identity level's and the TDX module level's (what
// Phala's dcap-qvl returns). Pure functions over parsed structs: no I/O, no crypto.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "parse/dcap/collateral.h"
#include "parse/dcap/pck_extensions.h"
#include "parse/dcap/quote.h"

namespace veritee::dcap {

struct QeTcbResult {
  std::optional<size_t> level;  // index into QeIdentity::tcb_levels
  TcbStatus status = TcbStatus::kTcbNotSupported;
};
QeTcbResult EvaluateQeTcb(const QeIdentity& identity, uint16_t qe_isv_svn);

struct TdInputs {
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::optional<std::array<uint8_t, 16>> tee_tcb_svn2;  // TD report 1.5
};

struct TcbEvaluation {
  TcbStatus status = TcbStatus::kTcbNotSupported;  // the combined status
  std::optional<size_t> level;                      // matched platform level
  std::optional<TcbStatus> platform_status;         // that level's own status
  std::optional<std::string> module_identity;       // "TDX_01" when judged by identity
  std::optional<TcbStatus> module_status;
  bool module_identity_missing = false;  // TEE_TCB_SVN[1] > 0 but no such identity
  std::vector<std::string> advisory_ids;
  std::vector<std::string> advisory_ids_all;
  std::string detail;  // one line, for the check
};

// `td` is set for TDX quotes. The QE result comes from EvaluateQeTcb.
TcbEvaluation EvaluateTcb(const TcbInfo& info, const PckExtensions& pck,
                          const std::optional<TdInputs>& td, const QeIdentity& qe_identity,
                          const QeTcbResult& qe);

// "TDX_01" for major version 1.
std::string ModuleIdentityId(uint8_t major_version);

}  // namespace veritee::dcap
