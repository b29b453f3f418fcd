// SnpVerifier against evidence made by the simulator: every product, report version and
// signing key kind; one test per failure, each asserting the check that fails and why;
// every validation option passing once and failing once; CRLs; the chain cache.
//
// The PKIs are made once per binary (RSA-2048 for speed, plus one RSA-4096 Milan PKI so
// the real AMD key size is exercised). Time is fixed: no wall clock.
#include "verify/snp/verifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "attest/sim/snp_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/keys.h"
#include "parse/snp/flags.h"
#include "parse/snp/report.h"
#include "verify/testing/checks.h"

namespace veritee::snp {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using sim::SnpSimulator;
using sim::SnpVek;
using sim::SnpVekSpec;

constexpr UnixTime kDay = 86400;
constexpr UnixTime kNow = 1767225600;  // 2026-01-01T00:00:00Z

// One simulated PKI with its ARK key (for issuing CRLs).
struct Pki {
  SnpSimulator sim;
  std::shared_ptr<EVP_PKEY> ark_key;
  std::shared_ptr<EVP_PKEY> ask_key;
};

// PKIs are cached under the build tree, so the many test processes CTest starts share one
// key generation per product (written to a temporary folder, then renamed into place).
std::unique_ptr<Pki> MakePki(Product product, int bits) {
  namespace fs = std::filesystem;
  const std::string dir = std::string(VERITEE_BINARY_DIR) + "/test-pki/snp_" +
                          std::string(ProductName(product)) + "_" + std::to_string(bits);
  auto sim = SnpSimulator::Load(dir);
  if (!sim) {
    auto created = SnpSimulator::Create(product, kNow, bits);
    if (!created) {
      ADD_FAILURE() << created.error().ToString();
      return nullptr;
    }
    const std::string tmp = dir + ".tmp." + std::to_string(::getpid());
    EXPECT_TRUE(created->Save(tmp).has_value());
    std::error_code ec;
    fs::rename(tmp, dir, ec);  // loses the race harmlessly when another process won it
    fs::remove_all(tmp, ec);
    sim = SnpSimulator::Load(dir);
    if (!sim) {
      ADD_FAILURE() << sim.error().ToString();
      return nullptr;
    }
  }
  // The simulator keeps its keys private; its saved folder is the supported way out.
  auto load = [&](const std::string& name) {
    auto pem = ReadFile(dir + "/keys/" + name + ".key.pem");
    EXPECT_TRUE(pem.has_value());
    auto key = ParsePrivateKeyPem(*pem);
    EXPECT_TRUE(key.has_value());
    return ShareKey(std::move(*key));
  };
  auto ark_key = load("ark");
  auto ask_key = load("ask");
  return std::make_unique<Pki>(Pki{std::move(*sim), ark_key, ask_key});
}

TcbParts DefaultTcb(Product p) {
  TcbParts t{std::nullopt, 3, 0, 8, 115};
  if (p == Product::kTurin) t = TcbParts{1, 1, 1, 4, 81};
  return t;
}

std::array<uint8_t, 64> ChipId(Product p, uint8_t seed = 0x41) {
  std::array<uint8_t, 64> id{};
  // Turin CHIP_IDs carry 8 bytes; the rest is zero (PROVENANCE.md section 4).
  const size_t n = p == Product::kTurin ? 8 : 64;
  for (size_t i = 0; i < n; ++i) id[i] = static_cast<uint8_t>(seed + i);
  return id;
}

// Signs `r` with `key` exactly as written (KEY_INFO and SIGNATURE_ALGO untouched), so a
// test can make the report claim another key kind or algorithm than the one that signed.
Bytes SignRaw(Report r, EVP_PKEY* key) {
  r.signature_r.fill(0);
  r.signature_s.fill(0);
  Bytes bytes = WriteReport(r);
  auto digest = Sha384(SignedPart(bytes));
  auto der = SignEcdsaDigest(key, digest);
  EXPECT_TRUE(der.has_value());
  auto rs = EcdsaDerToRS(*der, kSignatureComponentSize, true);
  EXPECT_TRUE(rs.has_value());
  std::copy(rs->first.begin(), rs->first.end(), r.signature_r.begin());
  std::copy(rs->second.begin(), rs->second.end(), r.signature_s.begin());
  return WriteReport(r);
}

std::string Dump(const Verification& v) { return v.ToJson().dump(1); }

// Rejected, and the first failed check is `check` with `phrase` in its detail.
void ExpectAccepted(const Verification& v) {
  EXPECT_TRUE(v.accepted()) << v.reason() << "\n" << Dump(v);
  EXPECT_TRUE(v.complete());
  EXPECT_EQ(v.reason(), "");
}

void ExpectCheckPassed(const Verification& v, const std::string& check) {
  const Check* c = FindCheck(v, check);
  ASSERT_NE(c, nullptr) << "no check " << check << "\n" << Dump(v);
  EXPECT_TRUE(c->ok) << c->detail;
}

class SnpVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (pkis_ != nullptr) return;
    pkis_ = new std::map<Product, std::unique_ptr<Pki>>();
  }

  static const Pki& pki(Product p) {
    auto& slot = (*pkis_)[p];
    if (!slot) slot = MakePki(p, 2048);
    return *slot;
  }
  static const SnpSimulator& sim(Product p) { return pki(p).sim; }

  static SnpVekSpec Spec(Product p, bool vlek = false) {
    SnpVekSpec spec;
    spec.vlek = vlek;
    spec.chip_id = ChipId(p);
    spec.tcb = DefaultTcb(p);
    return spec;
  }

  static SnpVek Vek(const SnpSimulator& s, const SnpVekSpec& spec) {
    auto vek = s.IssueVek(spec);
    EXPECT_TRUE(vek.has_value()) << vek.error().ToString();
    return *std::move(vek);
  }

  // The default report of `s` for the VEK spec: chip id from the spec (zero for a VLEK,
  // as real VLEK-signed reports have), TCB from the spec.
  static Report BaseReport(const SnpSimulator& s, uint32_t version, const SnpVekSpec& spec) {
    Report r = s.DefaultReport(version, spec.tcb);
    if (!spec.vlek) r.chip_id = spec.chip_id;
    return r;
  }

  static Bytes Sign(const SnpSimulator& s, const Report& r, const SnpVek& vek) {
    auto bytes = s.Sign(r, vek);
    EXPECT_TRUE(bytes.has_value()) << bytes.error().ToString();
    return *std::move(bytes);
  }

  // Inputs that trust the simulator: VEK and its intermediate sent with the report, the
  // simulator ARK passed as an extra root.
  static VerifyInputs Inputs(const SnpSimulator& s, const SnpVek& vek, UnixTime at = kNow) {
    VerifyInputs in;
    in.at = at;
    bool vlek = vek.cert.SubjectCn() == "SEV-VLEK";
    in.certs = {vek.cert, vlek ? s.asvk() : s.ask()};
    in.extra_roots = {s.ark()};
    return in;
  }

  SnpVerifier verifier_;

 private:
  static std::map<Product, std::unique_ptr<Pki>>* pkis_;
};

