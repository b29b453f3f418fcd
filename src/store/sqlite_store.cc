#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "store/schema.h"

namespace veritee::store {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr size_t kMaxBatch = 256;

Error SqlError(sqlite3* db, std::string_view what) {
  return Error{ErrorCode::kIo, std::string(what) + ": " + sqlite3_errmsg(db), "sqlite", {}};
}

// One connection and its prepared statements (prepared once, reused).
class Conn {
 public:
  Conn() = default;
  ~Conn() {
    for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
    if (db_ != nullptr) sqlite3_close(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Status Open(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      Error e = db_ ? SqlError(db_, "open") : Error{ErrorCode::kIo, "open", path, {}};
      e.field = path;
      return tl::unexpected(std::move(e));
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // WAL: readers beside the writer; FULL: the WAL is synced at every commit, so an
    // acknowledged write survives a crash of the process or of the machine.
    VT_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
    VT_RETURN_IF_ERROR(Exec("PRAGMA synchronous=FULL"));
    return Ok();
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return MakeError(ErrorCode::kIo, std::string(sql) + ": " + msg, "sqlite");
    }
    return Ok();
  }

  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      return tl::unexpected(SqlError(db_, "prepare"));
    }
    stmts_.emplace(sql, stmt);
    return stmt;
  }

  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> stmts_;
};

// A prepared statement in use: binds, steps, and resets itself when it goes out of scope.
class Stmt {
 public:
  static Result<Stmt> Make(Conn& conn, const char* sql) {
    VT_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare(sql));
    return Stmt(conn.db(), s);
  }
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt() {
    if (s_ != nullptr) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }

  Stmt& Text(const std::string& v) {
    sqlite3_bind_text(s_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int64_t v) {
    sqlite3_bind_int64(s_, ++n_, v);
    return *this;
  }
  // true: a row is available; false: done.
  Result<bool> Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return tl::unexpected(SqlError(db_, "step"));
  }
  Status Run() {
    VT_ASSIGN_OR_RETURN(bool row, Step());
    (void)row;
    return Ok();
  }
  std::string ColText(int i) const {
    const unsigned char* t = sqlite3_column_text(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(n))
             : std::string();
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(s_, i); }
  int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  sqlite3* db_;
  sqlite3_stmt* s_;
  int n_ = 0;
};

SessionRecord SessionFromRow(const Stmt& s) {
  SessionRecord r;
  r.id = s.ColText(0);
  r.tee = s.ColText(1);
  r.nonce = s.ColText(2);
  r.created_at = s.ColInt(3);
  r.nonce_expires_at = s.ColInt(4);
  r.nonce_used = s.ColInt(5) != 0;
  r.attested = s.ColInt(6) != 0;
  r.tee_pubkey = s.ColText(7);
  r.claims = s.ColText(8);
  r.expires_at = s.ColInt(9);
  return r;
}

ProviderRecord ProviderFromRow(const Stmt& s) {
  return ProviderRecord{s.ColText(0), s.ColText(1), s.ColText(2),
                        s.ColText(3), s.ColInt(4),  s.ColInt(5)};
}

