// End to end with a real TPM: a software TPM (swtpm) on loopback, driven from this test
// through tpm2-tss (ESAPI, the swtpm TCTI) exactly as a real TPM would be, then verified by
// the `veritee` binary.
//
//  1. swtpm starts with a fresh state folder on a free loopback port pair
//     (tests/testing/swtpm.h); it is killed by its pid when the test ends.
//  2. Every measured (non-EV_NO_ACTION) sha256 digest of a real event log
//     (../shared/testdata/tpm/tpm2tools_sd-boot-fedora37.bin) is extended into its PCR.
//  3. Two attestation keys are created as primaries in the endorsement hierarchy: RSA-2048
//     with RSASSA-SHA256 and ECC P-256 with ECDSA-SHA256, both restricted signing keys.
//  4. Each quotes sha256 PCRs 0-7, 9, 10, 12 and 17 with a nonce; the outputs are written
//     as tpm2_quote writes them (TPMS_ATTEST, TPMT_SIGNATURE, TPM2B_PUBLIC, PCR file).
//  5. `veritee verify` accepts both, with the PCR file and the log, and with the log alone;
//     a wrong nonce, a substituted PCR, a flipped quote byte and a flipped event-log digest
//     are each rejected at their own check.
#include <sys/wait.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_tctildr.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "parse/tpm/event_log.h"
#include "parse/tpm/pcr_values.h"
#include "parse/tpm/test_data.h"
#include "testing/swtpm.h"
#include "testing/veritee_cli.h"

namespace veritee::testing {
extern const char kTempDirPrefix[] = "veritee-tpm-e2e-";
}  // namespace veritee::testing

namespace veritee::tpm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<uint32_t> kQuotedPcrs = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 17};

using veritee::testing::RunResult;
using veritee::testing::Slurp;
using veritee::testing::TempDir;

// $VERITEE_BIN, when set, is the binary under test instead of the one just built.
RunResult Veritee(const std::string& args) {
  const char* override_bin = std::getenv("VERITEE_BIN");
  if (override_bin != nullptr && *override_bin != '\0') {
    return veritee::testing::Run(std::string(override_bin) + " " + args);
  }
  return veritee::testing::Veritee(args);
}

void Write(const fs::path& p, ByteSpan bytes) { ASSERT_TRUE(WriteFile(p.string(), bytes)); }

// ESAPI with owned contexts.
struct TctiDeleter {
  void operator()(TSS2_TCTI_CONTEXT* t) const { Tss2_TctiLdr_Finalize(&t); }
};
struct EsysDeleter {
  void operator()(ESYS_CONTEXT* e) const { Esys_Finalize(&e); }
};
template <typename T>
struct EsysFree {
  void operator()(T* p) const { Esys_Free(p); }
};
template <typename T>
using EsysPtr = std::unique_ptr<T, EsysFree<T>>;

class Tpm {
 public:
  static std::unique_ptr<Tpm> Open(const std::string& conf, std::string* why) {
    auto t = std::unique_ptr<Tpm>(new Tpm());
    TSS2_TCTI_CONTEXT* tcti = nullptr;
    TSS2_RC rc = Tss2_TctiLdr_Initialize(conf.c_str(), &tcti);
    if (rc != TSS2_RC_SUCCESS) {
      *why = "Tss2_TctiLdr_Initialize(" + conf + ") failed: " + std::to_string(rc);
      return nullptr;
    }
    t->tcti_.reset(tcti);
    ESYS_CONTEXT* esys = nullptr;
    rc = Esys_Initialize(&esys, tcti, nullptr);
    if (rc != TSS2_RC_SUCCESS) {
      *why = "Esys_Initialize failed: " + std::to_string(rc);
      return nullptr;
    }
    t->esys_.reset(esys);
    return t;
  }
  ESYS_CONTEXT* get() { return esys_.get(); }

 private:
  Tpm() = default;
  // Declared first so it is destroyed after the ESAPI context that uses it.
  std::unique_ptr<TSS2_TCTI_CONTEXT, TctiDeleter> tcti_;
  std::unique_ptr<ESYS_CONTEXT, EsysDeleter> esys_;
};

TPML_PCR_SELECTION Selection(const std::vector<uint32_t>& pcrs) {
  TPML_PCR_SELECTION s{};
  s.count = 1;
  s.pcrSelections[0].hash = TPM2_ALG_SHA256;
  s.pcrSelections[0].sizeofSelect = 3;
  for (uint32_t i : pcrs) {
    s.pcrSelections[0].pcrSelect[i / 8] =
        static_cast<BYTE>(s.pcrSelections[0].pcrSelect[i / 8] | (1u << (i % 8)));
  }
  return s;
}

TPM2B_PUBLIC AkTemplate(bool rsa) {
  TPM2B_PUBLIC in{};
  TPMT_PUBLIC& p = in.publicArea;
  p.nameAlg = TPM2_ALG_SHA256;
  p.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                       TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                       TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
  if (rsa) {
    p.type = TPM2_ALG_RSA;
    p.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
    p.parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
    p.parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
    p.parameters.rsaDetail.keyBits = 2048;
    p.parameters.rsaDetail.exponent = 0;
  } else {
    p.type = TPM2_ALG_ECC;
    p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    p.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
    p.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
    p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  }
  return in;
}

