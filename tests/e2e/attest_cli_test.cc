// End-to-end tests of the commands that run inside a confidential VM: detect, attest
// (simulator), seal/unseal (simulator key), and ratls serve/connect on loopback with a
// plain upstream service, including `openssl s_client` as a plain TLS client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/veritee_cli.h"

namespace veritee::testing {

extern const char kTempDirPrefix[] = "veritee-e2e-attest-";

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kVeritee = std::string(VERITEE_BINARY_DIR) + "/veritee";

// A shell command line (pipes, redirections) run as one, with its output captured.
RunResult Sh(const std::string& cmd, const std::string& stdin_path = "/dev/null") {
  return Run("( " + cmd + " )", stdin_path);
}

// One simulator folder for the binary: the PKI is made once.
const fs::path& Sim() {
  static fs::path dir = [] {
    fs::path d = TempDir() / "sim";
    RunResult r = Veritee("sim snp --out " + d.string() + " --rsa-bits 2048");
    EXPECT_EQ(r.rc, 0) << r.err;
    return d;
  }();
  return dir;
}

bool ThisMachineMayBeATee() {
  for (const char* p : {"/dev/sev-guest", "/dev/tdx_guest", "/dev/nsm",
                        "/sys/kernel/config/tsm/report"}) {
    if (fs::exists(p)) return true;
  }
  return false;
}

TEST(DetectCli, NoTeeHereExitsZero) {
  if (ThisMachineMayBeATee()) GTEST_SKIP() << "this machine exposes a TEE interface";
  RunResult r = Veritee("detect");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.rfind("no TEE", 0), 0u) << r.out;
  RunResult j = Veritee("detect --json");
  EXPECT_EQ(j.rc, 0);
  json d = json::parse(j.out);
  EXPECT_EQ(d["tee"], "none");
  EXPECT_EQ(d["interfaces"].size(), 5u);
}

TEST(AttestCli, NoTeeHereIsRefused) {
  if (ThisMachineMayBeATee() || fs::exists("/dev/tpmrm0")) GTEST_SKIP();
  RunResult r = Veritee("attest --nonce 00");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("no TEE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--sim"), std::string::npos);
}

TEST(AttestCli, SimulatedEvidenceVerifies) {
  const std::string out = (TempDir() / "ev.bin").string();
  RunResult r = Veritee("attest --sim " + Sim().string() + " --nonce 0a0b0c --out " + out);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.err.find("SIMULATED"), std::string::npos);
  RunResult v = Veritee("verify " + out + " --cert " + out + ".certs --trust-root " +
                        (Sim() / "ark.pem").string() + " --expect report_data=0a0b0c --json");
  EXPECT_EQ(v.rc, 0) << v.out << v.err;
  json j = json::parse(v.out);
  EXPECT_EQ(j["verdict"], "accepted");
  EXPECT_EQ(j["simulated"], true);
  // Without the simulator root it is not trusted.
  EXPECT_EQ(Veritee("verify " + out + " --cert " + out + ".certs").rc, 1);
  // A different nonce is a rejection.
  EXPECT_EQ(Veritee("verify " + out + " --cert " + out + ".certs --trust-root " +
                    (Sim() / "ark.pem").string() + " --expect report_data=0a0b0d")
                .rc,
            1);
}

TEST(AttestCli, BindKeyIsSha512OfTheSpki) {
  const fs::path key = TempDir() / "k.pem", pub = TempDir() / "k.pub.pem";
  ASSERT_EQ(Sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
               key.string() + " && openssl pkey -in " + key.string() + " -pubout -out " +
               pub.string())
                .rc,
            0);
  RunResult digest = Sh("openssl pkey -pubin -in " + pub.string() +
                        " -outform DER | openssl dgst -sha512 -r");
  ASSERT_EQ(digest.rc, 0);
  const std::string expected = digest.out.substr(0, 128);
  RunResult r = Veritee("attest --sim " + Sim().string() + " --bind-key " + pub.string() +
                        " --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["report_data"], expected);
  EXPECT_TRUE(j.contains("evidence_base64"));
  EXPECT_EQ(Veritee("attest --report-data 00 --nonce 00").rc, 2);
}

TEST(SealCli, SimulatorRoundTripAndRefusals) {
  const fs::path plain = TempDir() / "plain.txt", box = TempDir() / "box.bin";
  std::ofstream(plain) << "the database password";
  const std::string sim = "--sim " + (TempDir() / "sealsim").string();
  RunResult s = Veritee("seal " + sim + " --key-id db --in " + plain.string() + " --out " +
                        box.string());
  ASSERT_EQ(s.rc, 0) << s.err;
  EXPECT_NE(s.err.find("SIMULATOR"), std::string::npos);
  EXPECT_EQ(fs::file_size(box), 12 + 21 + 16u);
  RunResult u = Veritee("unseal " + sim + " --key-id db", box.string());
  EXPECT_EQ(u.rc, 0) << u.err;
  EXPECT_EQ(u.out, "the database password");
  RunResult wrong = Veritee("unseal " + sim + " --key-id other --in " + box.string());
  EXPECT_EQ(wrong.rc, 1);
  EXPECT_NE(wrong.err.find("cannot unseal"), std::string::npos);
  std::string bytes = Slurp(box);
  bytes[20] = static_cast<char>(bytes[20] ^ 1);
  std::ofstream(TempDir() / "bad.bin", std::ios::binary) << bytes;
  EXPECT_EQ(Veritee("unseal " + sim + " --key-id db --in " + (TempDir() / "bad.bin").string()).rc,
            1);
  EXPECT_EQ(Veritee("seal --key-id db --in " + plain.string()).rc, 2);  // no key source
  // The SEV-SNP source needs /dev/sev-guest: it fails closed here.
  if (!fs::exists("/dev/sev-guest")) {
    RunResult snp = Veritee("seal --snp --key-id db --in " + plain.string());
    EXPECT_EQ(snp.rc, 1);
    EXPECT_NE(snp.err.find("/dev/sev-guest"), std::string::npos) << snp.err;
  }
}

