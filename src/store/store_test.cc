// One suite, both backends: every test runs on SQLite and on a private PostgreSQL server
// (store/testing/temp_postgres.h). Without PostgreSQL the PostgreSQL half skips with the
// reason, except under CI=true, where it fails.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/schema.h"
#include "store/testing/temp_postgres.h"

namespace veritee::store {
namespace {

using testing::TempPostgres;

// One PostgreSQL server for the whole binary, started on first use.
struct SharedPostgres {
  std::unique_ptr<TempPostgres> server;
  std::string error;
  int next_db = 0;
};
// Stopped by its destructor when the test binary exits.
SharedPostgres& Pg() {
  static SharedPostgres pg = [] {
    SharedPostgres p;
    auto started = TempPostgres::Start();
    if (started) {
      p.server = std::move(*started);
    } else {
      p.error = started.error().ToString();
    }
    return p;
  }();
  return pg;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (char& ch : name) {
        if (ch == '/') ch = '_';
      }
      dir_ = std::filesystem::temp_directory_path() /
             ("veritee-store-" + std::to_string(::getpid()) + "-" + name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = dir_ + "/db.sqlite";
    } else {
      SharedPostgres& pg = Pg();
      if (!pg.server) {
        if (testing::PostgresRequired()) {
          FAIL() << "CI=true and PostgreSQL could not start: " << pg.error;
        }
        GTEST_SKIP() << "PostgreSQL not available: " << pg.error;
      }
      auto url = pg.server->CreateDatabase("store_test_" + std::to_string(pg.next_db++));
      ASSERT_TRUE(url) << url.error().ToString();
      url_ = *url;
    }
    auto s = OpenStore(url_, 4);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  SessionRecord NewSession(const std::string& id, UnixTime now, UnixTime ttl = 300) {
    SessionRecord s;
    s.id = id;
    s.tee = "snp";
    s.nonce = "nonce-" + id;
    s.created_at = now;
    s.nonce_expires_at = now + ttl;
    return s;
  }
  Store::Attested Attestation(const std::string& key_id, UnixTime now) {
    Store::Attested a;
    a.tee_pubkey = R"({"crv":"P-256","kty":"EC","x":"x","y":"y"})";
    a.claims = R"({"measurement":"aa"})";
    a.expires_at = now + 300;
    a.provider = ProviderRecord{key_id, "sev-snp", "aa", "digest", now, now + 86400};
    return a;
  }

  std::string dir_, url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigratesToTheLatestSchemaAndReopens) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(*v, LatestSchemaVersion());
  EXPECT_EQ(store_->backend(), GetParam());
  ASSERT_TRUE(store_->PutDocument({"policy", "p", "{}", 1}));
  store_.reset();
  auto again = OpenStore(url_, 2);
  ASSERT_TRUE(again) << again.error().ToString();
  auto doc = (*again)->GetDocument("policy", "p");
  ASSERT_TRUE(doc && doc->has_value());
  EXPECT_EQ((*doc)->body, "{}");
}

TEST_P(StoreTest, SessionRoundTrip) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000)));
  auto got = store_->GetSession("s1");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->tee, "snp");
  EXPECT_EQ((*got)->nonce, "nonce-s1");
  EXPECT_EQ((*got)->nonce_expires_at, 1300);
  EXPECT_FALSE((*got)->nonce_used);
  EXPECT_FALSE((*got)->attested);
  auto missing = store_->GetSession("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  // A session id is a primary key: a second insert fails.
  EXPECT_FALSE(store_->CreateSession(NewSession("s1", 1000)));
}

TEST_P(StoreTest, NonceIsSingleUse) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000)));
  auto first = store_->FinishAttestation("s1", 1001, Attestation("k1", 1001));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(*first, NonceOutcome::kConsumed);
  auto s = store_->GetSession("s1");
  ASSERT_TRUE(s && s->has_value());
  EXPECT_TRUE((*s)->nonce_used);
  EXPECT_TRUE((*s)->attested);
  EXPECT_EQ((*s)->claims, R"({"measurement":"aa"})");
  EXPECT_EQ((*s)->expires_at, 1301);
  auto replay = store_->FinishAttestation("s1", 1002, Attestation("k1", 1002));
  ASSERT_TRUE(replay);
  EXPECT_EQ(*replay, NonceOutcome::kAlreadyUsed);
}

