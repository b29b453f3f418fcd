// Conformance: every real SEV-SNP vector of ../shared/testdata/snp/vectors.json, verified by
// SnpVerifier and checked against every field of its `expected` block.
//
// The manifest is read at test time and never copied. Each `expected` key is taken through
// Expectations::Take(); a key the test does not read fails the test (a manifest that grows
// a field must grow its check too). Also: the certificate-only Turin VCEK, the pinned root
// certificates against the built-in ones, and AMD's CRLs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "base/encoding.h"
#include "base/time.h"
#include "crypto/x509.h"
#include "parse/snp/amd_extensions.h"
#include "parse/snp/cert_table.h"
#include "parse/snp/report.h"
#include "parse/snp/report_claims.h"
#include "parse/snp/test_data.h"
#include "trust/amd_roots.h"
#include "verify/snp/verifier.h"
#include "verify/testing/checks.h"

namespace veritee::snp {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kCheckDate = "2026-11-21T00:00:00Z";

// `expected` with a record of the keys read.
class Expectations {
 public:
  explicit Expectations(const json& e) : e_(e) {}
  const json& Take(const std::string& key) {
    taken_.insert(key);
    static const json kNull;
    auto it = e_.find(key);
    if (it == e_.end()) {
      ADD_FAILURE() << "expected." << key << " is missing";
      return kNull;
    }
    return *it;
  }
  bool Has(const std::string& key) const { return e_.contains(key); }
  // Fails for every key of `expected` nobody took.
  void ExpectAllTaken() const {
    for (const auto& [key, value] : e_.items()) {
      EXPECT_TRUE(taken_.count(key) == 1) << "expected." << key << " was not checked";
    }
  }

