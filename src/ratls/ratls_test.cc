// RA-TLS end to end on loopback with simulator evidence: real OpenSSL handshakes between a
// server thread and a client, both sides' callbacks, and the refusals the issue lists.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/err.h>

#include "attest/binding.h"
#include "attest/sim/dcap_sim.h"
#include "attest/sim/snp_attester.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "base/encoding.h"
#include "ratls/extension.h"
#include "ratls/policy.h"
#include "ratls/tls.h"

namespace veritee::ratls {
namespace {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixTime t) : t_(t) {}
  UnixTime Now() const override { return t_.load(); }
  void Set(UnixTime t) { t_ = t; }

 private:
  std::atomic<UnixTime> t_;
};

using SslCtxPtr = OsslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OsslPtr<SSL, SSL_free>;

struct Outcome {
  bool server_ok = false, client_ok = false;
  std::string server_reason, client_reason;
  std::string received;
  const Verification* client_view = nullptr;  // valid only inside Handshake's callback
  bool client_saw_evidence_extension = false;
  bool client_accepted = false, server_accepted = false;
  bool client_simulated = false;
};

// One connection on 127.0.0.1: the server accepts and sends "hello"; the client reads it.
Outcome Handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  Outcome out;
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  ::listen(listener, 1);
  std::thread server([&] {
    int fd = ::accept(listener, nullptr, nullptr);
    SslPtr ssl(SSL_new(server_ctx));
    SSL_set_fd(ssl.get(), fd);
    out.server_ok = SSL_accept(ssl.get()) == 1;
    out.server_reason = FailureReason(ssl.get());
    if (const Verification* v = PeerVerification(ssl.get())) out.server_accepted = v->accepted();
    if (out.server_ok) {
      out.server_ok = SSL_write(ssl.get(), "hello", 5) == 5;
      SSL_shutdown(ssl.get());
    }
    ERR_clear_error();
    ::close(fd);
  });
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  SslPtr ssl(SSL_new(client_ctx));
  SSL_set_fd(ssl.get(), fd);
  out.client_ok = SSL_connect(ssl.get()) == 1;
  out.client_reason = FailureReason(ssl.get());
  if (const Verification* v = PeerVerification(ssl.get())) {
    out.client_accepted = v->accepted();
    out.client_simulated = v->simulated;
  }
  if (out.client_ok) {
    if (X509* peer = SSL_get1_peer_certificate(ssl.get())) {
      auto obj = OBJ_txt2obj(kEvidenceOid, 1);
      out.client_saw_evidence_extension = X509_get_ext_by_OBJ(peer, obj, -1) >= 0;
      ASN1_OBJECT_free(obj);
      X509_free(peer);
    }
    char buf[16] = {};
    int n = SSL_read(ssl.get(), buf, sizeof buf);
    if (n > 0) out.received.assign(buf, static_cast<size_t>(n));
    if (n <= 0) out.client_ok = false;  // TLS 1.3: the server's refusal arrives here
  }
  ERR_clear_error();
  ::close(fd);
  server.join();
  ::close(listener);
  return out;
}

class RatlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = (std::filesystem::temp_directory_path() /
            ("veritee-ratls-" + std::to_string(::getpid())))
               .string();
    sim::SnpAttesterOptions o;
    o.rsa_bits = 2048;
    auto a = sim::SnpSimAttester::Open(dir_, o, SystemClock().Now());
    ASSERT_TRUE(a) << a.error().ToString();
    attester_ = std::shared_ptr<sim::SnpSimAttester>(std::move(*a));
    auto ark = ParseCertificates(attester_->simulator().ark().der());
    ark_ = (*ark)[0];
  }
  static void TearDownTestSuite() {
    attester_.reset();
    std::filesystem::remove_all(dir_);
  }

  ManualClock clock_{SystemClock().Now()};

  VerifierOptions TrustingSim() const {
    VerifierOptions o;
    o.extra_roots = {ark_};
    return o;
  }
  static SslCtxPtr ServerCtx() { return SslCtxPtr(SSL_CTX_new(TLS_server_method())); }
  static SslCtxPtr ClientCtx() { return SslCtxPtr(SSL_CTX_new(TLS_client_method())); }

  Identity Fresh(const CertOptions& o = {}) {
    auto id = IssueCertificate(*attester_, o, clock_.Now());
    EXPECT_TRUE(id) << id.error().ToString();
    return *id;
  }

  Outcome ClientVerifies(const Identity& server_identity, VerifierOptions options) {
    auto s = ServerCtx();
    EXPECT_TRUE(UseIdentity(s.get(), server_identity));
    auto c = ClientCtx();
    auto verifier = std::make_shared<Verifier>(std::move(options), clock_);
    EXPECT_TRUE(RequireAttestedPeer(c.get(), verifier, Role::kClient));
    return Handshake(s.get(), c.get());
  }

  // The identity's certificate re-issued with its evidence extension passed through `edit`.
  Identity Edited(const Identity& id, EVP_PKEY* key,
                  const std::function<void(EvidenceExtension&)>& edit) {
    std::optional<Bytes> endorsements;
    Bytes evidence_value;
    for (const CertExtension& e : id.cert.Extensions()) {
      if (e.oid == kEvidenceOid) evidence_value = e.value;
      if (e.oid == kEndorsementsOid) endorsements = e.value;
    }
    auto ext = DecodeEvidenceExtension(evidence_value);
    EXPECT_TRUE(ext);
    edit(*ext);
    auto cert = SelfSignedWithExtensions(key, {}, clock_.Now(), EncodeEvidenceExtension(*ext),
                                         endorsements);
    EXPECT_TRUE(cert) << cert.error().ToString();
    Identity out = id;
    out.cert = *cert;
    if (key != id.key.get()) {
      EVP_PKEY_up_ref(key);
      out.key = ShareKey(EvpPkeyPtr(key));
    }
    return out;
  }

  static std::string dir_;
  static std::shared_ptr<sim::SnpSimAttester> attester_;
  static Certificate ark_;
};
std::string RatlsTest::dir_;
std::shared_ptr<sim::SnpSimAttester> RatlsTest::attester_;
Certificate RatlsTest::ark_;

TEST_F(RatlsTest, AttestedServerAccepted) {
  Outcome o = ClientVerifies(Fresh(), TrustingSim());
  EXPECT_TRUE(o.client_ok) << o.client_reason;
  EXPECT_TRUE(o.server_ok);
  EXPECT_TRUE(o.client_accepted);
  EXPECT_TRUE(o.client_simulated) << "simulator evidence must say so";
  EXPECT_EQ(o.received, "hello");
  EXPECT_EQ(o.client_reason, "");
}

TEST_F(RatlsTest, AlteredEvidenceRefused) {
  Identity id = Fresh();
  Identity altered = Edited(id, id.key.get(), [](EvidenceExtension& e) { e.evidence[0x90] ^= 1; });
  Outcome o = ClientVerifies(altered, TrustingSim());
  EXPECT_FALSE(o.client_ok);
  EXPECT_FALSE(o.client_accepted);
  EXPECT_NE(o.client_reason.find("report_signature"), std::string::npos) << o.client_reason;
}

TEST_F(RatlsTest, EvidenceBindingAnotherKeyRefused) {
  Identity id = Fresh();  // evidence for id's key...
  auto other = GenerateEcKey("P-256");
  ASSERT_TRUE(other);
  auto spki = PublicKeyToDer(other->get());
  auto hash = Sha512(*spki);
  // ...in a certificate for another key, with a correct pubkey-hash for that key.
  Identity moved = Edited(id, other->get(), [&](EvidenceExtension& e) {
    e.pubkey_hash.assign(hash.begin(), hash.end());
  });
  Outcome o = ClientVerifies(moved, TrustingSim());
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("report_data"), std::string::npos) << o.client_reason;
  EXPECT_NE(o.client_reason.find("another key"), std::string::npos) << o.client_reason;

  // The plain copy of someone else's certificate: pubkey-hash disagrees.
  Identity copied = Edited(id, other->get(), [](EvidenceExtension&) {});
  o = ClientVerifies(copied, TrustingSim());
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("pubkey_hash"), std::string::npos) << o.client_reason;
}

TEST_F(RatlsTest, UntrustedRootRefused) {
  Outcome o = ClientVerifies(Fresh(), VerifierOptions{});
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("certificate_chain"), std::string::npos) << o.client_reason;
}

