#include "service/server.h"

#include <httplib.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <thread>

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/jose.h"
#include "kbs/protocol.h"
#include "kbs/release_policy.h"
#include "service/metrics.h"
#include "service/verify_api.h"
#include "store/store.h"

namespace veritee::service {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kCookie[] = "kbs-session-id";
constexpr char kJson[] = "application/json";
constexpr char kProblemBase[] = "https://github.com/confidential-containers/kbs/errors/";

// Per-request state of the thread serving it (httplib runs a request start to finish on
// one thread): the route pattern for metrics and the start time.
thread_local std::string t_route;
thread_local Clock::time_point t_start;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// The value of `name` in a Cookie header ("a=1; kbs-session-id=abc").
std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    std::string part = Trim(header.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

std::string Bearer(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return Trim(h.substr(7));
  return "";
}

// Compares secrets without an early exit on the first different byte.
bool SameSecret(const std::string& a, const std::string& b) {
  auto da = Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(a.data()), a.size()));
  auto db = Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
  uint8_t diff = 0;
  for (size_t i = 0; i < da.size(); ++i) diff = static_cast<uint8_t>(diff | (da[i] ^ db[i]));
  return diff == 0 && !a.empty();
}

void Problem(httplib::Response& res, int status, const std::string& type, const std::string& detail) {
  res.status = status;
  res.set_content(kbs::CanonicalJson(json{{"type", std::string(kProblemBase) + type}, {"detail", detail}}),
                  "application/problem+json");
}

Result<std::string> ReadSecretText(const std::string& file, const std::string& env, const char* what) {
  if (!file.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes b, ReadFile(file, 4096));
    std::string s = Trim(std::string(b.begin(), b.end()));
    if (s.size() < 16) return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is shorter than 16 characters", file);
    return s;
  }
  const char* v = std::getenv(env.c_str());
  if (v == nullptr || std::string(v).size() < 16) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " environment variable unset or shorter than 16 characters", env);
  }
  return std::string(v);
}

}  // namespace

struct Service::Impl {
  ServiceConfig config;
  std::shared_ptr<spdlog::logger> log;
  Metrics metrics;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<kbs::TokenIssuer> tokens;
  kbs::EvidenceVerifier verifier;
  std::unique_ptr<kbs::Broker> broker;
  SystemClock clock;
  std::string admin_token;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread janitor;

  void Log(spdlog::level::level_enum level, const std::string& event, json fields) {
    if (!log->should_log(level)) return;
    fields["event"] = event;
    fields["ts"] = FormatTime(clock.Now());
    log->log(level, "{}", kbs::CanonicalJson(fields));
  }

  void OnEvent(const kbs::Event& e) {
    metrics.Event(e.kind);
    if (e.kind == "verification") {
      metrics.Verification(e.fields.value("tee", "?"), e.fields.value("verdict", "?"));
      return;
    }
    json f = e.fields;
    if (!e.session.empty()) f["session"] = e.session;
    spdlog::level::level_enum level = spdlog::level::info;
    if (e.kind == "release_denied" || e.kind.find("refused") != std::string::npos) level = spdlog::level::warn;
    if (e.kind == "error") level = spdlog::level::err;
    Log(level, e.kind, std::move(f));
  }

  bool Admin(const httplib::Request& req, httplib::Response& res) {
    if (SameSecret(Bearer(req), admin_token)) return true;
    Log(spdlog::level::warn, "admin_refused", {{"remote", req.remote_addr}, {"path", req.path}});
    Problem(res, 401, "Unauthorized", "admin bearer token required");
    return false;
  }

  // Registers `handler` for `pattern` with the route label used by metrics.
  void Route(const std::string& method, const std::string& pattern, httplib::Server::Handler handler) {
    auto labelled = [label = method + " " + pattern, handler](const httplib::Request& req,
                                                              httplib::Response& res) {
      t_route = label;
      handler(req, res);
    };
    if (method == "GET") http->Get(pattern, labelled);
    if (method == "POST") http->Post(pattern, labelled);
    if (method == "PUT") http->Put(pattern, labelled);
    if (method == "DELETE") http->Delete(pattern, labelled);
  }

  void Reply(httplib::Response& res, const kbs::Refusal& r) { Problem(res, r.status, r.type, r.client); }

