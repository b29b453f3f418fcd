#include "ratls/proxy.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "ratls/tls.h"

namespace veritee::ratls {
namespace {

using SslCtxPtr = OsslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OsslPtr<SSL, SSL_free>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&&) = delete;
  Fd(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return MakeError(ErrorCode::kInvalidArgument, "bad port");
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return MakeError(ErrorCode::kInvalidArgument, "bad port");
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) return MakeError(ErrorCode::kInvalidArgument, "port is 0..65535");
  return static_cast<uint16_t>(v);
}

Result<addrinfo*> Resolve(const HostPort& hp, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(hp.port);
  int rc = ::getaddrinfo(hp.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, std::string("cannot resolve: ") + gai_strerror(rc), hp.host);
  }
  return res;
}

Result<Fd> Dial(const HostPort& hp) {
  VT_ASSIGN_OR_RETURN(addrinfo * res, Resolve(hp, false));
  int err = 0;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      return fd;
    }
    err = errno;
  }
  ::freeaddrinfo(res);
  return MakeError(ErrorCode::kIo, "cannot connect: " + std::string(std::strerror(err)),
                   hp.host + ":" + std::to_string(hp.port));
}

std::string SslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// Relays between a TLS connection and plain descriptors until both directions end.
void Relay(SSL* ssl, int ssl_fd, int in_fd, int out_fd) {
  std::vector<char> buf(16384);
  bool in_open = true;
  for (;;) {
    if (SSL_pending(ssl) == 0) {
      pollfd fds[2] = {{ssl_fd, POLLIN, 0}, {in_fd, static_cast<short>(in_open ? POLLIN : 0), 0}};
      if (::poll(fds, in_open ? 2 : 1, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (in_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        ssize_t n = ::read(in_fd, buf.data(), buf.size());
        if (n <= 0) {
          in_open = false;
          SSL_shutdown(ssl);  // close_notify: we will send no more
        } else if (SSL_write(ssl, buf.data(), static_cast<int>(n)) <= 0) {
          return;
        }
      }
      if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    }
    int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) return;
    for (int off = 0; off < n;) {
      ssize_t w = ::write(out_fd, buf.data() + off, static_cast<size_t>(n - off));
      if (w <= 0) return;
      off += static_cast<int>(w);
    }
  }
}

void HandleClient(SSL_CTX* ctx, Fd client, const ServeOptions& o, uint64_t id) {
  auto log = [&](const std::string& line) {
    if (o.log) o.log("connection " + std::to_string(id) + ": " + line);
  };
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return;
  SSL_set_fd(ssl.get(), client.get());
  if (SSL_accept(ssl.get()) != 1) {
    const std::string reason = FailureReason(ssl.get());
    log("handshake failed: " + (reason.empty() ? SslErrors() : "client refused: " + reason));
    ERR_clear_error();
    return;
  }
  if (const Verification* v = PeerVerification(ssl.get())) {
    log("attested client (" + v->tee() + (v->simulated ? ", simulated" : "") + ")");
  }
  auto upstream = Dial(o.upstream);
  if (!upstream) {
    log("upstream: " + upstream.error().ToString());
    SSL_shutdown(ssl.get());
    return;
  }
  Relay(ssl.get(), client.get(), upstream->get(), upstream->get());
  SSL_shutdown(ssl.get());
  ERR_clear_error();
  log("closed");
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text) {
  HostPort hp;
  size_t colon;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalidArgument, "expected [IPv6]:PORT", std::string(text));
    }
    hp.host = std::string(text.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "expected HOST:PORT", std::string(text));
    }
    hp.host = std::string(text.substr(0, colon));
  }
  VT_ASSIGN_OR_RETURN(hp.port, ParsePort(text.substr(colon + 1)));
  return hp;
}

Result<std::pair<HostPort, std::string>> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    // A bare HOST:PORT relays stdin/stdout (no path).
    VT_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(url));
    return std::make_pair(hp, std::string());
  }
  url.remove_prefix(kScheme.size());
  size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.find(':') == std::string_view::npos || authority.back() == ']') {
    return std::make_pair(HostPort{std::string(authority), 443}, path);
  }
  VT_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(authority));
  return std::make_pair(hp, path);
}

