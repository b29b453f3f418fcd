// The two RA-TLS network tools: an attested TLS front for a local service, and a client
// that verifies a server's evidence before it sends a byte.
//
//   Serve    accepts TLS on `listen`, presents the cache's RA-TLS certificate (optionally
//            requiring an attested client), and relays each connection to `upstream`
//            (plain TCP), one thread per connection.
//   Connect  opens TLS to host:port, verifies the server's RA-TLS certificate, then either
//            sends a GET for `get_path` and writes the response, or relays in_fd/out_fd.
// Both use OpenSSL's TLS (ratls/tls.h); addresses are "HOST:PORT" with numeric or
// resolvable hosts.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ratls/certificate.h"
#include "ratls/verifier.h"

namespace veritee::ratls {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "host:port", "[v6]:port"; with `url` also "https://host[:port][/path]" (path returned).
Result<HostPort> ParseHostPort(std::string_view text);
Result<std::pair<HostPort, std::string>> ParseUrl(std::string_view url);

struct ServeOptions {
  HostPort listen{"127.0.0.1", 8443};
  HostPort upstream;
  std::shared_ptr<CertCache> cache;
  std::shared_ptr<const Verifier> client_verifier;  // null: clients are not attested
  int max_connections = 0;                          // 0: serve forever
  std::function<void(uint16_t port)> on_listening;
  std::function<void(const std::string& line)> log;
};
Status Serve(const ServeOptions& options);

struct ConnectOptions {
  HostPort server;
  std::shared_ptr<const Verifier> verifier;
  std::shared_ptr<CertCache> client_cache;  // present our own RA-TLS certificate (mutual)
  std::optional<std::string> get_path;      // GET this path; else relay in_fd/out_fd
  std::string host_header;
  int in_fd = 0, out_fd = 1;
};
struct ConnectOutcome {
  std::optional<Verification> peer;  // the server's verification, when one ran
  Status status;                     // connection or relay errors (Ok when refused cleanly)
  bool handshake_ok = false;
};
ConnectOutcome Connect(const ConnectOptions& options);

}  // namespace veritee::ratls