 private:
  const json& e_;
  std::set<std::string> taken_;
};

UnixTime Time(const std::string& text) {
  auto t = ParseTime(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

std::vector<Certificate> LoadCerts(const fs::path& dir, const std::string& rel) {
  Bytes raw = testing::ReadTestFile(dir, rel);
  auto certs = ParseCertificates(raw);
  EXPECT_TRUE(certs.has_value()) << rel << ": " << (certs ? "" : certs.error().ToString());
  return certs.value_or(std::vector<Certificate>{});
}

Result<AmdExtensions> Extensions(const Certificate& cert) {
  std::vector<CertExtension> exts = cert.Extensions();
  std::vector<RawExtension> raw;
  for (const CertExtension& e : exts) raw.push_back(RawExtension{e.oid, e.value});
  return ParseAmdExtensions(raw);  // the views into `exts` are not kept
}

const trust::AmdProductCerts& Builtin(Product p) {
  auto builtin = trust::BuiltinAmdCerts();
  EXPECT_TRUE(builtin.has_value());
  for (const auto& c : **builtin) {
    if (c.product == p) return c;
  }
  ADD_FAILURE() << "no built-in certificates for " << ProductName(p);
  return (**builtin).front();
}

std::string StripHexPrefix(std::string s) { return s.rfind("0x", 0) == 0 ? s.substr(2) : s; }

// Compares one TCB expectation {fmc?, bootloader, tee, snp, microcode, u64, layout} with a
// claim {fmc?, bootloader, tee, snp, microcode, raw}.
void ExpectTcb(const json& want, const json& claim, const std::string& layout) {
  std::set<std::string> taken;
  for (const char* part : {"fmc", "bootloader", "tee", "snp", "microcode"}) {
    EXPECT_EQ(want.contains(part), claim.contains(part)) << part;
    if (want.contains(part)) {
      taken.insert(part);
      EXPECT_EQ(want[part], claim[part]) << part;
    }
  }
  taken.insert("u64");
  EXPECT_EQ(want["u64"], claim["raw"]);
  taken.insert("layout");
  EXPECT_EQ(want["layout"], layout);
  for (const auto& [key, value] : want.items()) {
    EXPECT_TRUE(taken.count(key) == 1) << "TCB key " << key << " was not checked";
  }
}

std::vector<std::string> VectorIds() {
  auto dir = testing::SnpTestDataDir();
  if (!dir) return {"shared_data_missing"};
  std::vector<std::string> ids;
  json vectors = testing::LoadVectors(*dir);
  for (const json& v : vectors["vectors"]) ids.push_back(v["id"].get<std::string>());
  return ids;
}

class SnpVectorTest : public ::testing::TestWithParam<std::string> {
 protected:
  static SnpVerifier& verifier() {
    static SnpVerifier* v = new SnpVerifier();
    return *v;
  }
};

TEST_P(SnpVectorTest, MatchesManifest) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  const json* found = nullptr;
  for (const json& v : manifest["vectors"]) {
    if (v["id"] == GetParam()) found = &v;
  }
  ASSERT_NE(found, nullptr) << GetParam();
  const json& vec = *found;
  EXPECT_EQ(manifest["check_date"], "2026-11-21");
  const UnixTime check_date = Time(kCheckDate);
  const Product product = ProductFromName(vec["product"].get<std::string>());
  ASSERT_NE(product, Product::kUnknown);

  Bytes report = testing::ReadTestFile(dir, vec["report"].get<std::string>());
  auto parsed = ParseReport(report);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  Expectations e(vec["expected"]);

  const bool has_vek = !vec["vek"].is_null();
  const bool debug = e.Take("policy_debug_allowed").get<bool>();

  VerifyInputs in;
  std::vector<Certificate> vek_certs;
  if (has_vek) {
    vek_certs = LoadCerts(dir, vec["vek"].get<std::string>());
    ASSERT_EQ(vek_certs.size(), 1u);
    in.certs = vek_certs;
    for (const Certificate& c : LoadCerts(dir, vec["ask"].get<std::string>())) {
      in.certs.push_back(c);
    }
  }
  in.at = has_vek ? Time(vec["verify_at"].get<std::string>()) : check_date;
  in.validation.allow_debug = debug;
  Verification v = verifier().Verify(report, in);

  // Where the pipeline stops before building claims (no VEK, bad signature), the claims
  // are the parser's view of the same bytes.
  json claims = v.claims;
  if (!v.complete()) {
    claims = ReportClaims(*parsed, product);
  } else {
    EXPECT_FALSE(v.simulated);
    EXPECT_NE(v.trust_anchor.find("(built-in"), std::string::npos) << v.trust_anchor;
    EXPECT_EQ(claims["product"], std::string(ProductName(product)));
  }

  // --- verdicts and checks ---
  const json& sig_valid = e.Take("signature_valid");
  const json& chain_valid = e.Take("chain_valid");
  const std::string verdict = e.Take("verdict_at_check_date").get<std::string>();
  if (!has_vek) {
    EXPECT_TRUE(sig_valid.is_null());
    EXPECT_TRUE(chain_valid.is_null());
    EXPECT_EQ(verdict.rfind("parse-only", 0), 0u) << verdict;
    ExpectRejectedAt(v, "vek_certificate", "no VCEK certificate given");
    EXPECT_EQ(FindCheck(v, "report_signature"), nullptr);
  } else {
    const Check* chain = FindCheck(v, "certificate_chain");
    ASSERT_NE(chain, nullptr);
    EXPECT_EQ(chain->ok, chain_valid.get<bool>()) << chain->detail;
    const Check* sig = FindCheck(v, "report_signature");
    ASSERT_NE(sig, nullptr);
    EXPECT_EQ(sig->ok, sig_valid.get<bool>()) << sig->detail;
    if (!sig_valid.get<bool>()) {
      ExpectRejectedAt(v, "report_signature", "signature");
    } else {
      EXPECT_TRUE(v.accepted()) << v.reason();  // at verify_at every certificate is valid
    }
  }

  // Verdict at the check date.
  if (has_vek) {
    VerifyInputs at_check = in;
    at_check.at = check_date;
    Verification c = verifier().Verify(report, at_check);
    if (verdict == "accept") {
      EXPECT_TRUE(c.accepted()) << c.reason();
    } else if (verdict.rfind("reject at check date: VEK certificate expired", 0) == 0) {
      ExpectRejectedAt(c, "certificate_validity",
                       std::string(vec["vek_kind"] == "VLEK" ? "VLEK" : "VCEK") +
                           " certificate expired: notAfter " +
                           FormatTime(vek_certs[0].NotAfter()));
      EXPECT_TRUE(v.accepted()) << "accepted when the time is inside the validity window";
    } else if (verdict == "reject: report signature invalid") {
      ExpectRejectedAt(c, "report_signature", "signature");
    } else {
      ADD_FAILURE() << "unknown verdict_at_check_date: " << verdict;
    }
    const bool vek_valid = e.Take("vek_valid_at_check_date").get<bool>();
    EXPECT_EQ(CheckValidAt(vek_certs[0], check_date, "VEK").has_value(), vek_valid);

    // Debug guests: accepted only with allow_debug.
    if (debug) {
      VerifyInputs strict = in;
      strict.validation.allow_debug = false;
      ExpectRejectedAt(verifier().Verify(report, strict), "debug", "POLICY.DEBUG = 1");
    }

    // VEK extensions against the report.
    auto ext = Extensions(vek_certs[0]);
    ASSERT_TRUE(ext.has_value()) << ext.error().ToString();
    const bool tcb_match = e.Take("vek_tcb_matches_reported_tcb").get<bool>();
    if (const Check* t = FindCheck(v, "vek_tcb")) {
      EXPECT_EQ(t->ok, tcb_match) << t->detail;
    } else {
      EXPECT_FALSE(sig_valid.get<bool>()) << "vek_tcb missing on a valid signature";
      auto cert_tcb = ExtensionTcb(*ext, TcbLayoutFor(product));
      ASSERT_TRUE(cert_tcb.has_value());
      EXPECT_EQ(EncodeTcb(*cert_tcb, TcbLayoutFor(product)) == parsed->reported_tcb, tcb_match);
    }
    const json& hwid_match = e.Take("vek_hwid_matches_chip_id");
    const Check* hw = FindCheck(v, "vek_hwid");
    if (hwid_match.is_null()) {
      EXPECT_EQ(vec["vek_kind"], "VLEK");
      EXPECT_EQ(hw, nullptr);
      EXPECT_FALSE(ext->hwid.has_value());
      EXPECT_TRUE(ext->csp_id.has_value());
    } else {
      ASSERT_NE(hw, nullptr);
      EXPECT_EQ(hw->ok, hwid_match.get<bool>()) << hw->detail;
    }
    const std::string product_name = e.Take("vek_product_name").get<std::string>();
    EXPECT_EQ(ext->product_name, product_name);
    if (v.complete()) {
      EXPECT_EQ(v.collateral["vek"]["product_name"], product_name);
    }
  }

  // Extra files.
  const json& extra = vec["extra_files"];
  if (extra.contains("crl")) {
    // The KDS CRL is past its nextUpdate at verify_at: stale unless allowed; the one
    // serial it revokes is not this chain's ASK.
    Bytes der = testing::ReadTestFile(dir, extra["crl"].get<std::string>());
    auto crl = Crl::Parse(der);
    ASSERT_TRUE(crl.has_value()) << crl.error().ToString();
    ASSERT_TRUE(crl->NextUpdate().has_value());
    ASSERT_GT(in.at, *crl->NextUpdate());
    VerifyInputs with_crl = in;
    with_crl.crls = {*crl};
    ExpectRejectedAt(verifier().Verify(report, with_crl), "revocation",
                     "CRL of ARK-" + vec["product"].get<std::string>() +
                         " is stale: nextUpdate " + FormatTime(*crl->NextUpdate()));
    with_crl.validation.allow_stale_crl = true;
    Verification ok = verifier().Verify(report, with_crl);
    EXPECT_TRUE(ok.accepted()) << ok.reason();
    const Check* rev = FindCheck(ok, "revocation");
    ASSERT_NE(rev, nullptr);
    EXPECT_TRUE(rev->ok);
    // At a time inside both the CRL's window and the VCEK's, the CRL is fresh.
    with_crl.validation.allow_stale_crl = false;
    with_crl.at = std::max(crl->ThisUpdate(), vek_certs[0].NotBefore()) + 86400;
    ASSERT_LT(with_crl.at, *crl->NextUpdate());
    Verification fresh = verifier().Verify(report, with_crl);
    EXPECT_TRUE(fresh.accepted()) << fresh.reason();
  }
  if (extra.contains("auxblob_cert_table")) {
    Bytes blob = testing::ReadTestFile(dir, extra["auxblob_cert_table"].get<std::string>());
    auto table = ParseCertTable(blob);
    ASSERT_TRUE(table.has_value()) << table.error().ToString();
    VerifyInputs from_table;
    from_table.at = in.at;
    std::set<CertKind> kinds;
    for (const CertTableEntry& entry : *table) {
      kinds.insert(entry.kind);
      auto certs = ParseCertificates(entry.data);
      ASSERT_TRUE(certs.has_value()) << CertKindName(entry.kind);
      ASSERT_EQ(certs->size(), 1u);
      if (entry.kind == CertKind::kArk) {
        // A root in the table is not trusted because it is there; it is AMD's.
        EXPECT_EQ(certs->front().sha256(), Builtin(product).ark.sha256());
      }
      if (entry.kind == CertKind::kVcek) {
        EXPECT_EQ(certs->front().sha256(), vek_certs[0].sha256());
      }
      from_table.certs.push_back(certs->front());
    }
    EXPECT_EQ(kinds, (std::set<CertKind>{CertKind::kArk, CertKind::kAsk, CertKind::kVcek}));
    Verification t = verifier().Verify(report, from_table);
    EXPECT_TRUE(t.accepted()) << t.reason();
    EXPECT_FALSE(t.simulated);
  }

  // --- claims ---
  EXPECT_EQ(claims["version"], e.Take("version"));
  EXPECT_EQ(claims["guest_svn"], e.Take("guest_svn"));
  EXPECT_EQ(claims["policy"]["raw"], e.Take("policy"));
  EXPECT_EQ(claims["policy"]["debug_allowed"], debug);
  EXPECT_EQ(claims["policy"]["smt_allowed"], e.Take("policy_smt_allowed"));
  EXPECT_EQ(claims["policy"]["migrate_ma"], e.Take("policy_migrate_ma_allowed"));
  EXPECT_EQ(claims["vmpl"], e.Take("vmpl"));
  EXPECT_EQ(claims["signature_algo"], e.Take("signature_algo"));
  std::string signing_key = e.Take("signing_key").get<std::string>();
  for (char& ch : signing_key) ch = static_cast<char>(std::tolower(ch));
  EXPECT_EQ(claims["signing_key"], signing_key);
  EXPECT_EQ(claims["platform_info"]["raw"], e.Take("platform_info"));
  for (const char* field :
       {"measurement", "report_data", "host_data", "id_key_digest", "report_id", "chip_id"}) {
    EXPECT_EQ(claims[field], e.Take(field)) << field;
  }
  const std::string layout(TcbLayoutName(TcbLayoutFor(product)));
  EXPECT_EQ(e.Take("tcb_layout"), layout);
  for (const char* tcb : {"current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"}) {
    SCOPED_TRACE(tcb);
    ExpectTcb(e.Take(tcb), claims[tcb], layout);
  }
  EXPECT_EQ(claims["current_version"], e.Take("current_version"));
  EXPECT_EQ(claims["committed_version"], e.Take("committed_version"));
  EXPECT_EQ(claims.contains("cpuid"), e.Has("cpuid"));
  if (e.Has("cpuid")) {
    EXPECT_EQ(claims["cpuid"], e.Take("cpuid"));
  }
  EXPECT_EQ(claims.contains("launch_mit_vector"), e.Has("launch_mit_vector"));
  for (const char* mit : {"launch_mit_vector", "current_mit_vector"}) {
    if (e.Has(mit)) {
      EXPECT_EQ(claims[mit], e.Take(mit)) << mit;
    }
  }

  e.ExpectAllTaken();
}

std::string VectorTestName(const ::testing::TestParamInfo<std::string>& param) {
  std::string name = param.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, SnpVectorTest, ::testing::ValuesIn(VectorIds()),
                         VectorTestName);

TEST(SnpVectorManifestTest, HasEveryVector) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  EXPECT_EQ(manifest["schema"], "snp-test-vectors/1");
  EXPECT_EQ(manifest["vectors"].size(), 26u);
}

TEST(SnpCertificatesOnlyTest, TurinVcek) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  ASSERT_EQ(manifest["certificates_only"].size(), 1u);
  for (const json& item : manifest["certificates_only"]) {
    EXPECT_EQ(item["kind"], "VCEK");
    const Product product = ProductFromName(item["product"].get<std::string>());
    ASSERT_EQ(product, Product::kTurin);
    std::vector<Certificate> certs = LoadCerts(dir, item["file"].get<std::string>());
    ASSERT_EQ(certs.size(), 1u);
    const Certificate& vcek = certs[0];
    Expectations e(item["expected"]);

    auto ext = Extensions(vcek);
    ASSERT_TRUE(ext.has_value()) << ext.error().ToString();
    const json& want = e.Take("amd_extensions");
    std::set<std::string> taken;
    auto spl = [&](const char* key, const std::optional<uint8_t>& have) {
      taken.insert(key);
      if (!want.contains(key)) {
        EXPECT_FALSE(have.has_value()) << key << " present but not expected";
        return;
      }
      ASSERT_TRUE(have.has_value()) << key;
      EXPECT_EQ(*have, want[key].get<int>()) << key;
    };
    taken.insert("structVersion");
    EXPECT_EQ(ext->struct_version, want["structVersion"].get<int64_t>());
    taken.insert("productName");
    EXPECT_EQ(ext->product_name, want["productName"].get<std::string>());
    spl("fmcSPL", ext->fmc_spl);
    spl("blSPL", ext->bl_spl);
    spl("teeSPL", ext->tee_spl);
    spl("snpSPL", ext->snp_spl);
    spl("spl_4", ext->spl_4_7[0]);
    spl("spl_5", ext->spl_4_7[1]);
    spl("spl_6", ext->spl_4_7[2]);
    spl("spl_7", ext->spl_4_7[3]);
    spl("ucodeSPL", ext->ucode_spl);
    taken.insert("hwID");
    ASSERT_TRUE(ext->hwid.has_value());
    EXPECT_EQ(ext->hwid->size(), kTurinHwIdSize);
    EXPECT_EQ(ToHex(*ext->hwid), want["hwID"]);
    EXPECT_FALSE(ext->csp_id.has_value());
    for (const auto& [key, value] : want.items()) {
      EXPECT_TRUE(taken.count(key) == 1) << "amd_extensions." << key << " was not checked";
    }
    auto tcb = ExtensionTcb(*ext, TcbLayout::kTurin);
    ASSERT_TRUE(tcb.has_value());
    EXPECT_EQ(tcb->fmc, want["fmcSPL"].get<int>());

    EXPECT_EQ(vcek.SerialHex(), std::to_string(e.Take("serial").get<int>()));
    EXPECT_EQ(FormatTime(vcek.NotBefore()), e.Take("not_before"));
    EXPECT_EQ(FormatTime(vcek.NotAfter()), e.Take("not_after"));
    EXPECT_EQ(vcek.SubjectCn(), "SEV-VCEK");

    const auto& builtin = Builtin(product);
    auto chain = BuildChain(vcek, std::vector<Certificate>{builtin.ask},
                            std::vector<Certificate>{builtin.ark});
    EXPECT_EQ(chain.has_value(), e.Take("signed_by_ask_valid").get<bool>())
        << (chain ? "" : chain.error().ToString());
    ASSERT_TRUE(chain.has_value());
    ASSERT_EQ(chain->size(), 3u);
    EXPECT_EQ((*chain)[1].sha256(), builtin.ask.sha256());
    EXPECT_EQ((*chain)[2].sha256(), builtin.ark.sha256());
    // Not under another product's ASK.
    const auto& milan = Builtin(Product::kMilan);
    EXPECT_FALSE(BuildChain(vcek, std::vector<Certificate>{milan.ask},
                            std::vector<Certificate>{milan.ark})
                     .has_value());
    e.ExpectAllTaken();
  }
}

