// Appraisal over SEV-SNP claims: simulated evidence and every real vector of
// ../shared/testdata/snp, each with a policy that affirms, one that warns (an allowed but
// out-of-date TCB) and one that contraindicates (a measurement that matches no reference
// set), asserting the trust vector and the reasons. Plus each rule once on each side.
#include "appraise/appraisal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "attest/sim/snp_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "parse/snp/test_data.h"
#include "verify/snp/verifier.h"

namespace veritee::appraise {
namespace {

using nlohmann::json;

constexpr UnixTime kNow = 1767225600;  // 2026-01-01T00:00:00Z

// A simulated Milan PKI (RSA-2048), cached under the build tree like the verifier tests.
const sim::SnpSimulator& Simulator() {
  static std::unique_ptr<sim::SnpSimulator> s = [] {
    namespace fs = std::filesystem;
    const std::string dir = std::string(VERITEE_BINARY_DIR) + "/test-pki/snp_milan_2048";
    auto loaded = sim::SnpSimulator::Load(dir);
    if (!loaded) {
      auto created = sim::SnpSimulator::Create(snp::Product::kMilan, kNow, 2048);
      EXPECT_TRUE(created.has_value());
      const std::string tmp = dir + ".tmp." + std::to_string(::getpid());
      EXPECT_TRUE(created->Save(tmp).has_value());
      std::error_code ec;
      fs::rename(tmp, dir, ec);
      fs::remove_all(tmp, ec);
      loaded = sim::SnpSimulator::Load(dir);
    }
    EXPECT_TRUE(loaded.has_value());
    return std::make_unique<sim::SnpSimulator>(std::move(*loaded));
  }();
  return *s;
}

const std::string kSimMeasurement(96, 'e');

// Simulated evidence, verified with the simulator's ARK as an extra root.
Verification SimulatedVerification(bool debug = false) {
  const sim::SnpSimulator& s = Simulator();
  snp::TcbParts tcb{std::nullopt, 3, 0, 8, 115};
  sim::SnpVekSpec spec;
  spec.tcb = tcb;
  for (size_t i = 0; i < spec.chip_id.size(); ++i) spec.chip_id[i] = static_cast<uint8_t>(i + 1);
  auto vek = s.IssueVek(spec);
  EXPECT_TRUE(vek.has_value());
  snp::Report r = s.DefaultReport(3, tcb);
  r.chip_id = spec.chip_id;
  auto m = FromHex(kSimMeasurement);
  std::copy(m->begin(), m->end(), r.measurement.begin());
  r.report_data[0] = 0x0a;
  r.report_data[1] = 0x0b;
  if (debug) r.policy |= uint64_t{1} << 19;
  auto bytes = s.Sign(r, *vek);
  EXPECT_TRUE(bytes.has_value());
  snp::VerifyInputs in;
  in.at = kNow;
  in.certs = {vek->cert, s.ask()};
  in.extra_roots = {s.ark()};
  in.validation.allow_debug = debug;
  static snp::SnpVerifier verifier;
  Verification v = verifier.Verify(*bytes, in);
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_TRUE(v.simulated);
  return v;
}

Policy Load(const std::string& text) {
  auto p = LoadPolicyText(text);
  EXPECT_TRUE(p.has_value()) << p.error().ToString() << "\n" << text;
  return p ? *p : Policy{};
}

const RuleResult* FindRule(const Appraisal& a, const std::string& rule) {
  for (const RuleResult& r : a.rules) {
    if (r.rule == rule) return &r;
  }
  return nullptr;
}

// The rule exists with `value` and `phrase` in its reason.
void ExpectRule(const Appraisal& a, const std::string& rule, int value, const std::string& phrase) {
  const RuleResult* r = FindRule(a, rule);
  ASSERT_NE(r, nullptr) << "no rule " << rule << "\n" << a.ToJson().dump(1);
  EXPECT_EQ(r->value, value) << rule << ": " << r->reason;
  EXPECT_NE(r->reason.find(phrase), std::string::npos)
      << rule << ": " << r->reason << "\nexpected phrase: " << phrase;
}

// Trust vector as {ii, conf, exe, fs, hw, rt, st, sd}.
void ExpectVector(const Appraisal& a, std::array<int, 8> expected) {
  EXPECT_EQ(a.vector.values(), expected) << a.vector.ToJson().dump();
}

std::string SimPolicy(const std::string& extra) {
  return R"({"policy_id": "sim-test", "sev-snp": {"appraisal": {
      "simulated_evidence_allowed": true,
      "reference_sets": [{"label": "sim image", "claims": {"measurement": ")" +
         kSimMeasurement + R"("}}],
      "min_tcb": {"current_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115}})" +
         extra + "}}}";
}

TEST(AppraisalTest, SimulatedAffirms) {
  Appraisal a = Appraise(SimulatedVerification(),
                         Load(SimPolicy(R"(, "expected": {"report_data": "0A0B"},
                                           "required_flags": ["policy.smt_allowed"],
                                           "forbidden_flags": ["policy.migrate_ma"])")),
                         kNow);
  EXPECT_EQ(a.status(), Tier::kAffirming) << a.ToJson().dump(1);
  EXPECT_TRUE(a.acceptable());
  ExpectVector(a, {2, 2, 3, 0, 2, 2, 0, 0});
  ExpectRule(a, "simulated", 2, "allowed by simulated_evidence_allowed");
  ExpectRule(a, "reference_values", 3, "matches reference set 'sim image'");
  ExpectRule(a, "expected.report_data", 2, "equals the expected value");
  ExpectRule(a, "runtime_opaque", 2, "memory encrypted");
  EXPECT_EQ(a.reference_label, "sim image");
  EXPECT_TRUE(a.Reasons().empty());
  EXPECT_EQ(a.policy_id, "sim-test");
  EXPECT_TRUE(a.simulated);
}

TEST(AppraisalTest, SimulatedWarnsOnAnAllowedButOutOfDateTcb) {
  Appraisal a = Appraise(SimulatedVerification(),
                         Load(SimPolicy(R"(, "recommended_tcb": {"current_tcb": {"snp": 9,
                                           "microcode": 115}})")),
                         kNow);
  EXPECT_EQ(a.status(), Tier::kWarning);
  EXPECT_TRUE(a.acceptable());
  ExpectVector(a, {2, 0, 3, 0, 32, 2, 0, 0});
  ExpectRule(a, "recommended_tcb.current_tcb", 32,
             "current_tcb is allowed but out of date (below the recommended TCB: snp 8 < 9)");
  ASSERT_EQ(a.Reasons().size(), 1u);
}

TEST(AppraisalTest, SimulatedContraindicatedOnAnUnknownMeasurement) {
  const std::string other(96, 'f');
  Appraisal a = Appraise(SimulatedVerification(), Load(R"({"sev-snp": {"appraisal": {
      "simulated_evidence_allowed": true,
      "reference_sets": [
        {"label": "far", "claims": {"measurement": ")" + other + R"(", "host_data": ")" +
                                std::string(64, '1') + R"("}},
        {"label": "ovmf-2026.09 + kernel 6.12", "claims": {"measurement": ")" + other +
                                R"("}}]}}})"),
                         kNow);
  EXPECT_EQ(a.status(), Tier::kContraindicated);
  EXPECT_FALSE(a.acceptable());
  ExpectVector(a, {2, 0, 96, 0, 2, 2, 0, 0});
  ExpectRule(a, "reference_values", 96,
             "measurement " + kSimMeasurement +
                 " matches no reference set; nearest is 'ovmf-2026.09 + kernel 6.12', which "
                 "differs in measurement (expected ffffffffffffffff…)");
  EXPECT_TRUE(a.reference_label.empty());
}

