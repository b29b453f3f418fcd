#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/encoding.h"
#include "service/config.h"
#include "service/kbs_client.h"
#include "service/metrics.h"
#include "service/verify_api.h"

namespace veritee::service {
namespace {

ServiceConfig Valid() {
  ServiceConfig c;
  c.listen = "127.0.0.1:0";
  c.db = "/tmp/veritee-db-dir/x.db";
  c.kek_env = "VERITEE_KEK";
  c.admin_token_env = "VERITEE_ADMIN_TOKEN";
  return c;
}

TEST(ConfigTest, PlainHttpOnlyOnLoopback) {
  ServiceConfig c = Valid();
  EXPECT_TRUE(ValidateConfig(c));
  c.listen = "0.0.0.0:8443";
  auto st = ValidateConfig(c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "listen");
  c.tls_cert = "cert.pem";
  c.tls_key = "key.pem";
  EXPECT_TRUE(ValidateConfig(c));
  c.listen = "[::1]:80";
  c.tls_cert.clear();
  c.tls_key.clear();
  EXPECT_TRUE(ValidateConfig(c));
  EXPECT_EQ(c.host(), "::1");
  EXPECT_EQ(c.port(), 80);
}

TEST(ConfigTest, KekIsNeverBesideTheData) {
  ServiceConfig c = Valid();
  c.kek_env.clear();
  c.kek_file = "/tmp/veritee-db-dir/kek";
  auto st = ValidateConfig(c);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("beside the data"), std::string::npos);
  c.kek_file = "/etc/veritee/kek";
  EXPECT_TRUE(ValidateConfig(c));
  c.kek_env = "X";  // both: ambiguous
  EXPECT_FALSE(ValidateConfig(c));
}

TEST(ConfigTest, FileKeysAreCheckedAndPathsRelative) {
  const std::string dir = std::filesystem::temp_directory_path() / ("veritee-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/c.json") << R"({"listen": "127.0.0.1:9", "db": "data/v.db", "nonce_ttl_s": 60})";
  ServiceConfig c;
  ASSERT_TRUE(LoadConfigFile(dir + "/c.json", c));
  EXPECT_EQ(c.db, dir + "/data/v.db");
  EXPECT_EQ(c.nonce_ttl_s, 60);
  std::ofstream(dir + "/bad.json") << R"({"listne": "127.0.0.1:9"})";
  auto st = LoadConfigFile(dir + "/bad.json", c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "listne");
  std::ofstream(dir + "/type.json") << R"({"nonce_ttl_s": "60"})";
  EXPECT_EQ(LoadConfigFile(dir + "/type.json", c).error().field, "nonce_ttl_s");
  std::filesystem::remove_all(dir);
}

TEST(MetricsTest, PrometheusText) {
  Metrics m;
  m.Request("POST /kbs/v0/auth", 200, 0.0007);
  m.Request("POST /kbs/v0/auth", 200, 0.3);
  m.Verification("sev-snp", "accepted");
  m.Event("release_denied");
  const std::string text = m.Render();
  EXPECT_NE(text.find("veritee_http_requests_total{route=\"POST /kbs/v0/auth\",status=\"200\"} 2"), std::string::npos);
  EXPECT_NE(text.find("veritee_http_request_duration_seconds_bucket{route=\"POST /kbs/v0/auth\",le=\"0.001\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("veritee_verifications_total{tee=\"sev-snp\",verdict=\"accepted\"} 1"), std::string::npos);
  EXPECT_NE(text.find("veritee_kbs_events_total{event=\"release_denied\"} 1"), std::string::npos);
}

TEST(VerifyApiTest, DecodesAndRefuses) {
  auto ok = ParseVerifyApiRequest(R"({"evidence": "AQID", "tee": "sev-snp", "nonce": "00ff",
                                      "certificates": ["-----BEGIN CERTIFICATE-----\nx"], "policy_id": "p"})");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->evidence, (Bytes{1, 2, 3}));
  EXPECT_EQ(*ok->nonce, (Bytes{0, 0xff}));
  EXPECT_EQ(ParseVerifyApiRequest("{}").error().field, "evidence");
  EXPECT_EQ(ParseVerifyApiRequest(R"({"evidence": 5})").error().field, "evidence");
  EXPECT_EQ(ParseVerifyApiRequest(R"({"evidence": "AQ", "nonce": "xyz"})").error().field, "nonce");
  EXPECT_EQ(ParseVerifyApiRequest(R"({"evidence": "AQ", "extra": 1})").error().field, "extra");
  EXPECT_FALSE(ParseVerifyApiRequest("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"));
}

TEST(KbsClientTest, SessionCookie) {
  EXPECT_EQ(SessionFromSetCookie("kbs-session-id=abc; Path=/kbs; HttpOnly"), "abc");
  EXPECT_EQ(SessionFromSetCookie("other=1"), "");
  EXPECT_FALSE(KbsClient::Create({"ftp://127.0.0.1", "", 5}));
}

}  // namespace
}  // namespace veritee::service
