#include "kbs/broker.h"

#include <algorithm>

#include "base/encoding.h"
#include "crypto/aead.h"
#include "crypto/digest.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

constexpr char kPolicy[] = "policy";
constexpr char kReference[] = "reference";

bool ValidSegment(std::string_view s) {
  if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

bool ValidDocumentId(std::string_view id) { return ValidSegment(id); }

// The claim naming the TEE's launch measurement, for the registry.
std::string Measurement(const json& claims) {
  for (const char* name : {"measurement", "mr_td", "mr_enclave", "module_id"}) {
    auto it = claims.find(name);
    if (it != claims.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

std::string RandomHex(size_t n) {
  auto bytes = RandomBytes(n);
  return bytes ? ToHex(*bytes) : std::string();
}

}  // namespace

bool ValidResourcePath(std::string_view path) {
  size_t a = path.find('/');
  if (a == std::string_view::npos) return false;
  size_t b = path.find('/', a + 1);
  if (b == std::string_view::npos || path.find('/', b + 1) != std::string_view::npos) return false;
  return ValidSegment(path.substr(0, a)) && ValidSegment(path.substr(a + 1, b - a - 1)) &&
         ValidSegment(path.substr(b + 1));
}

Broker::Broker(store::Store& store, Kek kek, TokenIssuer& tokens, EvidenceVerifier verifier,
               const Clock& clock, BrokerOptions options, EventSink events)
    : store_(store),
      kek_(std::move(kek)),
      tokens_(tokens),
      verifier_(std::move(verifier)),
      clock_(clock),
      options_(options),
      events_(std::move(events)),
      verify_slots_(std::make_unique<std::counting_semaphore<1024>>(
          std::clamp<std::ptrdiff_t>(options.verify_concurrency, 1, 1024))) {
  options_.registry_ttl_s = std::clamp<int64_t>(options_.registry_ttl_s, 1, 86400);
}

void Broker::Emit(Event e) const {
  if (events_) events_(e);
}

Refusal Broker::Refuse(int status, std::string type, std::string client, std::string reason,
                       const std::string& session, const char* kind) {
  Emit(Event{kind, session, {{"status", status}, {"reason", reason}}});
  return Refusal{status, std::move(type), std::move(client), std::move(reason)};
}

Reply<Broker::Challenge> Broker::Auth(std::string_view body) {
  auto req = ParseAuthRequest(body);
  if (!req) {
    return tl::unexpected(Refuse(400, "InvalidRequest", "malformed KBS Request",
                                 req.error().ToString(), "", "auth_refused"));
  }
  if (!SupportedProtocolVersion(req->version)) {
    return tl::unexpected(Refuse(401, "ProtocolVersion", "unsupported protocol version",
                                 "protocol version '" + req->version + "' is not 0.1.x-0.4.x",
                                 "", "auth_refused"));
  }
  const std::string tee = TeeFromKbs(req->tee);
  if (tee.empty()) {
    return tl::unexpected(Refuse(401, "UnsupportedTee", "unsupported tee",
                                 "unknown tee '" + req->tee + "'", "", "auth_refused"));
  }
  auto nonce_bytes = RandomBytes(32);
  auto id_bytes = RandomBytes(16);
  if (!nonce_bytes || !id_bytes) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", "no randomness", "", "error"));
  }
  store::SessionRecord s;
  s.id = ToHex(*id_bytes);
  s.tee = tee;
  s.nonce = ToBase64Url(*nonce_bytes);
  s.created_at = clock_.Now();
  s.nonce_expires_at = s.created_at + options_.nonce_ttl_s;
  if (auto st = store_.CreateSession(s); !st) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", st.error().ToString(), "", "error"));
  }
  Emit(Event{"auth", s.id, {{"tee", tee}, {"version", req->version}}});
  return Challenge{s.id, CanonicalJson(json{{"nonce", s.nonce}, {"extra-params", json::object()}}),
                   options_.nonce_ttl_s};
}

Reply<Broker::AttestResult> Broker::Attest(const std::string& session_id, std::string_view body) {
  const UnixTime now = clock_.Now();
  if (session_id.empty()) {
    return tl::unexpected(Refuse(401, "Unauthorized", "no session (POST /kbs/v0/auth first)",
                                 "attest without a session cookie", "", "attest_refused"));
  }
  auto session = store_.GetSession(session_id);
  if (!session) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", session.error().ToString(),
                                 session_id, "error"));
  }
  if (!session->has_value()) {
    return tl::unexpected(Refuse(401, "Unauthorized", "unknown session", "unknown session id",
                                 session_id, "attest_refused"));
  }
  const store::SessionRecord& s = **session;
  auto req = ParseAttestationRequest(body);
  if (!req) {
    (void)store_.FinishAttestation(session_id, now, std::nullopt);
    return tl::unexpected(Refuse(400, "InvalidRequest", "malformed KBS Attestation",
                                 req.error().ToString(), session_id, "attest_refused"));
  }
  // Cheap refusals first: the nonce must be this session's, unused and unexpired (the
  // store re-checks atomically when it consumes it).
  auto fail = [&](std::string reason) {
    (void)store_.FinishAttestation(session_id, now, std::nullopt);
    return tl::unexpected(
        Refuse(401, "AttestationFailed", "attestation failed", std::move(reason), session_id,
               "attest_refused"));
  };
  if (s.nonce_used) return fail("nonce already used (replay)");
  if (now >= s.nonce_expires_at) return fail("nonce expired");
  if (req->nonce != s.nonce) return fail("runtime-data nonce is not this session's nonce");

  Result<Verification> verified = MakeError(ErrorCode::kInternal, "not run");
  {
    verify_slots_->acquire();
    verified = verifier_(EvidenceInput{s.tee, req->evidence.evidence, &req->evidence.certificates, now});
    verify_slots_->release();
  }
  if (!verified) {
    (void)store_.FinishAttestation(session_id, now, std::nullopt);
    return tl::unexpected(Refuse(500, "Internal", "internal error", verified.error().ToString(),
                                 session_id, "error"));
  }
  const Verification& v = *verified;
  Emit(Event{"verification", session_id,
             {{"tee", v.tee()}, {"verdict", v.accepted() ? "accepted" : "rejected"}}});
  if (v.tee() != s.tee) {
    return fail("evidence is " + v.tee() + ", the session declared " + s.tee);
  }
  if (!v.accepted()) return fail("evidence rejected: " + v.reason());
  // The binding: report data = hash of the canonical runtime data (nonce + tee-pubkey).
  auto rd_hex = v.claims.find("report_data");
  if (rd_hex == v.claims.end() || !rd_hex->is_string()) {
    return fail("the verified claims carry no report_data");
  }
  auto rd = FromHex(rd_hex->get<std::string>());
  if (!rd) return fail("report_data is not hex");
  const std::string binding = ReportDataBinding(*rd, req->runtime_data_canonical);
  if (binding.empty()) {
    return fail("report data does not bind the nonce and the TEE key "
                "(want SHA-384 || zeros or SHA-512 of the canonical runtime data)");
  }

  // Appraisal (policy, reference values) and the signed EAR, before the nonce is spent.
  const std::string jwk_text = JwkToJson(req->tee_pubkey);
  const UnixTime expires_at = now + options_.token_ttl_s;
  auto issued = tokens_.Issue(v, jwk_text, now, expires_at);
  if (!issued) {
    (void)store_.FinishAttestation(session_id, now, std::nullopt);
    return tl::unexpected(Refuse(500, "Internal", "internal error", issued.error().ToString(),
                                 session_id, "error"));
  }
  if (!issued->acceptable) {
    std::string why = "appraisal " + issued->status;
    for (const auto& r : issued->reasons) why += "; " + r;
    return fail(why);
  }
  const std::string claims_text = CanonicalJson(issued->claims);
  store::Store::Attested a;
  a.tee_pubkey = jwk_text;
  a.claims = claims_text;
  a.expires_at = expires_at;
  const auto thumb = JwkThumbprint(req->tee_pubkey);
  const auto digest = Sha256(ByteSpan(reinterpret_cast<const uint8_t*>(claims_text.data()),
                                      claims_text.size()));
  a.provider = store::ProviderRecord{ToHex(thumb), v.tee(), Measurement(v.claims), ToHex(digest),
                                     now, now + options_.registry_ttl_s};
  auto outcome = store_.FinishAttestation(session_id, now, a);
  if (!outcome) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", outcome.error().ToString(),
                                 session_id, "error"));
  }
  if (*outcome != store::NonceOutcome::kConsumed) {
    return tl::unexpected(Refuse(401, "AttestationFailed", "attestation failed",
                                 std::string(store::NonceOutcomeName(*outcome)), session_id,
                                 "attest_refused"));
  }
  Emit(Event{"attest",
             session_id,
             {{"tee", v.tee()},
              {"simulated", v.simulated},
              {"provider", a.provider.id},
              {"measurement", a.provider.measurement},
              {"binding", binding},
              {"ear_status", issued->status}}});
  return AttestResult{CanonicalJson(json{{"token", issued->token}}), v.tee(), options_.token_ttl_s};
}

