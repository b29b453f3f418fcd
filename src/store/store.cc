#include "store/store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace veritee::store {

std::string_view NonceOutcomeName(NonceOutcome outcome) {
  switch (outcome) {
    case NonceOutcome::kConsumed: return "consumed";
    case NonceOutcome::kUnknownSession: return "unknown session";
    case NonceOutcome::kAlreadyUsed: return "nonce already used";
    case NonceOutcome::kExpired: return "nonce expired";
  }
  return "?";
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, int connections) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgresStore(url, connections);
  }
  if (url.rfind("sqlite:", 0) == 0) return OpenSqliteStore(url.substr(7), connections);
  if (url.find("://") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown database URL scheme (use postgresql://… or a SQLite file path)",
                     "db");
  }
  return OpenSqliteStore(url, connections);
}

}  // namespace veritee::store
