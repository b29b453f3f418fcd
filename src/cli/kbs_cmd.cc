// `veritee kbs get-resource` (a guest fetching a secret through the whole KBS handshake)
// and `veritee kbs load` (a bounded load generator against a loopback server).
//
// get-resource exit status: 0 the secret was received (written to --out or stdout);
// 1 the service refused (the step and HTTP status are printed); 2 usage or connection error.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "attest/attester.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/service_commands.h"
#include "kbs/sim_guest.h"
#include "service/config.h"
#include "service/kbs_client.h"

namespace veritee::cli {
namespace {

using nlohmann::json;

struct GuestArgs {
  std::string url, path, sim, tee = "snp", key = "ec", ca, out, sim_measurement;
  bool sim_debug = false, json = false;
};

Result<TeeKeyPair::Kind> KeyKind(const std::string& k) {
  if (k == "ec" || k == "p256") return TeeKeyPair::Kind::kEcP256;
  if (k == "p384") return TeeKeyPair::Kind::kEcP384;
  if (k == "rsa" || k == "rsa2048") return TeeKeyPair::Kind::kRsa2048;
  return MakeError(ErrorCode::kInvalidArgument, "--key is ec, p384 or rsa");
}

// The evidence source: the simulator (--sim DIR) or the TEE this process runs in.
Result<kbs::GuestEvidence> Guest(const GuestArgs& a) {
  if (!a.sim.empty() && a.tee == "tdx") {
    VT_ASSIGN_OR_RETURN(auto guest, kbs::TdxSimGuest::Open(a.sim, a.sim_debug, SystemClock().Now()));
    return guest.AsFunction();
  }
  if (!a.sim.empty()) {
    if (a.tee != "snp") {
      return MakeError(ErrorCode::kInvalidArgument, "--sim makes SEV-SNP (--tee snp) or TDX (--tee tdx) evidence");
    }
    kbs::SimGuestOptions options;
    options.debug = a.sim_debug;
    if (!a.sim_measurement.empty()) {
      VT_ASSIGN_OR_RETURN(Bytes m, FromHex(a.sim_measurement));
      options.measurement = std::move(m);
    }
    VT_ASSIGN_OR_RETURN(auto guest, kbs::SnpSimGuest::Open(a.sim, options, SystemClock().Now()));
    return guest.AsFunction();
  }
  // The local attester (configfs-tsm, /dev/sev-guest, /dev/tdx_guest).
  auto attester = attest::SelectAttester(attest::Detect(), attest::AttesterOptions{});
  if (!attester) {
    return MakeError(ErrorCode::kUnsupported,
                     attester.error().message + " (use --sim DIR for simulated evidence)");
  }
  std::shared_ptr<attest::Attester> shared(std::move(*attester));
  return kbs::GuestEvidence([shared](ByteSpan report_data) -> Result<json> {
    attest::ReportData rd{};
    std::copy(report_data.begin(), report_data.end(), rd.begin());
    VT_ASSIGN_OR_RETURN(attest::Evidence ev, shared->Attest(rd));
    json out = {{"evidence", ToBase64(ev.evidence)}};
    if (!ev.endorsements.empty()) {
      // PEM text as is; a binary certificate table is sent as base64.
      std::string text(ev.endorsements.begin(), ev.endorsements.end());
      out["certificates"] = {text.find("-----BEGIN") != std::string::npos ? text : ToBase64(ev.endorsements)};
    }
    return out;
  });
}

int RunGetResource(const GuestArgs& a) {
  auto kind = KeyKind(a.key);
  if (!kind) {
    std::cerr << "veritee kbs: " << kind.error().ToString() << "\n";
    return 2;
  }
  auto guest = Guest(a);
  if (!guest) {
    std::cerr << "veritee kbs: " << guest.error().ToString() << "\n";
    return 2;
  }
  auto client = service::KbsClient::Create({a.url, a.ca, 30});
  if (!client) {
    std::cerr << "veritee kbs: " << client.error().ToString() << "\n";
    return 2;
  }
  auto key = TeeKeyPair::Generate(*kind);
  if (!key) {
    std::cerr << "veritee kbs: " << key.error().ToString() << "\n";
    return 2;
  }
  auto h = (*client)->GetResource(a.path, a.tee, *guest, *key);
  if (!h) {
    std::cerr << "veritee kbs: " << h.error().ToString() << "\n";
    return 2;
  }
  if (h->step != "done") {
    if (a.json) {
      std::cout << json{{"received", false}, {"step", h->step}, {"status", h->status}, {"detail", h->detail}}.dump(2)
                << "\n";
    }
    std::cerr << "veritee kbs: refused at " << h->step << ": HTTP " << h->status << " " << h->detail << "\n";
    return 1;
  }
  const ByteSpan secret = h->secret.span();
  if (!a.out.empty()) {
    auto st = WriteFile(a.out, secret);
    if (!st) {
      std::cerr << "veritee kbs: " << st.error().ToString() << "\n";
      return 2;
    }
  }
  if (a.json) {
    json out = {{"received", true}, {"path", a.path}, {"bytes", secret.size()}, {"alg", key->public_jwk().alg}};
    if (a.out.empty()) out["secret_base64"] = ToBase64(secret);
    std::cout << out.dump(2) << "\n";
  } else if (a.out.empty()) {
    std::cout.write(reinterpret_cast<const char*>(secret.data()), static_cast<std::streamsize>(secret.size()));
    std::cout.flush();
  } else {
    std::cerr << "veritee kbs: " << secret.size() << " bytes of " << a.path << " written to " << a.out << "\n";
  }
  return 0;
}

struct LoadArgs {
  std::string url, path, sim;
  double seconds = 10;
  int concurrency = 8;
  int server_pid = 0;
  bool json = false;
};

// utime + stime of a process in seconds (from /proc/PID/stat), or -1.
double ProcessCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int RunLoad(const LoadArgs& a) {
  service::ServiceConfig probe;
  std::string hostport = a.url.substr(a.url.find("://") == std::string::npos ? 0 : a.url.find("://") + 3);
  probe.listen = hostport.substr(0, hostport.find('/'));
  if (!service::IsLoopback(probe.host())) {
    std::cerr << "veritee kbs load: only loopback targets (127.0.0.0/8, ::1, localhost)\n";
    return 2;
  }
  if (a.seconds <= 0 || a.seconds > 600 || a.concurrency < 1 || a.concurrency > 256) {
    std::cerr << "veritee kbs load: --seconds in (0, 600], --concurrency in [1, 256]\n";
    return 2;
  }
  auto guest = kbs::SnpSimGuest::Open(a.sim, {}, SystemClock().Now());
  if (!guest) {
    std::cerr << "veritee kbs load: " << guest.error().ToString() << "\n";
    return 2;
  }
  const kbs::GuestEvidence evidence = guest->AsFunction();
  using SteadyClock = std::chrono::steady_clock;
  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<uint64_t> failures{0};
  std::string first_failure;
  const double server_cpu0 = a.server_pid > 0 ? ProcessCpuSeconds(a.server_pid) : -1;
  const double self_cpu0 = SelfCpuSeconds();
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::duration<double>(a.seconds);
  std::vector<std::thread> workers;
  for (int w = 0; w < a.concurrency; ++w) {
    workers.emplace_back([&] {
      auto client = service::KbsClient::Create({a.url, "", 30});
      if (!client) {
        ++failures;
        return;
      }
      std::vector<double> mine;
      while (SteadyClock::now() < end) {
        auto t0 = SteadyClock::now();
        auto key = TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
        auto h = key ? (*client)->GetResource(a.path, "snp", evidence, *key)
                     : Result<service::KbsClient::Handshake>(tl::unexpected(key.error()));
        if (!h || h->step != "done") {
          ++failures;
          std::lock_guard<std::mutex> lock(mu);
          if (first_failure.empty()) {
            first_failure = h ? h->step + ": HTTP " + std::to_string(h->status) + " " + h->detail
                              : h.error().ToString();
          }
          continue;
        }
        mine.push_back(std::chrono::duration<double>(SteadyClock::now() - t0).count());
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : workers) t.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double server_cpu = a.server_pid > 0 ? ProcessCpuSeconds(a.server_pid) - server_cpu0 : -1;
  const double self_cpu = SelfCpuSeconds() - self_cpu0;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    size_t i = std::min(latencies.size() - 1, static_cast<size_t>(p * static_cast<double>(latencies.size())));
    return latencies[i] * 1000;
  };
  const double rate = static_cast<double>(latencies.size()) / elapsed;
  json out = {{"url", a.url},
              {"concurrency", a.concurrency},
              {"seconds", elapsed},
              {"handshakes", latencies.size()},
              {"failures", failures.load()},
              {"handshakes_per_second", rate},
              {"p50_ms", pct(0.50)},
              {"p99_ms", pct(0.99)},
              {"client_cpu_seconds", self_cpu}};
  if (server_cpu >= 0 && !latencies.empty()) {
    out["server_cpu_seconds"] = server_cpu;
    out["server_cpu_ms_per_handshake"] = server_cpu * 1000 / static_cast<double>(latencies.size());
  }
  if (!first_failure.empty()) out["first_failure"] = first_failure;
  if (a.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& [k, v] : out.items()) std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  }
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace

void RegisterKbs(CLI::App& app, int* exit_code) {
  auto* kbs = app.add_subcommand("kbs", "key-broker client: fetch a secret through the KBS handshake");
  kbs->require_subcommand(1);
  auto g = std::make_shared<GuestArgs>();
  auto* get = kbs->add_subcommand(
      "get-resource", "auth, attest (local TEE or --sim), fetch and decrypt a resource; exit 0 "
                      "received, 1 refused, 2 usage or connection error");
  get->add_option("--url", g->url, "the service, e.g. http://127.0.0.1:8080")->required();
  get->add_option("--path", g->path, "repository/type/tag")->required();
  get->add_option("--sim", g->sim,
                  "simulated evidence from this simulator folder (veritee sim snp|tdx --out; "
                  "created when absent)");
  get->add_flag("--sim-debug", g->sim_debug, "simulated guest with POLICY.DEBUG set (must be refused)");
  get->add_option("--sim-measurement", g->sim_measurement, "simulated MEASUREMENT (96 hex digits)");
  get->add_option("--tee", g->tee, "the KBS tee name (default snp)");
  get->add_option("--key", g->key, "TEE key: ec (P-256, ECDH-ES+A256KW; default), p384, rsa (RSA-OAEP-256)");
  get->add_option("--ca", g->ca, "CA certificate of an https service");
  get->add_option("--out", g->out, "write the secret here (default: stdout)");
  get->add_flag("--json", g->json, "print a JSON summary");
  get->callback([g, exit_code] { *exit_code = RunGetResource(*g); });

  auto l = std::make_shared<LoadArgs>();
  auto* load = kbs->add_subcommand(
      "load", "bounded load on a loopback service: full handshakes per second with p50/p99");
  load->add_option("--url", l->url, "a loopback service URL")->required();
  load->add_option("--path", l->path, "repository/type/tag to fetch")->required();
  load->add_option("--sim", l->sim, "simulator folder of the guests' SEV-SNP evidence")->required();
  load->add_option("--seconds", l->seconds, "duration (default 10)");
  load->add_option("--concurrency", l->concurrency, "concurrent guests, one connection each (default 8)");
  load->add_option("--server-pid", l->server_pid, "report the server's CPU seconds per handshake");
  load->add_flag("--json", l->json, "print JSON");
  load->callback([l, exit_code] { *exit_code = RunLoad(*l); });
}

}  // namespace veritee::cli