TEST(AppraisalTest, SimulatedEvidenceIsContraindicatedByDefault) {
  Appraisal a = Appraise(SimulatedVerification(), Load("{}"), kNow);
  EXPECT_EQ(a.status(), Tier::kContraindicated);
  ExpectVector(a, {2, 0, 0, 0, 97, 2, 0, 0});
  ExpectRule(a, "simulated", 97, "does not set simulated_evidence_allowed");
  EXPECT_EQ(a.policy_id.rfind("sha256:", 0), 0u);
}

TEST(AppraisalTest, RejectedEvidenceIsCryptoFailedAndNothingElseIsAppraised) {
  Verification v("sev-snp");
  v.Add("parse", true, "ok");
  v.Add("report_signature", false, "ECDSA signature does not verify");
  Appraisal a = Appraise(v, Load(SimPolicy("")), kNow);
  EXPECT_EQ(a.status(), Tier::kContraindicated);
  EXPECT_FALSE(a.acceptable());
  EXPECT_FALSE(a.verified);
  ExpectVector(a, {99, 0, 0, 0, 0, 0, 0, 0});
  ExpectRule(a, "verification", 99, "report_signature: ECDSA signature does not verify");
  EXPECT_EQ(a.rules.size(), 1u);
}

TEST(AppraisalTest, DebuggableGuestIsVisibleMemory) {
  Appraisal a = Appraise(SimulatedVerification(/*debug=*/true), Load(SimPolicy("")), kNow);
  ExpectRule(a, "runtime_opaque", 96, "policy.debug_allowed is set");
  EXPECT_EQ(a.status(), Tier::kContraindicated);
}

