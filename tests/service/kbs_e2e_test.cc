// End-to-end tests of `veritee serve` driving the real binary on 127.0.0.1: simulated
// guests obtaining secrets through the KBS protocol, every refusal with its status, hostile
// input (the server keeps serving others), durability across SIGKILL on SQLite and
// PostgreSQL, and two processes sharing one PostgreSQL database.
//
// PostgreSQL is started by the test itself (store/testing/temp_postgres.h): without it the
// PostgreSQL tests skip with the reason, except under CI=true, where they fail.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/jose.h"
#include "kbs/protocol.h"
#include "kbs/sim_guest.h"
#include "service/kbs_client.h"
#include "store/testing/temp_postgres.h"
#include "testing/veritee_cli.h"

namespace veritee {

namespace testing {
extern const char kTempDirPrefix[] = "veritee-service-e2e-";
}  // namespace testing

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using service::KbsClient;

constexpr char kAdminToken[] = "e2e-admin-token-0123456789abcdef";

using veritee::testing::Slurp;
using veritee::testing::TempDir;

// The simulator PKI (RSA-2048 to keep ASan builds quick) and guests, shared by the binary.
struct Pki {
  fs::path dir;
  std::optional<kbs::SnpSimGuest> guest, debug_guest, other_guest;
};
Pki& SharedPki() {
  static Pki pki = [] {
    Pki p;
    p.dir = TempDir() / "sim";
    // The token signing key every server of this binary shares (two-instance test).
    auto token_key = JwsKey::Generate(JwsAlg::kEs256);
    if (!token_key) return p;
    std::ofstream(TempDir() / "token-key.pem") << *token_key->PrivatePem();
    auto sim = sim::SnpSimulator::Create(snp::Product::kGenoa, SystemClock().Now(), 2048);
    if (!sim || !sim->Save(p.dir.string())) return p;
    p.guest = *kbs::SnpSimGuest::FromSimulator(*sim, {});
    kbs::SimGuestOptions debug;
    debug.debug = true;
    p.debug_guest = *kbs::SnpSimGuest::FromSimulator(*sim, debug);
    kbs::SimGuestOptions other;
    other.measurement = Bytes(48, 0x77);
    p.other_guest = *kbs::SnpSimGuest::FromSimulator(*sim, other);
    return p;
  }();
  return pki;
}

struct SharedPg {
  std::unique_ptr<store::testing::TempPostgres> server;
  std::string error;
  int next = 0;
};
SharedPg& Pg() {
  static SharedPg pg = [] {
    SharedPg p;
    auto s = store::testing::TempPostgres::Start();
    if (s) {
      p.server = std::move(*s);
    } else {
      p.error = s.error().ToString();
    }
    return p;
  }();
  return pg;
}

// A `veritee serve` child process.
class Server {
 public:
  Server(const fs::path& dir, std::string db, json extra = json::object())
      : dir_(dir), db_(std::move(db)), extra_(std::move(extra)) {}
  ~Server() { Stop(SIGTERM); }

