#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/schema.h"

namespace veritee::store {
namespace {

struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;
struct PgConnFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnFree>;

// Integers come back from libpq as text; anything else reads as 0.
int64_t ParseInt(const char* text) {
  int64_t v = 0;
  if (text == nullptr) return 0;
  std::string_view t(text);
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() ? v : 0;
}

// A migration lock key: any constant shared by every veritee process ("veritee" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(8243114931150284133)";

// Parameters as text, bound by libpq ($1, $2, ...): no SQL is built from values.
class Params {
 public:
  Params& Text(std::string v) {
    values_.push_back(std::move(v));
    return *this;
  }
  Params& Int(int64_t v) { return Text(std::to_string(v)); }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> p;
    for (const auto& v : values_) p.push_back(v.c_str());
    return p;
  }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<std::string> values_;
};

class Session {
 public:
  explicit Session(PGconn* c) : c_(c) {}

  Result<PgResult> Exec(const char* sql, const Params& params = Params()) {
    auto ptrs = params.Pointers();
    PgResult r(PQexecParams(c_, sql, params.size(), nullptr,
                            ptrs.empty() ? nullptr : ptrs.data(), nullptr, nullptr, 0));
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string msg = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c_);
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      return MakeError(ErrorCode::kIo, msg, "postgresql");
    }
    return r;
  }
  Status Run(const char* sql, const Params& params = Params()) {
    VT_ASSIGN_OR_RETURN(PgResult r, Exec(sql, params));
    (void)r;
    return Ok();
  }
  static int64_t Affected(const PgResult& r) { return ParseInt(PQcmdTuples(r.get())); }

  // BEGIN; fn; COMMIT — ROLLBACK when fn fails.
  Status Transaction(const std::function<Status()>& fn) {
    VT_RETURN_IF_ERROR(Run("BEGIN"));
    Status st = fn();
    if (!st) {
      (void)Run("ROLLBACK");
      return st;
    }
    return Run("COMMIT");
  }

 private:
  PGconn* c_;
};

std::string Col(const PgResult& r, int row, int col) {
  return std::string(PQgetvalue(r.get(), row, col),
                     static_cast<size_t>(PQgetlength(r.get(), row, col)));
}
int64_t ColInt(const PgResult& r, int row, int col) {
  return ParseInt(PQgetvalue(r.get(), row, col));
}

SessionRecord SessionFromRow(const PgResult& r, int i) {
  SessionRecord s;
  s.id = Col(r, i, 0);
  s.tee = Col(r, i, 1);
  s.nonce = Col(r, i, 2);
  s.created_at = ColInt(r, i, 3);
  s.nonce_expires_at = ColInt(r, i, 4);
  s.nonce_used = ColInt(r, i, 5) != 0;
  s.attested = ColInt(r, i, 6) != 0;
  s.tee_pubkey = Col(r, i, 7);
  s.claims = Col(r, i, 8);
  s.expires_at = ColInt(r, i, 9);
  return s;
}

ProviderRecord ProviderFromRow(const PgResult& r, int i) {
  return ProviderRecord{Col(r, i, 0), Col(r, i, 1), Col(r, i, 2),
                        Col(r, i, 3), ColInt(r, i, 4), ColInt(r, i, 5)};
}