std::map<Product, std::unique_ptr<Pki>>* SnpVerifierTest::pkis_ = nullptr;

std::string Capital(Product p) {
  std::string s(ProductName(p));
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// ---------------------------------------------------------------------------------------
// Accepted simulated evidence: product × version × key kind.

struct Case {
  Product product;
  uint32_t version;
  bool vlek;
};

class SnpSimMatrixTest : public SnpVerifierTest, public ::testing::WithParamInterface<Case> {};

TEST_P(SnpSimMatrixTest, AcceptedOnlyWithSimulatorRoot) {
  const Case c = GetParam();
  const SnpSimulator& s = sim(c.product);
  SnpVekSpec spec = Spec(c.product, c.vlek);
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, c.version, spec), vek);

  Verification v = verifier_.Verify(report, Inputs(s, vek));
  ExpectAccepted(v);
  EXPECT_TRUE(v.simulated);
  EXPECT_EQ(v.trust_anchor.rfind("ARK-" + Capital(c.product) + " (from --trust-root", 0), 0u)
      << v.trust_anchor;
  EXPECT_NE(v.trust_anchor.find(s.ark().Sha256Hex()), std::string::npos);
  EXPECT_EQ(v.claims["product"], std::string(ProductName(c.product)));
  EXPECT_EQ(v.claims["signing_key"], c.vlek ? "vlek" : "vcek");
  EXPECT_EQ(v.claims["version"], c.version);
  EXPECT_EQ(v.tee(), "sev-snp");
  EXPECT_EQ(FindCheck(v, "vek_hwid") != nullptr, !c.vlek);
  for (const Check& check : v.checks()) EXPECT_TRUE(check.ok) << check.name;
  if (c.product == Product::kTurin) {
    EXPECT_EQ(v.claims["reported_tcb"]["fmc"], 1);
    ExpectCheckPassed(v, "vek_tcb");
  }

  // Without --trust-root the simulator ARK, even when sent with the report, is no anchor.
  VerifyInputs untrusted = Inputs(s, vek);
  untrusted.extra_roots.clear();
  untrusted.certs.push_back(s.ark());
  Verification r = verifier_.Verify(report, untrusted);
  ExpectRejectedAt(r, "certificate_chain", "");
  EXPECT_FALSE(r.simulated);
  EXPECT_EQ(r.trust_anchor, "");
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return Capital(info.param.product) + "V" + std::to_string(info.param.version) +
         (info.param.vlek ? "Vlek" : "Vcek");
}

std::vector<Case> AllCases() {
  std::vector<Case> out;
  for (Product p : {Product::kMilan, Product::kGenoa, Product::kTurin}) {
    for (uint32_t version : {2u, 3u, 5u}) {
      for (bool vlek : {false, true}) out.push_back(Case{p, version, vlek});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(All, SnpSimMatrixTest, ::testing::ValuesIn(AllCases()), CaseName);

TEST_F(SnpVerifierTest, RealSizeRsa4096PkiVerifies) {
  std::unique_ptr<Pki> big = MakePki(Product::kMilan, 4096);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(DescribeKey(big->sim.ark().PublicKey()), "RSA-4096");
  for (bool vlek : {false, true}) {
    SnpVekSpec spec = Spec(Product::kMilan, vlek);
    SnpVek vek = Vek(big->sim, spec);
    Bytes report = Sign(big->sim, BaseReport(big->sim, 3, spec), vek);
    Verification v = verifier_.Verify(report, Inputs(big->sim, vek));
    ExpectAccepted(v);
    EXPECT_TRUE(v.simulated);
  }
}

// ---------------------------------------------------------------------------------------
// Negatives: one test per failure.

TEST_F(SnpVerifierTest, VekTcbDiffersFromReportedTcb) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  Report r = BaseReport(s, 3, spec);
  spec.tcb.snp = 9;  // the VCEK was issued for SNP SPL 9, the report says 8
  SnpVek vek = Vek(s, spec);
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectRejectedAt(v, "vek_tcb", "VCEK was issued for bootloader 3, tee 0, snp 9, microcode 115 "
                                 "but REPORTED_TCB is bootloader 3, tee 0, snp 8, microcode 115");
}

TEST_F(SnpVerifierTest, VekTcbComparesReportedNotCurrentTcb) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.current_tcb = EncodeTcb(TcbParts{std::nullopt, 3, 0, 9, 120}, TcbLayout::kMilanGenoa);
  r.committed_tcb = r.current_tcb;
  ExpectAccepted(verifier_.Verify(Sign(s, r, vek), Inputs(s, vek)));
}

TEST_F(SnpVerifierTest, TurinVekTcbIncludesFmc) {
  const SnpSimulator& s = sim(Product::kTurin);
  SnpVekSpec spec = Spec(Product::kTurin);
  Report r = BaseReport(s, 5, spec);
  spec.tcb.fmc = 2;
  SnpVek vek = Vek(s, spec);
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectRejectedAt(v, "vek_tcb", "issued for fmc 2, bootloader 1");
}

TEST_F(SnpVerifierTest, HwIdDiffersFromChipId) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  Report r = BaseReport(s, 3, spec);
  auto other = ChipId(Product::kMilan, 0x42);
  spec.hwid = Bytes(other.begin(), other.end());
  SnpVek vek = Vek(s, spec);
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectRejectedAt(v, "vek_hwid", "VCEK hwID " + ToHex(other) + " differs from CHIP_ID");
}