  bool Start() {
    fs::create_directories(dir_ / "data");
    fs::create_directories(dir_ / "secrets");
    const fs::path kek = dir_ / "secrets" / "kek", admin = dir_ / "secrets" / "admin-token";
    if (!fs::exists(kek)) {
      std::ofstream(kek) << std::string(64, 'a') << "\n";
      ::chmod(kek.c_str(), 0600);
    }
    std::ofstream(admin) << kAdminToken << "\n";
    if (!fs::exists(dir_ / "policy.json")) {
      std::ofstream(dir_ / "policy.json")
          << R"({"version": 1, "sev-snp": {"appraisal": {"simulated_evidence_allowed": true}},
                 "tdx": {"appraisal": {"simulated_evidence_allowed": true}}})";
    }
    json config = {{"listen", "127.0.0.1:0"},
                   {"db", db_.empty() ? (dir_ / "data" / "veritee.db").string() : db_},
                   {"kek_file", kek.string()},
                   {"admin_token_file", admin.string()},
                   {"token_key_file", (TempDir() / "token-key.pem").string()},
                   {"trust_roots", {(SharedPki().dir / "ark.pem").string()}},
                   {"policy", (dir_ / "policy.json").string()},
                   {"port_file", (dir_ / "port").string()},
                   {"log_file", (dir_ / "log.jsonl").string()},
                   {"read_timeout_s", 2},
                   {"connection_threads", 16}};
    for (const auto& [k, v] : extra_.items()) config[k] = v;
    std::ofstream(dir_ / "config.json") << config.dump(2);
    fs::remove(dir_ / "port");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
      const std::string bin = std::string(VERITEE_BINARY_DIR) + "/veritee";
      const std::string cfg = (dir_ / "config.json").string();
      const std::string err = (dir_ / "stderr").string();
      FILE* e = std::freopen(err.c_str(), "a", stderr);
      (void)e;
      ::execl(bin.c_str(), bin.c_str(), "serve", "--config", cfg.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 600; ++i) {
      std::string port = Slurp(dir_ / "port");
      if (!port.empty() && port.back() == '\n') {
        port_ = std::stoi(port);
        return true;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Returns the exit status (or 128 + signal).
  int Stop(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::string log() const { return Slurp(dir_ / "log.jsonl"); }
  std::string stderr_text() const { return Slurp(dir_ / "stderr"); }
  std::unique_ptr<KbsClient> Client() const { return std::move(*KbsClient::Create({url(), "", 10})); }

  // Admin calls.
  int Admin(const std::string& method, const std::string& path, const std::string& body = "",
            std::string* reply = nullptr) const {
    auto c = Client();
    auto r = c->Request(method, path, body, "application/octet-stream", kAdminToken);
    if (!r) return -1;
    if (reply) *reply = r->body;
    return r->status;
  }

 private:
  fs::path dir_;
  std::string db_;
  json extra_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Policy() {
  return json{{"rules",
               {{{"claim", "tee"}, {"in", {"sev-snp", "tdx"}}},
                {{"claim", "measurement"}, {"in_reference", "good-images"}}}}}
      .dump();
}

// Stores the policy, its reference values and one secret.
void Provision(const Server& s) {
  ASSERT_EQ(s.Admin("PUT", "/admin/v1/reference-values/good-images",
                    json{{"values", {SharedPki().guest->measurement_hex()}}}.dump()),
            204);
  ASSERT_EQ(s.Admin("PUT", "/admin/v1/policies/snp-default", Policy()), 204);
  ASSERT_EQ(s.Admin("PUT", "/admin/v1/resources/default/key/db?policy=snp-default", "hunter2"), 204);
}

struct Raw {
  std::string session, nonce;
};
Raw Auth(KbsClient& c, const std::string& tee = "snp") {
  auto r = c.Post("/kbs/v0/auth", R"({"version": "0.1.1", "tee": ")" + tee + R"(", "extra-params": {}})");
  EXPECT_TRUE(r && r->status == 200);
  if (!r || r->status != 200) return {};
  return {service::SessionFromSetCookie(r->set_cookie), json::parse(r->body)["nonce"]};
}
std::string AttestBody(const kbs::SnpSimGuest& guest, const std::string& nonce, const Jwk& key,
                       const std::string& bind_nonce = "") {
  const std::string canon = kbs::CanonicalRuntimeData(bind_nonce.empty() ? nonce : bind_nonce, key);
  auto evidence = guest.Evidence(kbs::ReportDataFor(canon));
  return json{{"runtime-data", {{"nonce", nonce}, {"tee-pubkey", json::parse(JwkToJson(key))}}},
              {"tee-evidence", *evidence}}
      .dump();
}

class ServiceE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SharedPki().guest.has_value()) << "simulator PKI";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = TempDir() / name;
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(ServiceE2e, SnpGuestObtainsItsSecretWithCookieAndBearer) {
  Server s(dir_, "");
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  auto c = s.Client();
  for (auto kind : {TeeKeyPair::Kind::kEcP256, TeeKeyPair::Kind::kRsa2048}) {
    auto key = TeeKeyPair::Generate(kind);
    auto h = c->GetResource("default/key/db", "snp", SharedPki().guest->AsFunction(), *key);
    ASSERT_TRUE(h) << h.error().ToString();
    ASSERT_EQ(h->step, "done") << h->status << " " << h->detail << "\n" << s.log();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(h->secret.data()), h->secret.size()), "hunter2");
    // The token alone (no cookie) works as a bearer credential.
    auto by_token = c->Get("/kbs/v0/resource/default/key/db", "", h->token);
    ASSERT_TRUE(by_token);
    ASSERT_EQ(by_token->status, 200) << by_token->body;
    auto plain = key->Decrypt(*ParseJweFlattened(by_token->body));
    ASSERT_TRUE(plain);
  }
  // The registry lists the attested guests, the metrics count them, the log never holds
  // the secret.
  auto reg = c->Get("/v1/registry?tee=sev-snp");
  ASSERT_TRUE(reg && reg->status == 200);
  auto providers = json::parse(reg->body)["providers"];
  ASSERT_EQ(providers.size(), 2u);
  EXPECT_EQ(providers[0]["measurement"], SharedPki().guest->measurement_hex());
  EXPECT_EQ(providers[0]["expired"], false);
  auto one = c->Get("/v1/registry/" + providers[0]["id"].get<std::string>());
  ASSERT_TRUE(one && one->status == 200);
  auto metrics = c->Get("/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_NE(metrics->body.find("veritee_verifications_total{tee=\"sev-snp\",verdict=\"accepted\"} 2"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("route=\"POST /kbs/v0/attest\",status=\"200\"} 2"), std::string::npos);
  auto health = c->Get("/healthz");
  ASSERT_TRUE(health && health->status == 200);
  EXPECT_EQ(json::parse(health->body)["db"], "sqlite");
  EXPECT_EQ(s.log().find("hunter2"), std::string::npos);
  EXPECT_EQ(s.Stop(SIGTERM), 0);
}

TEST_F(ServiceE2e, TdxGuestObtainsItsSecret) {
  const fs::path tdx = TempDir() / "tdx-sim";
  auto guest = kbs::TdxSimGuest::Open(tdx.string(), false, SystemClock().Now());
  ASSERT_TRUE(guest) << guest.error().ToString();
  auto debug_guest = kbs::TdxSimGuest::Open(tdx.string(), true, SystemClock().Now());
  ASSERT_TRUE(debug_guest);
  fs::create_directories(dir_);
  std::ofstream(dir_ / "appraisal.json")
      << R"({"version": 1, "tdx": {"appraisal": {"simulated_evidence_allowed": true}}})";
  Server s(dir_, "", json{{"collateral", tdx.string()},
                          {"policy", ""},
                          {"appraisal_policy", (dir_ / "appraisal.json").string()},
                          {"trust_roots", {(SharedPki().dir / "ark.pem").string(), (tdx / "root.pem").string()}}});
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  ASSERT_EQ(s.Admin("PUT", "/admin/v1/policies/tdx-default",
                    json{{"rules", {{{"claim", "tee"}, {"equals", "tdx"}}, {{"claim", "mr_td"}, {"in", {guest->mr_td_hex()}}}}}}
                        .dump()),
            204);
  ASSERT_EQ(s.Admin("PUT", "/admin/v1/resources/default/key/tdx?policy=tdx-default", "td-secret"), 204);
  auto c = s.Client();
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP384);
  auto h = c->GetResource("default/key/tdx", "tdx", guest->AsFunction(), *key);
  ASSERT_TRUE(h) << h.error().ToString();
  ASSERT_EQ(h->step, "done") << h->status << " " << h->detail << "\n" << s.log();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(h->secret.data()), h->secret.size()), "td-secret");
  // A debug TD is refused at attestation; an SEV-SNP guest declaring tdx too.
  auto d = c->GetResource("default/key/tdx", "tdx", debug_guest->AsFunction(), *key);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->step, "attest");
  EXPECT_EQ(d->status, 401);
  auto wrong = c->GetResource("default/key/tdx", "tdx", SharedPki().guest->AsFunction(), *key);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto reg = c->Get("/v1/registry?tee=tdx");
  ASSERT_EQ(json::parse(reg->body)["providers"].size(), 1u);
  EXPECT_EQ(json::parse(reg->body)["providers"][0]["measurement"], guest->mr_td_hex());
}

