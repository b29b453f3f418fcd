// Persistence for the service: KBS sessions and nonces, sealed resources, release policies
// and reference values, the registry of attested providers, and the denial log.
//
// One interface, two backends: SQLite (the default; one file, WAL journal,
// synchronous=FULL, so a write is on disk before it is acknowledged) and PostgreSQL (libpq;
// several `veritee serve` processes share one database, so a client may authenticate on one
// and attest on another). Both run the same migrations (schema.h) and the same test suite.
//
// Security-relevant operations are single statements, atomic in both backends:
// FinishAttestation consumes a session's nonce only if it is unused and unexpired, so two
// concurrent attestations with one nonce cannot both succeed. Resource values arrive here
// already sealed (AES-256-GCM, kbs/sealing.h); the store never sees a key.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace veritee::store {

struct SessionRecord {
  std::string id;               // the kbs-session-id cookie value (128 random bits, hex)
  std::string tee;              // the tee of the KBS Request ("snp", "tdx", ...)
  std::string nonce;            // the challenge (base64url of 32 random bytes)
  UnixTime created_at = 0;
  UnixTime nonce_expires_at = 0;
  bool nonce_used = false;
  bool attested = false;
  std::string tee_pubkey;       // canonical JWK text, once attested
  std::string claims;           // JSON text of the accepted claims, once attested
  UnixTime expires_at = 0;      // end of the attested session (= token expiry)
};

struct ResourceRecord {
  std::string path;             // "repository/type/tag"
  std::string sealed;           // base64 of the AES-256-GCM box
  std::string policy;           // release policy id; empty: no release
  UnixTime updated_at = 0;
};

// Policies and reference values: JSON documents by (kind, id).
struct Document {
  std::string kind;
  std::string id;
  std::string body;
  UnixTime updated_at = 0;
};

// An attested provider (DESIGN.md: registry). id = SHA-256 JWK thumbprint of its TEE key.
struct ProviderRecord {
  std::string id;
  std::string tee;
  std::string measurement;      // lower-case hex
  std::string claims_digest;    // SHA-256 of the canonical claims JSON, hex
  UnixTime attested_at = 0;
  UnixTime expires_at = 0;
};

struct Denial {
  std::string id;               // random, unique
  UnixTime at = 0;
  std::string session;          // session id, or "token" for a bearer token
  std::string resource;
  std::string rule;             // the rule that failed, in words
};

// Why FinishAttestation did not accept.
enum class NonceOutcome { kConsumed, kUnknownSession, kAlreadyUsed, kExpired };
std::string_view NonceOutcomeName(NonceOutcome outcome);

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string_view backend() const = 0;  // "sqlite" or "postgresql"
  virtual Result<int> SchemaVersion() = 0;

  // Sessions.
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> GetSession(const std::string& id) = 0;
  // Atomically: if the session exists, its nonce is unused and nonce_expires_at > now,
  // marks the nonce used and, when `attested` is given, records the attestation and upserts
  // the provider, all in one transaction. Otherwise changes nothing except that a nonce
  // that exists and is unused is marked used when `attested` is absent (a failed attempt
  // burns the nonce).
  struct Attested {
    std::string tee_pubkey;
    std::string claims;
    UnixTime expires_at = 0;
    ProviderRecord provider;
  };
  virtual Result<NonceOutcome> FinishAttestation(const std::string& id, UnixTime now,
                                                 const std::optional<Attested>& attested) = 0;
  // Deletes sessions whose nonce and attestation have both expired before `now`.
  virtual Result<int64_t> PurgeSessions(UnixTime now) = 0;

  // Resources (sealed).
  virtual Status PutResource(const ResourceRecord& resource) = 0;
  virtual Result<std::optional<ResourceRecord>> GetResource(const std::string& path) = 0;
  virtual Result<bool> DeleteResource(const std::string& path) = 0;
  virtual Result<std::vector<ResourceRecord>> ListResources() = 0;  // sealed left empty

  // Documents (release policies: kind "policy"; reference values: kind "reference").
  virtual Status PutDocument(const Document& doc) = 0;
  virtual Result<std::optional<Document>> GetDocument(const std::string& kind,
                                                      const std::string& id) = 0;
  virtual Result<bool> DeleteDocument(const std::string& kind, const std::string& id) = 0;
  virtual Result<std::vector<Document>> ListDocuments(const std::string& kind) = 0;

  // Registry.
  virtual Result<std::optional<ProviderRecord>> GetProvider(const std::string& id) = 0;
  // All providers, or those of one tee when `tee` is not empty; newest first, at most `limit`.
  virtual Result<std::vector<ProviderRecord>> ListProviders(const std::string& tee,
                                                            int64_t limit) = 0;

  // Denial log (what the admin reads; the client only sees 401/403).
  virtual Status AddDenial(const Denial& denial) = 0;
  virtual Result<std::vector<Denial>> ListDenials(int64_t limit) = 0;
};

// Opens (and migrates) a store from a URL: "postgresql://..." or "postgres://..." for
// PostgreSQL (libpq connection URI), "sqlite:PATH" or a plain PATH for SQLite.
// `connections` bounds the pool of database connections.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, int connections = 4);

}  // namespace veritee::store
