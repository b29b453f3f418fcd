// `veritee serve --config FILE [flags]`: runs the service until SIGINT or SIGTERM.
// Exit status: 0 stopped by a signal, 1 the server failed while running, 2 a usage or
// configuration error (nothing was served).
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <thread>

#include "appraise/policy.h"
#include "cli/service_commands.h"
#include "cli/service_verifier.h"
#include "service/server.h"

namespace veritee::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  service::ServiceConfig config;  // flag values; applied over the file's when given
};

int RunServe(const ServeArgs& a, const CLI::App& cmd) {
  service::ServiceConfig c;
  if (!a.config_file.empty()) {
    auto st = service::LoadConfigFile(a.config_file, c);
    if (!st) {
      std::cerr << "veritee serve: " << a.config_file << ": " << st.error().ToString() << "\n";
      return 2;
    }
  }
  const service::ServiceConfig& f = a.config;
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--listen")) c.listen = f.listen;
  if (given("--db")) c.db = f.db;
  if (given("--tls-cert")) c.tls_cert = f.tls_cert;
  if (given("--tls-key")) c.tls_key = f.tls_key;
  if (given("--kek-file")) c.kek_file = f.kek_file;
  if (given("--kek-env")) c.kek_env = f.kek_env;
  if (given("--admin-token-file")) c.admin_token_file = f.admin_token_file;
  if (given("--admin-token-env")) c.admin_token_env = f.admin_token_env;
  if (given("--token-key-file")) c.token_key_file = f.token_key_file;
  if (given("--trust-root")) c.trust_roots = f.trust_roots;
  if (given("--crl")) c.crls = f.crls;
  if (given("--collateral")) c.collateral = f.collateral;
  if (given("--policy")) c.policy = f.policy;
  if (given("--appraisal-policy")) c.appraisal_policy = f.appraisal_policy;
  if (given("--allow-tcb-status")) c.allow_tcb_status = f.allow_tcb_status;
  if (given("--nonce-ttl")) c.nonce_ttl_s = f.nonce_ttl_s;
  if (given("--token-ttl")) c.token_ttl_s = f.token_ttl_s;
  if (given("--registry-ttl")) c.registry_ttl_s = f.registry_ttl_s;
  if (given("--max-body-bytes")) c.max_body_bytes = f.max_body_bytes;
  if (given("--read-timeout")) c.read_timeout_s = f.read_timeout_s;
  if (given("--connection-threads")) c.connection_threads = f.connection_threads;
  if (given("--verify-threads")) c.verify_threads = f.verify_threads;
  if (given("--log-file")) c.log_file = f.log_file;
  if (given("--log-level")) c.log_level = f.log_level;
  if (given("--port-file")) c.port_file = f.port_file;

  auto verifier = MakeServiceVerifier({c.trust_roots, c.crls, c.collateral, c.policy, c.allow_tcb_status});
  if (!verifier) {
    std::cerr << "veritee serve: " << verifier.error().ToString() << "\n";
    return 2;
  }
  // The appraisal reads the same policy file as the verification unless one of its own
  // is named.
  appraise::Policy policy;
  const std::string appraisal_file = c.appraisal_policy.empty() ? c.policy : c.appraisal_policy;
  if (!appraisal_file.empty()) {
    auto p = appraise::LoadPolicyFile(appraisal_file);
    if (!p) {
      std::cerr << "veritee serve: " << appraisal_file << ": " << p.error().ToString() << "\n";
      return 2;
    }
    policy = std::move(*p);
  }
  // SIGINT/SIGTERM are taken by one thread (sigwait) that stops the server; every other
  // thread inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto service = service::Service::Create(c, std::move(*verifier), std::move(policy));
  if (!service) {
    std::cerr << "veritee serve: " << service.error().ToString() << "\n";
    return 2;
  }
  service::Service* raw = service->get();
  std::thread watcher([raw, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    raw->Stop();
  });
  std::cerr << "veritee serve: listening on " << (c.tls() ? "https://" : "http://") << c.host() << ":"
            << raw->port() << " (" << c.db << ")\n";
  Status st = raw->Run();
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if Run ended on its own
  watcher.join();
  if (!st) {
    std::cerr << "veritee serve: " << st.error().ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "the verification + key-broker service (KBS protocol, admin API, registry)");
  service::ServiceConfig& f = args->config;
  cmd->add_option("--config", args->config_file, "JSON configuration file (flags override it)");
  cmd->add_option("--listen", f.listen, "HOST:PORT (default 127.0.0.1:8080; port 0: any free port)");
  cmd->add_option("--db", f.db, "SQLite file (default veritee.db) or postgresql://… URL");
  cmd->add_option("--tls-cert", f.tls_cert, "server certificate chain (PEM); required off loopback");
  cmd->add_option("--tls-key", f.tls_key, "server private key (PEM)");
  cmd->add_option("--kek-file", f.kek_file, "key-encryption key file (32 bytes raw, hex or base64; mode 600)");
  cmd->add_option("--kek-env", f.kek_env, "environment variable holding the KEK (hex or base64)");
  cmd->add_option("--admin-token-file", f.admin_token_file, "file holding the admin bearer token");
  cmd->add_option("--admin-token-env", f.admin_token_env, "environment variable holding the admin token");
  cmd->add_option("--token-key-file", f.token_key_file,
                  "EC private key (PEM, P-256/P-384) signing the EAR tokens; generated when absent");
  cmd->add_option("--trust-root", f.trust_roots, "an extra trust anchor (e.g. a simulator root); repeatable");
  cmd->add_option("--crl", f.crls, "a CRL; repeatable");
  cmd->add_option("--collateral", f.collateral, "DCAP collateral folder or bundle");
  cmd->add_option("--policy", f.policy, "verification + appraisal policy (as verify --policy)");
  cmd->add_option("--appraisal-policy", f.appraisal_policy,
                  "appraisal policy file when not the --policy file (appraise/policy.h)");
  cmd->add_option("--allow-tcb-status", f.allow_tcb_status, "DCAP TCB statuses accepted besides UpToDate");
  cmd->add_option("--nonce-ttl", f.nonce_ttl_s, "seconds a KBS nonce stays valid (default 300)");
  cmd->add_option("--token-ttl", f.token_ttl_s, "seconds a token / attested session stays valid (default 300)");
  cmd->add_option("--registry-ttl", f.registry_ttl_s, "seconds a registry entry stays valid (max 86400)");
  cmd->add_option("--max-body-bytes", f.max_body_bytes, "largest request body (default 1 MiB)");
  cmd->add_option("--read-timeout", f.read_timeout_s, "seconds to read a request (default 5)");
  cmd->add_option("--connection-threads", f.connection_threads, "connection worker threads (default 32)");
  cmd->add_option("--verify-threads", f.verify_threads, "verifications at once (default: the cores)");
  cmd->add_option("--log-file", f.log_file, "JSON-lines log file (default stderr)");
  cmd->add_option("--log-level", f.log_level, "debug, info, warn, error (default info)");
  cmd->add_option("--port-file", f.port_file, "write the bound port here once listening");
  cmd->callback([args, cmd, exit_code] { *exit_code = RunServe(*args, *cmd); });
}

}  // namespace veritee::cli