// Each rule on its failing side, over hand-made claims (a TEE whose verifier has not
// landed yet is appraised the same way: only its claims matter).
Verification Claims(const std::string& tee, json claims, json collateral = json::object()) {
  Verification v(tee);
  v.Add("signature", true, "ok");
  v.MarkComplete();
  v.trust_anchor = "test root (built-in, SHA-256 00)";
  v.claims = Json(claims);
  v.collateral = Json(collateral);
  return v;
}

TEST(AppraisalTest, DcapStyleClaims) {
  Verification v = Claims("tdx", json{{"mr_td", std::string(96, '1')},
                                      {"tcb_status", "SWHardeningNeeded"},
                                      {"advisory_ids", {"INTEL-SA-00615"}},
                                      {"td_attributes_flags", {{"debug", false}}},
                                      {"report_data", "ff" + std::string(126, '0')}},
                          json{{"tcb_info", {{"issue_date", "2025-12-01T00:00:00Z"}}},
                               {"crls", {{{"this_update", "2025-12-20T00:00:00Z"}}}}});
  Policy p = Load(R"({"tdx": {"appraisal": {
      "allowed_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],
      "allowed_advisories": ["INTEL-SA-00615"],
      "max_collateral_age": "45d",
      "expected": {"report_data": "ff"},
      "reference_sets": [{"label": "td v1", "claims": {"mr_td": ")" +
                  std::string(96, '1') + R"("}}]}}})");
  Appraisal a = Appraise(v, p, kNow);
  EXPECT_EQ(a.status(), Tier::kWarning) << a.ToJson().dump(1);
  ExpectVector(a, {2, 0, 3, 0, 32, 2, 0, 0});
  ExpectRule(a, "tcb_status", 32, "SWHardeningNeeded is allowed but not UpToDate");
  ExpectRule(a, "advisories", 32, "allowed advisories apply: INTEL-SA-00615");
  ExpectRule(a, "max_collateral_age", 2, "tcb_info issued 2025-12-01T00:00:00Z is 31 days old");
  ExpectRule(a, "expected.report_data", 2, "equals");

  Policy strict = Load(R"({"tdx": {"appraisal": {"allowed_tcb_statuses": ["UpToDate"],
      "allowed_advisories": [], "max_collateral_age": "7d",
      "expected": {"report_data": "fe"}, "required_flags": ["td_attributes_flags.debug"]}}})");
  Appraisal b = Appraise(v, strict, kNow);
  EXPECT_EQ(b.status(), Tier::kContraindicated);
  ExpectVector(b, {96, 96, 0, 0, 96, 2, 0, 0});
  ExpectRule(b, "tcb_status", 96, "TCB status SWHardeningNeeded is not allowed (allowed: UpToDate)");
  ExpectRule(b, "advisories", 96, "advisories not allowed by the policy: INTEL-SA-00615");
  ExpectRule(b, "max_collateral_age", 96, "is 31 days old, over the maximum of 7 days");
  ExpectRule(b, "expected.report_data", 96, "report_data is ff");
  ExpectRule(b, "required_flags.td_attributes_flags.debug", 96,
             "is false; the policy requires it");
  EXPECT_EQ(b.Reasons().size(), 5u);

  Verification bare = Claims("tdx", json{{"mr_td", "00"}});
  Appraisal c = Appraise(bare, strict, kNow);
  ExpectRule(c, "tcb_status", 96, "the evidence has no tcb_status claim");
  ExpectRule(c, "advisories", 2, "no advisories apply");
  ExpectRule(c, "max_collateral_age", 96, "no dated collateral");
  ExpectRule(c, "expected.report_data", 96, "the evidence has no report_data claim");
  ExpectRule(c, "required_flags.td_attributes_flags.debug", 96, "absent from the claims");
}

