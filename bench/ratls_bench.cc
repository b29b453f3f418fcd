// RA-TLS handshakes per second beside plain TLS with the same key type, in one run.
//
//   BM_PlainTlsHandshake         TLS 1.3, server certificate ECDSA P-256 (self-signed, in
//                                the client's trust store), client verifies it normally
//   BM_RatlsHandshakeCached      the same, with the server's RA-TLS certificate from the
//                                cache (P-256 key; SEV-SNP simulator evidence) and the client
//                                verifying the evidence (report signature, chain from the
//                                verifier's cache, key binding, policy)
//   BM_RatlsHandshakeFreshCert   a new key and a new report per handshake: what the cache
//                                saves
// Full handshakes (no resumption) over an in-memory BIO pair in one thread, so the figures
// are CPU per handshake, both sides included. The ratio is printed as a counter.
#include <benchmark/benchmark.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <filesystem>

#include "attest/sim/snp_attester.h"
#include "crypto/keys.h"
#include "ratls/tls.h"

namespace veritee {
namespace {

using SslCtxPtr = OsslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OsslPtr<SSL, SSL_free>;

bool Handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  SslPtr server(SSL_new(server_ctx)), client(SSL_new(client_ctx));
  BIO *a = nullptr, *b = nullptr;
  BIO_new_bio_pair(&a, 0, &b, 0);
  SSL_set_bio(server.get(), a, a);
  SSL_set_bio(client.get(), b, b);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  bool server_done = false, client_done = false;
  for (int i = 0; i < 64 && !(server_done && client_done); ++i) {
    if (!client_done) {
      int r = SSL_do_handshake(client.get());
      if (r == 1) client_done = true;
      else if (SSL_get_error(client.get(), r) != SSL_ERROR_WANT_READ) return false;
    }
    if (!server_done) {
      int r = SSL_do_handshake(server.get());
      if (r == 1) server_done = true;
      else if (SSL_get_error(server.get(), r) != SSL_ERROR_WANT_READ) return false;
    }
  }
  // TLS 1.3 sends tickets after the handshake; read them so the exchange is complete.
  char byte;
  SSL_read(client.get(), &byte, 0);
  ERR_clear_error();
  return server_done && client_done;
}

struct Fixture {
  std::string dir;
  std::shared_ptr<sim::SnpSimAttester> attester;
  Certificate ark;
  SystemClock clock;

  static Fixture& Get() {
    static Fixture f = [] {
      Fixture x;
      x.dir = (std::filesystem::temp_directory_path() / "veritee-ratls-bench").string();
      sim::SnpAttesterOptions o;
      o.rsa_bits = 2048;
      x.attester = std::shared_ptr<sim::SnpSimAttester>(
          std::move(*sim::SnpSimAttester::Open(x.dir, o, SystemClock().Now())));
      x.ark = x.attester->simulator().ark();
      return x;
    }();
    return f;
  }
};

SslCtxPtr NoTickets(SslCtxPtr ctx) {
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

void BM_PlainTlsHandshake(benchmark::State& state) {
  auto key = GenerateEcKey("P-256");
  CertSpec spec;
  spec.subject = {{"CN", "plain"}};
  spec.not_before = SystemClock().Now() - 60;
  spec.not_after = SystemClock().Now() + 86400;
  spec.rsa_pss = false;
  auto cert = IssueCertificate(spec, key->get(), nullptr, key->get());
  auto server = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_server_method())));
  SSL_CTX_use_certificate(server.get(), cert->get());
  SSL_CTX_use_PrivateKey(server.get(), key->get());
  auto client = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_client_method())));
  X509_STORE_add_cert(SSL_CTX_get_cert_store(client.get()), cert->get());
  SSL_CTX_set_verify(client.get(), SSL_VERIFY_PEER, nullptr);
  for (auto _ : state) {
    if (!Handshake(server.get(), client.get())) state.SkipWithError("handshake failed");
  }
  state.counters["handshakes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PlainTlsHandshake)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_RatlsHandshakeCached(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  auto cache = std::make_shared<ratls::CertCache>(f.attester, ratls::CertOptions{}, f.clock);
  ratls::VerifierOptions vo;
  vo.extra_roots = {f.ark};
  auto verifier = std::make_shared<ratls::Verifier>(vo, f.clock);
  auto server = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_server_method())));
  if (!ratls::UseCertCache(server.get(), cache)) state.SkipWithError("no certificate");
  auto client = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_client_method())));
  (void)ratls::RequireAttestedPeer(client.get(), verifier, ratls::Role::kClient);
  for (auto _ : state) {
    if (!Handshake(server.get(), client.get())) state.SkipWithError("handshake refused");
  }
  state.counters["handshakes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["certificates_issued"] = static_cast<double>(cache->issued());
}
BENCHMARK(BM_RatlsHandshakeCached)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_RatlsHandshakeFreshCert(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  ratls::VerifierOptions vo;
  vo.extra_roots = {f.ark};
  auto verifier = std::make_shared<ratls::Verifier>(vo, f.clock);
  auto client = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_client_method())));
  (void)ratls::RequireAttestedPeer(client.get(), verifier, ratls::Role::kClient);
  for (auto _ : state) {
    auto id = ratls::IssueCertificate(*f.attester, {}, f.clock.Now());
    auto server = NoTickets(SslCtxPtr(SSL_CTX_new(TLS_server_method())));
    (void)ratls::UseIdentity(server.get(), *id);
    if (!Handshake(server.get(), client.get())) state.SkipWithError("handshake refused");
  }
  state.counters["handshakes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RatlsHandshakeFreshCert)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
}  // namespace veritee
