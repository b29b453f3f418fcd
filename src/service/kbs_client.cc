#include "service/kbs_client.h"

#include <httplib.h>

#include "kbs/protocol.h"

namespace veritee::service {
namespace {

using nlohmann::json;

std::string Detail(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("detail") && j["detail"].is_string()) return j["detail"];
  return body.substr(0, 200);
}

}  // namespace

struct KbsClient::Impl {
  std::unique_ptr<httplib::Client> http;
};

std::string SessionFromSetCookie(const std::string& set_cookie) {
  const std::string key = "kbs-session-id=";
  size_t at = set_cookie.find(key);
  if (at == std::string::npos) return "";
  size_t end = set_cookie.find(';', at);
  return set_cookie.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

KbsClient::KbsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KbsClient::~KbsClient() = default;

Result<std::unique_ptr<KbsClient>> KbsClient::Create(const KbsClientOptions& options) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "the URL must start with http:// or https://", "--url");
  }
  auto impl = std::make_unique<Impl>();
  impl->http = std::make_unique<httplib::Client>(options.url);
  if (!impl->http->is_valid()) return MakeError(ErrorCode::kInvalidArgument, "invalid URL", options.url);
  if (!options.ca_file.empty()) impl->http->set_ca_cert_path(options.ca_file.c_str());
  impl->http->set_keep_alive(true);
  // Headers and body leave in separate writes: without TCP_NODELAY, Nagle waits for the
  // server's delayed ACK (40 ms on Linux) before sending the body of every POST.
  impl->http->set_tcp_nodelay(true);
  impl->http->set_connection_timeout(options.timeout_s, 0);
  impl->http->set_read_timeout(options.timeout_s, 0);
  impl->http->set_write_timeout(options.timeout_s, 0);
  return std::unique_ptr<KbsClient>(new KbsClient(std::move(impl)));
}

Result<HttpReply> KbsClient::Request(const std::string& method, const std::string& path,
                                     const std::string& body, const std::string& content_type,
                                     const std::string& bearer) {
  httplib::Headers headers;
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  httplib::Result r = method == "GET"      ? impl_->http->Get(path.c_str(), headers)
                      : method == "DELETE" ? impl_->http->Delete(path.c_str(), headers)
                      : method == "PUT"    ? impl_->http->Put(path.c_str(), headers, body, content_type.c_str())
                                           : impl_->http->Post(path.c_str(), headers, body, content_type.c_str());
  if (!r) {
    return MakeError(ErrorCode::kIo, "no HTTP response: " + httplib::to_string(r.error()), path);
  }
  return HttpReply{r->status, r->body, r->get_header_value("Set-Cookie")};
}

Result<HttpReply> KbsClient::Post(const std::string& path, const std::string& body, const std::string& cookie) {
  httplib::Headers headers;
  if (!cookie.empty()) headers.emplace("Cookie", "kbs-session-id=" + cookie);
  auto r = impl_->http->Post(path.c_str(), headers, body, "application/json");
  if (!r) return MakeError(ErrorCode::kIo, "no HTTP response: " + httplib::to_string(r.error()), path);
  return HttpReply{r->status, r->body, r->get_header_value("Set-Cookie")};
}

Result<HttpReply> KbsClient::Get(const std::string& path, const std::string& cookie, const std::string& bearer) {
  httplib::Headers headers;
  if (!cookie.empty()) headers.emplace("Cookie", "kbs-session-id=" + cookie);
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  auto r = impl_->http->Get(path.c_str(), headers);
  if (!r) return MakeError(ErrorCode::kIo, "no HTTP response: " + httplib::to_string(r.error()), path);
  return HttpReply{r->status, r->body, r->get_header_value("Set-Cookie")};
}

Result<KbsClient::Handshake> KbsClient::GetResource(const std::string& resource_path, const std::string& kbs_tee,
                                                    const kbs::GuestEvidence& evidence, const TeeKeyPair& key) {
  Handshake h;
  h.step = "auth";
  VT_ASSIGN_OR_RETURN(HttpReply auth,
                      Post("/kbs/v0/auth", kbs::CanonicalJson(json{{"version", "0.1.1"},
                                                                   {"tee", kbs_tee},
                                                                   {"extra-params", json::object()}})));
  h.status = auth.status;
  if (auth.status != 200) {
    h.detail = Detail(auth.body);
    return h;
  }
  h.session = SessionFromSetCookie(auth.set_cookie);
  json challenge = json::parse(auth.body, nullptr, false);
  if (challenge.is_discarded() || !challenge.contains("nonce") || !challenge["nonce"].is_string()) {
    return MakeError(ErrorCode::kMalformed, "the KBS Challenge has no nonce");
  }
  const std::string nonce = challenge["nonce"];
  const std::string canonical = kbs::CanonicalRuntimeData(nonce, key.public_jwk());
  VT_ASSIGN_OR_RETURN(json tee_evidence, evidence(kbs::ReportDataFor(canonical)));
  json attestation = {{"runtime-data", {{"nonce", nonce}, {"tee-pubkey", json::parse(JwkToJson(key.public_jwk()))}}},
                      {"tee-evidence", tee_evidence}};
  h.step = "attest";
  VT_ASSIGN_OR_RETURN(HttpReply attest, Post("/kbs/v0/attest", attestation.dump(), h.session));
  h.status = attest.status;
  if (attest.status != 200) {
    h.detail = Detail(attest.body);
    return h;
  }
  json token = json::parse(attest.body, nullptr, false);
  if (!token.is_discarded() && token.contains("token") && token["token"].is_string()) h.token = token["token"];
  h.step = "resource";
  VT_ASSIGN_OR_RETURN(HttpReply resource, Get("/kbs/v0/resource/" + resource_path, h.session));
  h.status = resource.status;
  if (resource.status != 200) {
    h.detail = Detail(resource.body);
    return h;
  }
  VT_ASSIGN_OR_RETURN(JweFlattened jwe, ParseJweFlattened(resource.body));
  VT_ASSIGN_OR_RETURN(h.secret, key.Decrypt(jwe));
  h.step = "done";
  return h;
}

}  // namespace veritee::service