  void SetRoutes();
  void VerifyHandler(const httplib::Request& req, httplib::Response& res);
  void DocumentRoutes(const std::string& base, const std::string& kind);
};

void Service::Impl::VerifyHandler(const httplib::Request& req, httplib::Response& res) {
  auto in = ParseVerifyApiRequest(req.body);
  if (!in) {
    Problem(res, 400, "InvalidRequest", in.error().ToString());
    return;
  }
  const UnixTime now = clock.Now();
  Result<Verification> v = MakeError(ErrorCode::kInternal, "not run");
  v = verifier(kbs::EvidenceInput{in->tee, in->evidence, &in->certificates, now});
  if (!v) {
    Log(spdlog::level::err, "error", {{"route", "/v1/verify"}, {"reason", v.error().ToString()}});
    Problem(res, 500, "Internal", "internal error");
    return;
  }
  if (in->nonce) {
    // The caller's nonce must start the report data, the rest zero.
    auto rd = FromHex(v->claims.value("report_data", ""));
    bool ok = rd && rd->size() >= in->nonce->size() &&
              std::equal(in->nonce->begin(), in->nonce->end(), rd->begin()) &&
              AllZero(ByteSpan(*rd).subspan(in->nonce->size()));
    v->Add("nonce", ok, ok ? "report_data binds the caller's nonce" : "report_data does not bind the caller's nonce");
  }
  metrics.Verification(v->tee(), v->accepted() ? "accepted" : "rejected");
  json out = json::parse(v->ToJson().dump());
  auto ear = tokens->Issue(*v, "", now, now + config.token_ttl_s);
  if (!ear) {
    Problem(res, 500, "Internal", "internal error");
    return;
  }
  json body = {{"verification", out}, {"ear", ear->token}, {"ear_status", ear->status}};
  if (!in->policy_id.empty()) {
    auto decision = [&]() -> Result<json> {
      VT_ASSIGN_OR_RETURN(auto doc, broker->GetDocument("policy", in->policy_id));
      if (!doc) return json{{"id", in->policy_id}, {"allowed", false}, {"failed_rule", "no such policy"}};
      VT_ASSIGN_OR_RETURN(auto policy, kbs::ParseReleasePolicy(doc->body));
      json claims = kbs::ReleaseClaims(*v, ear->status);
      VT_ASSIGN_OR_RETURN(auto d, kbs::Evaluate(policy, claims, [this](const std::string& name)
                                                    -> Result<std::optional<std::vector<std::string>>> {
        VT_ASSIGN_OR_RETURN(auto r, broker->GetDocument("reference", name));
        if (!r) return std::optional<std::vector<std::string>>();
        VT_ASSIGN_OR_RETURN(auto values, kbs::ParseReferenceValues(r->body));
        return std::optional<std::vector<std::string>>(std::move(values));
      }));
      json p = {{"id", in->policy_id}, {"allowed", d.allowed && v->accepted()}};
      if (!d.allowed) p["failed_rule"] = d.failed_rule;
      return p;
    }();
    if (!decision) {
      Problem(res, 500, "Internal", "internal error");
      return;
    }
    body["policy"] = *decision;
  }
  res.set_content(kbs::CanonicalJson(body), kJson);
}

void Service::Impl::DocumentRoutes(const std::string& base, const std::string& kind) {
  const std::string one = base + "/([A-Za-z0-9._-]{1,128})";
  Route("GET", base, [this, kind](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    auto list = broker->ListDocuments(kind);
    if (!list) return Problem(res, 500, "Internal", "internal error");
    json ids = json::array();
    for (const auto& d : *list) ids.push_back({{"id", d.id}, {"updated_at", FormatTime(d.updated_at)}});
    res.set_content(kbs::CanonicalJson(json{{"items", ids}}), kJson);
  });
  Route("PUT", one, [this, kind](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    const std::string id = req.matches[1];
    auto st = broker->PutDocument(kind, id, req.body);
    if (!st) return Problem(res, 400, "InvalidRequest", st.error().ToString());
    Log(spdlog::level::info, "admin_put", {{"kind", kind}, {"id", id}});
    res.status = 204;
  });
  Route("GET", one, [this, kind](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    auto doc = broker->GetDocument(kind, req.matches[1]);
    if (!doc) return Problem(res, 500, "Internal", "internal error");
    if (!*doc) return Problem(res, 404, "NotFound", "no such " + kind);
    res.set_content((*doc)->body, kJson);
  });
  Route("DELETE", one, [this, kind](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    auto deleted = broker->DeleteDocument(kind, req.matches[1]);
    if (!deleted) return Problem(res, 500, "Internal", "internal error");
    if (!*deleted) return Problem(res, 404, "NotFound", "no such " + kind);
    Log(spdlog::level::info, "admin_delete", {{"kind", kind}, {"id", std::string(req.matches[1])}});
    res.status = 204;
  });
}