TEST_F(SnpVerifierTest, TurinComparesEightByteHwId) {
  const SnpSimulator& s = sim(Product::kTurin);
  SnpVekSpec spec = Spec(Product::kTurin);
  SnpVek good = Vek(s, spec);
  ASSERT_TRUE(true);
  Report r = BaseReport(s, 5, spec);
  Verification ok = verifier_.Verify(Sign(s, r, good), Inputs(s, good));
  ExpectAccepted(ok);
  const Check* hw = FindCheck(ok, "vek_hwid");
  ASSERT_NE(hw, nullptr);
  EXPECT_NE(hw->detail.find("first 8 bytes, Turin"), std::string::npos) << hw->detail;

  // A different last byte of the 8.
  SnpVekSpec bad_spec = spec;
  Bytes hwid(spec.chip_id.begin(), spec.chip_id.begin() + 8);
  hwid[7] ^= 1;
  bad_spec.hwid = hwid;
  SnpVek bad = Vek(s, bad_spec);
  ExpectRejectedAt(verifier_.Verify(Sign(s, r, bad), Inputs(s, bad)), "vek_hwid",
                   "VCEK hwID " + ToHex(hwid) + " differs from CHIP_ID " +
                       ToHex(ByteSpan(spec.chip_id).first(8)));

  // A 64-byte hwID on Turin is not what AMD issues.
  SnpVekSpec long_spec = spec;
  long_spec.hwid = Bytes(spec.chip_id.begin(), spec.chip_id.end());
  SnpVek long_vek = Vek(s, long_spec);
  ExpectRejectedAt(verifier_.Verify(Sign(s, r, long_vek), Inputs(s, long_vek)), "vek_hwid",
                   "VCEK hwID has 64 bytes, unexpected for Turin");
}

TEST_F(SnpVerifierTest, TurinChipIdBeyondHwIdMustBeZero) {
  const SnpSimulator& s = sim(Product::kTurin);
  SnpVekSpec spec = Spec(Product::kTurin);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 5, spec);
  r.chip_id[40] = 0x5a;  // the hwID still equals bytes 0-7
  ExpectRejectedAt(verifier_.Verify(Sign(s, r, vek), Inputs(s, vek)), "vek_hwid",
                   "CHIP_ID bytes 8-63 are not zero");
}

TEST_F(SnpVerifierTest, MilanEightByteHwIdRejected) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  spec.hwid = Bytes(spec.chip_id.begin(), spec.chip_id.begin() + 8);
  SnpVek vek = Vek(s, spec);
  Verification v = verifier_.Verify(Sign(s, BaseReport(s, 3, spec), vek), Inputs(s, vek));
  ExpectRejectedAt(v, "vek_hwid", "VCEK hwID has 8 bytes, unexpected for Milan");
}

TEST_F(SnpVerifierTest, ChainToUntrustedRoot) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  VerifyInputs in = Inputs(s, vek);
  in.certs.push_back(s.ark());                       // sent along, not trusted
  in.extra_roots = {sim(Product::kGenoa).ark()};     // a different trusted root
  Verification v = verifier_.Verify(report, in);
  ExpectRejectedAt(v, "certificate_chain", "self-signed certificate in certificate chain (at ARK-Milan");
  EXPECT_FALSE(v.simulated);
}

TEST_F(SnpVerifierTest, VekFromRogueAsk) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  auto rogue = s.IssueVekFromRogueAsk(spec);
  ASSERT_TRUE(rogue.has_value());
  Verification v = verifier_.Verify(Sign(s, BaseReport(s, 3, spec), *rogue), Inputs(s, *rogue));
  ExpectRejectedAt(v, "certificate_chain", "signature");
}

TEST_F(SnpVerifierTest, VcekKeyInfoWithVlekCertificate) {
  // KEY_INFO says VCEK; the certificate is a VLEK under the ASVK.
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan, /*vlek=*/true);
  SnpVek vlek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.key_info = 0;  // VCEK
  VerifyInputs in = Inputs(s, vlek);
  Verification v = verifier_.Verify(SignRaw(r, vlek.key.get()), in);
  ExpectRejectedAt(v, "certificate_chain", "VCEK is issued by SEV-VLEK-Milan, which is not an ASK");
}