Status Migrate(Session& s) {
  return s.Transaction([&]() -> Status {
    VT_RETURN_IF_ERROR(s.Run(kMigrationLock));
    VT_RETURN_IF_ERROR(
        s.Run("CREATE TABLE IF NOT EXISTS schema_migrations ("
              " version INTEGER PRIMARY KEY, description TEXT NOT NULL)"));
    VT_ASSIGN_OR_RETURN(PgResult r, s.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    const int64_t current = ColInt(r, 0, 0);
    if (current > LatestSchemaVersion()) {
      return MakeError(ErrorCode::kUnsupported,
                       "the database has schema version " + std::to_string(current) +
                           ", newer than this binary's " + std::to_string(LatestSchemaVersion()));
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      for (std::string_view sql : m.statements) {
        VT_RETURN_IF_ERROR(s.Run(std::string(sql).c_str()));
      }
      VT_RETURN_IF_ERROR(s.Run("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                               Params().Int(m.version).Text(std::string(m.description))));
    }
    return Ok();
  });
}

class PostgresStore final : public Store {
 public:
  Status Init(const std::string& url, int connections) {
    for (int i = 0; i < std::max(1, connections); ++i) {
      PgConn c(PQconnectdb(url.c_str()));
      if (!c || PQstatus(c.get()) != CONNECTION_OK) {
        std::string msg = c ? PQerrorMessage(c.get()) : "out of memory";
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        return MakeError(ErrorCode::kIo, "cannot connect: " + msg, "postgresql");
      }
      // Server notices ("relation already exists, skipping") are not our output.
      PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
      if (i == 0) {
        Session s(c.get());
        VT_RETURN_IF_ERROR(Migrate(s));
      }
      idle_.push_back(c.get());
      conns_.push_back(std::move(c));
    }
    return Ok();
  }

  std::string_view backend() const override { return "postgresql"; }

  Result<int> SchemaVersion() override {
    int v = 0;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r, s.Exec("SELECT MAX(version) FROM schema_migrations"));
      v = static_cast<int>(ColInt(r, 0, 0));
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return v;
  }

  Status CreateSession(const SessionRecord& r) override {
    return With([&](Session& s) {
      return s.Run("INSERT INTO sessions (id, tee, nonce, created_at, nonce_expires_at)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   Params().Text(r.id).Text(r.tee).Text(r.nonce).Int(r.created_at)
                       .Int(r.nonce_expires_at));
    });
  }

  Result<std::optional<SessionRecord>> GetSession(const std::string& id) override {
    std::optional<SessionRecord> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(
          PgResult r, s.Exec("SELECT id, tee, nonce, created_at, nonce_expires_at, nonce_used,"
                             " attested, tee_pubkey, claims, expires_at FROM sessions"
                             " WHERE id = $1",
                             Params().Text(id)));
      if (PQntuples(r.get()) == 1) out = SessionFromRow(r, 0);
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<NonceOutcome> FinishAttestation(const std::string& id, UnixTime now,
                                         const std::optional<Attested>& a) override {
    NonceOutcome outcome = NonceOutcome::kUnknownSession;
    Status done = With([&](Session& s) {
      return s.Transaction([&]() -> Status {
        int64_t changed = 0;
        if (a) {
          VT_ASSIGN_OR_RETURN(
              PgResult r,
              s.Exec("UPDATE sessions SET nonce_used = 1, attested = 1, tee_pubkey = $1,"
                     " claims = $2, expires_at = $3"
                     " WHERE id = $4 AND nonce_used = 0 AND nonce_expires_at > $5",
                     Params().Text(a->tee_pubkey).Text(a->claims).Int(a->expires_at).Text(id)
                         .Int(now)));
          changed = Session::Affected(r);
        } else {
          VT_ASSIGN_OR_RETURN(
              PgResult r, s.Exec("UPDATE sessions SET nonce_used = 1"
                                 " WHERE id = $1 AND nonce_used = 0 AND nonce_expires_at > $2",
                                 Params().Text(id).Int(now)));
          changed = Session::Affected(r);
        }
        if (changed == 1) {
          outcome = NonceOutcome::kConsumed;
          if (!a) return Ok();
          const ProviderRecord& p = a->provider;
          return s.Run(
              "INSERT INTO registry (id, tee, measurement, claims_digest, attested_at,"
              " expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET"
              " tee = excluded.tee, measurement = excluded.measurement,"
              " claims_digest = excluded.claims_digest, attested_at = excluded.attested_at,"
              " expires_at = excluded.expires_at",
              Params().Text(p.id).Text(p.tee).Text(p.measurement).Text(p.claims_digest)
                  .Int(p.attested_at).Int(p.expires_at));
        }
        VT_ASSIGN_OR_RETURN(PgResult r,
                            s.Exec("SELECT nonce_used FROM sessions WHERE id = $1",
                                   Params().Text(id)));
        if (PQntuples(r.get()) != 1) {
          outcome = NonceOutcome::kUnknownSession;
        } else if (ColInt(r, 0, 0) != 0) {
          outcome = NonceOutcome::kAlreadyUsed;
        } else {
          outcome = NonceOutcome::kExpired;
        }
        return Ok();
      });
    });
    VT_RETURN_IF_ERROR(done);
    return outcome;
  }

  Result<int64_t> PurgeSessions(UnixTime now) override {
    int64_t n = 0;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("DELETE FROM sessions WHERE nonce_expires_at <= $1"
                                 " AND expires_at <= $2",
                                 Params().Int(now).Int(now)));
      n = Session::Affected(r);
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return n;
  }

  Status PutResource(const ResourceRecord& r) override {
    return With([&](Session& s) {
      return s.Run("INSERT INTO resources (path, sealed, policy, updated_at)"
                   " VALUES ($1, $2, $3, $4) ON CONFLICT (path) DO UPDATE SET"
                   " sealed = excluded.sealed, policy = excluded.policy,"
                   " updated_at = excluded.updated_at",
                   Params().Text(r.path).Text(r.sealed).Text(r.policy).Int(r.updated_at));
    });
  }

  Result<std::optional<ResourceRecord>> GetResource(const std::string& path) override {
    std::optional<ResourceRecord> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(
          PgResult r, s.Exec("SELECT path, sealed, policy, updated_at FROM resources"
                             " WHERE path = $1",
                             Params().Text(path)));
      if (PQntuples(r.get()) == 1) {
        out = ResourceRecord{Col(r, 0, 0), Col(r, 0, 1), Col(r, 0, 2), ColInt(r, 0, 3)};
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<bool> DeleteResource(const std::string& path) override {
    bool deleted = false;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r, s.Exec("DELETE FROM resources WHERE path = $1",
                                             Params().Text(path)));
      deleted = Session::Affected(r) > 0;
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return deleted;
  }

  Result<std::vector<ResourceRecord>> ListResources() override {
    std::vector<ResourceRecord> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT path, policy, updated_at FROM resources ORDER BY path"));
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        out.push_back(ResourceRecord{Col(r, i, 0), "", Col(r, i, 1), ColInt(r, i, 2)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Status PutDocument(const Document& d) override {
    return With([&](Session& s) {
      return s.Run("INSERT INTO documents (kind, id, body, updated_at) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body,"
                   " updated_at = excluded.updated_at",
                   Params().Text(d.kind).Text(d.id).Text(d.body).Int(d.updated_at));
    });
  }

  Result<std::optional<Document>> GetDocument(const std::string& kind,
                                              const std::string& id) override {
    std::optional<Document> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT kind, id, body, updated_at FROM documents"
                                 " WHERE kind = $1 AND id = $2",
                                 Params().Text(kind).Text(id)));
      if (PQntuples(r.get()) == 1) {
        out = Document{Col(r, 0, 0), Col(r, 0, 1), Col(r, 0, 2), ColInt(r, 0, 3)};
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<bool> DeleteDocument(const std::string& kind, const std::string& id) override {
    bool deleted = false;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("DELETE FROM documents WHERE kind = $1 AND id = $2",
                                 Params().Text(kind).Text(id)));
      deleted = Session::Affected(r) > 0;
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return deleted;
  }

  Result<std::vector<Document>> ListDocuments(const std::string& kind) override {
    std::vector<Document> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT kind, id, body, updated_at FROM documents"
                                 " WHERE kind = $1 ORDER BY id",
                                 Params().Text(kind)));
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        out.push_back(Document{Col(r, i, 0), Col(r, i, 1), Col(r, i, 2), ColInt(r, i, 3)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<std::optional<ProviderRecord>> GetProvider(const std::string& id) override {
    std::optional<ProviderRecord> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT id, tee, measurement, claims_digest, attested_at,"
                                 " expires_at FROM registry WHERE id = $1",
                                 Params().Text(id)));
      if (PQntuples(r.get()) == 1) out = ProviderFromRow(r, 0);
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Result<std::vector<ProviderRecord>> ListProviders(const std::string& tee,
                                                    int64_t limit) override {
    std::vector<ProviderRecord> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT id, tee, measurement, claims_digest, attested_at,"
                                 " expires_at FROM registry WHERE ($1 = '' OR tee = $1)"
                                 " ORDER BY attested_at DESC, id LIMIT $2",
                                 Params().Text(tee).Int(limit)));
      for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(ProviderFromRow(r, i));
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

  Status AddDenial(const Denial& d) override {
    return With([&](Session& s) {
      return s.Run("INSERT INTO denials (id, at, session, resource, rule)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   Params().Text(d.id).Int(d.at).Text(d.session).Text(d.resource).Text(d.rule));
    });
  }

  Result<std::vector<Denial>> ListDenials(int64_t limit) override {
    std::vector<Denial> out;
    Status done = With([&](Session& s) -> Status {
      VT_ASSIGN_OR_RETURN(PgResult r,
                          s.Exec("SELECT id, at, session, resource, rule FROM denials"
                                 " ORDER BY at DESC, id LIMIT $1",
                                 Params().Int(limit)));
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        out.push_back(Denial{Col(r, i, 0), ColInt(r, i, 1), Col(r, i, 2), Col(r, i, 3),
                             Col(r, i, 4)});
      }
      return Ok();
    });
    VT_RETURN_IF_ERROR(done);
    return out;
  }

 private:
  // Runs fn on an idle connection; a connection found broken is reset once and retried.
  Status With(const std::function<Status(Session&)>& fn) {
    PGconn* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !idle_.empty(); });
      c = idle_.back();
      idle_.pop_back();
    }
    if (PQstatus(c) != CONNECTION_OK) PQreset(c);
    Session s(c);
    Status st = fn(s);
    if (!st && PQstatus(c) != CONNECTION_OK) {
      PQreset(c);
      if (PQstatus(c) == CONNECTION_OK) {
        Session again(c);
        st = fn(again);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.push_back(c);
    }
    cv_.notify_one();
    return st;
  }

  std::vector<PgConn> conns_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, int connections) {
  auto store = std::make_unique<PostgresStore>();
  VT_RETURN_IF_ERROR(store->Init(url, connections));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace veritee::store