void Service::Impl::SetRoutes() {
  const std::string seg = "([A-Za-z0-9._-]{1,128})";
  const std::string res_path = seg + "/" + seg + "/" + seg;
  Route("GET", "/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto v = store->SchemaVersion();
    if (!v) return Problem(res, 503, "Unavailable", "database unavailable");
    res.set_content(kbs::CanonicalJson(json{{"status", "ok"}, {"db", store->backend()}, {"schema", *v}}), kJson);
  });
  Route("GET", "/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.Render(), "text/plain; version=0.0.4");
  });
  Route("GET", "/v1/jwks", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(kbs::CanonicalJson(tokens->Jwks()), "application/jwk-set+json");
  });
  Route("POST", "/v1/verify",
        [this](const httplib::Request& req, httplib::Response& res) { VerifyHandler(req, res); });
  auto registry = [this](const httplib::Request& req, httplib::Response& res, const std::string& id) {
    if (!config.registry_public && !Admin(req, res)) return;
    int64_t limit = 100;
    if (req.has_param("limit")) {
      const std::string l = req.get_param_value("limit");
      limit = 0;
      for (char c : l) {
        if (c < '0' || c > '9' || limit > 100000) return Problem(res, 400, "InvalidRequest", "limit is a number");
        limit = limit * 10 + (c - '0');
      }
    }
    const std::string tee = req.has_param("tee") ? req.get_param_value("tee") : "";
    if (tee.size() > 32) return Problem(res, 400, "InvalidRequest", "tee too long");
    auto r = broker->Registry(tee, id, limit);
    if (!r) return Problem(res, 500, "Internal", "internal error");
    if (!id.empty() && (*r)["providers"].empty()) return Problem(res, 404, "NotFound", "no such provider");
    res.set_content(kbs::CanonicalJson(id.empty() ? *r : (*r)["providers"][0]), kJson);
  };
  Route("GET", "/v1/registry",
        [registry](const httplib::Request& req, httplib::Response& res) { registry(req, res, ""); });
  Route("GET", "/v1/registry/([0-9a-f]{64})",
        [registry](const httplib::Request& req, httplib::Response& res) { registry(req, res, req.matches[1]); });

  // KBS protocol.
  Route("POST", "/kbs/v0/auth", [this](const httplib::Request& req, httplib::Response& res) {
    auto c = broker->Auth(req.body);
    if (!c) return Reply(res, c.error());
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + c->session_id + "; Path=/kbs; Max-Age=" +
                                     std::to_string(config.token_ttl_s + config.nonce_ttl_s) +
                                     "; HttpOnly; SameSite=Strict" + (config.tls() ? "; Secure" : ""));
    res.set_content(c->body, kJson);
  });
  Route("POST", "/kbs/v0/attest", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string session = CookieValue(req.get_header_value("Cookie"), kCookie);
    auto a = broker->Attest(session, req.body);
    if (!a) return Reply(res, a.error());
    res.set_content(a->body, kJson);
  });
  Route("GET", "/kbs/v0/resource/" + res_path,
        [this](const httplib::Request& req, httplib::Response& res) {
          const std::string path = std::string(req.matches[1]) + "/" + std::string(req.matches[2]) + "/" +
                                   std::string(req.matches[3]);
          const std::string session = CookieValue(req.get_header_value("Cookie"), kCookie);
          auto r = broker->Resource(path, session, Bearer(req));
          if (!r) return Reply(res, r.error());
          res.set_content(*r, "application/jose+json");
        });

  // Admin API.
  Route("GET", "/admin/v1/resources", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    auto list = broker->ListResources();
    if (!list) return Problem(res, 500, "Internal", "internal error");
    json items = json::array();
    for (const auto& r : *list) {
      items.push_back({{"path", r.path}, {"policy", r.policy}, {"updated_at", FormatTime(r.updated_at)}});
    }
    res.set_content(kbs::CanonicalJson(json{{"items", items}}), kJson);
  });
  Route("PUT", "/admin/v1/resources/" + res_path,
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!Admin(req, res)) return;
          const std::string path = std::string(req.matches[1]) + "/" + std::string(req.matches[2]) + "/" +
                                   std::string(req.matches[3]);
          const std::string policy = req.has_param("policy") ? req.get_param_value("policy") : "";
          auto st = broker->PutResource(
              path, ByteSpan(reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size()), policy);
          if (!st) {
            const int status = st.error().code == ErrorCode::kInvalidArgument ? 400 : 500;
            return Problem(res, status, status == 400 ? "InvalidRequest" : "Internal",
                           status == 400 ? st.error().ToString() : "internal error");
          }
          // Acknowledged only now: the store has committed (and synced) the write.
          res.status = 204;
        });
  Route("GET", "/admin/v1/resources/" + res_path,
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!Admin(req, res)) return;
          const std::string path = std::string(req.matches[1]) + "/" + std::string(req.matches[2]) + "/" +
                                   std::string(req.matches[3]);
          auto info = broker->ResourceInfo(path);
          if (!info) return Problem(res, 500, "Internal", "internal error");
          if (!*info) return Problem(res, 404, "NotFound", "no such resource");
          res.set_content(kbs::CanonicalJson(json{{"path", (*info)->path},
                                                  {"policy", (*info)->policy},
                                                  {"updated_at", FormatTime((*info)->updated_at)}}),
                          kJson);
        });
  Route("DELETE", "/admin/v1/resources/" + res_path,
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!Admin(req, res)) return;
          const std::string path = std::string(req.matches[1]) + "/" + std::string(req.matches[2]) + "/" +
                                   std::string(req.matches[3]);
          auto deleted = broker->DeleteResource(path);
          if (!deleted) return Problem(res, 500, "Internal", "internal error");
          if (!*deleted) return Problem(res, 404, "NotFound", "no such resource");
          Log(spdlog::level::info, "admin_delete", {{"kind", "resource"}, {"id", path}});
          res.status = 204;
        });
  DocumentRoutes("/admin/v1/policies", "policy");
  DocumentRoutes("/admin/v1/reference-values", "reference");
  Route("GET", "/admin/v1/denials", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    auto list = broker->Denials(200);
    if (!list) return Problem(res, 500, "Internal", "internal error");
    json items = json::array();
    for (const auto& d : *list) {
      items.push_back({{"at", FormatTime(d.at)}, {"session", d.session}, {"resource", d.resource}, {"rule", d.rule}});
    }
    res.set_content(kbs::CanonicalJson(json{{"denials", items}}), kJson);
  });
  Route("GET", "/admin/v1/registry", [this, registry](const httplib::Request& req, httplib::Response& res) {
    if (!Admin(req, res)) return;
    registry(req, res, "");
  });
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Service::~Service() {
  Stop();
  if (impl_->janitor.joinable()) impl_->janitor.join();
}