TEST_F(RatlsTest, MeasurementPolicyMismatchRefused) {
  VerifierOptions policy = TrustingSim();
  policy.snp.expect["measurement"] = Bytes(48, 0x00);
  Outcome o = ClientVerifies(Fresh(), policy);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("measurement"), std::string::npos) << o.client_reason;

  // The simulator's measurement (a0 a1 ...) is accepted.
  Bytes m(48);
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<uint8_t>(0xa0 + i);
  policy.snp.expect["measurement"] = m;
  EXPECT_TRUE(ClientVerifies(Fresh(), policy).client_ok);
}

TEST_F(RatlsTest, NonceRequiredByTheVerifier) {
  VerifierOptions policy = TrustingSim();
  policy.expected_nonce = Bytes{0xde, 0xad, 0xbe, 0xef};
  Outcome o = ClientVerifies(Fresh(), policy);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("nonce"), std::string::npos) << o.client_reason;
  CertOptions with_nonce;
  with_nonce.nonce = Bytes{0xde, 0xad, 0xbe, 0xef};
  o = ClientVerifies(Fresh(with_nonce), policy);
  EXPECT_TRUE(o.client_ok) << o.client_reason;
}

// --policy: a peer is checked against its own TEE's section, and a peer from a TEE the
// policy has no section for is refused rather than accepted unchecked.
TEST_F(RatlsTest, PolicySectionOfThePeersTee) {
  auto with_policy = [&](const std::string& text) {
    VerifierOptions o = TrustingSim();
    auto st = LoadPolicyText(text, o);
    EXPECT_TRUE(st) << st.error().ToString();
    return ClientVerifies(Fresh(), o);
  };
  Outcome o = with_policy(R"({"tdx": {}, "sgx": {}})");
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("tee: sev-snp evidence is not accepted"), std::string::npos)
      << o.client_reason;
  std::string measurement;  // the simulator's: a0 a1 ... cf
  for (int i = 0; i < 48; ++i) measurement += ToHex(Bytes{static_cast<uint8_t>(0xa0 + i)});
  o = with_policy(R"({"sev-snp": {"expect": {"measurement": ")" + measurement +
                  R"("}}, "tdx": {"expect": {"mr_td": ")" + std::string(96, '0') + R"("}}})");
  EXPECT_TRUE(o.client_ok) << o.client_reason;
  o = with_policy(R"({"sev-snp": {"expect": {"measurement": ")" + std::string(96, '0') + R"("}}})");
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("measurement"), std::string::npos) << o.client_reason;
}

TEST(RatlsPolicy, KeyErrorsNameTheKeyAndLine) {
  VerifierOptions o;
  auto st = LoadPolicyText("{\n \"sgx\": {\n  \"min_isv_svn\": 1,\n  \"mr_td\": \"00\"}}", o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "sgx.mr_td");
  EXPECT_NE(st.error().message.find("unknown key"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("(line 4)"), std::string::npos) << st.error().message;
  st = LoadPolicyText("{\"sev-snp\": {},\n \"tdx\": {\"expect\": {\n \"mr_tdd\": \"00\"}}}", o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "tdx.expect.mr_tdd");
  EXPECT_NE(st.error().message.find("(line 3)"), std::string::npos) << st.error().message;
  st = LoadPolicyText("{\"sev-snp\": {},\n \"sev_snp\": {}}", o);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "sev_snp");
  EXPECT_NE(st.error().message.find("(line 2)"), std::string::npos) << st.error().message;
  // Sections of TEEs that RA-TLS does not carry are skipped, but alone they accept no peer.
  st = LoadPolicyText(R"({"description": "x", "nitro": {"anything": 1}})", o);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("no \"sev-snp\", \"tdx\" or \"sgx\" section"),
            std::string::npos)
      << st.error().message;
  ASSERT_TRUE(LoadPolicyText(R"({"nitro": {}, "sgx": {"min_isv_svn": 2}})", o));
  EXPECT_EQ(*o.tees, std::set<std::string>{"sgx"});
  EXPECT_EQ(*o.sgx.min_isv_svn, 2);
  EXPECT_FALSE(o.tdx.min_isv_svn);
}