TEST_F(ServiceE2e, RefusalsCarryTheRightStatus) {
  Server s(dir_, "");
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  auto c = s.Client();
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  const Jwk& jwk = key->public_jwk();

  // Replayed nonce: the same Attestation twice.
  Raw a = Auth(*c);
  const std::string body = AttestBody(*SharedPki().guest, a.nonce, jwk);
  ASSERT_EQ(c->Post("/kbs/v0/attest", body, a.session)->status, 200);
  auto replay = c->Post("/kbs/v0/attest", body, a.session);
  EXPECT_EQ(replay->status, 401);
  EXPECT_NE(replay->body.find("attestation failed"), std::string::npos);
  // Evidence whose report data binds another nonce.
  Raw b = Auth(*c);
  EXPECT_EQ(c->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, b.nonce, jwk, "other"), b.session)->status, 401);
  // A debug guest.
  Raw d = Auth(*c);
  EXPECT_EQ(c->Post("/kbs/v0/attest", AttestBody(*SharedPki().debug_guest, d.nonce, jwk), d.session)->status, 401);
  // An unknown session, and a resource request without any credential.
  EXPECT_EQ(c->Post("/kbs/v0/attest", body, "00112233445566778899aabbccddeeff")->status, 401);
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", "00112233445566778899aabbccddeeff")->status, 401);
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db")->status, 401);
  // A measurement outside the resource's policy: 403, the reason only in the admin log.
  Raw m = Auth(*c);
  ASSERT_EQ(c->Post("/kbs/v0/attest", AttestBody(*SharedPki().other_guest, m.nonce, jwk), m.session)->status, 200);
  auto denied = c->Get("/kbs/v0/resource/default/key/db", m.session);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(denied->body.find("good-images"), std::string::npos);  // nothing leaks
  std::string denials;
  ASSERT_EQ(s.Admin("GET", "/admin/v1/denials", "", &denials), 200);
  EXPECT_NE(denials.find("rule 2 (measurement in reference values 'good-images')"), std::string::npos) << denials;
  EXPECT_NE(s.log().find("release_denied"), std::string::npos);
  // A missing resource: 404 once attested.
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/none", a.session)->status, 404);
  // A token for another key: B's token with A's session cookie.
  Raw t = Auth(*c);
  auto other = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  auto tb = c->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, t.nonce, other->public_jwk()), t.session);
  ASSERT_EQ(tb->status, 200);
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", a.session, json::parse(tb->body)["token"])->status, 401);
  // A tampered token.
  std::string forged = json::parse(tb->body)["token"];
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", "", forged)->status, 401);
  // Admin API without the token.
  auto noadmin = c->Get("/admin/v1/resources");
  EXPECT_EQ(noadmin->status, 401);
}