struct QuoteFiles {
  fs::path msg, sig, ak, pcrs;
};

// Creates the AK, quotes kQuotedPcrs with `nonce`, reads the PCRs, writes the four files.
void QuoteWith(Tpm& tpm, bool rsa, const Bytes& nonce, const std::string& stem,
               QuoteFiles* files) {
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_PUBLIC in = AkTemplate(rsa);
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcrs{};
  ESYS_TR ak = ESYS_TR_NONE;
  TPM2B_PUBLIC* out_public = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  TSS2_RC rc = Esys_CreatePrimary(tpm.get(), ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
                                  ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &in, &outside,
                                  &creation_pcrs, &ak, &out_public, &creation_data,
                                  &creation_hash, &ticket);
  ASSERT_EQ(rc, TSS2_RC_SUCCESS) << "Esys_CreatePrimary";
  EsysPtr<TPM2B_PUBLIC> pub_owner(out_public);
  EsysPtr<TPM2B_CREATION_DATA> cd_owner(creation_data);
  EsysPtr<TPM2B_DIGEST> ch_owner(creation_hash);
  EsysPtr<TPMT_TK_CREATION> ticket_owner(ticket);

  TPM2B_DATA qualifying{};
  qualifying.size = static_cast<UINT16>(nonce.size());
  std::memcpy(qualifying.buffer, nonce.data(), nonce.size());
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;  // the AK's own scheme
  TPML_PCR_SELECTION selection = Selection(kQuotedPcrs);
  TPM2B_ATTEST* quoted = nullptr;
  TPMT_SIGNATURE* signature = nullptr;
  rc = Esys_Quote(tpm.get(), ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qualifying,
                  &scheme, &selection, &quoted, &signature);
  ASSERT_EQ(rc, TSS2_RC_SUCCESS) << "Esys_Quote";
  EsysPtr<TPM2B_ATTEST> quoted_owner(quoted);
  EsysPtr<TPMT_SIGNATURE> signature_owner(signature);
  Esys_FlushContext(tpm.get(), ak);

  uint8_t buf[4096];
  size_t off = 0;
  ASSERT_EQ(Tss2_MU_TPMT_SIGNATURE_Marshal(signature, buf, sizeof buf, &off), TSS2_RC_SUCCESS);
  Bytes sig(buf, buf + off);
  off = 0;
  ASSERT_EQ(Tss2_MU_TPM2B_PUBLIC_Marshal(out_public, buf, sizeof buf, &off), TSS2_RC_SUCCESS);
  Bytes ak_public(buf, buf + off);
  Bytes msg(quoted->attestationData, quoted->attestationData + quoted->size);

  // The PCR values, one read per PCR (TPM2_PCR_Read returns at most 8 digests a call).
  PcrValues values;
  values.selection.banks.push_back(MakePcrBank(kAlgSha256, kQuotedPcrs));
  for (uint32_t index : kQuotedPcrs) {
    TPML_PCR_SELECTION one = Selection({index});
    UINT32 counter = 0;
    TPML_PCR_SELECTION* out_sel = nullptr;
    TPML_DIGEST* digests = nullptr;
    rc = Esys_PCR_Read(tpm.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &one, &counter,
                       &out_sel, &digests);
    ASSERT_EQ(rc, TSS2_RC_SUCCESS) << "Esys_PCR_Read " << index;
    EsysPtr<TPML_PCR_SELECTION> sel_owner(out_sel);
    EsysPtr<TPML_DIGEST> digests_owner(digests);
    ASSERT_EQ(digests->count, 1u);
    values.digests.emplace_back(digests->digests[0].buffer,
                                digests->digests[0].buffer + digests->digests[0].size);
  }

  files->msg = TempDir() / (stem + ".msg");
  files->sig = TempDir() / (stem + ".sig");
  files->ak = TempDir() / (stem + ".pub");
  files->pcrs = TempDir() / (stem + ".pcrs");
  Write(files->msg, msg);
  Write(files->sig, sig);
  Write(files->ak, ak_public);
  Write(files->pcrs, WritePcrFile(values));
}

std::string Args(const QuoteFiles& f, const fs::path& log, bool with_pcrs) {
  return f.msg.string() + " --signature " + f.sig.string() + " --ak " + f.ak.string() +
         (with_pcrs ? " --pcrs " + f.pcrs.string() : std::string()) + " --event-log " +
         log.string();
}

void ExpectRejected(const RunResult& r, const std::string& check) {
  EXPECT_EQ(r.rc, 1) << r.out << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  EXPECT_EQ(j["verdict"], "rejected");
  EXPECT_EQ(j["reason"].get<std::string>().rfind(check + ": ", 0), 0u) << j["reason"];
}

