// `veritee serve`: the HTTP/1.1 API over the key broker (kbs/broker.h), the verifier and
// the registry, with cpp-httplib (Debian libcpp-httplib-dev) and OpenSSL for TLS.
//
// Routes (docs/openapi.yaml):
//   GET  /healthz                          liveness + database check
//   GET  /metrics                          Prometheus text (metrics.h)
//   POST /v1/verify                        background-check verification + EAR
//   GET  /v1/jwks                          the keys that verify this service's tokens
//   GET  /v1/registry[?tee=&limit=]        attested providers; /v1/registry/<id> one
//   POST /kbs/v0/auth, POST /kbs/v0/attest, GET /kbs/v0/resource/<repo>/<type>/<tag>
//   /admin/v1/...                          bearer token: resources (PUT/GET/DELETE),
//                                          policies, reference-values, denials, registry
//
// Hardening: plain HTTP only on loopback (config.h), bodies bounded (413), read and write
// timeouts (slow clients are cut off), keep-alive bounded in time and requests, a pool of
// connection threads plus `verify_threads` (default: the cores) verifications at once,
// generic errors to clients and precise reasons to the structured log (spdlog, one JSON
// object per line). Resource values are never logged.
#pragma once

#include <memory>
#include <string>

#include "appraise/policy.h"
#include "kbs/broker.h"
#include "service/config.h"

namespace veritee::service {

class Service {
 public:
  // Opens the store, the KEK, the admin token, the token key and the log; binds the port.
  static Result<std::unique_ptr<Service>> Create(const ServiceConfig& config,
                                                 kbs::EvidenceVerifier verifier,
                                                 appraise::Policy appraisal_policy);
  ~Service();
  // Serves until Stop() (from any thread, e.g. a signal watcher).
  Status Run();
  void Stop();
  int port() const;

 private:
  struct Impl;
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veritee::service