TEST_F(RatlsTest, MutualBothWays) {
  auto server_cache = std::make_shared<CertCache>(attester_, CertOptions{}, clock_);
  auto client_cache = std::make_shared<CertCache>(attester_, CertOptions{}, clock_);
  auto verifier = std::make_shared<Verifier>(TrustingSim(), clock_);
  auto s = ServerCtx();
  ASSERT_TRUE(UseCertCache(s.get(), server_cache));
  ASSERT_TRUE(RequireAttestedPeer(s.get(), verifier, Role::kServer));
  auto c = ClientCtx();
  ASSERT_TRUE(UseCertCache(c.get(), client_cache));
  ASSERT_TRUE(RequireAttestedPeer(c.get(), verifier, Role::kClient));
  Outcome o = Handshake(s.get(), c.get());
  EXPECT_TRUE(o.server_ok) << o.server_reason;
  EXPECT_TRUE(o.client_ok) << o.client_reason;
  EXPECT_TRUE(o.server_accepted);
  EXPECT_TRUE(o.client_accepted);

  // A client without a certificate is refused by the server.
  auto bare = ClientCtx();
  ASSERT_TRUE(RequireAttestedPeer(bare.get(), verifier, Role::kClient));
  o = Handshake(s.get(), bare.get());
  EXPECT_FALSE(o.server_ok);
  EXPECT_FALSE(o.client_ok);

  // A client whose evidence is altered is refused, with the reason on the server side.
  Identity id = Fresh();
  Identity altered = Edited(id, id.key.get(), [](EvidenceExtension& e) { e.evidence[0x90] ^= 1; });
  auto bad = ClientCtx();
  ASSERT_TRUE(UseIdentity(bad.get(), altered));
  ASSERT_TRUE(RequireAttestedPeer(bad.get(), verifier, Role::kClient));
  o = Handshake(s.get(), bad.get());
  EXPECT_FALSE(o.server_ok);
  EXPECT_NE(o.server_reason.find("report_signature"), std::string::npos) << o.server_reason;

  // And an attested client refuses a server whose root it does not trust.
  auto strict = std::make_shared<Verifier>(VerifierOptions{}, clock_);
  auto picky = ClientCtx();
  ASSERT_TRUE(UseCertCache(picky.get(), client_cache));
  ASSERT_TRUE(RequireAttestedPeer(picky.get(), strict, Role::kClient));
  o = Handshake(s.get(), picky.get());
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("certificate_chain"), std::string::npos);
  EXPECT_EQ(server_cache->issued(), 1u) << "handshakes reuse the cached certificate";
}

TEST_F(RatlsTest, PlainTlsClientStillConnectsAndSeesTheEvidence) {
  auto s = ServerCtx();
  ASSERT_TRUE(UseIdentity(s.get(), Fresh()));
  auto c = ClientCtx();
  SSL_CTX_set_verify(c.get(), SSL_VERIFY_NONE, nullptr);
  Outcome o = Handshake(s.get(), c.get());
  EXPECT_TRUE(o.client_ok);
  EXPECT_EQ(o.received, "hello");
  EXPECT_TRUE(o.client_saw_evidence_extension);
}

TEST_F(RatlsTest, OrdinaryCertificateRefused) {
  auto key = GenerateEcKey("P-256");
  CertSpec spec;
  spec.subject = {{"CN", "not attested"}};
  spec.not_before = clock_.Now() - 10;
  spec.not_after = clock_.Now() + 3600;
  spec.rsa_pss = false;
  auto cert = veritee::IssueCertificate(spec, key->get(), nullptr, key->get());
  ASSERT_TRUE(cert);
  Verifier v(TrustingSim(), clock_);
  Verification r = v.Verify(*cert);
  EXPECT_FALSE(r.accepted());
  EXPECT_NE(r.reason().find("not an RA-TLS certificate"), std::string::npos);
}

TEST_F(RatlsTest, CacheReusesUntilNearExpiry) {
  CertOptions o;
  o.validity_seconds = 7200;
  CertCache cache(attester_, o, clock_, /*refresh_before_seconds=*/1800);
  auto a = cache.Get();
  auto b = cache.Get();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_FALSE(*cache.RefreshIfDue());
  EXPECT_EQ(cache.issued(), 1u);
  clock_.Set(clock_.Now() + 7200 - 1700);  // inside the refresh window
  EXPECT_TRUE(*cache.RefreshIfDue());
  auto c = cache.Get();
  EXPECT_NE(a->get(), c->get());
  EXPECT_EQ(cache.issued(), 2u);
  clock_.Set(clock_.Now() + 10000);  // expired: Get issues rather than serve it
  auto d = cache.Get();
  EXPECT_NE(c->get(), d->get());
  // Verifying at a time past the certificate's notAfter fails on validity.
  Verifier later(TrustingSim(), clock_);
  clock_.Set(clock_.Now() + 100000);
  EXPECT_NE(later.Verify((*d)->cert).reason().find("certificate_validity"), std::string::npos);
}