TEST_F(SnpVerifierTest, VlekKeyInfoWithVcekCertificate) {
  // KEY_INFO says VLEK; the certificate is a VCEK under the ASK.
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vcek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.key_info = 1u << 2;  // VLEK
  Verification v = verifier_.Verify(SignRaw(r, vcek.key.get()), Inputs(s, vcek));
  ExpectRejectedAt(v, "certificate_chain", "VLEK is issued by SEV-Milan, which is not an ASVK");
}

TEST_F(SnpVerifierTest, VcekSignedReportWithVlekCertificateFromSameKeyKind) {
  // A VCEK-signed report presented with only a VLEK (another key): the VLEK chain is
  // refused before the signature is even looked at.
  const SnpSimulator& s = sim(Product::kGenoa);
  SnpVekSpec spec = Spec(Product::kGenoa);
  SnpVek vcek = Vek(s, spec);
  SnpVek vlek = Vek(s, Spec(Product::kGenoa, true));
  Bytes report = Sign(s, BaseReport(s, 3, spec), vcek);
  Verification v = verifier_.Verify(report, Inputs(s, vlek));
  ExpectRejectedAt(v, "certificate_chain", "VCEK is issued by SEV-VLEK-Genoa");
}

TEST_F(SnpVerifierTest, DebugPolicyNeedsAllowDebug) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.policy |= uint64_t{1} << kPolicyDebugBit;
  Bytes report = Sign(s, r, vek);
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek)), "debug",
                   "guest policy allows debugging (POLICY.DEBUG = 1)");
  VerifyInputs in = Inputs(s, vek);
  in.validation.allow_debug = true;
  Verification v = verifier_.Verify(report, in);
  ExpectAccepted(v);
  EXPECT_EQ(v.claims["policy"]["debug_allowed"], true);
  const Check* d = FindCheck(v, "debug");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("accepted because of --allow-debug"), std::string::npos);
}

TEST_F(SnpVerifierTest, VcekNotYetValid) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  spec.not_before = kNow + 10 * kDay;
  spec.not_after = kNow + 100 * kDay;
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek, kNow)), "certificate_validity",
                   "VCEK certificate is not valid yet: notBefore " +
                       FormatTime(spec.not_before) + ", verification time " + FormatTime(kNow));
  ExpectAccepted(verifier_.Verify(report, Inputs(s, vek, spec.not_before)));
}

TEST_F(SnpVerifierTest, VcekExpired) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  spec.not_before = kNow;
  spec.not_after = kNow + 30 * kDay;
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  const UnixTime late = spec.not_after + 1;
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek, late)), "certificate_validity",
                   "VCEK certificate expired: notAfter " + FormatTime(spec.not_after) +
                       ", verification time " + FormatTime(late));
  ExpectAccepted(verifier_.Verify(report, Inputs(s, vek, spec.not_after)));
}

TEST_F(SnpVerifierTest, VlekExpiredNamesVlek) {
  const SnpSimulator& s = sim(Product::kGenoa);
  SnpVekSpec spec = Spec(Product::kGenoa, true);
  spec.not_before = kNow;
  spec.not_after = kNow + 30 * kDay;
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek, kNow + 31 * kDay)),
                   "certificate_validity",
                   "VLEK certificate expired: notAfter " + FormatTime(spec.not_after));
}

TEST_F(SnpVerifierTest, ArkNotYetValidNamesArk) {
  // Before the simulator ARK's notBefore (a day before kNow) the VEK is also not valid;
  // give the VEK an earlier window so the ASK/ARK are the ones out of range.
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  spec.not_before = kNow - 10 * kDay;
  spec.not_after = kNow + 10 * kDay;
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek, kNow - 5 * kDay)),
                   "certificate_validity", "ASK certificate is not valid yet");
}

TEST_F(SnpVerifierTest, ProductDisagreement) {
  // A report whose CPUID says Genoa, signed by a Milan PKI.
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.cpuid_mod_id = 0x11;
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectRejectedAt(v, "product",
                   "sources disagree: report CPUID Genoa, certificate productName Milan, root Milan");
}

TEST_F(SnpVerifierTest, SignatureAlgo2Rejected) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.signature_algo = 2;
  Verification v = verifier_.Verify(SignRaw(r, vek.key.get()), Inputs(s, vek));
  ExpectRejectedAt(v, "signature_algorithm", "SIGNATURE_ALGO 2 is not ECDSA P-384 with SHA-384");
}

TEST_F(SnpVerifierTest, SigningKeyNoneRejected) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.key_info = 7u << 2;
  Verification v = verifier_.Verify(SignRaw(r, vek.key.get()), Inputs(s, vek));
  ExpectRejectedAt(v, "signing_key", "KEY_INFO says the report is not signed");
}

TEST_F(SnpVerifierTest, MissingVekCertificate) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  VerifyInputs in = Inputs(s, vek);
  in.certs = {s.ask()};
  ExpectRejectedAt(verifier_.Verify(Sign(s, BaseReport(s, 3, spec), vek), in),
                   "vek_certificate", "no VCEK certificate given");
}

TEST_F(SnpVerifierTest, FlippedBodyBitBreaksSignature) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  report[offsets::kMeasurement + 5] ^= 0x10;
  ExpectRejectedAt(verifier_.Verify(report, Inputs(s, vek)), "report_signature",
                   "(report bytes 0x000-0x29F with the VCEK)");
}

