// The TPM attester and PCR-bound sealing against a real software TPM (swtpm).
#include "attest/tpm.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "testing/swtpm.h"

namespace veritee::attest {
namespace {

std::unique_ptr<testing::Swtpm> StartOrSkip(std::string* why) {
  auto t = testing::Swtpm::Start(why);
  return t;
}

#define SWTPM_OR_SKIP(var)                                                        \
  std::string why_;                                                               \
  auto var = StartOrSkip(&why_);                                                  \
  if (!var) {                                                                     \
    const char* ci = std::getenv("CI");                                           \
    if (ci != nullptr && std::string(ci) == "true") FAIL() << why_;               \
    GTEST_SKIP() << why_;                                                         \
  }

TEST(TpmPcrSelection, Parse) {
  auto s = ParsePcrSelection("sha256:7,0,1,7");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->bank, "sha256");
  EXPECT_EQ(s->pcrs, (std::vector<uint32_t>{0, 1, 7}));
  EXPECT_EQ(ParsePcrSelection("sha256:24").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePcrSelection("md5:1").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePcrSelection("sha256").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePcrSelection("sha256:").error().code, ErrorCode::kInvalidArgument);
}

TEST(TpmQuote, SwtpmQuoteCarriesTheReportData) {
  SWTPM_OR_SKIP(tpm);
  ReportData rd{};
  for (size_t i = 0; i < rd.size(); ++i) rd[i] = static_cast<uint8_t>(0xc0 + i);
  auto q = TpmQuoteWithAk(tpm->tcti(), rd, *ParsePcrSelection("sha256:0,1,2,3,4,5,6,7,16"));
  ASSERT_TRUE(q) << q.error().ToString();
  // TPMS_ATTEST: magic TPM_GENERATED_VALUE, type TPM_ST_ATTEST_QUOTE.
  ASSERT_GT(q->attest.size(), 10u);
  EXPECT_EQ(q->attest[0], 0xff);
  EXPECT_EQ(q->attest[1], 0x54);
  EXPECT_EQ(q->attest[2], 0x43);
  EXPECT_EQ(q->attest[3], 0x47);
  EXPECT_EQ(q->attest[4], 0x80);
  EXPECT_EQ(q->attest[5], 0x18);
  // extraData (the qualifying data) is in the quote.
  EXPECT_NE(std::search(q->attest.begin(), q->attest.end(), rd.begin(), rd.end()),
            q->attest.end());
  EXPECT_EQ(q->pcrs.size(), 132u + 4 + 2 * 532);  // 9 PCRs: two digest lists
  EXPECT_NE(q->ak_pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  EXPECT_EQ(q->signature[0], 0x00);  // TPM_ALG_ECDSA = 0x0018
  EXPECT_EQ(q->signature[1], 0x18);

  // tpm2_checkquote, the reference verifier, accepts what we wrote.
  const std::string dir = ::testing::TempDir();
  auto write = [&](const std::string& name, ByteSpan b) {
    FILE* f = std::fopen((dir + name).c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  };
  write("q.msg", q->attest);
  write("q.sig", q->signature);
  write("q.pcrs", q->pcrs);
  write("ak.pem", ByteSpan(reinterpret_cast<const uint8_t*>(q->ak_pem.data()), q->ak_pem.size()));
  std::string nonce_hex;
  for (uint8_t b : rd) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", b);
    nonce_hex += h;
  }
  const std::string cmd = "tpm2_checkquote -u " + dir + "ak.pem -m " + dir + "q.msg -s " + dir +
                          "q.sig -f " + dir + "q.pcrs -g sha256 -q " + nonce_hex +
                          " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(TpmSeal, UnsealRefusedAfterPcrExtend) {
  SWTPM_OR_SKIP(tpm);
  auto sel = ParsePcrSelection("sha256:16,23");
  ASSERT_TRUE(sel);
  auto blob = TpmSealRoot::CreateBlob(tpm->tcti(), *sel);
  ASSERT_TRUE(blob) << blob.error().ToString();
  TpmSealRoot root(tpm->tcti(), *blob);
  const Bytes secret = {'t', 'p', 'm', '-', 's', 'e', 'c', 'r', 'e', 't'};
  auto box = Seal(root, "disk", secret);
  ASSERT_TRUE(box) << box.error().ToString();
  auto plain = Unseal(root, "disk", *box);
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(Bytes(plain->span().begin(), plain->span().end()), secret);

  // A PCR outside the selection does not matter.
  ASSERT_EQ(tpm->Tool("pcrextend 15:sha256=" + std::string(64, 'a')), 0);
  EXPECT_TRUE(Unseal(root, "disk", *box));

  // A selected PCR changes: the TPM refuses, and so do we.
  ASSERT_EQ(tpm->Tool("pcrextend 16:sha256=" + std::string(64, 'b')), 0);
  auto refused = Unseal(root, "disk", *box);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kBadSignature);
  EXPECT_NE(refused.error().message.find("PCR policy not satisfied"), std::string::npos);

  // A damaged blob is malformed, not a TPM error.
  Bytes bad = *blob;
  bad[0] = 'X';
  TpmSealRoot bad_root(tpm->tcti(), bad);
  EXPECT_EQ(bad_root.Material().error().code, ErrorCode::kMalformed);
}

}  // namespace
}  // namespace veritee::attest
