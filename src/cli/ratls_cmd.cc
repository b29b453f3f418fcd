// `veritee ratls serve` (an attested TLS front for a local service) and `veritee ratls
// connect` (verify a server's RA-TLS evidence, then GET a URL or relay stdin/stdout).
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include "attest/attester.h"
#include "attest/detect.h"
#include "attest/sim/snp_attester.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/attest_commands.h"
#include "cli/render.h"
#include "cli/verify_flags.h"
#include "ratls/policy.h"
#include "ratls/proxy.h"
#include "trust/dcap_collateral.h"
#include "verify/dcap/options.h"
#include "verify/snp/policy.h"  // ParseExpectValue

namespace veritee::cli {
namespace {

struct PeerPolicyArgs {
  std::vector<std::string> trust_roots, crls, expects;
  std::string policy, collateral;
  bool allow_debug = false;
};

void AddPeerPolicyFlags(CLI::App* cmd, PeerPolicyArgs& p, const std::string& whose) {
  cmd->add_option("--trust-root", p.trust_roots,
                  "an extra root for the " + whose + "'s evidence (e.g. the simulator's ARK); "
                  "repeatable; never replaces the built-in vendor roots");
  cmd->add_option("--crl", p.crls, "a CRL for the " + whose + "'s chain; repeatable");
  cmd->add_option("--policy", p.policy,
                  "policy FILE for the " + whose + ", the format of `veritee verify --policy`: "
                  "its sev-snp, tdx and sgx sections apply to a " + whose + " of that TEE, "
                  "and a " + whose + " from a TEE with no section is refused");
  cmd->add_option("--expect", p.expects,
                  "required value NAME=HEX of the " + whose + "'s evidence (measurement, "
                  "host_data, mr_td, mr_enclave, ...); repeatable; a " + whose + " of a TEE "
                  "that none of the values applies to is refused");
  cmd->add_flag("--allow-debug", p.allow_debug, "accept a debuggable " + whose);
  cmd->add_option("--collateral", p.collateral,
                  "DCAP collateral (bundle or PCS folder) for a TDX/SGX " + whose);
}

Result<std::shared_ptr<const ratls::Verifier>> BuildVerifier(const PeerPolicyArgs& p,
                                                            const Clock& clock) {
  ratls::VerifierOptions o;
  for (const std::string& path : p.trust_roots) {
    VT_ASSIGN_OR_RETURN(auto certs, LoadCerts(path));
    o.extra_roots.insert(o.extra_roots.end(), certs.begin(), certs.end());
  }
  for (const std::string& path : p.crls) {
    VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
    VT_ASSIGN_OR_RETURN(Crl crl, Crl::Parse(bytes));
    o.crls.push_back(std::move(crl));
  }
  if (!p.policy.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes text, ReadFile(p.policy));
    auto st = ratls::LoadPolicyText(
        std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), o);
    if (!st) return tl::unexpected(WithOption(st.error(), p.policy));
  }
  std::set<std::string> pinned;  // the TEEs the command-line values apply to
  for (const std::string& e : p.expects) {
    size_t eq = e.find('=');
    if (eq == std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "--expect NAME=HEX, got " + e);
    }
    const std::string name = e.substr(0, eq);
    auto v = snp::ParseExpectValue(name, e.substr(eq + 1));
    if (v) {
      o.snp.expect[name] = *v;
      pinned.insert("sev-snp");
    }
    // TDX/SGX names (mr_td, rtmr0, mr_enclave, ...) go to both DCAP policies, so that a
    // quote of the other kind is refused ("not a field of this quote"), as before the
    // policies were split.
    const auto& tdx = dcap::ExpectableTdxFields();
    const auto& sgx = dcap::ExpectableSgxFields();
    auto hex = FromHex(e.substr(eq + 1));
    if (!v && hex && (tdx.count(name) != 0 || sgx.count(name) != 0)) {
      o.tdx.expect[name] = *hex;
      o.sgx.expect[name] = *hex;
      pinned.insert("tdx");
      pinned.insert("sgx");
      continue;
    }
    if (!v) return tl::unexpected(WithOption(v.error(), "--expect"));
    if (name == "report_data" && hex) {
      o.tdx.expect[name] = *hex;
      o.sgx.expect[name] = *hex;
      pinned.insert("tdx");
      pinned.insert("sgx");
    }
  }
  if (!p.expects.empty()) {
    // An RA-TLS peer picks its own TEE: values pinned for one TEE must not let a peer of
    // another TEE through unchecked. With --expect, only the TEEs that received at least
    // one expected value are accepted (within those a policy file already allows).
    if (o.tees) {
      std::set<std::string> both;
      for (const std::string& t : pinned) {
        if (o.tees->count(t) != 0) both.insert(t);
      }
      pinned = std::move(both);
      if (pinned.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "--expect: the values apply to no TEE that --policy accepts");
      }
    }
    o.tees = std::move(pinned);
    o.tees_from_expect = true;
  }
  if (p.allow_debug) {
    o.snp.allow_debug = true;
    o.tdx.allow_debug = true;
    o.sgx.allow_debug = true;
  }
  if (!p.collateral.empty()) {
    auto c = trust::LoadDcapCollateral(p.collateral);
    if (!c) return tl::unexpected(WithOption(c.error(), "--collateral"));
    o.dcap_collateral = std::make_shared<const trust::DcapCollateral>(std::move(*c));
  }
  return std::make_shared<const ratls::Verifier>(std::move(o), clock);
}