TEST_F(SnpVerifierTest, MaskedChipIdZeroAccepted) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.key_info = 2;  // MASK_CHIP_KEY
  r.chip_id.fill(0);
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectAccepted(v);
  EXPECT_EQ(v.claims["mask_chip_key"], true);
  const Check* hw = FindCheck(v, "vek_hwid");
  ASSERT_NE(hw, nullptr);
  EXPECT_NE(hw->detail.find("CHIP_ID masked by KEY_INFO.MASK_CHIP_KEY"), std::string::npos);
}

TEST_F(SnpVerifierTest, MaskedChipIdNonZeroRejected) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.key_info = 2;  // MASK_CHIP_KEY, but CHIP_ID left in place
  Verification v = verifier_.Verify(Sign(s, r, vek), Inputs(s, vek));
  ExpectRejectedAt(v, "vek_hwid", "MASK_CHIP_KEY is set but CHIP_ID is not zero");
}

TEST_F(SnpVerifierTest, ReservedTcbBitsRejected) {
  // The parser keeps TCB values raw (their layout depends on the product); the verifier,
  // knowing the product, rejects a reserved byte. Here CURRENT_TCB byte 2 on Milan.
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Report r = BaseReport(s, 3, spec);
  r.current_tcb |= uint64_t{1} << 16;
  ExpectRejectedAt(verifier_.Verify(Sign(s, r, vek), Inputs(s, vek)), "tcb_reserved",
                   "reserved TCB_VERSION bits set: 0x0000000000010000");
}