Status Migrate(Conn& c) {
  VT_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    VT_RETURN_IF_ERROR(
        c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version INTEGER PRIMARY KEY, description TEXT NOT NULL)"));
    int64_t current = 0;
    {
      VT_ASSIGN_OR_RETURN(Stmt s,
                          Stmt::Make(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) current = s.ColInt(0);
    }
    if (current > LatestSchemaVersion()) {
      return MakeError(ErrorCode::kUnsupported,
                       "the database has schema version " + std::to_string(current) +
                           ", newer than this binary's " + std::to_string(LatestSchemaVersion()));
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      for (std::string_view sql : m.statements) {
        VT_RETURN_IF_ERROR(c.Exec(std::string(sql).c_str()));
      }
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "INSERT INTO schema_migrations (version, description) VALUES (?, ?)"));
      VT_RETURN_IF_ERROR(s.Int(m.version).Text(std::string(m.description)).Run());
    }
    return Ok();
  };
  Status st = body();
  if (!st) {
    (void)c.Exec("ROLLBACK");
    return st;
  }
  return c.Exec("COMMIT");
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override {
    {
      std::lock_guard<std::mutex> lock(wmu_);
      stop_ = true;
    }
    wcv_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();
  }

  Status Init(int readers) {
    // Create the file owner-only before SQLite does (its default follows the umask).
    int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return MakeError(ErrorCode::kIo, "cannot open the database file", path_);
    ::close(fd);
    VT_RETURN_IF_ERROR(writer_.Open(path_));
    VT_RETURN_IF_ERROR(Migrate(writer_));
    for (int i = 0; i < std::max(1, readers); ++i) {
      auto c = std::make_unique<Conn>();
      VT_RETURN_IF_ERROR(c->Open(path_));
      idle_readers_.push_back(c.get());
      readers_.push_back(std::move(c));
    }
    writer_thread_ = std::thread([this] { WriterLoop(); });
    return Ok();
  }

  std::string_view backend() const override { return "sqlite"; }

  Result<int> SchemaVersion() override {
    int v = 0;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(Stmt s, Stmt::Make(c, "SELECT MAX(version) FROM schema_migrations"));
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) v = static_cast<int>(s.ColInt(0));
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return v;
  }

  Status CreateSession(const SessionRecord& r) override {
    return Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "INSERT INTO sessions (id, tee, nonce, created_at, "
                                "nonce_expires_at) VALUES (?, ?, ?, ?, ?)"));
      return s.Text(r.id).Text(r.tee).Text(r.nonce).Int(r.created_at).Int(r.nonce_expires_at).Run();
    });
  }

  Result<std::optional<SessionRecord>> GetSession(const std::string& id) override {
    std::optional<SessionRecord> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT id, tee, nonce, created_at, nonce_expires_at, nonce_used,"
                                " attested, tee_pubkey, claims, expires_at FROM sessions"
                                " WHERE id = ?"));
      s.Text(id);
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) out = SessionFromRow(s);
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<NonceOutcome> FinishAttestation(const std::string& id, UnixTime now,
                                         const std::optional<Attested>& a) override {
    NonceOutcome outcome = NonceOutcome::kUnknownSession;
    Status done = Write([&](Conn& c) -> Status {
      int64_t changed = 0;
      if (a) {
        VT_ASSIGN_OR_RETURN(
            Stmt s, Stmt::Make(c, "UPDATE sessions SET nonce_used = 1, attested = 1,"
                                  " tee_pubkey = ?, claims = ?, expires_at = ?"
                                  " WHERE id = ? AND nonce_used = 0 AND nonce_expires_at > ?"));
        VT_RETURN_IF_ERROR(s.Text(a->tee_pubkey).Text(a->claims).Int(a->expires_at).Text(id)
                               .Int(now).Run());
        changed = s.Changes();
      } else {
        VT_ASSIGN_OR_RETURN(
            Stmt s, Stmt::Make(c, "UPDATE sessions SET nonce_used = 1"
                                  " WHERE id = ? AND nonce_used = 0 AND nonce_expires_at > ?"));
        VT_RETURN_IF_ERROR(s.Text(id).Int(now).Run());
        changed = s.Changes();
      }
      if (changed == 1) {
        outcome = NonceOutcome::kConsumed;
        if (a) {
          const ProviderRecord& p = a->provider;
          VT_ASSIGN_OR_RETURN(
              Stmt s,
              Stmt::Make(c, "INSERT INTO registry (id, tee, measurement, claims_digest,"
                            " attested_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (id) DO UPDATE SET tee = excluded.tee,"
                            " measurement = excluded.measurement,"
                            " claims_digest = excluded.claims_digest,"
                            " attested_at = excluded.attested_at,"
                            " expires_at = excluded.expires_at"));
          VT_RETURN_IF_ERROR(s.Text(p.id).Text(p.tee).Text(p.measurement).Text(p.claims_digest)
                                 .Int(p.attested_at).Int(p.expires_at).Run());
        }
        return Ok();
      }
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT nonce_used, nonce_expires_at FROM sessions WHERE id = ?"));
      s.Text(id);
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) {
        outcome = NonceOutcome::kUnknownSession;
      } else if (s.ColInt(0) != 0) {
        outcome = NonceOutcome::kAlreadyUsed;
      } else {
        outcome = NonceOutcome::kExpired;
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return outcome;
  }

  Result<int64_t> PurgeSessions(UnixTime now) override {
    int64_t n = 0;
    Status done = Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "DELETE FROM sessions WHERE nonce_expires_at <= ? AND expires_at <= ?"));
      VT_RETURN_IF_ERROR(s.Int(now).Int(now).Run());
      n = s.Changes();
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return n;
  }

  Status PutResource(const ResourceRecord& r) override {
    return Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "INSERT INTO resources (path, sealed, policy, updated_at)"
                                " VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
                                " sealed = excluded.sealed, policy = excluded.policy,"
                                " updated_at = excluded.updated_at"));
      return s.Text(r.path).Text(r.sealed).Text(r.policy).Int(r.updated_at).Run();
    });
  }

  Result<std::optional<ResourceRecord>> GetResource(const std::string& path) override {
    std::optional<ResourceRecord> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT path, sealed, policy, updated_at FROM resources WHERE path = ?"));
      s.Text(path);
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) out = ResourceRecord{s.ColText(0), s.ColText(1), s.ColText(2), s.ColInt(3)};
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<bool> DeleteResource(const std::string& path) override {
    bool deleted = false;
    Status done = Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(Stmt s, Stmt::Make(c, "DELETE FROM resources WHERE path = ?"));
      VT_RETURN_IF_ERROR(s.Text(path).Run());
      deleted = s.Changes() > 0;
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return deleted;
  }

  Result<std::vector<ResourceRecord>> ListResources() override {
    std::vector<ResourceRecord> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT path, policy, updated_at FROM resources ORDER BY path"));
      for (;;) {
        VT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(ResourceRecord{s.ColText(0), "", s.ColText(1), s.ColInt(2)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Status PutDocument(const Document& d) override {
    return Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "INSERT INTO documents (kind, id, body, updated_at)"
                                " VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET"
                                " body = excluded.body, updated_at = excluded.updated_at"));
      return s.Text(d.kind).Text(d.id).Text(d.body).Int(d.updated_at).Run();
    });
  }

  Result<std::optional<Document>> GetDocument(const std::string& kind,
                                              const std::string& id) override {
    std::optional<Document> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT kind, id, body, updated_at FROM documents"
                                " WHERE kind = ? AND id = ?"));
      s.Text(kind).Text(id);
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) out = Document{s.ColText(0), s.ColText(1), s.ColText(2), s.ColInt(3)};
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<bool> DeleteDocument(const std::string& kind, const std::string& id) override {
    bool deleted = false;
    Status done = Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(Stmt s, Stmt::Make(c, "DELETE FROM documents WHERE kind = ? AND id = ?"));
      VT_RETURN_IF_ERROR(s.Text(kind).Text(id).Run());
      deleted = s.Changes() > 0;
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return deleted;
  }

  Result<std::vector<Document>> ListDocuments(const std::string& kind) override {
    std::vector<Document> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT kind, id, body, updated_at FROM documents WHERE kind = ?"
                                " ORDER BY id"));
      s.Text(kind);
      for (;;) {
        VT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(Document{s.ColText(0), s.ColText(1), s.ColText(2), s.ColInt(3)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<std::optional<ProviderRecord>> GetProvider(const std::string& id) override {
    std::optional<ProviderRecord> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT id, tee, measurement, claims_digest, attested_at,"
                                " expires_at FROM registry WHERE id = ?"));
      s.Text(id);
      VT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) out = ProviderFromRow(s);
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<std::vector<ProviderRecord>> ListProviders(const std::string& tee,
                                                    int64_t limit) override {
    std::vector<ProviderRecord> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT id, tee, measurement, claims_digest, attested_at,"
                                " expires_at FROM registry WHERE (? = '' OR tee = ?)"
                                " ORDER BY attested_at DESC, id LIMIT ?"));
      s.Text(tee).Text(tee).Int(limit);
      for (;;) {
        VT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(ProviderFromRow(s));
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Status AddDenial(const Denial& d) override {
    return Write([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "INSERT INTO denials (id, at, session, resource, rule)"
                                " VALUES (?, ?, ?, ?, ?)"));
      return s.Text(d.id).Int(d.at).Text(d.session).Text(d.resource).Text(d.rule).Run();
    });
  }

  Result<std::vector<Denial>> ListDenials(int64_t limit) override {
    std::vector<Denial> out;
    Status done = Read([&](Conn& c) -> Status {
      VT_ASSIGN_OR_RETURN(
          Stmt s, Stmt::Make(c, "SELECT id, at, session, resource, rule FROM denials"
                                " ORDER BY at DESC, id LIMIT ?"));
      s.Int(limit);
      for (;;) {
        VT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        out.push_back(Denial{s.ColText(0), s.ColInt(1), s.ColText(2), s.ColText(3), s.ColText(4)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

 private:
  using Job = std::function<Status(Conn&)>;
  struct Pending {
    Job job;
    std::promise<Status> done;
  };

  // Queues a write and waits until the transaction holding it is committed (and synced).
  Status Write(Job job) {
    auto pending = std::make_shared<Pending>();
    pending->job = std::move(job);
    std::future<Status> done = pending->done.get_future();
    {
      std::lock_guard<std::mutex> lock(wmu_);
      if (stop_) return MakeError(ErrorCode::kIo, "the store is closing", "sqlite");
      queue_.push_back(pending);
    }
    wcv_.notify_one();
    return done.get();
  }

  void WriterLoop() {
    for (;;) {
      std::vector<std::shared_ptr<Pending>> batch;
      {
        std::unique_lock<std::mutex> lock(wmu_);
        wcv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      RunBatch(batch);
    }
  }

  void RunBatch(std::vector<std::shared_ptr<Pending>>& batch) {
    std::vector<Status> results(batch.size());
    Status begin = writer_.Exec("BEGIN IMMEDIATE");
    if (!begin) {
      for (auto& p : batch) p->done.set_value(begin);
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      Status sp = writer_.Exec("SAVEPOINT w");
      if (!sp) {
        results[i] = sp;
        continue;
      }
      results[i] = batch[i]->job(writer_);
      if (!results[i]) (void)writer_.Exec("ROLLBACK TO w");
      (void)writer_.Exec("RELEASE w");
    }
    Status commit = writer_.Exec("COMMIT");
    if (!commit) {
      (void)writer_.Exec("ROLLBACK");
      for (auto& p : batch) p->done.set_value(commit);
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(results[i]));
  }

  // Runs `fn` on an idle reader connection.
  Status Read(const std::function<Status(Conn&)>& fn) {
    Conn* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(rmu_);
      rcv_.wait(lock, [this] { return !idle_readers_.empty(); });
      c = idle_readers_.back();
      idle_readers_.pop_back();
    }
    Status st = fn(*c);
    {
      std::lock_guard<std::mutex> lock(rmu_);
      idle_readers_.push_back(c);
    }
    rcv_.notify_one();
    return st;
  }

  std::string path_;
  Conn writer_;
  std::thread writer_thread_;
  std::mutex wmu_;
  std::condition_variable wcv_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool stop_ = false;

  std::vector<std::unique_ptr<Conn>> readers_;
  std::mutex rmu_;
  std::condition_variable rcv_;
  std::vector<Conn*> idle_readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, int readers) {
  if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty SQLite path");
  auto store = std::make_unique<SqliteStore>(path);
  VT_RETURN_IF_ERROR(store->Init(readers));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace veritee::store
