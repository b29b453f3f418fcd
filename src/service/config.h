// The configuration of `veritee serve`: a JSON file (every key optional, unknown keys are
// errors that name the key) overridden by command-line flags.
//
//   {"listen": "127.0.0.1:8080",            plain HTTP only on a loopback address
//    "tls_cert": "server.pem", "tls_key": "server.key",   required on any other address
//    "db": "veritee.db" | "postgresql://user@host/db",
//    "kek_file": "/etc/veritee/kek" | "kek_env": "VERITEE_KEK",
//    "admin_token_file": "/etc/veritee/admin-token" | "admin_token_env": "VERITEE_ADMIN_TOKEN",
//    "token_key_file": "token-key.pem",      ES256 key of the attestation tokens (generated
//                                            per process when absent: tokens then verify
//                                            only on the process that issued them)
//    "trust_roots": ["sim/ark.pem"],         extra roots (simulator); vendor roots built in
//    "collateral": "dcap-collateral/", "crls": ["…"],
//    "policy": "policy.json",                verification + appraisal policy (verify --policy)
//    "appraisal_policy": "appraisal.json",   the appraisal policy when it is another file
//    "allow_tcb_status": "SWHardeningNeeded",
//    "nonce_ttl_s": 300, "token_ttl_s": 300, "registry_ttl_s": 86400,
//    "max_body_bytes": 1048576, "read_timeout_s": 5, "write_timeout_s": 5,
//    "keep_alive_s": 5, "keep_alive_max": 100, "connection_threads": 32,
//    "verify_threads": 0 (= cores), "log_file": "", "log_level": "info",
//    "registry_public": true, "port_file": ""}
//
// The KEK is never stored beside the data: a kek_file in the SQLite database's folder is
// refused.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace veritee::service {

struct ServiceConfig {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key;
  std::string db = "veritee.db";
  std::string kek_file, kek_env;
  std::string admin_token_file, admin_token_env;
  std::string token_key_file;
  std::vector<std::string> trust_roots, crls;
  std::string collateral, policy, appraisal_policy, allow_tcb_status;
  int64_t nonce_ttl_s = 300, token_ttl_s = 300, registry_ttl_s = 86400;
  int64_t max_body_bytes = 1024 * 1024;
  int64_t read_timeout_s = 5, write_timeout_s = 5, keep_alive_s = 5, keep_alive_max = 100;
  int64_t connection_threads = 32, verify_threads = 0;
  std::string log_file, log_level = "info";
  bool registry_public = true;
  std::string port_file;  // written with the bound port once listening (tests, --listen :0)

  std::string host() const;
  int port() const;
  bool tls() const { return !tls_cert.empty(); }
};

// Reads the JSON file into `config` (keys absent from the file keep their values).
Status LoadConfigFile(const std::string& path, ServiceConfig& config);
// Consistency: listen address, TLS on non-loopback, KEK source, limits in range.
Status ValidateConfig(const ServiceConfig& config);
bool IsLoopback(const std::string& host);

}  // namespace veritee::service
