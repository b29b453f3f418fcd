// The broker end to end in-process: a simulated SEV-SNP guest, the real SEV-SNP verifier,
// a SQLite store in a temporary folder, and a clock the test moves.
#include "kbs/broker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "base/encoding.h"
#include "kbs/sim_guest.h"
#include "verify/snp/verifier.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

constexpr UnixTime kT0 = 1790000000;  // 2026-09-21

class ManualClock final : public Clock {
 public:
  UnixTime Now() const override { return t_.load(); }
  void Advance(int64_t s) { t_ += s; }
  std::atomic<UnixTime> t_{kT0 + 3600};
};

struct Pki {
  std::optional<sim::SnpSimulator> simulator;
  std::optional<SnpSimGuest> guest, debug_guest, other_measurement;
};
// One simulator PKI for the binary (RSA key generation is slow under ASan).
Pki& SharedPki() {
  static Pki pki = [] {
    Pki p;
    auto s = sim::SnpSimulator::Create(snp::Product::kGenoa, kT0, 2048);
    if (!s) return p;
    p.simulator = std::move(*s);
    p.guest = *SnpSimGuest::FromSimulator(*p.simulator, {});
    SimGuestOptions debug;
    debug.debug = true;
    p.debug_guest = *SnpSimGuest::FromSimulator(*p.simulator, debug);
    SimGuestOptions other;
    other.measurement = Bytes(48, 0x77);
    p.other_measurement = *SnpSimGuest::FromSimulator(*p.simulator, other);
    return p;
  }();
  return pki;
}

// The appraisal policy of these tests: simulated SEV-SNP evidence is acceptable.
appraise::Policy SimPolicy() {
  auto p = appraise::LoadPolicyText(
      R"({"version": 1, "sev-snp": {"appraisal": {"simulated_evidence_allowed": true}}})");
  EXPECT_TRUE(p) << (p ? "" : p.error().ToString());
  return *p;
}

class BrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Pki& pki = SharedPki();
    ASSERT_TRUE(pki.simulator.has_value());
    dir_ = std::filesystem::temp_directory_path() /
           ("veritee-broker-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto st = store::OpenStore(dir_ + "/db.sqlite", 2);
    ASSERT_TRUE(st) << st.error().ToString();
    store_ = std::move(*st);
    auto key = JwsKey::Generate(JwsAlg::kEs256);
    ASSERT_TRUE(key);
    tokens_ = NewEarTokenIssuer(*key, SimPolicy());
    const Certificate ark = pki.simulator->ark();
    EvidenceVerifier verify = [this, ark](const EvidenceInput& in) -> Result<Verification> {
      if (in.tee != "sev-snp") {
        Verification v{in.tee};
        v.Add("format", false, "this test verifies SEV-SNP only");
        return v;
      }
      snp::VerifyInputs inputs;
      inputs.at = in.at;
      inputs.extra_roots = {ark};
      for (const Bytes& c : *in.certificates) {
        VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(c));
        inputs.certs.insert(inputs.certs.end(), certs.begin(), certs.end());
      }
      return verifier_.Verify(in.evidence, inputs);
    };
    BrokerOptions options;
    options.nonce_ttl_s = 300;
    options.token_ttl_s = 300;
    broker_ = std::make_unique<Broker>(*store_, *Kek::FromBytes(Bytes(32, 0x42)), *tokens_,
                                       verify, clock_, options,
                                       [this](const Event& e) { events_.push_back(e); });
    ASSERT_TRUE(broker_->PutDocument("policy", "snp-default", R"({"rules": [
        {"claim": "tee", "in": ["sev-snp"]},
        {"claim": "measurement", "in_reference": "good-images"}]})"));
    ASSERT_TRUE(broker_->PutDocument("reference", "good-images",
                                     R"({"values": [")" + pki.guest->measurement_hex() + R"("]})"));
    ASSERT_TRUE(broker_->PutResource("default/key/db", Span("hunter2"), "snp-default"));
  }
  void TearDown() override {
    broker_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static ByteSpan Span(std::string_view s) {
    return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }

  struct Session {
    std::string id, nonce;
  };
  Session Auth(const std::string& tee = "snp") {
    auto c = broker_->Auth(R"({"version": "0.1.1", "tee": ")" + tee + R"(", "extra-params": {}})");
    EXPECT_TRUE(c) << (c ? "" : c.error().reason);
    if (!c) return {};
    return {c->session_id, json::parse(c->body)["nonce"].get<std::string>()};
  }
  // The Attestation body for `nonce` and `key`; report data bound to `bind_nonce`.
  std::string AttestBody(const SnpSimGuest& guest, const std::string& nonce, const Jwk& key,
                         const std::string& bind_nonce = "") {
    const std::string canon = CanonicalRuntimeData(bind_nonce.empty() ? nonce : bind_nonce, key);
    auto evidence = guest.Evidence(ReportDataFor(canon));
    EXPECT_TRUE(evidence);
    json body = {{"runtime-data", {{"nonce", nonce}, {"tee-pubkey", json::parse(JwkToJson(key))}}},
                 {"tee-evidence", *evidence}};
    return body.dump();
  }
  std::string Secret(const TeeKeyPair& key, const std::string& jwe_json) {
    auto jwe = ParseJweFlattened(jwe_json);
    EXPECT_TRUE(jwe);
    auto plain = key.Decrypt(*jwe);
    EXPECT_TRUE(plain) << (plain ? "" : plain.error().ToString());
    return plain ? std::string(reinterpret_cast<const char*>(plain->data()), plain->size()) : "";
  }
  std::string LastReason(const std::string& kind) {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->kind == kind) return it->fields.value("reason", "");
    }
    return "";
  }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TokenIssuer> tokens_;
  snp::SnpVerifier verifier_;
  std::unique_ptr<Broker> broker_;
  std::vector<Event> events_;
};