TEST(AppraisalTest, ReferenceSetValidityPeriods) {
  const std::string m(96, '1');
  Verification v = Claims("sev-snp", json{{"measurement", m}});
  auto policy = [&](const std::string& from, const std::string& until) {
    return Load(R"({"sev-snp": {"appraisal": {"reference_sets": [{"label": "L", "claims":
        {"measurement": ")" + m + R"("}, "valid_from": ")" + from + R"(", "valid_until": ")" +
                until + R"("}]}}})");
  };
  ExpectRule(Appraise(v, policy("2025-01-01", "2026-06-01"), kNow), "reference_values", 3,
             "matches reference set 'L'");
  ExpectRule(Appraise(v, policy("2025-01-01", "2025-06-01"), kNow), "reference_values", 32,
             "whose validity ended 2025-06-01T00:00:00Z");
  ExpectRule(Appraise(v, policy("2026-06-01", "2027-06-01"), kNow), "reference_values", 96,
             "valid only from 2026-06-01T00:00:00Z");
  // TPM with a caller-supplied AK: no runtime-opaque claim and no hardware claim (nothing
  // vouches for the TPM); other claims are appraised the same way.
  Verification quote = Claims("tpm", json{{"pcrs", {{"sha256", {{"0", m}}}}}});
  quote.trust_anchor = "attestation key supplied by the caller (--ak ak.pem)";
  Appraisal tpm = Appraise(quote,
                           Load(R"({"tpm": {"appraisal": {"reference_sets": [{"label": "boot",
                               "claims": {"pcrs.sha256.0": ")" + m + R"("}}]}}})"),
                           kNow);
  ExpectVector(tpm, {2, 0, 3, 0, 0, 0, 0, 0});
  ExpectRule(tpm, "hardware", 0, "no vendor chain (trust anchor: attestation key supplied");
  EXPECT_EQ(tpm.status(), Tier::kAffirming);
}

TEST(AppraisalTest, NonceAndSubmods) {
  EXPECT_EQ(ToHex(EvidenceNonce(json{{"report_data", "0102" + std::string(124, '0')}})),
            "0102000000000000");  // trailing zeros trimmed, 8 bytes kept
  EXPECT_EQ(ToHex(EvidenceNonce(json{{"nonce", std::string(64, 'a')},
                                     {"report_data", std::string(128, 'b')}})),
            std::string(64, 'a'));
  EXPECT_TRUE(EvidenceNonce(json{{"report_data", std::string(128, '0')}}).empty());
  EXPECT_TRUE(EvidenceNonce(json{{"measurement", "01"}}).empty());
  EXPECT_EQ(SubmodKind("sev-snp"), "cpu");
  EXPECT_EQ(SubmodKind("nvidia-gpu"), "gpu");
  EXPECT_EQ(SubmodKind("tpm"), "tpm");
}

