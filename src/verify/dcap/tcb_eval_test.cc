#include "verify/dcap/tcb_eval.h"

#include <gtest/gtest.h>

namespace veritee::dcap {
namespace {

TcbLevel Level(uint8_t sgx0, uint16_t pcesvn, std::optional<std::array<uint8_t, 3>> tdx,
               TcbStatus status, std::vector<std::string> advisories = {}) {
  TcbLevel l;
  l.sgx[0].svn = sgx0;
  l.pcesvn = pcesvn;
  if (tdx) {
    l.tdx = std::array<TcbComponent, 16>{};
    for (size_t i = 0; i < 3; ++i) (*l.tdx)[i].svn = (*tdx)[i];
  }
  l.status = status;
  l.tcb_date_text = "2024-01-01T00:00:00Z";
  l.advisory_ids = std::move(advisories);
  return l;
}

QeIdentity Qe(std::vector<std::pair<uint16_t, TcbStatus>> levels) {
  QeIdentity q;
  q.id = "QE";
  for (auto [svn, st] : levels) q.tcb_levels.push_back({svn, 0, "", st, {"INTEL-SA-QE"}});
  return q;
}

PckExtensions Pck(uint8_t sgx0, uint16_t pcesvn) {
  PckExtensions p;
  p.tcb_comp_svn[0] = sgx0;
  p.pcesvn = pcesvn;
  return p;
}

TEST(TcbEval, QeIdentityLevels) {
  QeIdentity q = Qe({{8, TcbStatus::kUpToDate}, {6, TcbStatus::kOutOfDate}});
  EXPECT_EQ(EvaluateQeTcb(q, 9).status, TcbStatus::kUpToDate);
  EXPECT_EQ(EvaluateQeTcb(q, 7).status, TcbStatus::kOutOfDate);
  EXPECT_EQ(EvaluateQeTcb(q, 5).status, TcbStatus::kTcbNotSupported);
}

TEST(TcbEval, SgxLevelSelectionAndQeConvergence) {
  TcbInfo info;
  info.id = "SGX";
  info.tcb_levels = {Level(5, 13, std::nullopt, TcbStatus::kUpToDate),
                     Level(4, 13, std::nullopt, TcbStatus::kSwHardeningNeeded, {"INTEL-SA-00615"}),
                     Level(3, 11, std::nullopt, TcbStatus::kConfigurationNeeded, {"A"})};
  QeIdentity qe = Qe({{8, TcbStatus::kUpToDate}, {6, TcbStatus::kOutOfDate}});
  auto fine = EvaluateQeTcb(qe, 8);
  auto old = EvaluateQeTcb(qe, 6);
  EXPECT_EQ(EvaluateTcb(info, Pck(5, 13), std::nullopt, qe, fine).status, TcbStatus::kUpToDate);
  auto e = EvaluateTcb(info, Pck(9, 12), std::nullopt, qe, fine);  // PCESVN too low for 0 and 1
  EXPECT_EQ(e.status, TcbStatus::kConfigurationNeeded);
  EXPECT_EQ(e.level, 2u);
  e = EvaluateTcb(info, Pck(4, 13), std::nullopt, qe, fine);
  EXPECT_EQ(e.status, TcbStatus::kSwHardeningNeeded);
  EXPECT_EQ(e.advisory_ids, std::vector<std::string>{"INTEL-SA-00615"});
  EXPECT_EQ(EvaluateTcb(info, Pck(4, 13), std::nullopt, qe, old).status, TcbStatus::kOutOfDate);
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 11), std::nullopt, qe, old).status,
            TcbStatus::kOutOfDateConfigurationNeeded);
  e = EvaluateTcb(info, Pck(3, 11), std::nullopt, qe, old);
  EXPECT_EQ(e.advisory_ids, std::vector<std::string>{"A"});
  EXPECT_EQ(e.advisory_ids_all, (std::vector<std::string>{"A", "INTEL-SA-QE"}));
  EXPECT_EQ(EvaluateTcb(info, Pck(2, 13), std::nullopt, qe, fine).status,
            TcbStatus::kTcbNotSupported);
  QeIdentity revoked = Qe({{8, TcbStatus::kRevoked}});
  EXPECT_EQ(EvaluateTcb(info, Pck(5, 13), std::nullopt, revoked, EvaluateQeTcb(revoked, 8)).status,
            TcbStatus::kRevoked);
}

