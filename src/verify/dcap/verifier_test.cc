#include "verify/dcap/verifier.h"

#include <gtest/gtest.h>

#include <thread>

#include "attest/sim/dcap_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "parse/dcap/collateral.h"
#include "parse/dcap/quote.h"
#include "verify/testing/checks.h"

namespace veritee::dcap {
namespace {

using ::veritee::testing::FindCheck;

using sim::DcapFault;

constexpr UnixTime kNow = 1790000000;  // 2026-09-21

const sim::DcapSimulator& Simulator() {
  static const sim::DcapSimulator* s = new sim::DcapSimulator(sim::DcapSimulator::Create(kNow).value());
  return *s;
}

sim::DcapEvidence Make(sim::DcapQuoteSpec spec = {}, DcapFault fault = DcapFault::kNone,
                       sim::DcapPlatformSpec platform = {}) {
  auto ev = Simulator().Make(spec, platform, fault, kNow);
  EXPECT_TRUE(ev) << ev.error().ToString();
  return *ev;
}

VerifyInputs Inputs(const trust::DcapCollateral& c, bool trust_sim = true) {
  VerifyInputs in;
  in.at = kNow;
  in.collateral = std::make_shared<trust::DcapCollateral>(c);
  if (trust_sim) in.extra_roots.push_back(Simulator().root());
  return in;
}

// The first failed check's name ("" when none failed).
std::string FirstFailure(const Verification& v) {
  for (const Check& c : v.checks()) {
    if (!c.ok) return c.name;
  }
  return "";
}

TEST(DcapVerifier, RejectsGarbage) {
  DcapVerifier verifier;
  VerifyInputs in;
  Bytes junk(100, 0x41);
  Verification v = verifier.Verify(junk, in);
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(v.checks().front().name, "parse");
}

TEST(DcapVerifier, AcceptsEverySimulatedLayout) {
  DcapVerifier verifier;
  struct Layout {
    bool tdx;
    uint16_t version;
    BodyType body;
  };
  for (Layout l : {Layout{true, 4, BodyType::kTd10}, Layout{true, 5, BodyType::kTd15},
                   Layout{true, 5, BodyType::kTd10}, Layout{false, 3, BodyType::kSgx},
                   Layout{false, 4, BodyType::kSgx}, Layout{false, 5, BodyType::kSgx}}) {
    SCOPED_TRACE(std::to_string(l.version) + " " + std::string(BodyTypeName(l.body)));
    sim::DcapQuoteSpec spec;
    spec.tdx = l.tdx;
    spec.version = l.version;
    spec.v5_body = l.body;
    spec.trailing_zeros = 70;
    auto ev = Make(spec);
    Verification v = verifier.Verify(ev.quote, Inputs(ev.collateral));
    EXPECT_TRUE(v.accepted()) << v.reason();
    EXPECT_TRUE(v.simulated);
    EXPECT_EQ(v.tee(), l.tdx ? "tdx" : "sgx");
    EXPECT_EQ(v.claims["tcb_status"], "UpToDate");
    EXPECT_NE(v.trust_anchor.find("from --trust-root"), std::string::npos);
    EXPECT_EQ(v.claims["body_type"], std::string(BodyTypeName(l.body)));
  }
}

TEST(DcapVerifier, SimulatorRootIsNeverTrustedByDefault) {
  DcapVerifier verifier;
  auto ev = Make();
  Verification v = verifier.Verify(ev.quote, Inputs(ev.collateral, false));
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(FirstFailure(v), "pck_chain");
  EXPECT_NE(v.reason().find("--trust-root"), std::string::npos);
}

TEST(DcapVerifier, NoCollateralIsARejection) {
  DcapVerifier verifier;
  auto ev = Make();
  VerifyInputs in = Inputs(ev.collateral);
  in.collateral.reset();
  Verification v = verifier.Verify(ev.quote, in);
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(FirstFailure(v), "collateral");
}

// Each simulator fault is rejected at its own check.
TEST(DcapVerifier, EachFaultHasItsOwnReason) {
  struct Want {
    DcapFault fault;
    const char* check;
    const char* words;
  };
  for (bool tdx : {true, false}) {
    for (Want w : {Want{DcapFault::kRevokedPck, "pck_revocation", "revoked"},
                   Want{DcapFault::kOutOfDateTcb, "tcb_status", "OutOfDate"},
                   Want{DcapFault::kWrongFmspc, "fmspc_match", "FMSPC"},
                   Want{DcapFault::kExpiredCollateral, "pck_crl", "collateral expired"},
                   Want{DcapFault::kQeIdentityMismatch, "qe_identity_match", "MRSIGNER"}}) {
      SCOPED_TRACE(std::string(sim::DcapFaultName(w.fault)) + (tdx ? " tdx" : " sgx"));
      DcapVerifier verifier;
      sim::DcapQuoteSpec spec;
      spec.tdx = tdx;
      spec.version = tdx ? 4 : 3;
      auto ev = Make(spec, w.fault);
      Verification v = verifier.Verify(ev.quote, Inputs(ev.collateral));
      EXPECT_FALSE(v.accepted());
      const Check* c = FindCheck(v, w.check);
      ASSERT_NE(c, nullptr);
      EXPECT_FALSE(c->ok);
      EXPECT_NE(c->detail.find(w.words), std::string::npos) << c->detail;
      if (w.fault != DcapFault::kExpiredCollateral) {
        EXPECT_EQ(FirstFailure(v), w.check);
      } else {
        EXPECT_NE(v.reason().find("collateral expired"), std::string::npos) << v.reason();
        EXPECT_FALSE(FindCheck(v, "tcb_info")->ok);
        EXPECT_FALSE(FindCheck(v, "qe_identity_signature")->ok);
      }
    }
  }
}

TEST(DcapVerifier, OutOfDateIsAcceptedOnlyWhenAllowedAndKeepsItsAdvisories) {
  DcapVerifier verifier;
  auto ev = Make({}, DcapFault::kOutOfDateTcb);
  VerifyInputs in = Inputs(ev.collateral);
  Verification strict = verifier.Verify(ev.quote, in);
  EXPECT_FALSE(strict.accepted());
  EXPECT_EQ(strict.claims["tcb_status"], "OutOfDate");
  in.validation.allowed_statuses.insert(TcbStatus::kOutOfDate);
  Verification loose = verifier.Verify(ev.quote, in);
  EXPECT_TRUE(loose.accepted()) << loose.reason();
  EXPECT_EQ(loose.claims["advisory_ids"], Json::array({"INTEL-SA-00837"}));
  in.validation.forbidden_advisories.insert("INTEL-SA-00837");
  Verification forbidden = verifier.Verify(ev.quote, in);
  EXPECT_FALSE(forbidden.accepted());
  EXPECT_EQ(FirstFailure(forbidden), "advisories");
}

TEST(DcapVerifier, CollateralOfTheOtherTeeIsRejected) {
  DcapVerifier verifier;
  auto td = Make();
  sim::DcapQuoteSpec sgx_spec;
  sgx_spec.tdx = false;
  sgx_spec.version = 3;
  auto sgx = Make(sgx_spec);
  // Same platform (FMSPC) and PKI; the TCB Info and QE Identity are for the other TEE.
  trust::DcapCollateral mixed = td.collateral;
  mixed.tcb_info = sgx.collateral.tcb_info;
  mixed.qe_identity = sgx.collateral.qe_identity;
  Verification v = verifier.Verify(td.quote, Inputs(mixed));
  EXPECT_FALSE(v.accepted());
  EXPECT_FALSE(FindCheck(v, "tcb_info_tee")->ok);
  EXPECT_FALSE(FindCheck(v, "qe_identity")->ok);
  EXPECT_FALSE(FindCheck(v, "tdx_module")->ok);
  EXPECT_FALSE(v.claims.contains("tcb_status"));
  mixed = sgx.collateral;
  mixed.tcb_info = td.collateral.tcb_info;
  mixed.qe_identity = td.collateral.qe_identity;
  Verification r = verifier.Verify(sgx.quote, Inputs(mixed));
  EXPECT_FALSE(r.accepted());
  EXPECT_FALSE(FindCheck(r, "tcb_info_tee")->ok);
  EXPECT_FALSE(FindCheck(r, "qe_identity")->ok);
}

TEST(DcapVerifier, DebugAndValidationOptions) {
  DcapVerifier verifier;
  sim::DcapQuoteSpec spec;
  spec.debug = true;
  spec.report_data[0] = 0xab;
  auto ev = Make(spec);
  VerifyInputs in = Inputs(ev.collateral);
  Verification v = verifier.Verify(ev.quote, in);
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(FirstFailure(v), "debug");
  in.validation.allow_debug = true;
  EXPECT_TRUE(verifier.Verify(ev.quote, in).accepted());
  in.validation.expect["report_data"] = Bytes{0xab};
  in.validation.expect["mr_td"] = Bytes(spec.mr_td.begin(), spec.mr_td.end());
  in.validation.require_sept_ve_disable = true;
  in.validation.td_attributes = (uint64_t{1} << 28) | 1;
  in.validation.min_tee_tcb_svn = std::array<uint8_t, 16>{5, 1, 2};
  Verification ok = verifier.Verify(ev.quote, in);
  EXPECT_TRUE(ok.accepted()) << ok.reason();
  in.validation.expect["report_data"] = Bytes{0xac};
  EXPECT_EQ(FirstFailure(verifier.Verify(ev.quote, in)), "expect_report_data");
  in.validation.expect.erase("report_data");
  in.validation.min_tee_tcb_svn = std::array<uint8_t, 16>{6};
  EXPECT_EQ(FirstFailure(verifier.Verify(ev.quote, in)), "min_tee_tcb_svn");
  in.validation.min_tee_tcb_svn.reset();
  in.validation.expect["mr_enclave"] = Bytes(32, 0);
  EXPECT_EQ(FirstFailure(verifier.Verify(ev.quote, in)), "expect_mr_enclave");

  sim::DcapQuoteSpec sgx;
  sgx.tdx = false;
  sgx.version = 3;
  sgx.isv_prod_id = 7;
  sgx.isv_svn = 3;
  auto sev = Make(sgx);
  VerifyInputs sin = Inputs(sev.collateral);
  sin.validation.isv_prod_id = 7;
  sin.validation.min_isv_svn = 3;
  EXPECT_TRUE(verifier.Verify(sev.quote, sin).accepted());
  sin.validation.min_isv_svn = 4;
  EXPECT_EQ(FirstFailure(verifier.Verify(sev.quote, sin)), "min_isv_svn");
  sin.validation.min_isv_svn.reset();
  sin.validation.isv_prod_id = 8;
  EXPECT_EQ(FirstFailure(verifier.Verify(sev.quote, sin)), "isv_prod_id");
}

TEST(DcapVerifier, NonZeroPaddingIsRejected) {
  DcapVerifier verifier;
  auto ev = Make();
  Bytes q = ev.quote;
  q.push_back(0);
  EXPECT_TRUE(verifier.Verify(q, Inputs(ev.collateral)).accepted());
  q.push_back('x');
  Verification v = verifier.Verify(q, Inputs(ev.collateral));
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(FirstFailure(v), "padding");
}

// Single-bit flips in every region of the quote and of the signed collateral bodies are
// rejected at the check that covers that region.
TEST(DcapVerifier, BitFlipsAreRejectedAtTheirCheck) {
  DcapVerifier verifier;
  for (uint16_t version : {uint16_t{4}, uint16_t{5}}) {
    sim::DcapQuoteSpec spec;
    spec.version = version;
    auto ev = Make(spec);
    auto q = ParseQuote(ev.quote).value();
    const VerifyInputs in = Inputs(ev.collateral);
    ASSERT_TRUE(verifier.Verify(ev.quote, in).accepted());
    const size_t sig = q.signed_size + 4;
    const size_t key = sig + 64;
    const size_t qe = q.qe_report_offset;
    const size_t auth = qe + 384 + 64 + 2;
    struct Flip {
      const char* region;
      size_t offset;
      const char* check;
    };
    for (Flip f : {Flip{"header user data", 30, "quote_signature"},
                   Flip{"body mr_td", q.signed_size - 100, "quote_signature"},
                   Flip{"signature", sig + 5, "quote_signature"},
                   Flip{"attestation key", key + 3, "qe_report_data"},
                   Flip{"QE report isv_svn", qe + 258, "qe_report_signature"},
                   Flip{"QE report signature", qe + 384 + 7, "qe_report_signature"},
                   Flip{"QE auth data", auth + 1, "qe_report_data"}}) {
      SCOPED_TRACE(f.region);
      Bytes b = ev.quote;
      b[f.offset] ^= 0x10;
      Verification v = verifier.Verify(b, in);
      EXPECT_FALSE(v.accepted());
      const Check* c = FindCheck(v, f.check);
      ASSERT_NE(c, nullptr) << v.reason();
      EXPECT_FALSE(c->ok) << c->detail;
    }
  }
  // Signed collateral: one bit inside the signed bodies.
  auto ev = Make();
  for (const char* which : {"tcb_info", "qe_identity"}) {
    SCOPED_TRACE(which);
    trust::DcapCollateral c = ev.collateral;
    Bytes& body = std::string(which) == "tcb_info" ? c.tcb_info : c.qe_identity;
    std::string text(body.begin(), body.end());
    size_t at = text.find("\"issueDate\":\"") + 14;  // a digit of the year
    body[at] ^= 0x01;
    Verification v = verifier.Verify(ev.quote, Inputs(c));
    EXPECT_FALSE(v.accepted());
    const Check* check = FindCheck(v, std::string(which) == "tcb_info" ? "tcb_info" : "qe_identity_signature");
    ASSERT_NE(check, nullptr) << v.reason();
    EXPECT_FALSE(check->ok);
    EXPECT_NE(check->detail.find("signature"), std::string::npos) << check->detail;
  }
}

TEST(DcapVerifier, CachesAndThreads) {
  DcapVerifier verifier;
  auto ev = Make();
  const VerifyInputs in = Inputs(ev.collateral);
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) accepted += verifier.Verify(ev.quote, in).accepted() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 80);
  // The same collateral content in another object hits the content cache; a changed time
  // is evaluated afresh (dates are never cached).
  VerifyInputs later = Inputs(ev.collateral);
  later.at = kNow + 40 * 86400;
  Verification v = verifier.Verify(ev.quote, later);
  EXPECT_FALSE(v.accepted());
  EXPECT_NE(v.reason().find("collateral expired"), std::string::npos) << v.reason();
}

}  // namespace
}  // namespace veritee::dcap

