#include "store/schema.h"

namespace veritee::store {

// Times are Unix seconds (BIGINT); JSON and base64 are TEXT; booleans are 0/1 INTEGER.
// Only types and syntax both SQLite 3.40 and PostgreSQL 15 read the same way are used.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "sessions, resources, documents, registry",
       {
           "CREATE TABLE sessions ("
           " id TEXT PRIMARY KEY, tee TEXT NOT NULL, nonce TEXT NOT NULL,"
           " created_at BIGINT NOT NULL, nonce_expires_at BIGINT NOT NULL,"
           " nonce_used INTEGER NOT NULL DEFAULT 0, attested INTEGER NOT NULL DEFAULT 0,"
           " tee_pubkey TEXT NOT NULL DEFAULT '', claims TEXT NOT NULL DEFAULT '',"
           " expires_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX sessions_by_expiry ON sessions (nonce_expires_at, expires_at)",
           "CREATE TABLE resources ("
           " path TEXT PRIMARY KEY, sealed TEXT NOT NULL, policy TEXT NOT NULL DEFAULT '',"
           " updated_at BIGINT NOT NULL)",
           "CREATE TABLE documents ("
           " kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,"
           " updated_at BIGINT NOT NULL, PRIMARY KEY (kind, id))",
           "CREATE TABLE registry ("
           " id TEXT PRIMARY KEY, tee TEXT NOT NULL, measurement TEXT NOT NULL,"
           " claims_digest TEXT NOT NULL, attested_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL)",
           "CREATE INDEX registry_by_tee ON registry (tee, attested_at)",
       }},
      {2,
       "denial log for the admin",
       {
           "CREATE TABLE denials ("
           " id TEXT PRIMARY KEY, at BIGINT NOT NULL, session TEXT NOT NULL,"
           " resource TEXT NOT NULL, rule TEXT NOT NULL)",
           "CREATE INDEX denials_by_time ON denials (at)",
       }},
  };
  return migrations;
}

int LatestSchemaVersion() { return Migrations().back().version; }

}  // namespace veritee::store