// TDX: a quote from the DCAP simulator whose REPORTDATA binds the certificate's key, in the
// extension with Gramine's TEE-quote tag, verified with the verifier's collateral.
TEST(RatlsDcap, TdxQuoteOverTls) {
  ManualClock clock(SystemClock().Now());
  auto dcap_sim = sim::DcapSimulator::Create(clock.Now());
  ASSERT_TRUE(dcap_sim) << dcap_sim.error().ToString();
  auto key = GenerateEcKey("P-256");
  ASSERT_TRUE(key);
  auto spki = PublicKeyToDer(key->get());
  ASSERT_TRUE(spki);
  auto cert_for = [&](const attest::ReportData& report_data) {
    sim::DcapQuoteSpec q;
    q.report_data = report_data;
    q.mr_td.fill(0x42);
    auto ev = dcap_sim->Make(q, {}, sim::DcapFault::kNone, clock.Now());
    EXPECT_TRUE(ev) << ev.error().ToString();
    EvidenceExtension ext;
    ext.tag = kTagTeeQuote;
    ext.evidence = ev->quote;
    auto hash = Sha512(*spki);
    ext.pubkey_hash.assign(hash.begin(), hash.end());
    auto cert = SelfSignedWithExtensions(key->get(), {}, clock.Now(),
                                         EncodeEvidenceExtension(ext), std::nullopt);
    EXPECT_TRUE(cert);
    return std::make_pair(*cert, std::make_shared<const trust::DcapCollateral>(ev->collateral));
  };
  auto [cert, collateral] = cert_for(attest::KeyBinding(*spki));
  VerifierOptions o;
  o.extra_roots = {dcap_sim->root()};
  o.dcap_collateral = collateral;
  {
    Verification r = Verifier(o, clock).Verify(cert);
    EXPECT_TRUE(r.accepted()) << r.reason();
    EXPECT_EQ(r.tee(), "tdx");
    EXPECT_TRUE(r.simulated);
  }
  // Over a real handshake.
  Identity id{cert, ShareKey(EvpPkeyPtr(EVP_PKEY_dup(key->get()))), "tdx", true};
  auto s = SslCtxPtr(SSL_CTX_new(TLS_server_method()));
  ASSERT_TRUE(UseIdentity(s.get(), id));
  auto c = SslCtxPtr(SSL_CTX_new(TLS_client_method()));
  ASSERT_TRUE(RequireAttestedPeer(c.get(), std::make_shared<Verifier>(o, clock), Role::kClient));
  Outcome out = Handshake(s.get(), c.get());
  EXPECT_TRUE(out.client_ok) << out.client_reason;
  EXPECT_TRUE(out.client_accepted);

  VerifierOptions other_td = o;
  other_td.tdx.expect["mr_td"] = Bytes(48, 0x43);
  EXPECT_NE(Verifier(other_td, clock).Verify(cert).reason().find("mr_td"), std::string::npos);
  VerifierOptions no_collateral = o;
  no_collateral.dcap_collateral = nullptr;
  EXPECT_NE(Verifier(no_collateral, clock).Verify(cert).reason().find("collateral"),
            std::string::npos);
  attest::ReportData other{};
  other[0] = 1;
  auto [moved, moved_collateral] = cert_for(other);
  VerifierOptions o2 = o;
  o2.dcap_collateral = moved_collateral;
  EXPECT_NE(Verifier(o2, clock).Verify(moved).reason().find("another key"), std::string::npos);
}

// A simulated DCAP quote whose REPORTDATA binds a fresh key, in an RA-TLS certificate for
// that key, and the collateral that verifies it.
struct DcapPeer {
  Identity identity;
  std::shared_ptr<const trust::DcapCollateral> collateral;
};