TEST_F(ServiceE2e, ExpiredNonceAndExpiredToken) {
  Server s(dir_, "", json{{"nonce_ttl_s", 3}, {"token_ttl_s", 4}});
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  auto c = s.Client();
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Raw late = Auth(*c);
  Raw on_time = Auth(*c);
  auto ok = c->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, on_time.nonce, key->public_jwk()), on_time.session);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const std::string token = json::parse(ok->body)["token"];
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", "", token)->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(4100));
  EXPECT_EQ(c->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, late.nonce, key->public_jwk()), late.session)->status,
            401);
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", "", token)->status, 401);
  EXPECT_EQ(c->Get("/kbs/v0/resource/default/key/db", on_time.session)->status, 401);
  EXPECT_NE(s.log().find("nonce expired"), std::string::npos);
}

// A raw TCP connection to the server.
int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends bytes and reads until the server answers or closes; "" when it closed silently.
std::string Exchange(int port, const std::string& bytes) {
  int fd = Connect(port);
  if (fd < 0) return "connect failed";
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

TEST_F(ServiceE2e, HostileInputIsRefusedAndOthersAreStillServed) {
  Server s(dir_, "", json{{"max_body_bytes", 65536}});
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  auto c = s.Client();
  // Malformed JSON and wrong types: 400.
  EXPECT_EQ(c->Post("/kbs/v0/auth", "{\"version\":")->status, 400);
  EXPECT_EQ(c->Post("/kbs/v0/auth", R"({"version": 1, "tee": ["snp"]})")->status, 400);
  EXPECT_EQ(c->Post("/v1/verify", R"({"evidence": 12})")->status, 400);
  EXPECT_EQ(c->Post("/v1/verify", std::string(10000, '['))->status, 400);
  Raw a = Auth(*c);
  EXPECT_EQ(c->Post("/kbs/v0/attest", R"({"runtime-data": "x", "tee-evidence": {}})", a.session)->status, 400);
  EXPECT_EQ(s.Admin("PUT", "/admin/v1/policies/p", R"({"rules": [{"claim": 5}]})"), 400);
  EXPECT_EQ(s.Admin("PUT", "/admin/v1/resources/a/b/..", "x"), 400);  // not a resource path
  // Oversized bodies: 413.
  EXPECT_EQ(c->Post("/kbs/v0/auth", std::string(100000, ' '))->status, 413);
  // Garbage bytes on the socket: a 400 or a closed connection, never a crash.
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) & 0xff);
  std::string reply = Exchange(s.port(), garbage);
  EXPECT_TRUE(reply.empty() || reply.rfind("HTTP/1.1 4", 0) == 0) << reply.substr(0, 80);
  reply = Exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
  EXPECT_TRUE(reply.empty() || reply.rfind("HTTP/1.1 4", 0) == 0 || reply.rfind("HTTP/1.1 200", 0) == 0);
  // Slow clients: eight connections dribbling a header; a normal client is served meanwhile.
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    int fd = Connect(s.port());
    ASSERT_GE(fd, 0);
    (void)::send(fd, "POST /kbs/v0/auth HTTP/1.1\r\nHo", 31, MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto fresh = s.Client();
  auto health = fresh->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  auto h = fresh->GetResource("default/key/db", "snp", SharedPki().guest->AsFunction(), *key);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->step, "done") << h->detail;
  // The slow ones are cut off by the read timeout (2 s here).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (int fd : slow) {
    char buf[256];
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    EXPECT_LE(n, static_cast<ssize_t>(sizeof buf));  // closed (0) or an error response
    ::close(fd);
  }
  EXPECT_EQ(s.Client()->Get("/healthz")->status, 200);
}