Result<std::shared_ptr<attest::Attester>> OurAttester(const std::string& sim_dir) {
  if (!sim_dir.empty()) {
    VT_ASSIGN_OR_RETURN(auto s, sim::SnpSimAttester::Open(sim_dir, {}, SystemClock().Now()));
    return std::shared_ptr<attest::Attester>(std::move(s));
  }
  VT_ASSIGN_OR_RETURN(auto a, attest::SelectAttester(attest::Detect(), {}));
  return std::shared_ptr<attest::Attester>(std::move(a));
}

void Describe(const Verification& v, const std::string& who) {
  if (v.accepted()) {
    std::cerr << "veritee: ✓ attested " << who << ": " << v.tee()
              << (v.simulated ? " (SIMULATED evidence)" : "");
    if (v.claims.contains("measurement")) {
      std::cerr << ", measurement " << v.claims["measurement"].get<std::string>();
    }
    std::cerr << "\n";
  } else {
    std::cerr << "veritee: ✗ " << who << " refused: " << v.reason() << "\n";
  }
}

struct ServeArgs {
  std::string upstream, listen = "127.0.0.1:8443", sim, curve = "P-256", cert_out;
  int64_t validity = 24 * 3600;
  int max_connections = 0;
  bool require_client = false, quiet = false;
  PeerPolicyArgs client;
};