TEST(TpmSwtpm, QuotesFromARealTpmVerifyAndTamperingIsRejected) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  std::string why;
  auto swtpm = veritee::testing::Swtpm::Start(&why);
  if (!swtpm) {
    if (tpm::testing::SharedDataRequired()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  auto tpm = Tpm::Open(swtpm->tcti(), &why);
  ASSERT_NE(tpm, nullptr) << why;

  // Extend the PCRs from a real event log.
  const fs::path log_path = dir / "tpm2tools_sd-boot-fedora37.bin";
  Bytes log_bytes = tpm::testing::ReadTestFile(dir, "tpm2tools_sd-boot-fedora37.bin");
  auto log = ParseEventLog(log_bytes);
  ASSERT_TRUE(log) << log.error().ToString();
  size_t extended = 0;
  for (const Event& e : log->events) {
    if (e.type == kEvNoAction) continue;
    const EventDigest* d = e.DigestFor(kAlgSha256);
    ASSERT_NE(d, nullptr);
    TPML_DIGEST_VALUES values{};
    values.count = 1;
    values.digests[0].hashAlg = TPM2_ALG_SHA256;
    std::memcpy(values.digests[0].digest.sha256, d->digest.data(), 32);
    TSS2_RC rc = Esys_PCR_Extend(tpm->get(), ESYS_TR_PCR0 + e.pcr, ESYS_TR_PASSWORD,
                                 ESYS_TR_NONE, ESYS_TR_NONE, &values);
    ASSERT_EQ(rc, TSS2_RC_SUCCESS) << "Esys_PCR_Extend PCR " << e.pcr;
    ++extended;
  }
  EXPECT_EQ(extended, 27u);

  const Bytes nonce = FromHex("5665726974656521e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e20001")
                          .value();
  const std::string expect_nonce = " --expect nonce=" + ToHex(nonce);
  for (bool rsa : {true, false}) {
    SCOPED_TRACE(rsa ? "RSA AK" : "ECC AK");
    QuoteFiles f;
    QuoteWith(*tpm, rsa, nonce, rsa ? "rsa" : "ecc", &f);
    if (HasFatalFailure()) return;

    RunResult ok = Veritee("verify " + Args(f, log_path, true) + expect_nonce + " --json");
    ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
    json j = json::parse(ok.out);
    EXPECT_EQ(j["tee"], "tpm");
    EXPECT_EQ(j["verdict"], "accepted");
    EXPECT_EQ(j["simulated"], false);
    EXPECT_EQ(j["claims"]["nonce"], ToHex(nonce));
    EXPECT_EQ(j["claims"]["pcrs"]["sha256"]["7"],
              "b5710bf57d25623e4019027da116821fa99f5c81e9e38b87671cc574f9281439");
    EXPECT_EQ(j["claims"]["pcrs"]["sha256"]["10"], std::string(64, '0'));
    EXPECT_EQ(j["claims"]["pcrs"]["sha256"]["17"], std::string(64, 'f'));
    EXPECT_EQ(j["claims"]["ak"]["key"], rsa ? "RSA-2048" : "EC P-256");
    EXPECT_EQ(j["claims"]["secure_boot"]["enabled"], false);
    EXPECT_EQ(j["claims"]["initrd"]["source"], "EV_EVENT_TAG in PCR 9 (Linux)");
    EXPECT_NE(j["trust_anchor"].get<std::string>().find("supplied by the caller"),
              std::string::npos);

    // The event log alone gives the PCR values.
    RunResult log_only = Veritee("verify " + Args(f, log_path, false) + expect_nonce + " --json");
    EXPECT_EQ(log_only.rc, 0) << log_only.out << log_only.err;

    // A wrong nonce.
    ExpectRejected(Veritee("verify " + Args(f, log_path, true) + " --expect nonce=" +
                           std::string(64, '0') + " --json"),
                   "nonce");

    // A substituted PCR 7 in the PCR file.
    auto values = ParsePcrFile(*ReadFile(f.pcrs.string()));
    ASSERT_TRUE(values) << values.error().ToString();
    values->digests[7][0] ^= 0x01;
    QuoteFiles substituted = f;
    substituted.pcrs = TempDir() / "substituted.pcrs";
    Write(substituted.pcrs, WritePcrFile(*values));
    ExpectRejected(Veritee("verify " + Args(substituted, log_path, true) + expect_nonce +
                           " --json"),
                   "pcr_digest");

    // A flipped byte of the quote (in the clock, which the signature covers).
    Bytes msg = *ReadFile(f.msg.string());
    msg[msg.size() - 50] ^= 0x01;
    QuoteFiles flipped = f;
    flipped.msg = TempDir() / "flipped.msg";
    Write(flipped.msg, msg);
    ExpectRejected(Veritee("verify " + Args(flipped, log_path, true) + expect_nonce + " --json"),
                   "signature");

    // A flipped digest byte in the event log: the log no longer replays to the PCRs.
    EventLog tampered = *log;
    tampered.events[5].digests[0].digest[0] ^= 0x01;
    const fs::path bad_log = TempDir() / "tampered.bin";
    Write(bad_log, WriteEventLog(tampered));
    ExpectRejected(Veritee("verify " + Args(f, bad_log, true) + expect_nonce + " --json"),
                   "event_log_replay");
  }
}

}  // namespace
}  // namespace veritee::tpm