Reply<std::string> Broker::Resource(const std::string& path, const std::string& session_id,
                                    const std::string& bearer) {
  const UnixTime now = clock_.Now();
  const std::string who = bearer.empty() ? session_id : "token";
  if (!ValidResourcePath(path)) {
    return tl::unexpected(Refuse(400, "InvalidRequest", "invalid resource path",
                                 "invalid resource path", who, "release_refused"));
  }
  std::string jwk_text;
  json claims;
  if (!bearer.empty()) {
    auto content = tokens_.Verify(bearer, now);
    if (!content) {
      return tl::unexpected(Refuse(401, "TokenInvalid", "invalid or expired token",
                                   "bearer token: " + content.error().ToString(), who,
                                   "release_refused"));
    }
    if (content->tee_pubkey == "{}" || (content->status != "affirming" && content->status != "warning")) {
      return tl::unexpected(Refuse(401, "TokenInvalid", "invalid or expired token",
                                   "bearer token binds no TEE key or is " + content->status, who,
                                   "release_refused"));
    }
    jwk_text = content->tee_pubkey;
    claims = content->claims;
  }
  if (!session_id.empty()) {
    auto session = store_.GetSession(session_id);
    if (!session) {
      return tl::unexpected(Refuse(500, "Internal", "internal error", session.error().ToString(),
                                   who, "error"));
    }
    const bool live = session->has_value() && (*session)->attested && now < (*session)->expires_at;
    if (bearer.empty()) {
      if (!live) {
        return tl::unexpected(Refuse(401, "Unauthorized", "no attested session",
                                     session->has_value() ? "session not attested or expired"
                                                          : "unknown session id",
                                     who, "release_refused"));
      }
      jwk_text = (*session)->tee_pubkey;
      auto parsed = ParseUntrustedJson((*session)->claims);
      if (!parsed) {
        return tl::unexpected(Refuse(500, "Internal", "internal error", "stored claims unreadable",
                                     who, "error"));
      }
      claims = std::move(*parsed);
    } else if (live && (*session)->tee_pubkey != jwk_text) {
      // A token and a session cookie that name different keys: refuse rather than guess.
      return tl::unexpected(Refuse(401, "TokenInvalid", "invalid or expired token",
                                   "the token's tee-pubkey is not the session's key", who,
                                   "release_refused"));
    }
  }
  if (jwk_text.empty()) {
    return tl::unexpected(Refuse(401, "Unauthorized", "attest first",
                                 "no session cookie and no bearer token", who, "release_refused"));
  }
  auto resource = store_.GetResource(path);
  if (!resource) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", resource.error().ToString(),
                                 who, "error"));
  }
  if (!resource->has_value()) {
    return tl::unexpected(Refuse(404, "ResourceNotFound", "resource not found",
                                 "no resource " + path, who, "release_refused"));
  }
  auto deny = [&](std::string rule) {
    store::Denial d{RandomHex(16), now, who, path, rule};
    (void)store_.AddDenial(d);
    return tl::unexpected(Refuse(403, "PolicyDeny", "forbidden",
                                 "release of " + path + " denied: " + rule, who,
                                 "release_denied"));
  };
  const std::string& policy_id = (*resource)->policy;
  if (policy_id.empty()) return deny("the resource has no release policy");
  auto doc = store_.GetDocument(kPolicy, policy_id);
  if (!doc) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", doc.error().ToString(), who, "error"));
  }
  if (!doc->has_value()) return deny("release policy '" + policy_id + "' does not exist");
  auto policy = ParseReleasePolicy((*doc)->body);
  if (!policy) return deny("release policy '" + policy_id + "' does not load: " + policy.error().ToString());
  auto decision = Evaluate(*policy, claims, [this](const std::string& name) { return References(name); });
  if (!decision) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", decision.error().ToString(), who, "error"));
  }
  if (!decision->allowed) return deny("policy '" + policy_id + "': " + decision->failed_rule);

  auto jwk_json = ParseUntrustedJson(jwk_text);
  Jwk jwk;
  if (jwk_json && jwk_json->is_object()) {
    for (const auto& [name, into] : {std::pair<const char*, std::string*>{"kty", &jwk.kty},
                                     {"crv", &jwk.crv}, {"x", &jwk.x}, {"y", &jwk.y},
                                     {"n", &jwk.n}, {"e", &jwk.e}, {"alg", &jwk.alg}}) {
      auto it = jwk_json->find(name);
      if (it != jwk_json->end() && it->is_string()) *into = it->get<std::string>();
    }
  }
  auto secret = kek_.Open(path, (*resource)->sealed);
  if (!secret) {
    return tl::unexpected(Refuse(500, "Internal", "internal error",
                                 "cannot open " + path + ": " + secret.error().ToString() +
                                     " (KEK " + kek_.Id() + ")",
                                 who, "error"));
  }
  auto jwe = JweEncrypt(jwk, secret->span());
  if (!jwe) {
    return tl::unexpected(Refuse(500, "Internal", "internal error", jwe.error().ToString(), who, "error"));
  }
  Emit(Event{"release", who, {{"resource", path}, {"policy", policy_id}, {"alg", JweAlgorithmFor(jwk).value_or("")}}});
  return jwe->ToJson();
}