TEST_P(StoreTest, ExpiredNonceIsRefused) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000, 60)));
  auto late = store_->FinishAttestation("s1", 1060, Attestation("k1", 1060));
  ASSERT_TRUE(late);
  EXPECT_EQ(*late, NonceOutcome::kExpired);
  auto s = store_->GetSession("s1");
  ASSERT_TRUE(s && s->has_value());
  EXPECT_FALSE((*s)->attested);
  auto provider = store_->GetProvider("k1");
  ASSERT_TRUE(provider);
  EXPECT_FALSE(provider->has_value());
}

TEST_P(StoreTest, UnknownSession) {
  auto r = store_->FinishAttestation("ghost", 1000, Attestation("k1", 1000));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, NonceOutcome::kUnknownSession);
}

TEST_P(StoreTest, FailedAttemptBurnsTheNonce) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000)));
  auto burn = store_->FinishAttestation("s1", 1001, std::nullopt);
  ASSERT_TRUE(burn);
  EXPECT_EQ(*burn, NonceOutcome::kConsumed);
  auto retry = store_->FinishAttestation("s1", 1002, Attestation("k1", 1002));
  ASSERT_TRUE(retry);
  EXPECT_EQ(*retry, NonceOutcome::kAlreadyUsed);
  auto s = store_->GetSession("s1");
  EXPECT_FALSE((*s)->attested);
}

TEST_P(StoreTest, ConcurrentAttestationsWithOneNonceConsumeItOnce) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000)));
  std::atomic<int> consumed{0}, used{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = store_->FinishAttestation("s1", 1001, Attestation("k" + std::to_string(i), 1001));
      if (!r) {
        ++failed;
      } else if (*r == NonceOutcome::kConsumed) {
        ++consumed;
      } else if (*r == NonceOutcome::kAlreadyUsed) {
        ++used;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(consumed.load(), 1);
  EXPECT_EQ(used.load(), 7);
  auto providers = store_->ListProviders("", 100);
  ASSERT_TRUE(providers);
  EXPECT_EQ(providers->size(), 1u);
}

TEST_P(StoreTest, RegistryRecordsAndRefreshes) {
  ASSERT_TRUE(store_->CreateSession(NewSession("s1", 1000)));
  ASSERT_TRUE(store_->CreateSession(NewSession("s2", 2000)));
  ASSERT_TRUE(store_->CreateSession(NewSession("s3", 3000)));
  ASSERT_TRUE(store_->FinishAttestation("s1", 1001, Attestation("k1", 1001)));
  auto tdx = Attestation("k2", 2001);
  tdx.provider.tee = "tdx";
  ASSERT_TRUE(store_->FinishAttestation("s2", 2001, tdx));
  // k1 attests again: its entry is refreshed, not duplicated.
  ASSERT_TRUE(store_->FinishAttestation("s3", 3001, Attestation("k1", 3001)));
  auto all = store_->ListProviders("", 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "k1");  // newest first
  EXPECT_EQ((*all)[0].attested_at, 3001);
  EXPECT_EQ((*all)[0].expires_at, 3001 + 86400);
  auto only_tdx = store_->ListProviders("tdx", 100);
  ASSERT_TRUE(only_tdx);
  ASSERT_EQ(only_tdx->size(), 1u);
  EXPECT_EQ((*only_tdx)[0].id, "k2");
  auto limited = store_->ListProviders("", 1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
  auto one = store_->GetProvider("k2");
  ASSERT_TRUE(one && one->has_value());
  EXPECT_EQ((*one)->tee, "tdx");
}

TEST_P(StoreTest, PurgeRemovesOnlyExpiredSessions) {
  ASSERT_TRUE(store_->CreateSession(NewSession("old", 1000, 10)));
  ASSERT_TRUE(store_->CreateSession(NewSession("fresh", 1000, 1000)));
  ASSERT_TRUE(store_->CreateSession(NewSession("attested", 1000, 10)));
  auto a = Attestation("k1", 1005);
  a.expires_at = 5000;
  ASSERT_TRUE(store_->FinishAttestation("attested", 1005, a));
  auto n = store_->PurgeSessions(1100);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(store_->GetSession("old")->has_value());
  EXPECT_TRUE(store_->GetSession("fresh")->has_value());
  EXPECT_TRUE(store_->GetSession("attested")->has_value());
}

TEST_P(StoreTest, Resources) {
  ASSERT_TRUE(store_->PutResource({"repo/key/one", "c2VhbGVk", "p1", 10}));
  ASSERT_TRUE(store_->PutResource({"repo/key/two", "dHdv", "", 11}));
  auto one = store_->GetResource("repo/key/one");
  ASSERT_TRUE(one && one->has_value());
  EXPECT_EQ((*one)->sealed, "c2VhbGVk");
  EXPECT_EQ((*one)->policy, "p1");
  ASSERT_TRUE(store_->PutResource({"repo/key/one", "bmV3", "p2", 12}));
  one = store_->GetResource("repo/key/one");
  EXPECT_EQ((*one)->sealed, "bmV3");
  EXPECT_EQ((*one)->policy, "p2");
  auto list = store_->ListResources();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].path, "repo/key/one");
  EXPECT_TRUE((*list)[0].sealed.empty());  // listing never carries the sealed value
  auto del = store_->DeleteResource("repo/key/one");
  ASSERT_TRUE(del);
  EXPECT_TRUE(*del);
  del = store_->DeleteResource("repo/key/one");
  ASSERT_TRUE(del);
  EXPECT_FALSE(*del);
  EXPECT_FALSE(store_->GetResource("repo/key/one")->has_value());
}

