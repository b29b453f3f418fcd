#include "verify/tpm/verifier.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/tpm/event_log.h"
#include "verify/tpm/replay.h"
#include "verify/tpm/test_signer.h"
#include "verify/tpm/tpm_crypto.h"
#include "verify/testing/checks.h"

namespace veritee::tpm {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using testing::MakeQuote;
using testing::SoftAk;

// Rejected, and the first failed check is `check` with `phrase` in its detail.
const SoftAk& RsaAk() {
  static SoftAk ak = *SoftAk::Rsa(2048);
  return ak;
}
const SoftAk& EccAk() {
  static SoftAk ak = *SoftAk::Ecc();
  return ak;
}

PcrMap SamplePcrs() {
  PcrMap m;
  m[kAlgSha256][0] = Bytes(32, 0x10);
  m[kAlgSha256][7] = Bytes(32, 0x17);
  m[kAlgSha256][9] = Bytes(32, 0x19);
  return m;
}

const Bytes kNonce = Bytes(32, 0x4e);

struct Evidence {
  Bytes quote;
  TpmInputs in;
};

Evidence Make(const SoftAk& ak, const PcrMap& pcrs = SamplePcrs()) {
  Evidence e;
  auto attest = MakeQuote(pcrs, kNonce, ak.pub().scheme_hash);
  e.quote = WriteAttest(*attest);
  e.in.signature = *ak.Sign(e.quote);
  e.in.ak = ak.Tpm2bPublic();
  auto values = SelectPcrs(pcrs, attest->quote.pcr_select);
  e.in.pcr_file = WritePcrFile(*values);
  e.in.nonce = kNonce;
  return e;
}

TEST(TpmVerifier, AcceptsRsaAndEccQuotes) {
  TpmVerifier verifier;
  for (const SoftAk* ak : {&RsaAk(), &EccAk()}) {
    Evidence e = Make(*ak);
    Verification v = verifier.Verify(e.quote, e.in);
    ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
    EXPECT_EQ(v.tee(), "tpm");
    EXPECT_FALSE(v.simulated);
    EXPECT_EQ(v.claims["nonce"], ToHex(kNonce));
    EXPECT_EQ(v.claims["pcrs"]["sha256"]["7"], ToHex(Bytes(32, 0x17)));
    EXPECT_EQ(v.claims["pcr_select"]["sha256"], (std::vector<int>{0, 7, 9}));
    EXPECT_NE(v.trust_anchor.find("supplied by the caller"), std::string::npos);
    ASSERT_NE(FindCheck(v, "ak_trust"), nullptr);
    EXPECT_NE(FindCheck(v, "ak_trust")->detail.find("no EK or AK certificate"), std::string::npos);
  }
  EXPECT_EQ(verifier.cached_keys(), 2u);
}

TEST(TpmVerifier, RejectsEachTamperingWithItsOwnReason) {
  TpmVerifier verifier;
  Evidence e = Make(RsaAk());

  Evidence wrong_nonce = e;
  wrong_nonce.in.nonce = Bytes(32, 0);
  ExpectRejectedAt(verifier.Verify(wrong_nonce.quote, wrong_nonce.in), "nonce",
                   "expected 0000");

  Evidence flipped = e;
  flipped.quote.back() ^= 1;
  ExpectRejectedAt(verifier.Verify(flipped.quote, flipped.in), "signature", "does not verify");

  PcrMap substituted = SamplePcrs();
  substituted[kAlgSha256][7] = Bytes(32, 0);
  Evidence pcr = e;
  pcr.in.pcr_file = WritePcrFile(*SelectPcrs(substituted, ParseAttest(e.quote)->quote.pcr_select));
  ExpectRejectedAt(verifier.Verify(pcr.quote, pcr.in), "pcr_digest", "pcrDigest is");

  Evidence other_ak = e;
  other_ak.in.ak = EccAk().Tpm2bPublic();
  ExpectRejectedAt(verifier.Verify(other_ak.quote, other_ak.in), "signature_scheme",
                   "cannot come from");

  Evidence truncated = e;
  truncated.quote.pop_back();
  ExpectRejectedAt(verifier.Verify(truncated.quote, truncated.in), "parse", "pcrDigest");

  Evidence garbage_sig = e;
  garbage_sig.in.signature = {0x00, 0x14, 0x00};
  ExpectRejectedAt(verifier.Verify(garbage_sig.quote, garbage_sig.in), "signature_format",
                   "TPMT_SIGNATURE");

  Evidence garbage_ak = e;
  garbage_ak.in.ak = Bytes(40, 0x33);
  ExpectRejectedAt(verifier.Verify(garbage_ak.quote, garbage_ak.in), "attestation_key",
                   "neither a TPM2B_PUBLIC");
}

TEST(TpmVerifier, RequiresARestrictedSigningAk) {
  SoftAk ak = *SoftAk::Rsa(2048);
  ak.mutable_pub().attributes &= ~kObjRestricted;
  Evidence e = Make(ak);
  TpmVerifier verifier;
  ExpectRejectedAt(verifier.Verify(e.quote, e.in), "ak_attributes", "forged TPMS_ATTEST");
}

TEST(TpmVerifier, SignatureMustUseTheAksFixedScheme) {
  Evidence e = Make(RsaAk());
  e.in.signature = *RsaAk().Sign(e.quote, kAlgRsaPss, kAlgSha256);
  TpmVerifier verifier;
  ExpectRejectedAt(verifier.Verify(e.quote, e.in), "signature_scheme", "fixed to rsassa");
}

TEST(TpmVerifier, NullSchemeAkAcceptsPssAndPemAkGivesANote) {
  SoftAk ak = *SoftAk::Rsa(2048, kAlgNull);
  auto attest = MakeQuote(SamplePcrs(), kNonce, kAlgSha384);
  Evidence e;
  e.quote = WriteAttest(*attest);
  e.in.signature = *ak.Sign(e.quote, kAlgRsaPss, kAlgSha384);
  e.in.ak = ak.Tpm2bPublic();
  e.in.pcr_map = SamplePcrs();
  TpmVerifier verifier;
  Verification v = verifier.Verify(e.quote, e.in);
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  bool freshness_note = false;
  for (const std::string& n : v.notes()) freshness_note |= n.find("freshness") != std::string::npos;
  EXPECT_TRUE(freshness_note);

  std::string pem = *ak.PublicPem();
  e.in.ak = Bytes(pem.begin(), pem.end());
  Verification with_pem = verifier.Verify(e.quote, e.in);
  ASSERT_TRUE(with_pem.accepted()) << with_pem.ToJson().dump(1);
  EXPECT_EQ(FindCheck(with_pem, "ak_attributes"), nullptr);
  EXPECT_NE(with_pem.ToJson()["notes"].dump().find("could not be checked"), std::string::npos);
}

EventLog SmallLog() {
  EventLog log;
  SpecIdEvent spec;
  spec.algorithms = {{kAlgSha256, 32}};
  log.spec_id = spec;
  Event first;
  first.type = kEvNoAction;
  first.digests = {{kAlgSha1, Bytes(20, 0)}};
  first.data = WriteSpecIdEvent(spec);
  log.events.push_back(first);
  for (uint32_t pcr : {0u, 7u, 7u}) {
    Event e;
    e.pcr = pcr;
    e.type = kEvSeparator;
    e.digests = {{kAlgSha256, Bytes(32, static_cast<uint8_t>(pcr + 1))}};
    e.data = Bytes(4, 0);
    log.events.push_back(e);
  }
  return log;
}

TEST(TpmVerifier, EventLogReplayGivesOrChecksThePcrs) {
  EventLog log = SmallLog();
  auto replay = ReplayEventLog(log);
  ASSERT_TRUE(replay);
  PcrMap quoted;
  quoted[kAlgSha256][0] = replay->pcrs[kAlgSha256][0];
  quoted[kAlgSha256][7] = replay->pcrs[kAlgSha256][7];
  quoted[kAlgSha256][9] = Bytes(32, 0);  // no events: initial value
  Evidence e = Make(EccAk(), quoted);
  e.in.event_log = WriteEventLog(log);
  TpmVerifier verifier;
  Verification with_pcrs = verifier.Verify(e.quote, e.in);
  ASSERT_TRUE(with_pcrs.accepted()) << with_pcrs.ToJson().dump(1);
  EXPECT_NE(FindCheck(with_pcrs, "event_log_replay")->detail.find("2 measured, 1 at their"),
            std::string::npos);
  EXPECT_EQ(with_pcrs.claims["event_log"]["format"], "crypto-agile");
  EXPECT_EQ(with_pcrs.claims["events"].size(), 4u);

  Evidence log_only = e;
  log_only.in.pcr_file.reset();
  Verification v = verifier.Verify(log_only.quote, log_only.in);
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_NE(FindCheck(v, "pcr_values")->detail.find("replaying"), std::string::npos);

  // One more event in the log: it no longer replays to the quoted values.
  EventLog longer = SmallLog();
  longer.events.push_back(longer.events.back());
  Evidence extra = e;
  extra.in.event_log = WriteEventLog(longer);
  ExpectRejectedAt(verifier.Verify(extra.quote, extra.in), "event_log_replay",
                   "PCR sha256:7 is");
  extra.in.pcr_file.reset();
  ExpectRejectedAt(verifier.Verify(extra.quote, extra.in), "pcr_digest", "event log replay");

  Evidence broken = e;
  broken.in.event_log = Bytes(10, 1);
  ExpectRejectedAt(verifier.Verify(broken.quote, broken.in), "event_log", "need 20 bytes");
}

TEST(TpmVerifier, ExpectPcr) {
  Evidence e = Make(RsaAk());
  e.in.expect_pcrs[7] = Bytes(32, 0x17);
  TpmVerifier verifier;
  EXPECT_TRUE(verifier.Verify(e.quote, e.in).accepted());
  e.in.expect_pcrs[9] = Bytes(32, 0x00);
  ExpectRejectedAt(verifier.Verify(e.quote, e.in), "expect_pcr9", "expected 0000");
  EXPECT_EQ(ExpectPcrIndex("pcr7"), 7u);
  EXPECT_EQ(ExpectPcrIndex("pcr23"), 23u);
  EXPECT_FALSE(ExpectPcrIndex("pcr24"));
  EXPECT_FALSE(ExpectPcrIndex("pcr07"));
  EXPECT_FALSE(ExpectPcrIndex("nonce"));
}

TEST(TpmVerifier, RejectsNonQuoteAttestations) {
  Attest certify;
  certify.type = kStAttestCertify;
  certify.certify.name = Bytes(34, 1);
  Bytes bytes = WriteAttest(certify);
  TpmInputs in;
  in.signature = *RsaAk().Sign(bytes);
  in.ak = RsaAk().Tpm2bPublic();
  TpmVerifier verifier;
  ExpectRejectedAt(verifier.Verify(bytes, in), "parse", "not a quote");
}

TEST(TpmCrypto, PointOffTheCurveAndShortModulusAreRejected) {
  Public p = EccAk().pub();
  p.ecc_y.back() ^= 1;
  EXPECT_FALSE(PublicKeyFromTpm(p));
  Public r = RsaAk().pub();
  r.rsa_modulus.pop_back();
  EXPECT_EQ(PublicKeyFromTpm(r).error().code, ErrorCode::kMalformed);
  Public c = EccAk().pub();
  c.curve = kEccBnP256;
  EXPECT_EQ(PublicKeyFromTpm(c).error().code, ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace veritee::tpm