Result<std::optional<std::vector<std::string>>> Broker::References(const std::string& name) {
  VT_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kReference, name));
  if (!doc) return std::optional<std::vector<std::string>>();
  VT_ASSIGN_OR_RETURN(auto values, ParseReferenceValues(doc->body));
  return std::optional<std::vector<std::string>>(std::move(values));
}

Status Broker::PutResource(const std::string& path, ByteSpan secret, const std::string& policy_id) {
  if (!ValidResourcePath(path)) {
    return MakeError(ErrorCode::kInvalidArgument, "a resource path is repository/type/tag", "path");
  }
  if (secret.size() > 1024 * 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "a resource is at most 1 MiB", "body");
  }
  if (!policy_id.empty()) {
    VT_ASSIGN_OR_RETURN(auto doc, store_.GetDocument(kPolicy, policy_id));
    if (!doc) {
      return MakeError(ErrorCode::kInvalidArgument, "no release policy '" + policy_id + "'", "policy");
    }
  }
  VT_ASSIGN_OR_RETURN(std::string sealed, kek_.Seal(path, secret));
  VT_RETURN_IF_ERROR(store_.PutResource(store::ResourceRecord{path, sealed, policy_id, clock_.Now()}));
  Emit(Event{"resource_put", "", {{"resource", path}, {"policy", policy_id}, {"bytes", secret.size()}}});
  return Ok();
}