// A plain HTTP service on loopback that answers every request with "hello".
class Upstream {
 public:
  Upstream() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) ::close(c);
          return;
        }
        std::string req;
        char buf[1024];
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, static_cast<size_t>(n));
        }
        const std::string resp =
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        if (::write(c, resp.data(), resp.size()) < 0) {
        }
        ::close(c);
      }
    });
  }
  ~Upstream() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// `veritee ratls serve` in the background; its port is read from its first line.
class Server {
 public:
  explicit Server(const std::string& args) {
    int pipefd[2];
    EXPECT_EQ(::pipe(pipefd), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipefd[1], 1);
      ::close(pipefd[0]);
      const std::string cmd = kVeritee + " ratls serve --listen 127.0.0.1:0 --quiet " + args;
      ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipefd[1]);
    FILE* f = ::fdopen(pipefd[0], "r");
    char line[512] = {};
    if (std::fgets(line, sizeof line, f) != nullptr) {
      first_line_ = line;
      size_t colon = first_line_.find("127.0.0.1:");
      if (colon != std::string::npos) port_ = std::atoi(first_line_.c_str() + colon + 10);
    }
    std::fclose(f);
  }
  ~Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  int port() const { return port_; }
  const std::string& first_line() const { return first_line_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string first_line_;
};