namespace veritee::dcap {
namespace {

// Writes the fuzz seeds of fuzz/corpus/dcap_quote and dcap_collateral when
// VERITEE_WRITE_DCAP_SEEDS names a folder (run by hand; the seeds are committed).
TEST(DcapVerifier, WritesFuzzSeeds) {
  const char* out = std::getenv("VERITEE_WRITE_DCAP_SEEDS");
  if (out == nullptr) GTEST_SKIP() << "set VERITEE_WRITE_DCAP_SEEDS=DIR to write fuzz seeds";
  const std::string dir(out);
  struct Layout {
    const char* name;
    bool tdx;
    uint16_t version;
    BodyType body;
    size_t padding;
  };
  for (Layout l : {Layout{"tdx_v4", true, 4, BodyType::kTd10, 70},
                   Layout{"tdx_v5_td15", true, 5, BodyType::kTd15, 0},
                   Layout{"tdx_v5_td10", true, 5, BodyType::kTd10, 0},
                   Layout{"sgx_v3", false, 3, BodyType::kSgx, 0},
                   Layout{"sgx_v4", false, 4, BodyType::kSgx, 16},
                   Layout{"sgx_v5", false, 5, BodyType::kSgx, 0}}) {
    sim::DcapQuoteSpec spec;
    spec.tdx = l.tdx;
    spec.version = l.version;
    spec.v5_body = l.body;
    spec.trailing_zeros = l.padding;
    auto ev = Make(spec);
    ASSERT_TRUE(WriteFile(dir + "/dcap_quote/" + l.name + ".bin", ev.quote));
    if (std::string(l.name) == "tdx_v5_td15" || std::string(l.name) == "sgx_v3") {
      const std::string p = dir + "/dcap_collateral/" + l.name;
      ASSERT_TRUE(WriteFile(p + "_tcb_info.json", ev.collateral.tcb_info));
      ASSERT_TRUE(WriteFile(p + "_qe_identity.json", ev.collateral.qe_identity));
      ASSERT_TRUE(WriteFile(p + "_bundle.json", trust::WriteCollateralBundle(ev.collateral).value()));
      for (const CertExtension& e : ev.pck.Extensions()) {
        if (e.oid == kSgxExtensionOid) {
          ASSERT_TRUE(WriteFile(p + "_pck_sgx_extension.der", e.value));
        }
      }
    }
  }
  auto ev = Make({}, DcapFault::kOutOfDateTcb);
  ASSERT_TRUE(WriteFile(dir + "/dcap_collateral/tdx_outofdate_tcb_info.json", ev.collateral.tcb_info));
}

}  // namespace
}  // namespace veritee::dcap