Result<std::unique_ptr<Service>> Service::Create(const ServiceConfig& config, kbs::EvidenceVerifier verifier,
                                                 appraise::Policy appraisal_policy) {
  VT_RETURN_IF_ERROR(ValidateConfig(config));
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  // Structured log: one JSON object per line, to stderr or a file.
  std::vector<spdlog::sink_ptr> sinks;
  if (config.log_file.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.log_file));
  }
  impl->log = std::make_shared<spdlog::logger>("veritee", sinks.begin(), sinks.end());
  impl->log->set_pattern("%v");
  impl->log->set_level(spdlog::level::from_str(config.log_level));
  impl->log->flush_on(spdlog::level::info);

  auto kek = config.kek_file.empty() ? kbs::Kek::FromEnv(config.kek_env) : kbs::Kek::FromFile(config.kek_file);
  if (!kek) return tl::unexpected(kek.error());
  VT_ASSIGN_OR_RETURN(impl->admin_token,
                      ReadSecretText(config.admin_token_file, config.admin_token_env, "the admin token"));
  VT_ASSIGN_OR_RETURN(impl->store, store::OpenStore(config.db, 4));
  std::optional<JwsKey> token_key;
  if (!config.token_key_file.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(config.token_key_file, 64 * 1024));
    VT_ASSIGN_OR_RETURN(JwsKey k, JwsKey::FromPrivatePem(std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size())));
    token_key = std::move(k);
  } else {
    VT_ASSIGN_OR_RETURN(JwsKey k, JwsKey::Generate(JwsAlg::kEs256));
    token_key = std::move(k);
  }
  impl->tokens = kbs::NewEarTokenIssuer(*token_key, std::move(appraisal_policy));
  impl->verifier = verifier;
  kbs::BrokerOptions options;
  options.nonce_ttl_s = config.nonce_ttl_s;
  options.token_ttl_s = config.token_ttl_s;
  options.registry_ttl_s = config.registry_ttl_s;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  options.verify_concurrency = config.verify_threads > 0 ? static_cast<int>(config.verify_threads) : static_cast<int>(cores);
  Impl* raw = impl.get();
  impl->broker = std::make_unique<kbs::Broker>(*impl->store, std::move(*kek), *impl->tokens, std::move(verifier),
                                               impl->clock, options, [raw](const kbs::Event& e) { raw->OnEvent(e); });

  if (config.tls()) {
    auto ssl = std::make_unique<httplib::SSLServer>(config.tls_cert.c_str(), config.tls_key.c_str());
    if (!ssl->is_valid()) {
      return MakeError(ErrorCode::kInvalidArgument, "cannot load the TLS certificate or key", config.tls_cert);
    }
    impl->http = std::move(ssl);
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *impl->http;
  const size_t threads = static_cast<size_t>(config.connection_threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(static_cast<size_t>(config.max_body_bytes));
  http.set_read_timeout(config.read_timeout_s, 0);
  http.set_write_timeout(config.write_timeout_s, 0);
  http.set_keep_alive_timeout(config.keep_alive_s);
  http.set_keep_alive_max_count(static_cast<size_t>(config.keep_alive_max));
  http.set_tcp_nodelay(true);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_route = "unmatched";
    t_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      Problem(res, res.status, res.status == 413 ? "PayloadTooLarge" : res.status == 404 ? "NotFound" : "InvalidRequest",
              res.status == 413 ? "request body too large" : res.status == 404 ? "no such route" : "bad request");
    }
  });
  http.set_exception_handler([raw](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    raw->Log(spdlog::level::err, "error", {{"reason", "exception in a handler"}});
    Problem(res, 500, "Internal", "internal error");
  });
  http.set_logger([raw](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
    raw->metrics.Request(t_route, res.status, seconds);
    if (raw->log->should_log(spdlog::level::debug)) {
      raw->Log(spdlog::level::debug, "http",
               {{"method", req.method}, {"route", t_route}, {"status", res.status}, {"ms", seconds * 1000}});
    }
  });
  impl->SetRoutes();
  const int port = config.port();
  impl->port = port == 0 ? http.bind_to_any_port(config.host()) : (http.bind_to_port(config.host(), port) ? port : -1);
  if (impl->port <= 0) {
    return MakeError(ErrorCode::kIo, "cannot listen on " + config.listen);
  }
  if (!config.port_file.empty()) {
    VT_RETURN_IF_ERROR(WriteFile(config.port_file, std::to_string(impl->port) + "\n"));
  }
  impl->Log(spdlog::level::info, "listening",
            {{"address", config.host()}, {"port", impl->port}, {"tls", config.tls()}, {"db", impl->store->backend()},
             {"kek", impl->broker->kek().Id()}, {"verify_threads", options.verify_concurrency},
             {"connection_threads", config.connection_threads}});
  // Expired sessions are purged once a minute.
  impl->janitor = std::thread([raw] {
    std::unique_lock<std::mutex> lock(raw->mu);
    while (!raw->cv.wait_for(lock, std::chrono::seconds(60), [raw] { return raw->stopping; })) {
      lock.unlock();
      auto n = raw->store->PurgeSessions(raw->clock.Now());
      if (n && *n > 0) raw->Log(spdlog::level::info, "sessions_purged", {{"count", *n}});
      lock.lock();
    }
  });
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Status Service::Run() {
  if (!impl_->http->listen_after_bind()) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->stopping) return MakeError(ErrorCode::kIo, "the HTTP server stopped unexpectedly");
  }
  impl_->Log(spdlog::level::info, "stopped", json::object());
  return Ok();
}

void Service::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->http) impl_->http->stop();
}

int Service::port() const { return impl_->port; }

}  // namespace veritee::service