int RunServe(const ServeArgs& a) {
  static const SystemClock clock;
  auto listen = ratls::ParseHostPort(a.listen);
  auto upstream = ratls::ParseHostPort(a.upstream);
  if (!listen || !upstream) {
    std::cerr << "veritee: " << (!listen ? listen.error() : upstream.error()).ToString() << "\n";
    return 2;
  }
  if (a.curve != "P-256" && a.curve != "P-384") {
    std::cerr << "veritee: --curve is P-256 or P-384\n";
    return 2;
  }
  auto attester = OurAttester(a.sim);
  if (!attester) {
    std::cerr << "veritee: cannot attest: " << attester.error().message << "\n";
    return 1;
  }
  ratls::CertOptions co;
  co.key_curve = a.curve;
  co.validity_seconds = a.validity;
  auto cache = std::make_shared<ratls::CertCache>(*attester, co, clock,
                                                  std::min<int64_t>(3600, a.validity / 4));
  auto first = cache->Get();
  if (!first) {
    std::cerr << "veritee: cannot issue the RA-TLS certificate: " << first.error().ToString()
              << "\n";
    return 1;
  }
  if (!a.cert_out.empty()) {
    if (auto st = WriteFile(a.cert_out, (*first)->cert.ToPem()); !st) {
      std::cerr << "veritee: " << st.error().ToString() << "\n";
      return 2;
    }
  }
  ratls::ServeOptions o;
  o.listen = *listen;
  o.upstream = *upstream;
  o.cache = cache;
  o.max_connections = a.max_connections;
  if (a.require_client) {
    auto v = BuildVerifier(a.client, clock);
    if (!v) {
      std::cerr << "veritee: " << v.error().ToString() << "\n";
      return 2;
    }
    o.client_verifier = *v;
  }
  o.on_listening = [&](uint16_t port) {
    std::printf("listening on %s:%u (RA-TLS, %s evidence%s%s), relaying to %s:%u\n",
                listen->host.c_str(), port, (*first)->tee.c_str(),
                (*first)->simulated ? ", SIMULATED" : "",
                a.require_client ? ", attested clients only" : "", upstream->host.c_str(),
                upstream->port);
    std::fflush(stdout);
  };
  if (!a.quiet) o.log = [](const std::string& line) { std::cerr << "veritee: " << line << "\n"; };
  std::signal(SIGPIPE, SIG_IGN);
  auto st = ratls::Serve(o);
  if (!st) {
    std::cerr << "veritee: " << st.error().ToString() << "\n";
    return st.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}

struct ConnectArgs {
  std::string url, sim;
  bool json = false;
  PeerPolicyArgs server;
};

int RunConnect(const ConnectArgs& a) {
  static const SystemClock clock;
  auto target = ratls::ParseUrl(a.url);
  if (!target) {
    std::cerr << "veritee: " << target.error().ToString() << "\n";
    return 2;
  }
  auto verifier = BuildVerifier(a.server, clock);
  if (!verifier) {
    std::cerr << "veritee: " << verifier.error().ToString() << "\n";
    return 2;
  }
  ratls::ConnectOptions o;
  o.server = target->first;
  o.verifier = *verifier;
  if (!target->second.empty()) o.get_path = target->second;
  if (!a.sim.empty()) {
    auto attester = OurAttester(a.sim);
    if (!attester) {
      std::cerr << "veritee: " << attester.error().ToString() << "\n";
      return 2;
    }
    o.client_cache = std::make_shared<ratls::CertCache>(*attester, ratls::CertOptions{}, clock);
  }
  std::signal(SIGPIPE, SIG_IGN);
  ratls::ConnectOutcome out = ratls::Connect(o);
  if (out.peer) {
    if (a.json) {
      std::cerr << out.peer->ToJson().dump(2) << "\n";
    } else {
      Describe(*out.peer, "server");
    }
  }
  if (out.peer && !out.peer->accepted()) return 1;
  if (!out.status) {
    std::cerr << "veritee: " << out.status.error().ToString() << "\n";
    return 1;
  }
  return out.handshake_ok ? 0 : 1;
}

}  // namespace

void RegisterRatls(CLI::App& app, int* exit_code) {
  auto* ratls = app.add_subcommand("ratls", "attested TLS (RA-TLS): serve and connect");
  ratls->require_subcommand(1);

  auto serve = std::make_shared<ServeArgs>();
  auto* s = ratls->add_subcommand(
      "serve", "an attested TLS front for a local service: presents an RA-TLS certificate "
               "(evidence bound to its key) and relays each connection to --upstream");
  s->add_option("--upstream", serve->upstream, "HOST:PORT of the plain-TCP service")->required();
  s->add_option("--listen", serve->listen, "HOST:PORT to listen on (default 127.0.0.1:8443)");
  s->add_option("--sim", serve->sim, "simulated SEV-SNP evidence from the simulator PKI in DIR");
  s->add_option("--curve", serve->curve, "certificate key: P-256 (default) or P-384");
  s->add_option("--validity", serve->validity,
                "certificate lifetime in seconds (default 86400); reissued near expiry");
  s->add_flag("--require-client", serve->require_client,
              "mutual RA-TLS: clients must present attested certificates");
  s->add_option("--max-connections", serve->max_connections, "exit after N connections");
  s->add_option("--cert-out", serve->cert_out, "write the RA-TLS certificate (PEM) here");
  s->add_flag("--quiet", serve->quiet, "no per-connection log");
  AddPeerPolicyFlags(s, serve->client, "client");
  s->callback([serve, exit_code] { *exit_code = RunServe(*serve); });

  auto connect = std::make_shared<ConnectArgs>();
  auto* c = ratls->add_subcommand(
      "connect", "verify a server's RA-TLS evidence, then print the response of a GET "
                 "(https://HOST:PORT/PATH) or relay stdin/stdout (HOST:PORT); exit 1 when the "
                 "server is not attested");
  c->add_option("URL", connect->url, "https://HOST:PORT/PATH or HOST:PORT")->required();
  c->add_option("--sim", connect->sim,
                "present our own simulated RA-TLS certificate (for servers that require one)");
  c->add_flag("--json", connect->json, "print the server's verification as JSON (stderr)");
  AddPeerPolicyFlags(c, connect->server, "server");
  c->callback([connect, exit_code] { *exit_code = RunConnect(*connect); });
}

}  // namespace veritee::cli