// Writes resources as fast as acknowledgements come, SIGKILLs the server mid-stream,
// restarts it on the same database and checks every acknowledged write.
void DurabilityAcrossSigkill(const fs::path& dir, const std::string& db) {
  Server s(dir, db);
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto c = s.Client();
      for (int i = 0; !stop; ++i) {
        const std::string path = "durable/w" + std::to_string(w) + "/r" + std::to_string(i);
        auto r = c->Request("PUT", "/admin/v1/resources/" + path, "secret-" + std::to_string(i),
                            "application/octet-stream", kAdminToken);
        if (!r) break;  // the server is gone
        if (r->status == 204) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(path);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(s.Stop(SIGKILL), 128 + SIGKILL);
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(acknowledged.size(), 10u);
  Server again(dir, db);
  ASSERT_TRUE(again.Start()) << again.stderr_text();
  std::string list;
  ASSERT_EQ(again.Admin("GET", "/admin/v1/resources", "", &list), 200);
  auto items = json::parse(list)["items"];
  std::set<std::string> present;
  for (const auto& item : items) present.insert(item["path"].get<std::string>());
  size_t missing = 0;
  for (const auto& p : acknowledged) missing += present.count(p) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged writes";
}

TEST_F(ServiceE2e, AcknowledgedWritesSurviveSigkillOnSqlite) { DurabilityAcrossSigkill(dir_, ""); }

TEST_F(ServiceE2e, AcknowledgedWritesSurviveSigkillOnPostgres) {
  SharedPg& pg = Pg();
  if (!pg.server) {
    if (store::testing::PostgresRequired()) FAIL() << "CI=true and no PostgreSQL: " << pg.error;
    GTEST_SKIP() << "PostgreSQL not available: " << pg.error;
  }
  auto url = pg.server->CreateDatabase("durability_" + std::to_string(pg.next++));
  ASSERT_TRUE(url) << url.error().ToString();
  DurabilityAcrossSigkill(dir_, *url);
}

TEST_F(ServiceE2e, TwoInstancesShareOnePostgres) {
  SharedPg& pg = Pg();
  if (!pg.server) {
    if (store::testing::PostgresRequired()) FAIL() << "CI=true and no PostgreSQL: " << pg.error;
    GTEST_SKIP() << "PostgreSQL not available: " << pg.error;
  }
  auto url = pg.server->CreateDatabase("shared_" + std::to_string(pg.next++));
  ASSERT_TRUE(url) << url.error().ToString();
  Server first(dir_ / "first", *url), second(dir_ / "second", *url);
  ASSERT_TRUE(first.Start()) << first.stderr_text();
  ASSERT_TRUE(second.Start()) << second.stderr_text();
  Provision(first);
  auto c1 = first.Client();
  auto c2 = second.Client();
  EXPECT_EQ(json::parse(c1->Get("/healthz")->body)["db"], "postgresql");
  auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
  Raw a = Auth(*c1);                                                           // auth on the first
  auto attest = c2->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, a.nonce, key->public_jwk()), a.session);
  ASSERT_EQ(attest->status, 200) << attest->body << second.log();              // attest on the second
  auto resource = c1->Get("/kbs/v0/resource/default/key/db", a.session);       // resource on the first
  ASSERT_EQ(resource->status, 200) << resource->body;
  auto plain = key->Decrypt(*ParseJweFlattened(resource->body));
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(plain->data()), plain->size()), "hunter2");
  // The nonce is single-use across both processes.
  auto replay = c1->Post("/kbs/v0/attest", AttestBody(*SharedPki().guest, a.nonce, key->public_jwk()), a.session);
  EXPECT_EQ(replay->status, 401);
}