TEST(SnpRootCertificatesTest, EqualBuiltIn) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  const json& roots = manifest["root_certificates"];
  ASSERT_EQ(roots.size(), 3u);
  for (const auto& [product_name, certs] : roots.items()) {
    SCOPED_TRACE(product_name);
    const Product product = ProductFromName(product_name);
    const auto& builtin = Builtin(product);
    ASSERT_EQ(certs.size(), 3u);
    for (const auto& [role, want] : certs.items()) {
      SCOPED_TRACE(role);
      Expectations e(want);
      std::vector<Certificate> loaded = LoadCerts(dir, e.Take("file").get<std::string>());
      ASSERT_EQ(loaded.size(), 1u);
      const Certificate& c = loaded[0];
      const Certificate& pinned = role == "ark"    ? builtin.ark
                                  : role == "ask"  ? builtin.ask
                                  : role == "asvk" ? builtin.asvk
                                                   : c;
      ASSERT_NE(&pinned, &c) << "unknown role " << role;
      EXPECT_EQ(c.Sha256Hex(), e.Take("sha256_der"));
      EXPECT_EQ(pinned.Sha256Hex(), c.Sha256Hex());
      EXPECT_EQ(c.SubjectCn(), e.Take("subject_cn"));
      EXPECT_EQ("0x" + c.SerialHex(), e.Take("serial"));
      EXPECT_EQ(FormatTime(c.NotBefore()), e.Take("not_before"));
      EXPECT_EQ(FormatTime(c.NotAfter()), e.Take("not_after"));
      if (role == "ark") {
        auto chain = BuildChain(c, {}, std::vector<Certificate>{c});
        EXPECT_EQ(chain.has_value(), e.Take("self_signature_valid").get<bool>());
      } else {
        auto chain = BuildChain(c, {}, std::vector<Certificate>{builtin.ark});
        EXPECT_EQ(chain.has_value(), e.Take("signed_by_ark_valid").get<bool>())
            << (chain ? "" : chain.error().ToString());
        if (chain) {
          EXPECT_EQ(chain->size(), 2u);
        }
      }
      e.ExpectAllTaken();
    }
    // The manifest's top-level roots name the same files.
    const json& files = manifest["roots"][product_name];
    for (const char* role : {"ark", "ask", "asvk"}) {
      EXPECT_EQ(files[role], certs[role]["file"]) << role;
    }
  }
}