TEST(RatlsCli, ServeConnectAndPlainTlsClient) {
  Upstream upstream;
  Server server("--sim " + Sim().string() + " --upstream 127.0.0.1:" +
                std::to_string(upstream.port()));
  ASSERT_GT(server.port(), 0) << server.first_line();
  EXPECT_NE(server.first_line().find("SIMULATED"), std::string::npos);
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/status";
  const std::string root = " --trust-root " + (Sim() / "ark.pem").string();

  RunResult ok = Veritee("ratls connect " + url + root);
  EXPECT_EQ(ok.rc, 0) << ok.err;
  EXPECT_NE(ok.out.find("200 OK"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("hello"), std::string::npos);
  EXPECT_NE(ok.err.find("attested server: sev-snp (SIMULATED"), std::string::npos) << ok.err;

  RunResult untrusted = Veritee("ratls connect " + url);
  EXPECT_EQ(untrusted.rc, 1);
  EXPECT_NE(untrusted.err.find("certificate_chain"), std::string::npos) << untrusted.err;
  EXPECT_EQ(untrusted.out, "") << "nothing is sent to an unattested server";

  RunResult wrong = Veritee("ratls connect " + url + root + " --expect measurement=" +
                            std::string(96, '0'));
  EXPECT_EQ(wrong.rc, 1);
  EXPECT_NE(wrong.err.find("measurement"), std::string::npos) << wrong.err;

  // A plain TLS client still connects and sees the certificate with the evidence extension.
  RunResult plain = Sh("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 10 openssl s_client -connect "
                       "127.0.0.1:" + std::to_string(server.port()) +
                       " -ign_eof 2>/dev/null | openssl x509 -noout -text");
  EXPECT_EQ(plain.rc, 0) << plain.err;
  EXPECT_NE(plain.out.find("2.23.133.5.4.9"), std::string::npos) << plain.out;
  RunResult body = Sh("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 10 openssl s_client -quiet "
                      "-connect 127.0.0.1:" + std::to_string(server.port()));
  EXPECT_NE(body.out.find("hello"), std::string::npos) << body.out << body.err;
}

TEST(RatlsCli, MutualRequiresAnAttestedClient) {
  Upstream upstream;
  const std::string root = " --trust-root " + (Sim() / "ark.pem").string();
  Server server("--sim " + Sim().string() + " --require-client" + root + " --upstream 127.0.0.1:" +
                std::to_string(upstream.port()));
  ASSERT_GT(server.port(), 0) << server.first_line();
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  RunResult mutual = Veritee("ratls connect " + url + root + " --sim " + Sim().string());
  EXPECT_EQ(mutual.rc, 0) << mutual.err;
  EXPECT_NE(mutual.out.find("hello"), std::string::npos);
  RunResult anonymous = Veritee("ratls connect " + url + root);
  EXPECT_NE(anonymous.rc, 0);
  EXPECT_EQ(anonymous.out.find("hello"), std::string::npos);
}

// --policy reads the sev-snp, tdx and sgx sections of the `verify --policy` file format: a
// peer from a TEE the policy has no section for is refused (on either side), and an
// unknown key in any of those sections is a usage error naming the key and its line.
TEST(RatlsCli, PolicySectionsForEveryTee) {
  auto policy = [](const std::string& name, const std::string& text) {
    fs::path p = TempDir() / name;
    std::ofstream(p) << text;
    return " --policy " + p.string();
  };
  std::string measurement;  // the simulator's: a0 a1 ... cf
  for (int i = 0; i < 48; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", 0xa0 + i);
    measurement += byte;
  }
  const std::string tdx_only =
      policy("tdx-only.json", R"({"tdx": {"expect": {"mr_td": ")" + std::string(96, '4') +
                                  R"("}}, "nitro": {}})");
  const std::string snp_and_tdx = policy(
      "snp-and-tdx.json", R"({"sev-snp": {"expect": {"measurement": ")" + measurement +
                              R"("}}, "tdx": {"expect": {"mr_td": ")" + std::string(96, '4') +
                              R"("}}, "sgx": {"min_isv_svn": 1}})");
  const std::string root = " --trust-root " + (Sim() / "ark.pem").string();
  Upstream upstream;
  Server server("--sim " + Sim().string() + " --upstream 127.0.0.1:" +
                std::to_string(upstream.port()));
  ASSERT_GT(server.port(), 0) << server.first_line();
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";

  RunResult refused = Veritee("ratls connect " + url + root + tdx_only);
  EXPECT_EQ(refused.rc, 1) << refused.err;
  EXPECT_NE(refused.err.find("tee: sev-snp evidence is not accepted: the policy has no "
                             "\"sev-snp\" section (it accepts tdx)"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.out, "") << "nothing is sent to a refused server";
  RunResult accepted = Veritee("ratls connect " + url + root + snp_and_tdx);
  EXPECT_EQ(accepted.rc, 0) << accepted.err;
  EXPECT_NE(accepted.out.find("hello"), std::string::npos);

  // --expect pins values of one TEE: a peer of another TEE is refused, not let through.
  RunResult pinned_tdx =
      Veritee("ratls connect " + url + root + " --expect mr_td=" + std::string(96, '4'));
  EXPECT_EQ(pinned_tdx.rc, 1) << pinned_tdx.err;
  EXPECT_NE(pinned_tdx.err.find("tee: sev-snp evidence is not accepted: no expected value "
                                "applies to sev-snp (it accepts sgx, tdx)"),
            std::string::npos)
      << pinned_tdx.err;
  RunResult pinned_snp =
      Veritee("ratls connect " + url + root + " --expect measurement=" + measurement);
  EXPECT_EQ(pinned_snp.rc, 0) << pinned_snp.err;
  RunResult disjoint = Veritee("ratls connect " + url + root + tdx_only +
                               " --expect measurement=" + measurement);
  EXPECT_EQ(disjoint.rc, 2) << disjoint.err;
  EXPECT_NE(disjoint.err.find("apply to no TEE that --policy accepts"), std::string::npos);

  RunResult bad_tdx = Veritee("ratls connect " + url + root +
                              policy("bad-tdx.json", "{\n  \"sev-snp\": {},\n  \"tdx\": {\n"
                                                     "    \"mr_td\": \"00\"\n  }\n}\n"));
  EXPECT_EQ(bad_tdx.rc, 2);
  EXPECT_NE(bad_tdx.err.find("tdx.mr_td: "), std::string::npos) << bad_tdx.err;
  EXPECT_NE(bad_tdx.err.find("unknown key (line 4)"), std::string::npos) << bad_tdx.err;
  RunResult bad_sgx = Veritee("ratls connect " + url + root +
                              policy("bad-sgx.json", "{\"sgx\": {\"expect\": {\n"
                                                     "  \"mr_td\": \"00\"}}}"));
  EXPECT_EQ(bad_sgx.rc, 2);
  EXPECT_NE(bad_sgx.err.find("sgx.expect.mr_td: "), std::string::npos) << bad_sgx.err;
  EXPECT_NE(bad_sgx.err.find("(line 2)"), std::string::npos) << bad_sgx.err;

  // Mutual RA-TLS: the server's --policy applies to clients the same way.
  Server mutual("--sim " + Sim().string() + " --require-client" + root + tdx_only +
                " --upstream 127.0.0.1:" + std::to_string(upstream.port()));
  ASSERT_GT(mutual.port(), 0) << mutual.first_line();
  const std::string mutual_url = "https://127.0.0.1:" + std::to_string(mutual.port()) + "/";
  RunResult client = Veritee("ratls connect " + mutual_url + root + " --sim " + Sim().string());
  EXPECT_NE(client.rc, 0);
  EXPECT_EQ(client.out.find("hello"), std::string::npos);

  RunResult help = Veritee("ratls connect --help");
  EXPECT_NE(help.out.find("sev-snp, tdx and sgx sections"), std::string::npos) << help.out;
}

}  // namespace

}  // namespace veritee::testing