TEST_F(BrokerTest, SimulatedGuestReceivesItsSecretWithCookieAndToken) {
  for (auto kind : {TeeKeyPair::Kind::kEcP256, TeeKeyPair::Kind::kRsa2048}) {
    auto key = TeeKeyPair::Generate(kind);
    ASSERT_TRUE(key);
    Session s = Auth();
    auto attested = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk()));
    ASSERT_TRUE(attested) << attested.error().reason;
    EXPECT_EQ(attested->tee, "sev-snp");
    auto by_cookie = broker_->Resource("default/key/db", s.id, "");
    ASSERT_TRUE(by_cookie) << by_cookie.error().reason;
    EXPECT_EQ(Secret(*key, *by_cookie), "hunter2");
    const std::string token = json::parse(attested->body)["token"];
    auto by_token = broker_->Resource("default/key/db", "", token);
    ASSERT_TRUE(by_token) << by_token.error().reason;
    EXPECT_EQ(Secret(*key, *by_token), "hunter2");
  }
  auto registry = broker_->Registry("sev-snp", "", 10);
  ASSERT_TRUE(registry);
  ASSERT_EQ((*registry)["providers"].size(), 2u);
  EXPECT_EQ((*registry)["providers"][0]["measurement"], SharedPki().guest->measurement_hex());
  EXPECT_EQ((*registry)["providers"][0]["expired"], false);
}

TEST_F(BrokerTest, ReplayedNonceIsRefused) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  const std::string body = AttestBody(*SharedPki().guest, s.nonce, key->public_jwk());
  ASSERT_TRUE(broker_->Attest(s.id, body));
  auto replay = broker_->Attest(s.id, body);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().status, 401);
  EXPECT_EQ(replay.error().client, "attestation failed");
  EXPECT_NE(replay.error().reason.find("nonce already used"), std::string::npos);
}

TEST_F(BrokerTest, ExpiredNonceIsRefused) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  clock_.Advance(301);
  auto late = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk()));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().status, 401);
  EXPECT_EQ(late.error().reason, "nonce expired");
}

