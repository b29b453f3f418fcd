// The key broker: the KBS attestation protocol (protocol.h) over a store (store/store.h),
// a verifier of evidence of any TEE, a token issuer (token.h) and per-resource release
// policies (release_policy.h). HTTP is the service's business (service/); this class sees
// request bodies, the session cookie value and the bearer token, and answers bodies or a
// Refusal with the HTTP status the protocol names.
//
// Flow (kbs_attestation_protocol.md):
//   Auth     Request -> new session with a nonce (single-use, expires after nonce_ttl);
//   Attest   Attestation + session -> the evidence verified (at most `verify_concurrency`
//            at once), its report data must be SHA-384 ‖ 0^16 or SHA-512 of the canonical
//            runtime data (nonce + tee-pubkey), the tee must be the one of Auth; then, in
//            one transaction, the nonce is consumed (an unused, unexpired nonce, exactly
//            once across every process sharing the database), the attestation recorded
//            and the registry entry refreshed; -> an attestation token (token_ttl);
//   Resource path + session cookie or bearer token -> the release policy of the resource
//            over the attested claims -> the resource as a JWE wrapped to the attested key.
// A failed attestation burns the nonce. Refusals carry a generic message for the client
// and the precise reason for the admin log (Events), never the other way round.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/time.h"
#include "kbs/protocol.h"
#include "kbs/release_policy.h"
#include "kbs/sealing.h"
#include "kbs/token.h"
#include "store/store.h"
#include "verify/verification.h"

namespace veritee::kbs {

struct EvidenceInput {
  std::string tee;                  // DESIGN.md tee name the guest declared
  ByteSpan evidence;
  const std::vector<Bytes>* certificates = nullptr;
  UnixTime at = 0;
};
// Verifies evidence of any TEE (e.g. through the FormatHandler registry). An Error means
// "could not evaluate" (a server misconfiguration); bad evidence is a rejected Verification.
using EvidenceVerifier = std::function<Result<Verification>(const EvidenceInput&)>;

struct BrokerOptions {
  int64_t nonce_ttl_s = 300;
  int64_t token_ttl_s = 300;
  int64_t registry_ttl_s = 86400;  // at most 24 h
  int verify_concurrency = 2;
};

struct Refusal {
  int status = 401;
  std::string type;     // problem type, e.g. "AttestationFailed"
  std::string client;   // generic, safe to send
  std::string reason;   // precise, for the admin log only
};
template <typename T>
using Reply = tl::expected<T, Refusal>;

// What happened, for logs and metrics (the service turns these into spdlog lines and
// Prometheus counters). Resource values never appear here.
struct Event {
  std::string kind;  // "auth", "attest", "verification", "release", "release_denied", ...
  std::string session;
  nlohmann::json fields = nlohmann::json::object();
};
using EventSink = std::function<void(const Event&)>;

// "repository/type/tag", each part 1-128 of [A-Za-z0-9._-], not "." or "..".
bool ValidResourcePath(std::string_view path);

class Broker {
 public:
  Broker(store::Store& store, Kek kek, TokenIssuer& tokens, EvidenceVerifier verifier,
         const Clock& clock, BrokerOptions options, EventSink events = nullptr);

  struct Challenge {
    std::string session_id;
    std::string body;  // {"nonce": "...", "extra-params": {}}
    int64_t ttl_s = 0;
  };
  Reply<Challenge> Auth(std::string_view body);

  struct AttestResult {
    std::string body;  // {"token": "..."}
    std::string tee;
    int64_t ttl_s = 0;
  };
  Reply<AttestResult> Attest(const std::string& session_id, std::string_view body);

  // The resource as a flattened JWE JSON text. `bearer` (a token) or `session_id` (cookie)
  // authenticates; when both are given they must name the same TEE key.
  Reply<std::string> Resource(const std::string& path, const std::string& session_id,
                              const std::string& bearer);

  // Admin operations (the service checks the admin credential).
  Status PutResource(const std::string& path, ByteSpan secret, const std::string& policy_id);
  Result<std::optional<store::ResourceRecord>> ResourceInfo(const std::string& path);
  Result<bool> DeleteResource(const std::string& path);
  Result<std::vector<store::ResourceRecord>> ListResources();
  // kind "policy" (release_policy.h) or "reference" (reference values); validated.
  Status PutDocument(const std::string& kind, const std::string& id, std::string_view body);
  Result<std::optional<store::Document>> GetDocument(const std::string& kind, const std::string& id);
  Result<bool> DeleteDocument(const std::string& kind, const std::string& id);
  Result<std::vector<store::Document>> ListDocuments(const std::string& kind);
  // {"providers": [...]} with "expired" per entry; `tee` filters, empty for all.
  Result<nlohmann::json> Registry(const std::string& tee, const std::string& id, int64_t limit);
  Result<std::vector<store::Denial>> Denials(int64_t limit);

  TokenIssuer& tokens() { return tokens_; }
  const Kek& kek() const { return kek_; }

 private:
  void Emit(Event e) const;
  Refusal Refuse(int status, std::string type, std::string client, std::string reason,
                 const std::string& session, const char* kind);
  Result<std::optional<std::vector<std::string>>> References(const std::string& name);

  store::Store& store_;
  Kek kek_;
  TokenIssuer& tokens_;
  EvidenceVerifier verifier_;
  const Clock& clock_;
  BrokerOptions options_;
  EventSink events_;
  std::unique_ptr<std::counting_semaphore<1024>> verify_slots_;
};

}  // namespace veritee::kbs