TEST(SnpCrlVectorTest, KdsCrls) {
  VT_SNP_TESTDATA_OR_SKIP(dir);
  json manifest = testing::LoadVectors(dir);
  const UnixTime check_date = Time(kCheckDate);
  ASSERT_EQ(manifest["crls"].size(), 2u);
  for (const json& item : manifest["crls"]) {
    SCOPED_TRACE(item["file"].get<std::string>());
    const Product product = ProductFromName(item["product"].get<std::string>());
    const auto& builtin = Builtin(product);
    Expectations e(item["expected"]);
    Bytes pem = testing::ReadTestFile(dir, item["file"].get<std::string>());
    Bytes der = testing::ReadTestFile(dir, item["der"].get<std::string>());
    auto from_pem = Crl::Parse(pem);
    auto crl = Crl::Parse(der);
    ASSERT_TRUE(from_pem.has_value()) << from_pem.error().ToString();
    ASSERT_TRUE(crl.has_value()) << crl.error().ToString();
    EXPECT_EQ(from_pem->sha256(), crl->sha256());
    EXPECT_EQ(ToHex(crl->sha256()), e.Take("sha256_der"));
    EXPECT_NE(crl->Issuer().find("CN=" + item["issuer"].get<std::string>()), std::string::npos)
        << crl->Issuer();
    EXPECT_EQ(crl->VerifySignature(builtin.ark.PublicKey()).has_value(),
              e.Take("signature_valid").get<bool>());
    // Signed by its own product's ARK, not another's.
    const Product other = product == Product::kMilan ? Product::kGenoa : Product::kMilan;
    EXPECT_FALSE(crl->VerifySignature(Builtin(other).ark.PublicKey()).has_value());
    EXPECT_EQ(FormatTime(crl->ThisUpdate()), e.Take("this_update"));
    ASSERT_TRUE(crl->NextUpdate().has_value());
    EXPECT_EQ(FormatTime(*crl->NextUpdate()), e.Take("next_update"));
    std::vector<std::string> want_serials;
    for (const json& s : e.Take("revoked_serials")) {
      want_serials.push_back(StripHexPrefix(s.get<std::string>()));
    }
    EXPECT_EQ(crl->RevokedSerialsHex(), want_serials);
    EXPECT_EQ(check_date > *crl->NextUpdate(), e.Take("stale_at_check_date").get<bool>());

    // Against the built-in chain: stale at the check date, fine inside its window, and no
    // current ASK is revoked.
    std::vector<Certificate> chain = {builtin.ask, builtin.ark};
    auto stale = CheckRevocation(chain, std::vector<Crl>{*crl}, check_date, {});
    ASSERT_FALSE(stale.has_value());
    EXPECT_EQ(stale.error().code, ErrorCode::kExpired);
    EXPECT_TRUE(CheckRevocation(chain, std::vector<Crl>{*crl}, crl->ThisUpdate() + 60, {}));
    e.ExpectAllTaken();
  }
}

}  // namespace
}  // namespace veritee::snp
