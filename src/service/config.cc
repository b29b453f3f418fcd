#include "service/config.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file.h"

namespace veritee::service {
namespace {

using nlohmann::json;

Error Bad(const std::string& key, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, key, {}};
}

}  // namespace

std::string ServiceConfig::host() const {
  if (!listen.empty() && listen.front() == '[') {
    size_t end = listen.find(']');
    return end == std::string::npos ? "" : listen.substr(1, end - 1);
  }
  size_t colon = listen.rfind(':');
  return colon == std::string::npos ? listen : listen.substr(0, colon);
}

int ServiceConfig::port() const {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) return -1;
  int port = 0;
  for (size_t i = colon + 1; i < listen.size(); ++i) {
    char c = listen[i];
    if (c < '0' || c > '9' || port > 65535) return -1;
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? port : -1;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status LoadConfigFile(const std::string& path, ServiceConfig& c) {
  VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 1024 * 1024));
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a JSON object", path);
  }
  const std::string base = std::filesystem::path(path).parent_path().string();
  // Relative paths in the file are relative to the file.
  auto rel = [&](const std::string& p) {
    if (p.empty() || p.front() == '/' || base.empty() || p.find("://") != std::string::npos) return p;
    return base + "/" + p;
  };
  for (const auto& item_kv : j.items()) {
    // Named copies: clang 14 cannot capture structured bindings in the lambdas below.
    const std::string& key = item_kv.key();
    const json& v = item_kv.value();
    auto str = [&](std::string& into, bool is_path) -> Status {
      if (!v.is_string()) return tl::unexpected(Bad(key, "must be a string"));
      into = is_path ? rel(v.get<std::string>()) : v.get<std::string>();
      return Ok();
    };
    auto num = [&](int64_t& into) -> Status {
      if (!v.is_number_integer()) return tl::unexpected(Bad(key, "must be an integer"));
      into = v.get<int64_t>();
      return Ok();
    };
    auto list = [&](std::vector<std::string>& into) -> Status {
      if (!v.is_array()) return tl::unexpected(Bad(key, "must be an array of paths"));
      into.clear();
      for (const auto& item : v) {
        if (!item.is_string()) return tl::unexpected(Bad(key, "must be an array of paths"));
        into.push_back(rel(item.get<std::string>()));
      }
      return Ok();
    };
    Status st = Ok();
    if (key == "listen") st = str(c.listen, false);
    else if (key == "tls_cert") st = str(c.tls_cert, true);
    else if (key == "tls_key") st = str(c.tls_key, true);
    else if (key == "db") st = str(c.db, true);
    else if (key == "kek_file") st = str(c.kek_file, true);
    else if (key == "kek_env") st = str(c.kek_env, false);
    else if (key == "admin_token_file") st = str(c.admin_token_file, true);
    else if (key == "admin_token_env") st = str(c.admin_token_env, false);
    else if (key == "token_key_file") st = str(c.token_key_file, true);
    else if (key == "trust_roots") st = list(c.trust_roots);
    else if (key == "crls") st = list(c.crls);
    else if (key == "collateral") st = str(c.collateral, true);
    else if (key == "policy") st = str(c.policy, true);
    else if (key == "appraisal_policy") st = str(c.appraisal_policy, true);
    else if (key == "allow_tcb_status") st = str(c.allow_tcb_status, false);
    else if (key == "nonce_ttl_s") st = num(c.nonce_ttl_s);
    else if (key == "token_ttl_s") st = num(c.token_ttl_s);
    else if (key == "registry_ttl_s") st = num(c.registry_ttl_s);
    else if (key == "max_body_bytes") st = num(c.max_body_bytes);
    else if (key == "read_timeout_s") st = num(c.read_timeout_s);
    else if (key == "write_timeout_s") st = num(c.write_timeout_s);
    else if (key == "keep_alive_s") st = num(c.keep_alive_s);
    else if (key == "keep_alive_max") st = num(c.keep_alive_max);
    else if (key == "connection_threads") st = num(c.connection_threads);
    else if (key == "verify_threads") st = num(c.verify_threads);
    else if (key == "log_file") st = str(c.log_file, true);
    else if (key == "log_level") st = str(c.log_level, false);
    else if (key == "port_file") st = str(c.port_file, true);
    else if (key == "registry_public") {
      if (!v.is_boolean()) return tl::unexpected(Bad(key, "must be true or false"));
      c.registry_public = v.get<bool>();
    } else {
      return tl::unexpected(Bad(key, "unknown key in " + path));
    }
    VT_RETURN_IF_ERROR(st);
  }
  return Ok();
}

Status ValidateConfig(const ServiceConfig& c) {
  if (c.host().empty() || c.port() < 0) {
    return tl::unexpected(Bad("listen", "expected HOST:PORT, got '" + c.listen + "'"));
  }
  if (!c.tls() && !IsLoopback(c.host())) {
    return tl::unexpected(Bad("listen", "plain HTTP is only served on a loopback address; "
                                        "give tls_cert and tls_key for " + c.host()));
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return tl::unexpected(Bad("tls_key", "tls_cert and tls_key go together"));
  }
  if (c.kek_file.empty() == c.kek_env.empty()) {
    return tl::unexpected(Bad("kek_file", "exactly one of kek_file and kek_env is required"));
  }
  if (!c.kek_file.empty() && c.db.find("://") == std::string::npos) {
    std::error_code ec;
    auto kek_dir = std::filesystem::weakly_canonical(std::filesystem::path(c.kek_file).parent_path(), ec);
    auto db_dir = std::filesystem::weakly_canonical(
        std::filesystem::absolute(std::filesystem::path(c.db.rfind("sqlite:", 0) == 0 ? c.db.substr(7) : c.db)).parent_path(), ec);
    if (!ec && kek_dir == db_dir) {
      return tl::unexpected(Bad("kek_file", "the KEK must not be stored beside the data (" +
                                                kek_dir.string() + " holds the database)"));
    }
  }
  if (c.admin_token_file.empty() && c.admin_token_env.empty()) {
    return tl::unexpected(Bad("admin_token_file", "an admin token (file or env) is required"));
  }
  auto range = [](const char* key, int64_t v, int64_t lo, int64_t hi) -> Status {
    if (v < lo || v > hi) {
      return tl::unexpected(Bad(key, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
    }
    return Ok();
  };
  VT_RETURN_IF_ERROR(range("nonce_ttl_s", c.nonce_ttl_s, 1, 3600));
  VT_RETURN_IF_ERROR(range("token_ttl_s", c.token_ttl_s, 1, 86400));
  VT_RETURN_IF_ERROR(range("registry_ttl_s", c.registry_ttl_s, 1, 86400));
  VT_RETURN_IF_ERROR(range("max_body_bytes", c.max_body_bytes, 1024, 64 * 1024 * 1024));
  VT_RETURN_IF_ERROR(range("read_timeout_s", c.read_timeout_s, 1, 300));
  VT_RETURN_IF_ERROR(range("write_timeout_s", c.write_timeout_s, 1, 300));
  VT_RETURN_IF_ERROR(range("keep_alive_s", c.keep_alive_s, 1, 300));
  VT_RETURN_IF_ERROR(range("keep_alive_max", c.keep_alive_max, 1, 100000));
  VT_RETURN_IF_ERROR(range("connection_threads", c.connection_threads, 1, 1024));
  VT_RETURN_IF_ERROR(range("verify_threads", c.verify_threads, 0, 1024));
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    return tl::unexpected(Bad("log_level", "debug, info, warn or error"));
  }
  return Ok();
}

}  // namespace veritee::service