TEST_F(BrokerTest, ReportDataMustBindNonceAndKey) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  auto other_key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  // Evidence bound to another nonce.
  auto r = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk(), "other"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
  EXPECT_NE(r.error().reason.find("does not bind"), std::string::npos) << r.error().reason;
  // Evidence bound to another key: runtime-data names key, the report hashes other_key.
  Session s2 = Auth();
  const std::string canon = CanonicalRuntimeData(s2.nonce, other_key->public_jwk());
  auto ev = SharedPki().guest->Evidence(ReportDataFor(canon));
  json body = {{"runtime-data", {{"nonce", s2.nonce}, {"tee-pubkey", json::parse(JwkToJson(key->public_jwk()))}}},
               {"tee-evidence", *ev}};
  auto r2 = broker_->Attest(s2.id, body.dump());
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().reason.find("does not bind"), std::string::npos);
  // The failed attempt burnt the nonce: a correct retry on the same session fails too.
  auto retry = broker_->Attest(s2.id, AttestBody(*SharedPki().guest, s2.nonce, key->public_jwk()));
  ASSERT_FALSE(retry);
  EXPECT_NE(retry.error().reason.find("nonce already used"), std::string::npos);
}

TEST_F(BrokerTest, DebugGuestIsRefusedAtAttestation) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  auto r = broker_->Attest(s.id, AttestBody(*SharedPki().debug_guest, s.nonce, key->public_jwk()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
  EXPECT_NE(r.error().reason.find("debug"), std::string::npos) << r.error().reason;
}

TEST_F(BrokerTest, MeasurementOutsideThePolicyIsForbiddenAndLogged) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  ASSERT_TRUE(broker_->Attest(s.id, AttestBody(*SharedPki().other_measurement, s.nonce, key->public_jwk())));
  auto r = broker_->Resource("default/key/db", s.id, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().client, "forbidden");  // the client learns nothing more
  EXPECT_NE(r.error().reason.find("rule 2 (measurement in reference values 'good-images')"),
            std::string::npos)
      << r.error().reason;
  auto denials = broker_->Denials(10);
  ASSERT_TRUE(denials);
  ASSERT_EQ(denials->size(), 1u);
  EXPECT_EQ((*denials)[0].resource, "default/key/db");
  EXPECT_NE((*denials)[0].rule.find("good-images"), std::string::npos);
}

TEST_F(BrokerTest, UnknownSessionIsUnauthorized) {
  auto a = broker_->Attest("deadbeef", "{}");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().status, 401);
  auto r = broker_->Resource("default/key/db", "deadbeef", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
  auto none = broker_->Resource("default/key/db", "", "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().status, 401);
  // A session that only authenticated (no attestation) gets nothing either.
  Session s = Auth();
  auto r2 = broker_->Resource("default/key/db", s.id, "");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().status, 401);
}

TEST_F(BrokerTest, TokenPastExpiryIsRefused) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  auto attested = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk()));
  ASSERT_TRUE(attested);
  const std::string token = json::parse(attested->body)["token"];
  clock_.Advance(300);
  auto by_token = broker_->Resource("default/key/db", "", token);
  ASSERT_FALSE(by_token);
  EXPECT_EQ(by_token.error().status, 401);
  EXPECT_NE(by_token.error().reason.find("expired"), std::string::npos);
  auto by_cookie = broker_->Resource("default/key/db", s.id, "");
  ASSERT_FALSE(by_cookie);
  EXPECT_EQ(by_cookie.error().status, 401);
}

TEST_F(BrokerTest, TokenForAnotherKeyIsRefused) {
  auto key_a = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  auto key_b = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session a = Auth(), b = Auth();
  auto ta = broker_->Attest(a.id, AttestBody(*SharedPki().guest, a.nonce, key_a->public_jwk()));
  auto tb = broker_->Attest(b.id, AttestBody(*SharedPki().guest, b.nonce, key_b->public_jwk()));
  ASSERT_TRUE(ta && tb);
  // B's token with A's session cookie: two different keys.
  auto mixed = broker_->Resource("default/key/db", a.id, json::parse(tb->body)["token"]);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().status, 401);
  EXPECT_NE(mixed.error().reason.find("not the session's key"), std::string::npos);
  // A token signed by another service's key.
  auto foreign_key = JwsKey::Generate(JwsAlg::kEs256);
  auto foreign = NewEarTokenIssuer(*foreign_key, SimPolicy());
  Verification v{"sev-snp"};
  v.Add("everything", true, "forged");
  v.MarkComplete();
  v.simulated = true;
  v.claims = {{"measurement", SharedPki().guest->measurement_hex()}};
  auto forged = foreign->Issue(v, JwkToJson(key_a->public_jwk()), clock_.Now(), clock_.Now() + 300);
  ASSERT_TRUE(forged) << forged.error().ToString();
  ASSERT_TRUE(forged->acceptable);
  auto r = broker_->Resource("default/key/db", "", forged->token);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
}

