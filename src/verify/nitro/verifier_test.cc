// NitroVerifier over simulated documents: one rule broken at a time, each rejected at its
// own check with its own reason.
#include "verify/nitro/verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "attest/sim/nitro_sim.h"
#include "base/encoding.h"
#include "crypto/keys.h"
#include "parse/nitro/cose.h"
#include "trust/aws_roots.h"
#include "verify/testing/checks.h"

namespace veritee::nitro {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

constexpr UnixTime kNow = 1776884737;  // 2026-04-22T19:05:37Z

const sim::NitroSimulator& Sim() {
  static const sim::NitroSimulator* s = new sim::NitroSimulator(*sim::NitroSimulator::Create(kNow));
  return *s;
}

const sim::NitroSigner& Leaf() {
  static const sim::NitroSigner* l = new sim::NitroSigner(*Sim().IssueLeaf());
  return *l;
}

VerifyInputs Trusting() {
  VerifyInputs in;
  in.extra_roots = {Sim().root()};
  return in;
}

Bytes SignDefault(const std::function<void(AttestationDocument&)>& edit = {}) {
  AttestationDocument d = Sim().DefaultDocument();
  if (edit) edit(d);
  auto bytes = Sim().Sign(d, Leaf());
  EXPECT_TRUE(bytes) << bytes.error().ToString();
  return bytes.value_or(Bytes{});
}

// A leaf issued by the simulator's instance CA with `spec` changed by `edit`.
sim::NitroSigner CustomLeaf(const std::function<void(CertSpec&)>& edit,
                            const char* curve = "P-384") {
  CertSpec spec;
  spec.subject = {{"O", std::string(sim::kNitroSimulatorOrganisation)}, {"CN", "custom leaf"}};
  spec.serial = 99;
  spec.not_before = kNow - 60;
  spec.not_after = kNow + 3600;
  spec.key_usage = true;
  spec.rsa_pss = false;
  if (edit) edit(spec);
  auto key = GenerateEcKey(curve);
  SharedPkey shared = ShareKey(std::move(*key));
  auto cert =
      IssueCertificate(spec, shared.get(), &Sim().instance().cert, Sim().instance().key.get());
  EXPECT_TRUE(cert) << cert.error().ToString();
  return sim::NitroSigner{*cert, shared};
}

TEST(NitroVerifier, SimulatedDocumentVerifiesOnlyWithItsRoot) {
  NitroVerifier verifier;
  Bytes doc = SignDefault([](AttestationDocument& d) { d.nonce = Bytes{1, 2, 3}; });
  Verification v = verifier.Verify(doc, Trusting());
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_TRUE(v.simulated);
  EXPECT_NE(v.trust_anchor.find("--trust-root"), std::string::npos);
  EXPECT_EQ(v.claims["module_id"], "i-0123456789abcdef0-enc0123456789abcdef");
  EXPECT_EQ(v.claims["nonce"], "010203");
  EXPECT_TRUE(v.claims["user_data"].is_null());
  EXPECT_EQ(v.claims["debug"], false);
  EXPECT_EQ(v.collateral["certificates"].size(), 5u);
  EXPECT_EQ(v.collateral["time_source"], "document timestamp");
  for (const Check& c : v.checks()) EXPECT_TRUE(c.ok) << c.name << ": " << c.detail;

  Verification untrusted = verifier.Verify(doc, VerifyInputs{});
  ExpectRejectedAt(untrusted, "certificate_chain", "--trust-root");
  EXPECT_FALSE(untrusted.simulated);
}

TEST(NitroVerifier, ChainIsCachedPerCertificateBytes) {
  NitroVerifier verifier;
  Bytes doc = SignDefault();
  EXPECT_TRUE(verifier.Verify(doc, Trusting()).accepted());
  EXPECT_TRUE(verifier.Verify(doc, Trusting()).accepted());
  EXPECT_EQ(verifier.cached_chains(), 1u);
  EXPECT_FALSE(verifier.Verify(doc, VerifyInputs{}).accepted());  // other roots: other key
  EXPECT_EQ(verifier.cached_chains(), 1u);                        // failures are not cached
}

TEST(NitroVerifier, FlippedSignatureAndPayloadBytes) {
  NitroVerifier verifier;
  Bytes doc = SignDefault();
  Bytes sig = doc;
  sig.back() ^= 0x01;
  ExpectRejectedAt(verifier.Verify(sig, Trusting()), "signature", "");
  // A byte inside module_id: still a valid document, no longer the signed one.
  Bytes payload = doc;
  const std::string id = "i-0123456789abcdef0-enc";
  auto it = std::search(payload.begin(), payload.end(), id.begin(), id.end());
  ASSERT_NE(it, payload.end());
  it[5] ^= 0x01;
  ExpectRejectedAt(verifier.Verify(payload, Trusting()), "signature", "Sig_structure");
}

TEST(NitroVerifier, SignatureOfWrongSizeOrAlgorithm) {
  NitroVerifier verifier;
  auto cose = ParseCoseSign1(SignDefault());
  ASSERT_TRUE(cose);
  CoseSign1 short_sig = *cose;
  short_sig.signature.pop_back();
  ExpectRejectedAt(verifier.Verify(WriteCoseSign1(short_sig), Trusting()), "signature",
                   "95-byte signature");
  CoseSign1 es256 = *cose;
  es256.protected_header = EncodeProtectedHeader(-7);
  ExpectRejectedAt(verifier.Verify(WriteCoseSign1(es256), Trusting()), "algorithm",
                   "alg -7 is not ES384");
  CoseSign1 none = *cose;
  none.protected_header.clear();
  ExpectRejectedAt(verifier.Verify(WriteCoseSign1(none), Trusting()), "algorithm",
                   "names no algorithm");
}

TEST(NitroVerifier, ForgedSelfSignedDocumentsAreRejected) {
  NitroVerifier verifier;
  // A self-signed "attester" that signs its own document, with itself as cabundle.
  auto key = GenerateEcKey("P-384");
  SharedPkey self_key = ShareKey(std::move(*key));
  CertSpec spec;
  spec.subject = {{"CN", "self-signed attester"}};
  spec.not_before = kNow - 86400;
  spec.not_after = kNow + 86400;
  spec.key_usage = true;
  spec.rsa_pss = false;
  auto self = IssueCertificate(spec, self_key.get(), nullptr, self_key.get());
  ASSERT_TRUE(self);
  AttestationDocument d = Sim().DefaultDocument();
  d.certificate = self->der();
  d.cabundle = {self->der()};
  auto forged = sim::SignNitroDocument(d, self_key.get());
  ASSERT_TRUE(forged);
  ExpectRejectedAt(verifier.Verify(*forged, VerifyInputs{}), "certificate_chain", "");
  // The same, carrying the genuine AWS root as cabundle[0]: it is still not the issuer.
  auto root = trust::BuiltinAwsNitroRoot();
  ASSERT_TRUE(root);
  d.cabundle = {(*root)->der()};
  forged = sim::SignNitroDocument(d, self_key.get());
  ExpectRejectedAt(verifier.Verify(*forged, VerifyInputs{}), "certificate_chain", "");
}

TEST(NitroVerifier, CertificateProfile) {
  NitroVerifier verifier;
  auto sign_with = [&](const sim::NitroSigner& leaf) {
    return *Sim().Sign(Sim().DefaultDocument(), leaf);
  };
  ExpectRejectedAt(
      verifier.Verify(sign_with(CustomLeaf([](CertSpec& s) { s.key_usage = false; })), Trusting()),
      "certificate_profile", "lacks keyUsage digitalSignature");
  ExpectRejectedAt(
      verifier.Verify(sign_with(CustomLeaf([](CertSpec& s) { s.ca = true; })), Trusting()),
      "certificate_profile", "is a CA");
  ExpectRejectedAt(verifier.Verify(sign_with(CustomLeaf({}, "P-256")), Trusting()),
                   "certificate_profile", "EC P-256 key, not EC P-384");
  // An intermediate without keyUsage: OpenSSL accepts it, AWS's profile does not.
  CertSpec ca;
  ca.subject = {{"CN", "no key usage CA"}};
  ca.serial = 77;
  ca.not_before = kNow - 3600;
  ca.not_after = kNow + 3600;
  ca.ca = true;
  ca.path_len = 0;
  ca.key_usage = false;
  ca.rsa_pss = false;
  SharedPkey ca_key = ShareKey(std::move(*GenerateEcKey("P-384")));
  auto sub = IssueCertificate(ca, ca_key.get(), &Sim().instance().cert, Sim().instance().key.get());
  ASSERT_TRUE(sub);
  // The instance CA has pathlen 0, so a CA below it breaks the path length: OpenSSL's check.
  CertSpec leaf_spec;
  leaf_spec.subject = {{"CN", "leaf under an extra CA"}};
  leaf_spec.not_before = kNow - 60;
  leaf_spec.not_after = kNow + 3600;
  leaf_spec.key_usage = true;
  leaf_spec.rsa_pss = false;
  SharedPkey leaf_key = ShareKey(std::move(*GenerateEcKey("P-384")));
  auto leaf = IssueCertificate(leaf_spec, leaf_key.get(), &*sub, ca_key.get());
  ASSERT_TRUE(leaf);
  AttestationDocument d = Sim().DefaultDocument();
  for (const Certificate& c : Sim().cabundle()) d.cabundle.push_back(c.der());
  d.cabundle.push_back(sub->der());
  d.certificate = leaf->der();
  auto doc = sim::SignNitroDocument(d, leaf_key.get());
  ExpectRejectedAt(verifier.Verify(*doc, Trusting()), "certificate_chain", "path length");
}

TEST(NitroVerifier, TimeIsTheDocumentTimestampToTheMillisecond) {
  NitroVerifier verifier;
  const sim::NitroSigner leaf = *Sim().IssueLeaf(kNow - 60, kNow + 60);
  auto at_ms = [&](uint64_t ms) {
    AttestationDocument d = Sim().DefaultDocument();
    d.timestamp_ms = ms;
    return verifier.Verify(*Sim().Sign(d, leaf), Trusting());
  };
  const uint64_t end = static_cast<uint64_t>(kNow + 60) * 1000;
  EXPECT_TRUE(at_ms(end).accepted());
  ExpectRejectedAt(at_ms(end + 1), "certificate_validity", "expired");
  const uint64_t start = static_cast<uint64_t>(kNow - 60) * 1000;
  EXPECT_TRUE(at_ms(start).accepted());
  ExpectRejectedAt(at_ms(start - 1), "certificate_validity", "not valid yet");

  // --at replaces the time; the document timestamp must still lie in the leaf's life.
  Bytes doc = *Sim().Sign(Sim().DefaultDocument(), leaf);
  VerifyInputs in = Trusting();
  in.at = kNow + 61;
  ExpectRejectedAt(verifier.Verify(doc, in), "certificate_validity", "(--at)");
  in.at = kNow + 30;
  Verification ok = verifier.Verify(doc, in);
  EXPECT_TRUE(ok.accepted()) << ok.reason();
  EXPECT_EQ(ok.collateral["time_source"], "--at");
  AttestationDocument early = Sim().DefaultDocument();
  early.timestamp_ms = start - 5000;
  ExpectRejectedAt(verifier.Verify(*Sim().Sign(early, leaf), in), "timestamp", "is not within");
}

TEST(NitroVerifier, DebugEnclavesNeedAllowDebug) {
  NitroVerifier verifier;
  Bytes doc = SignDefault([](AttestationDocument& d) {
    for (Pcr& p : d.pcrs) {
      if (p.index <= 2) p.value.assign(48, 0);
    }
  });
  ExpectRejectedAt(verifier.Verify(doc, Trusting()), "debug", "pcr0 is all zero, pcr1 is all zero");
  VerifyInputs in = Trusting();
  in.validation.allow_debug = true;
  Verification v = verifier.Verify(doc, in);
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_EQ(v.claims["debug"], true);
  // Only PCR2 zero is still debug; a missing PCR1 cannot prove production.
  Bytes pcr2 = SignDefault([](AttestationDocument& d) { d.pcrs[2].value.assign(48, 0); });
  ExpectRejectedAt(verifier.Verify(pcr2, Trusting()), "debug", "pcr2 is all zero");
  Bytes no_pcr1 = SignDefault([](AttestationDocument& d) { d.pcrs.erase(d.pcrs.begin() + 1); });
  ExpectRejectedAt(verifier.Verify(no_pcr1, Trusting()), "debug", "pcr1 is absent");
}

TEST(NitroVerifier, ExpectedValues) {
  NitroVerifier verifier;
  Bytes doc = SignDefault([](AttestationDocument& d) {
    d.user_data = Bytes{0xaa, 0xbb};
    d.public_key = Bytes(44, 0x30);
  });
  auto pcr0 = Sim().DefaultDocument().pcrs[0].value;
  VerifyInputs in = Trusting();
  in.validation.expect = {
      {"pcr0", pcr0}, {"user_data", {0xaa, 0xbb}}, {"public_key", Bytes(44, 0x30)}};
  Verification v = verifier.Verify(doc, in);
  EXPECT_TRUE(v.accepted()) << v.reason();
  EXPECT_TRUE(FindCheck(v, "expect_pcr0")->ok);

  in.validation.expect = {{"pcr1", pcr0}};
  ExpectRejectedAt(verifier.Verify(doc, in), "expect_pcr1", "expected " + ToHex(pcr0));
  in.validation.expect = {{"nonce", {1}}};
  ExpectRejectedAt(verifier.Verify(doc, in), "expect_nonce", "absent from the document");
  in.validation.expect = {{"pcr20", pcr0}};
  ExpectRejectedAt(verifier.Verify(doc, in), "expect_pcr20", "absent");
  in.validation.expect = {{"user_data", {0xaa}}};  // exact, not a prefix
  ExpectRejectedAt(verifier.Verify(doc, in), "expect_user_data", "is aabb");

  EXPECT_TRUE(ParseExpectValue("pcr31", "AB"));
  EXPECT_EQ(ParseExpectValue("pcr32", "ab").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseExpectValue("report_data", "ab").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseExpectValue("nonce", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseExpectValue("nonce", "zz").error().code, ErrorCode::kInvalidArgument);
}

TEST(NitroVerifier, MalformedInputIsAFailedParseCheck) {
  NitroVerifier verifier;
  for (const Bytes& bad : {Bytes{}, Bytes{0x84}, Bytes(100, 0xff), Bytes{0xa0}}) {
    Verification v = verifier.Verify(bad, Trusting());
    ExpectRejectedAt(v, "parse", "");
    EXPECT_FALSE(v.complete());
  }
  Bytes sha256 = SignDefault([](AttestationDocument& d) {
    d.digest = "SHA256";
    for (Pcr& p : d.pcrs) p.value.resize(32);
  });
  ExpectRejectedAt(verifier.Verify(sha256, Trusting()), "digest", "SHA256 is not SHA384");
  Bytes garbage_cert = SignDefault([](AttestationDocument& d) {
    d.cabundle = {Bytes{0x30, 0x00}};
  });
  ExpectRejectedAt(verifier.Verify(garbage_cert, Trusting()), "certificates", "cabundle[0]");
}

}  // namespace
}  // namespace veritee::nitro