TEST(TcbEval, TdxModuleIdentitiesAndConvergence) {
  TcbInfo info;
  info.id = "TDX";
  info.tcb_levels = {Level(3, 13, std::array<uint8_t, 3>{5, 0, 3}, TcbStatus::kUpToDate),
                     Level(2, 13, std::array<uint8_t, 3>{5, 0, 2}, TcbStatus::kOutOfDate, {"X"})};
  TdxModuleIdentity m;
  m.id = "TDX_01";
  m.tcb_levels = {{6, 0, "", TcbStatus::kUpToDate, {}},
                  {4, 0, "", TcbStatus::kOutOfDate, {"M"}}};
  info.tdx_module_identities = {m};
  QeIdentity qe = Qe({{4, TcbStatus::kUpToDate}});
  auto q = EvaluateQeTcb(qe, 4);
  // Module major version 1: bytes 0-1 are judged by TDX_01, not by tdxtcbcomponents.
  TdInputs td{{6, 1, 3}, std::nullopt};
  auto e = EvaluateTcb(info, Pck(3, 13), td, qe, q);
  EXPECT_EQ(e.status, TcbStatus::kUpToDate);
  EXPECT_EQ(e.module_identity, "TDX_01");
  td.tee_tcb_svn[0] = 5;  // module level isvsvn 4: OutOfDate
  e = EvaluateTcb(info, Pck(3, 13), td, qe, q);
  EXPECT_EQ(e.platform_status, TcbStatus::kUpToDate);
  EXPECT_EQ(e.module_status, TcbStatus::kOutOfDate);
  EXPECT_EQ(e.status, TcbStatus::kOutOfDate);
  EXPECT_TRUE(e.advisory_ids.empty());
  EXPECT_EQ(e.advisory_ids_all, (std::vector<std::string>{"INTEL-SA-QE", "M"}));
  td.tee_tcb_svn[0] = 3;  // below every module level
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 13), td, qe, q).status, TcbStatus::kTcbNotSupported);
  td.tee_tcb_svn = {6, 2, 3};  // TDX_02 missing
  e = EvaluateTcb(info, Pck(3, 13), td, qe, q);
  EXPECT_TRUE(e.module_identity_missing);
  // Major version 0: all bytes against tdxtcbcomponents.
  td.tee_tcb_svn = {4, 0, 3};
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 13), td, qe, q).status, TcbStatus::kTcbNotSupported);
  td.tee_tcb_svn = {5, 0, 2};
  e = EvaluateTcb(info, Pck(3, 13), td, qe, q);
  EXPECT_EQ(e.status, TcbStatus::kOutOfDate);
  EXPECT_EQ(e.level, 1u);
}

TEST(TcbEval, TdRelaunchAdvised) {
  TcbInfo info;
  info.id = "TDX";
  info.tcb_levels = {Level(3, 13, std::array<uint8_t, 3>{5, 0, 3}, TcbStatus::kUpToDate)};
  TdxModuleIdentity m;
  m.id = "TDX_01";
  m.tcb_levels = {{6, 0, "", TcbStatus::kUpToDate, {}}, {4, 0, "", TcbStatus::kOutOfDate, {}}};
  info.tdx_module_identities = {m};
  QeIdentity qe = Qe({{4, TcbStatus::kUpToDate}});
  auto q = EvaluateQeTcb(qe, 4);
  TdInputs td{{5, 1, 3}, std::array<uint8_t, 16>{6, 1, 3}};
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 13), td, qe, q).status, TcbStatus::kTdRelaunchAdvised);
  td.tee_tcb_svn2 = std::array<uint8_t, 16>{5, 1, 3};  // still behind after relaunch
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 13), td, qe, q).status, TcbStatus::kOutOfDate);
  td.tee_tcb_svn2.reset();  // TD 1.0: no relaunch rule
  EXPECT_EQ(EvaluateTcb(info, Pck(3, 13), td, qe, q).status, TcbStatus::kOutOfDate);
}

}  // namespace
}  // namespace veritee::dcap