DcapPeer MakeDcapPeer(const sim::DcapSimulator& dcap_sim, sim::DcapQuoteSpec q, UnixTime now) {
  auto key = GenerateEcKey("P-256");
  EXPECT_TRUE(key);
  auto spki = PublicKeyToDer(key->get());
  EXPECT_TRUE(spki);
  q.report_data = attest::KeyBinding(*spki);
  auto ev = dcap_sim.Make(q, {}, sim::DcapFault::kNone, now);
  EXPECT_TRUE(ev) << ev.error().ToString();
  EvidenceExtension ext;
  ext.tag = kTagTeeQuote;
  ext.evidence = ev->quote;
  auto hash = Sha512(*spki);
  ext.pubkey_hash.assign(hash.begin(), hash.end());
  auto cert =
      SelfSignedWithExtensions(key->get(), {}, now, EncodeEvidenceExtension(ext), std::nullopt);
  EXPECT_TRUE(cert);
  return DcapPeer{Identity{*cert, ShareKey(std::move(*key)), q.tdx ? "tdx" : "sgx", true},
                  std::make_shared<const trust::DcapCollateral>(ev->collateral)};
}

// --policy over TDX and SGX peers: one file, the "tdx" section for a TDX peer and the "sgx"
// section for an SGX one, each with its own expected values, checked in a real handshake.
TEST(RatlsDcap, PolicySectionsForTdxAndSgx) {
  ManualClock clock(SystemClock().Now());
  auto dcap_sim = sim::DcapSimulator::Create(clock.Now());
  ASSERT_TRUE(dcap_sim) << dcap_sim.error().ToString();
  sim::DcapQuoteSpec td;
  td.mr_td.fill(0x42);
  DcapPeer tdx = MakeDcapPeer(*dcap_sim, td, clock.Now());
  sim::DcapQuoteSpec enclave;
  enclave.tdx = false;
  enclave.mr_enclave.fill(0x11);
  DcapPeer sgx = MakeDcapPeer(*dcap_sim, enclave, clock.Now());

  auto with_policy = [&](const std::string& text, const DcapPeer& peer) {
    VerifierOptions o;
    o.extra_roots = {dcap_sim->root()};
    o.dcap_collateral = peer.collateral;
    auto st = LoadPolicyText(text, o);
    EXPECT_TRUE(st) << st.error().ToString();
    auto s = SslCtxPtr(SSL_CTX_new(TLS_server_method()));
    EXPECT_TRUE(UseIdentity(s.get(), peer.identity));
    auto c = SslCtxPtr(SSL_CTX_new(TLS_client_method()));
    EXPECT_TRUE(RequireAttestedPeer(c.get(), std::make_shared<Verifier>(o, clock), Role::kClient));
    return Handshake(s.get(), c.get());
  };
  auto hex = [](uint8_t byte, size_t n) { return ToHex(Bytes(n, byte)); };
  auto policy = [&](uint8_t mr_td, uint8_t mr_enclave) {
    return R"({"tdx": {"expect": {"mr_td": ")" + hex(mr_td, 48) +
           R"("}, "require_sept_ve_disable": true},
               "sgx": {"expect": {"mr_enclave": ")" + hex(mr_enclave, 32) + R"("}}})";
  };

  // mr_td differs: the handshake is refused, naming mr_td.
  Outcome o = with_policy(policy(0x43, 0x11), tdx);
  EXPECT_FALSE(o.client_ok);
  EXPECT_FALSE(o.client_accepted);
  EXPECT_NE(o.client_reason.find("mr_td"), std::string::npos) << o.client_reason;
  EXPECT_EQ(o.received, "");
  // mr_td matches: accepted. The sgx section's mr_enclave is not asked of a TD.
  o = with_policy(policy(0x42, 0x11), tdx);
  EXPECT_TRUE(o.client_ok) << o.client_reason;
  EXPECT_TRUE(o.client_accepted);
  EXPECT_EQ(o.received, "hello");
  // The SGX peer against the same files: the sgx section, not the tdx one.
  o = with_policy(policy(0x42, 0x11), sgx);
  EXPECT_TRUE(o.client_ok) << o.client_reason;
  o = with_policy(policy(0x42, 0x12), sgx);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("mr_enclave"), std::string::npos) << o.client_reason;
  // A TEE without a section is refused, even with valid evidence and collateral.
  o = with_policy(R"({"sev-snp": {}, "sgx": {}})", tdx);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("tee: tdx evidence is not accepted"), std::string::npos)
      << o.client_reason;
  o = with_policy(R"({"tdx": {"allow_debug": false}})", sgx);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_reason.find("no \"sgx\" section"), std::string::npos) << o.client_reason;
}

}  // namespace
}  // namespace veritee::ratls
