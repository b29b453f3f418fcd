// The PostgreSQL backend of store.h, through libpq: a pool of connections, parameterised
// statements only (no SQL is ever built from input), every write one transaction committed
// with PostgreSQL's default synchronous_commit=on, so it is durable when acknowledged.
//
// Several `veritee serve` processes may share one database: sessions and nonces live here,
// and nonce consumption is one conditional UPDATE under PostgreSQL's row lock, so a nonce
// is consumed once across all processes. Migrations run under an advisory lock.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace veritee::store {

// `url`: a libpq connection URI, e.g. "postgresql://veritee@127.0.0.1:5432/veritee".
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, int connections);

}  // namespace veritee::store