TEST_F(SnpVerifierTest, VekKeyMustBeP384) {
  // A VCEK with AMD's extensions and a P-256 key, properly issued by the ASK.
  const Pki& p = pki(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek model = Vek(p.sim, spec);
  auto key = GenerateEcKey("P-256");
  ASSERT_TRUE(key.has_value());
  CertSpec cs;
  cs.subject = {{"O", std::string(sim::kSimulatorOrganisation)}, {"CN", "SEV-VCEK"}};
  cs.not_before = model.cert.NotBefore();
  cs.not_after = model.cert.NotAfter();
  cs.extensions = model.cert.Extensions();
  auto cert = IssueCertificate(cs, key->get(), &p.sim.ask(), p.ask_key.get());
  ASSERT_TRUE(cert.has_value()) << cert.error().ToString();
  SnpVek p256{*cert, ShareKey(std::move(*key))};
  Bytes report = Sign(p.sim, BaseReport(p.sim, 3, spec), p256);
  ExpectRejectedAt(verifier_.Verify(report, Inputs(p.sim, p256)), "vek_key",
                   "the VCEK key is EC P-256, not EC P-384");
}

TEST_F(SnpVerifierTest, MalformedReportFailsParse) {
  const SnpSimulator& s = sim(Product::kMilan);
  SnpVekSpec spec = Spec(Product::kMilan);
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  report.pop_back();
  Verification v = verifier_.Verify(report, Inputs(s, vek));
  ExpectRejectedAt(v, "parse", "");
  EXPECT_EQ(v.checks().size(), 1u);
}

// ---------------------------------------------------------------------------------------
// Chain cache.

TEST_F(SnpVerifierTest, ChainIsCachedPerVek) {
  const SnpSimulator& s = sim(Product::kGenoa);
  SnpVerifier verifier;
  SnpVekSpec spec = Spec(Product::kGenoa);
  SnpVek vek = Vek(s, spec);
  Bytes report = Sign(s, BaseReport(s, 3, spec), vek);
  EXPECT_EQ(verifier.cached_chains(), 0u);
  ExpectAccepted(verifier.Verify(report, Inputs(s, vek)));
  ExpectAccepted(verifier.Verify(report, Inputs(s, vek)));
  EXPECT_EQ(verifier.cached_chains(), 1u);

  // The signature is checked on every call, cache or not.
  Bytes flipped = report;
  flipped[offsets::kReportData] ^= 1;
  ExpectRejectedAt(verifier.Verify(flipped, Inputs(s, vek)), "report_signature", "");
  EXPECT_EQ(verifier.cached_chains(), 1u);

  SnpVekSpec spec2 = spec;
  spec2.chip_id = ChipId(Product::kGenoa, 0x77);
  SnpVek vek2 = Vek(s, spec2);
  ExpectAccepted(verifier.Verify(Sign(s, BaseReport(s, 3, spec2), vek2), Inputs(s, vek2)));
  EXPECT_EQ(verifier.cached_chains(), 2u);

  // A failed chain is not cached, and a cached chain does not stand in for a missing root.
  VerifyInputs untrusted = Inputs(s, vek);
  untrusted.extra_roots.clear();
  ExpectRejectedAt(verifier.Verify(report, untrusted), "certificate_chain", "");
  EXPECT_EQ(verifier.cached_chains(), 2u);
}

// ---------------------------------------------------------------------------------------
// Verification: a failed check is never accepted.

TEST(VerificationVerdictTest, FailedCheckIsNeverAccepted) {
  Verification v("sev-snp");
  EXPECT_FALSE(v.accepted());  // nothing ran
  v.MarkComplete();
  EXPECT_FALSE(v.accepted());  // complete but empty
  v.Add("a", true, "fine");
  EXPECT_TRUE(v.accepted());
  v.Add("b", false, "broken");
  v.Add("c", true, "fine again");
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(v.reason(), "b: broken");
  EXPECT_EQ(v.ToJson()["verdict"], "rejected");

  Verification incomplete("sev-snp");
  incomplete.Add("a", true, "fine");
  EXPECT_FALSE(incomplete.accepted());
  EXPECT_EQ(incomplete.reason(), "verification did not complete");
}

// ---------------------------------------------------------------------------------------
// Validation options: each passes once and fails once.

class SnpValidationTest : public SnpVerifierTest {
 protected:
  void SetUp() override {
    const SnpSimulator& s = sim(Product::kMilan);
    spec_ = Spec(Product::kMilan);
    vek_ = Vek(s, spec_);
    Report r = BaseReport(s, 3, spec_);
    auto fill = [](auto& a, uint8_t seed) {
      for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(seed + 3 * i);
    };
    r.guest_svn = 5;
    r.policy = 0x30000 | (1u << 8) | 51;  // SMT, ABI 1.51
    fill(r.family_id, 0x10);
    fill(r.image_id, 0x20);
    r.vmpl = 1;
    r.key_info = 1;  // AUTHOR_KEY_EN
    r.report_data.fill(0);
    for (size_t i = 0; i < 20; ++i) r.report_data[i] = static_cast<uint8_t>(0xa0 + i);
    fill(r.measurement, 0x30);
    fill(r.host_data, 0x40);
    fill(r.id_key_digest, 0x50);
    fill(r.author_key_digest, 0x60);
    fill(r.report_id_ma, 0x70);
    r.launch_tcb = EncodeTcb(TcbParts{std::nullopt, 3, 0, 7, 110}, TcbLayout::kMilanGenoa);
    report_ = r;
  }

  Verification Run(const std::function<void(ValidationOptions&)>& set,
                   const std::function<void(Report&)>& tweak = nullptr) {
    const SnpSimulator& s = sim(Product::kMilan);
    Report r = report_;
    if (tweak) tweak(r);
    VerifyInputs in = Inputs(s, vek_);
    set(in.validation);
    return verifier_.Verify(Sign(s, r, vek_), in);
  }

  SnpVekSpec spec_;
  SnpVek vek_;
  Report report_;
};

TEST_F(SnpValidationTest, NoOptionsAccepted) {
  Verification v = Run([](ValidationOptions&) {});
  ExpectAccepted(v);
  EXPECT_EQ(v.notes().size(), 1u);  // revocation not checked
}

TEST_F(SnpValidationTest, ExpectEveryField) {
  const std::map<std::string, Bytes> actual = {
      {"report_data", Bytes(report_.report_data.begin(), report_.report_data.end())},
      {"host_data", Bytes(report_.host_data.begin(), report_.host_data.end())},
      {"measurement", Bytes(report_.measurement.begin(), report_.measurement.end())},
      {"family_id", Bytes(report_.family_id.begin(), report_.family_id.end())},
      {"image_id", Bytes(report_.image_id.begin(), report_.image_id.end())},
      {"id_key_digest", Bytes(report_.id_key_digest.begin(), report_.id_key_digest.end())},
      {"author_key_digest",
       Bytes(report_.author_key_digest.begin(), report_.author_key_digest.end())},
      {"report_id", Bytes(report_.report_id.begin(), report_.report_id.end())},
      {"report_id_ma", Bytes(report_.report_id_ma.begin(), report_.report_id_ma.end())},
      {"chip_id", Bytes(report_.chip_id.begin(), report_.chip_id.end())},
  };
  ASSERT_EQ(actual.size(), ExpectableFields().size());
  for (const auto& [name, size] : ExpectableFields()) {
    SCOPED_TRACE(name);
    const Bytes& good = actual.at(name);
    ASSERT_EQ(good.size(), size);
    Verification pass = Run([&, n = name](ValidationOptions& o) { o.expect[n] = good; });
    ExpectAccepted(pass);
    ExpectCheckPassed(pass, "expect_" + name);

    Bytes bad = good;
    bad[size - 1] ^= 0x80;
    Verification fail = Run([&, n = name](ValidationOptions& o) { o.expect[n] = bad; });
    ExpectRejectedAt(fail, "expect_" + name,
                     name + " is " + ToHex(good) + ", expected " + ToHex(bad));
  }
}

TEST_F(SnpValidationTest, ExpectReportDataPrefix) {
  Bytes prefix(report_.report_data.begin(), report_.report_data.begin() + 20);
  ExpectAccepted(Run([&](ValidationOptions& o) { o.expect["report_data"] = prefix; }));
  // A shorter prefix leaves a non-zero tail: rejected.
  Bytes shorter(prefix.begin(), prefix.begin() + 10);
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.expect["report_data"] = shorter; }),
                   "expect_report_data", "expected " + ToHex(shorter));
  // The prefix matches, but a byte after it is not zero.
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.expect["report_data"] = prefix; },
                       [](Report& r) { r.report_data[63] = 1; }),
                   "expect_report_data", "expected " + ToHex(prefix));
  // The prefix form is only for report_data.
  Bytes host_prefix(report_.host_data.begin(), report_.host_data.begin() + 8);
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.expect["host_data"] = host_prefix; }),
                   "expect_host_data", "expected " + ToHex(host_prefix));
}

TEST_F(SnpValidationTest, MinGuestSvn) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_guest_svn = 5; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_guest_svn = 6; }), "min_guest_svn",
                   "guest_svn 5 < 6");
}