Result<std::optional<store::ResourceRecord>> Broker::ResourceInfo(const std::string& path) {
  VT_ASSIGN_OR_RETURN(auto r, store_.GetResource(path));
  if (r) r->sealed.clear();  // metadata only: secrets leave only wrapped to an attested key
  return r;
}

Result<bool> Broker::DeleteResource(const std::string& path) { return store_.DeleteResource(path); }
Result<std::vector<store::ResourceRecord>> Broker::ListResources() { return store_.ListResources(); }

Status Broker::PutDocument(const std::string& kind, const std::string& id, std::string_view body) {
  if (!ValidDocumentId(id)) {
    return MakeError(ErrorCode::kInvalidArgument, "an id is 1-128 of [A-Za-z0-9._-]", "id");
  }
  if (kind == kPolicy) {
    VT_ASSIGN_OR_RETURN(auto p, ParseReleasePolicy(body));
    (void)p;
  } else if (kind == kReference) {
    VT_ASSIGN_OR_RETURN(auto r, ParseReferenceValues(body));
    (void)r;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "unknown document kind", "kind");
  }
  return store_.PutDocument(store::Document{kind, id, std::string(body), clock_.Now()});
}

Result<std::optional<store::Document>> Broker::GetDocument(const std::string& kind,
                                                           const std::string& id) {
  return store_.GetDocument(kind, id);
}
Result<bool> Broker::DeleteDocument(const std::string& kind, const std::string& id) {
  return store_.DeleteDocument(kind, id);
}
Result<std::vector<store::Document>> Broker::ListDocuments(const std::string& kind) {
  return store_.ListDocuments(kind);
}

Result<json> Broker::Registry(const std::string& tee, const std::string& id, int64_t limit) {
  const UnixTime now = clock_.Now();
  std::vector<store::ProviderRecord> list;
  if (!id.empty()) {
    VT_ASSIGN_OR_RETURN(auto one, store_.GetProvider(id));
    if (one) list.push_back(*one);
  } else {
    VT_ASSIGN_OR_RETURN(list, store_.ListProviders(tee, std::clamp<int64_t>(limit, 1, 10000)));
  }
  json out = json::array();
  for (const auto& p : list) {
    out.push_back({{"id", p.id},
                   {"tee", p.tee},
                   {"measurement", p.measurement},
                   {"claims_digest", p.claims_digest},
                   {"attested_at", FormatTime(p.attested_at)},
                   {"expires_at", FormatTime(p.expires_at)},
                   {"expired", now >= p.expires_at}});
  }
  return json{{"providers", out}};
}

Result<std::vector<store::Denial>> Broker::Denials(int64_t limit) {
  return store_.ListDenials(std::clamp<int64_t>(limit, 1, 10000));
}

}  // namespace veritee::kbs