TEST_F(ServiceE2e, CliGetResourceExitStatuses) {
  Server s(dir_, "");
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  const std::string bin = std::string(VERITEE_BINARY_DIR) + "/veritee";
  const std::string base = bin + " kbs get-resource --url " + s.url() + " --sim " + SharedPki().dir.string();
  const std::string out = (dir_ / "secret").string();
  int rc = std::system((base + " --path default/key/db --out " + out + " 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  EXPECT_EQ(Slurp(out), "hunter2");
  rc = std::system((base + " --path default/key/db --sim-debug 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  rc = std::system((base + " --path default/key/db --key rsa --json >" + out + " 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  EXPECT_EQ(json::parse(Slurp(out))["received"], true);
  rc = std::system((bin + " kbs get-resource --url http://127.0.0.1:1 --path a/b/c --sim " +
                    SharedPki().dir.string() + " 2>/dev/null")
                       .c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  // Plain HTTP off loopback is refused at start (exit 2).
  rc = std::system((bin + " serve --listen 0.0.0.0:0 --kek-env X --admin-token-env Y 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
}

TEST_F(ServiceE2e, BackgroundCheckVerify) {
  Server s(dir_, "");
  ASSERT_TRUE(s.Start()) << s.stderr_text();
  Provision(s);
  auto c = s.Client();
  Bytes rd(64, 0);
  rd[0] = 0xab;
  auto ev = SharedPki().guest->Evidence(rd);
  json req = {{"evidence", (*ev)["evidence"]}, {"certificates", (*ev)["certificates"]}, {"nonce", "ab"},
              {"policy_id", "snp-default"}};
  auto r = c->Post("/v1/verify", req.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["verification"]["verdict"], "accepted");
  EXPECT_EQ(body["verification"]["simulated"], true);
  EXPECT_EQ(body["ear_status"], "affirming");
  EXPECT_EQ(body["policy"]["allowed"], true);
  const std::string ear = body["ear"];
  EXPECT_EQ(std::count(ear.begin(), ear.end(), '.'), 2);
  req["nonce"] = "cd";
  body = json::parse(c->Post("/v1/verify", req.dump())->body);
  EXPECT_EQ(body["verification"]["verdict"], "rejected");
  EXPECT_EQ(body["ear_status"], "contraindicated");
}

}  // namespace
}  // namespace veritee