TEST_F(SnpValidationTest, MinTcb) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_tcb = TcbParts{std::nullopt, 3, 0, 8, 115}; }));
  ExpectRejectedAt(
      Run([](ValidationOptions& o) { o.min_tcb = TcbParts{std::nullopt, 3, 0, 9, 115}; }),
      "min_current_tcb", "current_tcb is bootloader 3, tee 0, snp 8, microcode 115, below the "
                         "minimum bootloader 3, tee 0, snp 9, microcode 115");
  // Committed lower than current: min_committed_tcb fails on its own.
  Verification v = Run(
      [](ValidationOptions& o) { o.min_tcb = TcbParts{std::nullopt, 3, 0, 8, 115}; },
      [](Report& r) { r.committed_tcb = EncodeTcb({std::nullopt, 3, 0, 8, 100}, TcbLayout::kMilanGenoa); });
  ExpectRejectedAt(v, "min_committed_tcb", "microcode 100, below the minimum");
  // The minimum of a Milan report has no FMC; asking for one fails closed.
  ExpectRejectedAt(
      Run([](ValidationOptions& o) { o.min_tcb = TcbParts{0, 3, 0, 8, 115}; }),
      "min_current_tcb", "below the minimum fmc 0");
}

TEST_F(SnpValidationTest, MinLaunchTcb) {
  ExpectAccepted(
      Run([](ValidationOptions& o) { o.min_launch_tcb = TcbParts{std::nullopt, 3, 0, 7, 110}; }));
  ExpectRejectedAt(
      Run([](ValidationOptions& o) { o.min_launch_tcb = TcbParts{std::nullopt, 3, 0, 8, 110}; }),
      "min_launch_tcb", "launch_tcb is bootloader 3, tee 0, snp 7, microcode 110, below");
}

TEST_F(SnpValidationTest, Vmpl) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.vmpl = 1; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.vmpl = 0; }), "vmpl", "VMPL 1, expected 0");
}

TEST_F(SnpValidationTest, RequirePolicy) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.require_policy = uint64_t{1} << 16; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.require_policy = (uint64_t{1} << 16) | (uint64_t{1} << 18); }),
                   "policy_required", "policy lacks migrate_ma");
}

TEST_F(SnpValidationTest, ForbidPolicy) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.forbid_policy = uint64_t{1} << 20; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.forbid_policy = uint64_t{1} << 16; }),
                   "policy_forbidden", "policy sets forbidden smt_allowed");
}

TEST_F(SnpValidationTest, MinAbi) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_abi = FirmwareVersion{1, 51}; }));
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_abi = FirmwareVersion{0, 99}; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_abi = FirmwareVersion{1, 52}; }),
                   "min_abi", "policy ABI 1.51 < 1.52");
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_abi = FirmwareVersion{2, 0}; }),
                   "min_abi", "policy ABI 1.51 < 2.0");
}

TEST_F(SnpValidationTest, RequirePlatform) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.require_platform = 1; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.require_platform = 0x3; }),
                   "platform_required", "platform lacks tsme_enabled");
}

TEST_F(SnpValidationTest, ForbidPlatform) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.forbid_platform = 0x2; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.forbid_platform = 0x1; }),
                   "platform_forbidden", "platform sets forbidden smt_enabled");
}

TEST_F(SnpValidationTest, ForbidUnknownPlatformBits) {
  auto forbid = [](ValidationOptions& o) { o.forbid_unknown_platform_bits = true; };
  ExpectAccepted(Run(forbid));
  // Unknown bits are surfaced but accepted by default (DESIGN.md, invariant 1).
  auto bit6 = [](Report& r) { r.platform_info |= 0x40; };
  Verification by_default = Run([](ValidationOptions&) {}, bit6);
  ExpectAccepted(by_default);
  EXPECT_EQ(by_default.claims["platform_info"]["unknown_bits"], "0x0000000000000040");
  ExpectRejectedAt(Run(forbid, bit6), "platform_unknown_bits",
                   "unknown PLATFORM_INFO bits set: 0x0000000000000040");
}

TEST_F(SnpValidationTest, MinFirmware) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_firmware = FirmwareVersion{1, 55}; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_firmware = FirmwareVersion{1, 56}; }),
                   "min_firmware", "firmware current 1.55, committed 1.55, below 1.56");
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_firmware = FirmwareVersion{1, 55}; },
                       [](Report& r) { r.committed_minor = 54; }),
                   "min_firmware", "committed 1.54, below 1.55");
}

TEST_F(SnpValidationTest, MinBuild) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.min_build = 21; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.min_build = 22; }), "min_build",
                   "firmware build current 21, committed 21, below 22");
}

TEST_F(SnpValidationTest, ForbidProvisionalFirmware) {
  auto forbid = [](ValidationOptions& o) { o.forbid_provisional_firmware = true; };
  ExpectAccepted(Run(forbid));
  ExpectRejectedAt(Run(forbid, [](Report& r) { r.current_build = 22; }), "provisional_firmware",
                   "provisional firmware");
  ExpectRejectedAt(
      Run(forbid,
          [](Report& r) {
            r.current_tcb = EncodeTcb({std::nullopt, 3, 0, 9, 115}, TcbLayout::kMilanGenoa);
          }),
      "provisional_firmware", "differs from the committed one");
}

TEST_F(SnpValidationTest, RequireIdBlock) {
  auto req = [](ValidationOptions& o) { o.require_id_block = true; };
  ExpectAccepted(Run(req));
  ExpectRejectedAt(Run(req, [](Report& r) { r.id_key_digest.fill(0); }), "id_block",
                   "no ID block (ID_KEY_DIGEST is zero)");
}

TEST_F(SnpValidationTest, RequireAuthorKey) {
  auto req = [](ValidationOptions& o) { o.require_author_key = true; };
  ExpectAccepted(Run(req));
  ExpectRejectedAt(Run(req, [](Report& r) { r.key_info = 0; }), "author_key",
                   "no author key (AUTHOR_KEY_EN = 0)");
}