TEST_P(StoreTest, DocumentsAreKeyedByKindAndId) {
  ASSERT_TRUE(store_->PutDocument({"policy", "a", R"({"rules":[]})", 1}));
  ASSERT_TRUE(store_->PutDocument({"reference", "a", R"({"values":[]})", 2}));
  ASSERT_TRUE(store_->PutDocument({"policy", "b", "{}", 3}));
  auto policies = store_->ListDocuments("policy");
  ASSERT_TRUE(policies);
  ASSERT_EQ(policies->size(), 2u);
  EXPECT_EQ((*policies)[0].id, "a");
  auto ref = store_->GetDocument("reference", "a");
  ASSERT_TRUE(ref && ref->has_value());
  EXPECT_EQ((*ref)->body, R"({"values":[]})");
  EXPECT_TRUE(*store_->DeleteDocument("policy", "a"));
  EXPECT_FALSE(store_->GetDocument("policy", "a")->has_value());
  EXPECT_TRUE(store_->GetDocument("reference", "a")->has_value());
}

TEST_P(StoreTest, Denials) {
  ASSERT_TRUE(store_->AddDenial({"d1", 100, "s1", "repo/key/one", "measurement not in set"}));
  ASSERT_TRUE(store_->AddDenial({"d2", 200, "s2", "repo/key/two", "tee not allowed"}));
  auto list = store_->ListDenials(10);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "d2");
  EXPECT_EQ((*list)[1].rule, "measurement not in set");
}

TEST_P(StoreTest, ManyConcurrentWritersAreAllDurable) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string path = "r/" + std::to_string(t) + "/" + std::to_string(i);
        if (!store_->PutResource({path, "eA", "", i})) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  store_.reset();
  auto again = OpenStore(url_, 1);
  ASSERT_TRUE(again);
  auto list = (*again)->ListResources();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), static_cast<size_t>(kThreads * kEach));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

TEST(SqliteStoreTest, RefusesADatabaseNewerThanTheBinary) {
  std::string dir = std::filesystem::temp_directory_path() /
                    ("veritee-store-newer-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/db.sqlite";
  {
    auto s = OpenStore(path, 1);
    ASSERT_TRUE(s);
  }
  // Pretend a later version migrated this file.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenStore(path, 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(s.error().message.find("newer than this binary"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(StoreUrlTest, UnknownSchemeIsRefused) {
  auto s = OpenStore("mysql://x", 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace veritee::store