Status Serve(const ServeOptions& o) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return OpenSslFailure(ErrorCode::kCrypto, "SSL_CTX_new");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  VT_RETURN_IF_ERROR(UseCertCache(ctx.get(), o.cache));
  if (o.client_verifier) {
    VT_RETURN_IF_ERROR(RequireAttestedPeer(ctx.get(), o.client_verifier, Role::kServer));
  }
  VT_ASSIGN_OR_RETURN(addrinfo * res, Resolve(o.listen, true));
  Fd listener(::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol));
  int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const bool bound = listener.get() >= 0 && ::bind(listener.get(), res->ai_addr, res->ai_addrlen) == 0 &&
                     ::listen(listener.get(), 64) == 0;
  int err = errno;
  ::freeaddrinfo(res);
  if (!bound) {
    return MakeError(ErrorCode::kIo, "cannot listen: " + std::string(std::strerror(err)),
                     o.listen.host + ":" + std::to_string(o.listen.port));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  const uint16_t port = ntohs(addr.ss_family == AF_INET6
                                  ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                  : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (o.on_listening) o.on_listening(port);

  // Keep the certificate fresh in the background, so no handshake waits for a quote.
  std::atomic<bool> stop{false};
  std::thread refresher([&] {
    while (!stop) {
      for (int i = 0; i < 600 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (stop) break;
      auto r = o.cache->RefreshIfDue();
      if (!r && o.log) o.log("certificate refresh failed: " + r.error().ToString());
      if (r && *r && o.log) o.log("issued a fresh RA-TLS certificate");
    }
  });
  std::vector<std::thread> workers;
  uint64_t served = 0;
  while (o.max_connections == 0 || served < static_cast<uint64_t>(o.max_connections)) {
    Fd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (client.get() < 0) {
      if (errno == EINTR) continue;
      break;
    }
    ++served;
    workers.emplace_back(HandleClient, ctx.get(), std::move(client), std::cref(o), served);
  }
  for (auto& w : workers) w.join();
  stop = true;
  refresher.join();
  return Ok();
}

ConnectOutcome Connect(const ConnectOptions& o) {
  ConnectOutcome out;
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    out.status = OpenSslFailure(ErrorCode::kCrypto, "SSL_CTX_new");
    return out;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (o.client_cache) {
    out.status = UseCertCache(ctx.get(), o.client_cache);
    if (!out.status) return out;
  }
  out.status = RequireAttestedPeer(ctx.get(), o.verifier, Role::kClient);
  if (!out.status) return out;
  auto fd = Dial(o.server);
  if (!fd) {
    out.status = tl::unexpected(fd.error());
    return out;
  }
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd->get());
  std::string sni = o.host_header.empty() ? o.server.host : o.host_header;
  SSL_set_tlsext_host_name(ssl.get(), sni.data());
  out.handshake_ok = SSL_connect(ssl.get()) == 1;
  if (const Verification* v = PeerVerification(ssl.get())) out.peer = *v;
  if (!out.handshake_ok) {
    if (!out.peer || out.peer->accepted()) {
      out.status = MakeError(ErrorCode::kIo, "TLS handshake failed: " + SslErrors());
    }
    ERR_clear_error();
    return out;
  }
  if (o.get_path) {
    const std::string host = o.host_header.empty() ? o.server.host : o.host_header;
    const std::string req = "GET " + *o.get_path + " HTTP/1.1\r\nHost: " + host +
                            "\r\nConnection: close\r\nUser-Agent: veritee-ratls\r\n\r\n";
    if (SSL_write(ssl.get(), req.data(), static_cast<int>(req.size())) <= 0) {
      out.status = MakeError(ErrorCode::kIo, "sending the request: " + SslErrors());
      return out;
    }
    std::vector<char> buf(16384);
    size_t total = 0;
    for (;;) {
      int n = SSL_read(ssl.get(), buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) {
        // TLS 1.3: a server that refuses our certificate says so after our handshake ended.
        const int err = SSL_get_error(ssl.get(), n);
        if (total == 0 && err != SSL_ERROR_ZERO_RETURN) {
          out.status = MakeError(ErrorCode::kIo, "the server closed the connection: " +
                                                     SslErrors());
        }
        break;
      }
      total += static_cast<size_t>(n);
      for (int off = 0; off < n;) {
        ssize_t w = ::write(o.out_fd, buf.data() + off, static_cast<size_t>(n - off));
        if (w <= 0) break;
        off += static_cast<int>(w);
      }
    }
  } else {
    Relay(ssl.get(), fd->get(), o.in_fd, o.out_fd);
  }
  SSL_shutdown(ssl.get());
  ERR_clear_error();
  return out;
}

}  // namespace veritee::ratls
