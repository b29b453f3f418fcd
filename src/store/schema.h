// The schema of the service's database and its migrations, shared by both backends.
//
// Migrations are numbered and append-only: a released migration is never edited, a change
// is a new one. Each backend applies the missing ones in order, each in its own
// transaction together with its row in schema_migrations, under a lock (SQLite: BEGIN
// IMMEDIATE; PostgreSQL: an advisory lock) so that two processes starting at once apply
// each migration exactly once. A database newer than this binary is refused.
#pragma once

#include <string_view>
#include <vector>

namespace veritee::store {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;  // portable SQL (SQLite and PostgreSQL)
};

const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

}  // namespace veritee::store
