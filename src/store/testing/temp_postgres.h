// A private PostgreSQL server for tests: initdb + pg_ctl on a temporary folder and a free
// loopback port, stopped and removed when the object goes. As root it runs the server as
// the "postgres" user (PostgreSQL refuses to run as root), through runuser.
//
// Tests call Start(); when PostgreSQL is not installed they skip with the message, except
// under CI=true where a missing PostgreSQL is a failure (RequirePostgres below).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace veritee::store::testing {

class TempPostgres {
 public:
  static Result<std::unique_ptr<TempPostgres>> Start();
  ~TempPostgres();
  TempPostgres(const TempPostgres&) = delete;
  TempPostgres& operator=(const TempPostgres&) = delete;

  // A fresh, empty database; returns its connection URI.
  Result<std::string> CreateDatabase(const std::string& name);
  std::string Url(const std::string& database) const;
  int port() const { return port_; }
  // Stops the server abruptly (like a crash) and starts it again on the same data.
  Status Restart();

 private:
  TempPostgres() = default;
  Status Run(const std::string& command) const;
  std::string bin_, dir_;
  int port_ = 0;
  bool as_postgres_ = false;
  bool running_ = false;
};

// Whether a missing PostgreSQL must fail the test (CI=true) rather than skip it.
bool PostgresRequired();

}  // namespace veritee::store::testing