// Every real SEV-SNP vector: verified at its manifest's verify_at, then appraised three
// ways with policies made from its own claims.
TEST(AppraisalRealVectorsTest, AffirmWarnContraindicate) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = snp::testing::LoadVectors(dir);
  snp::SnpVerifier verifier;
  size_t accepted = 0, rejected = 0;
  for (const json& vec : manifest["vectors"]) {
    SCOPED_TRACE(vec["id"].get<std::string>());
    if (vec["vek"].is_null()) continue;  // parse-only vector: nothing to verify
    Bytes report = snp::testing::ReadTestFile(dir, vec["report"].get<std::string>());
    snp::VerifyInputs in;
    for (const char* key : {"vek", "ask"}) {
      auto certs = ParseCertificates(snp::testing::ReadTestFile(dir, vec[key].get<std::string>()));
      ASSERT_TRUE(certs.has_value());
      in.certs.insert(in.certs.end(), certs->begin(), certs->end());
    }
    auto at = ParseTime(vec["verify_at"].get<std::string>());
    ASSERT_TRUE(at.has_value());
    in.at = *at;
    in.validation.allow_debug = vec["expected"]["policy_debug_allowed"].get<bool>();
    Verification v = verifier.Verify(report, in);
    if (!v.accepted()) {
      ++rejected;
      Appraisal a = Appraise(v, Load("{}"), *at);
      ExpectVector(a, {99, 0, 0, 0, 0, 0, 0, 0});
      EXPECT_TRUE(vec["negative"].get<bool>()) << v.reason();
      continue;
    }
    ++accepted;
    const std::string m = v.claims["measurement"].get<std::string>();
    const json& tcb = v.claims["current_tcb"];
    const std::string floor = R"({"bootloader": )" + tcb["bootloader"].dump() +
                              R"(, "snp": )" + tcb["snp"].dump() + "}";
    const std::string above = R"({"snp": )" + std::to_string(tcb["snp"].get<int>() + 1) + "}";
    const bool debug = v.claims["policy"]["debug_allowed"].get<bool>();
    const int rt = debug ? 96 : 2;

    Appraisal affirm = Appraise(v, Load(R"({"sev-snp": {"appraisal": {
        "reference_sets": [{"label": "this image", "claims": {"measurement": ")" + m + R"("}}],
        "min_tcb": {"current_tcb": )" + floor + R"(, "reported_tcb": )" + floor + R"(}}}})"),
                                *at);
    ExpectVector(affirm, {2, 0, 3, 0, 2, rt, 0, 0});
    EXPECT_EQ(affirm.status(), debug ? Tier::kContraindicated : Tier::kAffirming);
    ExpectRule(affirm, "hardware", 2, "genuine sev-snp hardware");
    ExpectRule(affirm, "reference_values", 3, "matches reference set 'this image'");

    Appraisal warn = Appraise(v, Load(R"({"sev-snp": {"appraisal": {
        "reference_sets": [{"label": "this image", "claims": {"measurement": ")" + m + R"("}}],
        "min_tcb": {"current_tcb": )" + floor + R"(},
        "recommended_tcb": {"current_tcb": )" + above + R"(}}}})"),
                              *at);
    ExpectVector(warn, {2, 0, 3, 0, 32, rt, 0, 0});
    if (!debug) {
      EXPECT_EQ(warn.status(), Tier::kWarning);
    }
    ExpectRule(warn, "recommended_tcb.current_tcb", 32,
               "below the recommended TCB: snp " + tcb["snp"].dump() + " < " +
                   std::to_string(tcb["snp"].get<int>() + 1));

    std::string other = m;
    other[0] = other[0] == '0' ? '1' : '0';
    Appraisal contra = Appraise(v, Load(R"({"sev-snp": {"appraisal": {
        "reference_sets": [{"label": "ovmf-2026.09 + kernel 6.12", "claims":
            {"measurement": ")" + other + R"(", "guest_svn": )" + v.claims["guest_svn"].dump() +
                                               R"(}}]}}})"),
                                *at);
    ExpectVector(contra, {2, 0, 96, 0, 2, rt, 0, 0});
    EXPECT_EQ(contra.status(), Tier::kContraindicated);
    ExpectRule(contra, "reference_values", 96,
               "measurement " + m + " matches no reference set; nearest is "
               "'ovmf-2026.09 + kernel 6.12', which differs in measurement (expected " +
                   other.substr(0, 16) + "…)");
  }
  EXPECT_GE(accepted, 20u);
  EXPECT_GE(rejected, 1u);  // the mismatched-VLEK negative vector
}

}  // namespace
}  // namespace veritee::appraise