TEST_F(SnpValidationTest, TrustedIdKeys) {
  Bytes id(report_.id_key_digest.begin(), report_.id_key_digest.end());
  Bytes other(48, 0xee);
  ExpectAccepted(Run([&](ValidationOptions& o) { o.trusted_id_keys = {other, id}; }));
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.trusted_id_keys = {other}; }),
                   "trusted_id_key", "ID key is not trusted: " + ToHex(id));
}

TEST_F(SnpValidationTest, TrustedAuthorKeys) {
  Bytes author(report_.author_key_digest.begin(), report_.author_key_digest.end());
  Bytes other(48, 0xee);
  ExpectAccepted(Run([&](ValidationOptions& o) { o.trusted_author_keys = {author}; }));
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.trusted_author_keys = {other}; }),
                   "trusted_author_key", "author key is not trusted: " + ToHex(author));
  // A listed digest does not count when AUTHOR_KEY_EN is 0.
  ExpectRejectedAt(Run([&](ValidationOptions& o) { o.trusted_author_keys = {author}; },
                       [](Report& r) { r.key_info = 0; }),
                   "trusted_author_key", "author key is not trusted");
}

TEST_F(SnpValidationTest, Product) {
  ExpectAccepted(Run([](ValidationOptions& o) { o.product = Product::kMilan; }));
  ExpectRejectedAt(Run([](ValidationOptions& o) { o.product = Product::kGenoa; }), "product",
                   "sources disagree: report CPUID Milan, certificate productName Milan, root "
                   "Milan, --product Genoa");
}

// ---------------------------------------------------------------------------------------
// CRLs.

class SnpCrlTest : public SnpValidationTest {
 protected:
  Crl MakeCrl(UnixTime this_update, UnixTime next_update, std::vector<uint64_t> revoked) {
    const Pki& p = pki(Product::kMilan);
    auto der = IssueCrlDer(p.sim.ark(), p.ark_key.get(), this_update, next_update, revoked, true);
    EXPECT_TRUE(der.has_value()) << der.error().ToString();
    auto crl = Crl::Parse(*der);
    EXPECT_TRUE(crl.has_value()) << crl.error().ToString();
    return *std::move(crl);
  }

  Verification RunWith(std::vector<Crl> crls, bool allow_stale = false, bool require = false) {
    const SnpSimulator& s = sim(Product::kMilan);
    VerifyInputs in = Inputs(s, vek_);
    in.crls = std::move(crls);
    in.validation.allow_stale_crl = allow_stale;
    in.validation.require_crl = require;
    return verifier_.Verify(Sign(s, report_, vek_), in);
  }

  uint64_t AskSerial() const {
    return std::stoull(sim(Product::kMilan).ask().SerialHex(), nullptr, 16);
  }
};

TEST_F(SnpCrlTest, RevokedAsk) {
  Crl crl = MakeCrl(kNow - kDay, kNow + 30 * kDay, {0x4242, AskSerial()});
  EXPECT_EQ(AskSerial(), 0x10001u);
  ExpectRejectedAt(RunWith({crl}), "revocation", "is revoked by the CRL of ARK-Milan");
}

TEST_F(SnpCrlTest, CleanFreshCrl) {
  Crl crl = MakeCrl(kNow - kDay, kNow + 30 * kDay, {0x4242});
  Verification v = RunWith({crl});
  ExpectAccepted(v);
  ExpectCheckPassed(v, "revocation");
  EXPECT_TRUE(v.notes().empty());
  ASSERT_EQ(v.collateral["crls"].size(), 1u);
  EXPECT_EQ(v.collateral["crls"][0]["next_update"], FormatTime(kNow + 30 * kDay));
}

TEST_F(SnpCrlTest, StaleCrlNeedsAllowStale) {
  Crl crl = MakeCrl(kNow - 60 * kDay, kNow - kDay, {0x4242});
  ExpectRejectedAt(RunWith({crl}), "revocation",
                   "CRL of ARK-Milan is stale: nextUpdate " + FormatTime(kNow - kDay));
  ExpectAccepted(RunWith({crl}, /*allow_stale=*/true));
  // allow_stale_crl does not excuse a revoked ASK.
  Crl stale_revoking = MakeCrl(kNow - 60 * kDay, kNow - kDay, {AskSerial()});
  ExpectRejectedAt(RunWith({stale_revoking}, true), "revocation", "is revoked");
}

TEST_F(SnpCrlTest, CrlNotYetValid) {
  Crl crl = MakeCrl(kNow + kDay, kNow + 30 * kDay, {});
  ExpectRejectedAt(RunWith({crl}), "revocation", "is not valid yet: thisUpdate");
}

TEST_F(SnpCrlTest, CrlFromAnotherRoot) {
  const Pki& genoa = pki(Product::kGenoa);
  auto der = IssueCrlDer(genoa.sim.ark(), genoa.ark_key.get(), kNow - kDay, kNow + kDay, {}, true);
  ASSERT_TRUE(der.has_value());
  auto crl = Crl::Parse(*der);
  ASSERT_TRUE(crl.has_value());
  ExpectRejectedAt(RunWith({*crl}), "revocation", "does not belong to this chain");
}

TEST_F(SnpCrlTest, RequireCrl) {
  ExpectRejectedAt(RunWith({}, false, /*require=*/true), "revocation",
                   "no CRL given and --require-crl is set");
  ExpectAccepted(RunWith({MakeCrl(kNow - kDay, kNow + kDay, {})}, false, true));
}

}  // namespace
}  // namespace veritee::snp
