#include "store/testing/temp_postgres.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <libpq-fe.h>

namespace veritee::store::testing {
namespace {

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin).
std::string FindBinDir() {
  std::string best;
  int best_major = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = entry.path().string() + "/bin";
    if (!std::filesystem::exists(bin + "/initdb") || !std::filesystem::exists(bin + "/pg_ctl")) {
      continue;
    }
    int major = std::atoi(entry.path().filename().string().c_str());
    if (major > best_major) {
      best_major = major;
      best = bin;
    }
  }
  return best;
}

}  // namespace

bool PostgresRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

Status TempPostgres::Run(const std::string& command) const {
  const std::string full =
      (as_postgres_ ? "runuser -u postgres -- " : "") + command + " >>" + dir_ + "/setup.log 2>&1";
  if (std::system(full.c_str()) != 0) {
    return MakeError(ErrorCode::kIo, "failed: " + command + " (see " + dir_ + "/setup.log)");
  }
  return Ok();
}

Result<std::unique_ptr<TempPostgres>> TempPostgres::Start() {
  std::unique_ptr<TempPostgres> pg(new TempPostgres());
  pg->bin_ = FindBinDir();
  if (pg->bin_.empty()) {
    return MakeError(ErrorCode::kUnsupported,
                     "PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/initdb; "
                     "scripts/setup installs the postgresql package)");
  }
  char tmpl[] = "/tmp/veritee-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return MakeError(ErrorCode::kIo, "mkdtemp failed");
  pg->dir_ = tmpl;
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      return MakeError(ErrorCode::kUnsupported, "running as root and no 'postgres' user exists");
    }
    if (::chown(pg->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return MakeError(ErrorCode::kIo, "chown of the temporary folder failed");
    }
    pg->as_postgres_ = true;
  }
  pg->port_ = FreeLoopbackPort();
  if (pg->port_ == 0) return MakeError(ErrorCode::kIo, "no free loopback port");
  VT_RETURN_IF_ERROR(pg->Run(pg->bin_ + "/initdb -D " + pg->dir_ +
                             "/data -A trust -U veritee -E UTF8 --no-sync"));
  VT_RETURN_IF_ERROR(pg->Restart());
  return pg;
}

Status TempPostgres::Restart() {
  if (running_) {
    (void)Run(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
    running_ = false;
  }
  // Loopback only, its socket in our folder; fsync stays on (the durability tests need it).
  VT_RETURN_IF_ERROR(Run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                         "/server.log -w -t 60 -o \"-p " + std::to_string(port_) + " -k " + dir_ +
                         " -c listen_addresses=127.0.0.1 -c max_connections=200\" start"));
  running_ = true;
  return Ok();
}

TempPostgres::~TempPostgres() {
  if (running_) (void)Run(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempPostgres::Url(const std::string& database) const {
  return "postgresql://veritee@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> TempPostgres::CreateDatabase(const std::string& name) {
  PGconn* c = PQconnectdb(Url("postgres").c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return MakeError(ErrorCode::kIo, "cannot connect to the test server: " + msg);
  }
  // `name` comes from the test itself, never from input.
  PGresult* r = PQexec(c, ("CREATE DATABASE \"" + name + "\"").c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) return MakeError(ErrorCode::kIo, "CREATE DATABASE " + name + ": " + msg);
  return Url(name);
}

}  // namespace veritee::store::testing