TEST_F(BrokerTest, TeeMustMatchTheRequest) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth("tdx");
  auto r = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
}

TEST_F(BrokerTest, MissingResourcesAndPolicies) {
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  ASSERT_TRUE(broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, key->public_jwk())));
  auto missing = broker_->Resource("default/key/none", s.id, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);
  ASSERT_TRUE(broker_->PutResource("default/key/nopolicy", Span("x"), ""));
  auto no_policy = broker_->Resource("default/key/nopolicy", s.id, "");
  ASSERT_FALSE(no_policy);
  EXPECT_EQ(no_policy.error().status, 403);
  auto bad_path = broker_->Resource("../etc/passwd", s.id, "");
  ASSERT_FALSE(bad_path);
  EXPECT_EQ(bad_path.error().status, 400);
  EXPECT_FALSE(broker_->PutResource("default/key/x", Span("x"), "no-such-policy"));
}

TEST_F(BrokerTest, ResourcesAreSealedAtRest) {
  auto stored = store_->GetResource("default/key/db");
  ASSERT_TRUE(stored && stored->has_value());
  auto box = FromBase64((*stored)->sealed);
  ASSERT_TRUE(box);
  std::string raw(box->begin(), box->end());
  EXPECT_EQ(raw.find("hunter2"), std::string::npos);
  auto info = broker_->ResourceInfo("default/key/db");
  ASSERT_TRUE(info && info->has_value());
  EXPECT_TRUE((*info)->sealed.empty());
  // Another KEK cannot open it; nor can the right KEK under another path.
  auto other = Kek::FromBytes(Bytes(32, 0x43));
  EXPECT_EQ(other->Open("default/key/db", (*stored)->sealed).error().code, ErrorCode::kBadSignature);
  EXPECT_EQ(broker_->kek().Open("default/key/db2", (*stored)->sealed).error().code,
            ErrorCode::kBadSignature);
}

TEST_F(BrokerTest, AppraisalPolicyGatesAttestation) {
  // The default appraisal policy refuses simulated evidence.
  auto key = JwsKey::Generate(JwsAlg::kEs256);
  tokens_ = NewEarTokenIssuer(*key, appraise::Policy{});
  broker_ = std::make_unique<Broker>(*store_, *Kek::FromBytes(Bytes(32, 0x42)), *tokens_,
                                     [this](const EvidenceInput& in) -> Result<Verification> {
                                       snp::VerifyInputs inputs;
                                       inputs.at = in.at;
                                       inputs.extra_roots = {SharedPki().simulator->ark()};
                                       for (const Bytes& c : *in.certificates) {
                                         auto certs = ParseCertificates(c);
                                         inputs.certs.insert(inputs.certs.end(), certs->begin(),
                                                             certs->end());
                                       }
                                       return verifier_.Verify(in.evidence, inputs);
                                     },
                                     clock_, BrokerOptions{});
  auto tee_key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Session s = Auth();
  auto r = broker_->Attest(s.id, AttestBody(*SharedPki().guest, s.nonce, tee_key->public_jwk()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
  EXPECT_NE(r.error().reason.find("appraisal contraindicated"), std::string::npos)
      << r.error().reason;
}

TEST_F(BrokerTest, AuthRefusals) {
  EXPECT_EQ(broker_->Auth("{").error().status, 400);
  EXPECT_EQ(broker_->Auth(R"({"version": 1, "tee": "snp"})").error().status, 400);
  EXPECT_EQ(broker_->Auth(R"({"version": "9.0.0", "tee": "snp"})").error().status, 401);
  EXPECT_EQ(broker_->Auth(R"({"version": "0.1.0", "tee": "abacus"})").error().status, 401);
}

}  // namespace
}  // namespace veritee::kbs
