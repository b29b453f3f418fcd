// Conformance: every vector of ../shared/testdata/tpm/vectors.json (PROVENANCE.md there).
//
//  * event_logs: each real measured-boot log parses, in its format, with its Spec ID,
//    event count, event types, StartupLocality, and replays to exactly the expected PCRs;
//    for the Fedora log every event is compared field by field. The recorded behaviour of
//    tpm2_eventlog 5.4 (which extends non-Spec-ID EV_NO_ACTION events) is reproduced: a
//    replay that extends them differs from the expected PCRs exactly where the manifest
//    says the tool disagrees.
//  * quotes: the real Google Cloud Shielded VM quote (RSASSA-SHA1, with its AK's
//    self-certification) and the two swtpm quotes (RSA and ECC) verify through TpmVerifier
//    with every recorded field compared, the AK given as TPM2B_PUBLIC and as PEM.
//  * mutations: each is rejected at its own check.
// Every key of every vector is taken through Expectations::Take(); a key nobody reads fails
// the test, so a manifest that grows a field must grow its check too.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "parse/tpm/attest.h"
#include "parse/tpm/event_log.h"
#include "parse/tpm/pcr_values.h"
#include "parse/tpm/public_area.h"
#include "parse/tpm/signature.h"
#include "parse/tpm/test_data.h"
#include "verify/tpm/replay.h"
#include "verify/tpm/tpm_crypto.h"
#include "verify/tpm/verifier.h"
#include "verify/testing/checks.h"

namespace veritee::tpm {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using nlohmann::json;
namespace fs = std::filesystem;

class Expectations {
 public:
  explicit Expectations(const json& e, std::string where) : e_(e), where_(std::move(where)) {}
  const json& Take(const std::string& key) {
    taken_.insert(key);
    static const json kNull;
    auto it = e_.find(key);
    if (it == e_.end()) {
      ADD_FAILURE() << where_ << "." << key << " is missing";
      return kNull;
    }
    return *it;
  }
  bool Has(const std::string& key) const { return e_.contains(key); }
  ~Expectations() {
    for (const auto& [key, value] : e_.items()) {
      EXPECT_TRUE(taken_.count(key) == 1) << where_ << "." << key << " was not checked";
    }
  }

 private:
  const json& e_;
  std::string where_;
  std::set<std::string> taken_;
};

bool CheckOk(const Verification& v, const std::string& name) {
  const Check* c = FindCheck(v, name);
  return c != nullptr && c->ok;
}

Bytes Hex(const json& j) {
  auto b = FromHex(j.get<std::string>());
  EXPECT_TRUE(b.has_value()) << j;
  return b.value_or(Bytes{});
}

Bytes B64(const json& j) {
  auto b = FromBase64(j.get<std::string>());
  EXPECT_TRUE(b.has_value()) << j;
  return b.value_or(Bytes{});
}

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// PCRs {"bank": {"index": hex}} -> PcrMap.
PcrMap PcrsFromJson(const json& banks) {
  PcrMap out;
  for (const auto& [bank, pcrs] : banks.items()) {
    auto alg = HashByName(bank);
    EXPECT_TRUE(alg.has_value()) << bank;
    for (const auto& [index, hex] : pcrs.items()) {
      out[alg.value_or(0)][static_cast<uint32_t>(std::stoul(index))] = Hex(hex);
    }
  }
  return out;
}

// The replay of tpm2_eventlog 5.4: like ours, but EV_NO_ACTION events other than the Spec ID
// event are extended too, and StartupLocality does not set PCR 0's initial value.
PcrMap NaiveReplay(const EventLog& log) {
  PcrMap out;
  for (size_t i = 0; i < log.events.size(); ++i) {
    if (i == 0 && log.format == LogFormat::kCryptoAgile) continue;  // the Spec ID event
    const Event& e = log.events[i];
    for (const EventDigest& d : e.digests) {
      auto& pcr = out[d.alg][e.pcr];
      if (pcr.empty()) pcr = InitialPcrValue(d.alg, e.pcr, std::nullopt);
      pcr = *TpmHash2(d.alg, pcr, d.digest);
    }
  }
  return out;
}

void CheckSpecId(const json& want, const std::optional<SpecIdEvent>& spec) {
  if (want.is_null()) {
    EXPECT_FALSE(spec.has_value());
    return;
  }
  ASSERT_TRUE(spec.has_value());
  Expectations e(want, "spec_id");
  EXPECT_EQ(e.Take("platform_class"), spec->platform_class);
  EXPECT_EQ(e.Take("spec_version"), std::to_string(spec->spec_version_major) + "." +
                                        std::to_string(spec->spec_version_minor));
  EXPECT_EQ(e.Take("errata"), spec->spec_errata);
  EXPECT_EQ(e.Take("uintn_size"), spec->uintn_size);
  EXPECT_EQ(e.Take("vendor_info_size"), spec->vendor_info.size());
  const json& algs = e.Take("algorithms");
  ASSERT_EQ(algs.size(), spec->algorithms.size());
  for (size_t i = 0; i < algs.size(); ++i) {
    Expectations a(algs[i], "spec_id.algorithms");
    EXPECT_EQ(a.Take("id"), HexU64(spec->algorithms[i].alg, 2));
    EXPECT_EQ(a.Take("name"), AlgName(spec->algorithms[i].alg));
    EXPECT_EQ(a.Take("size"), spec->algorithms[i].digest_size);
  }
}

TEST(TpmVectors, EventLogs) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const json vectors = testing::LoadVectors(dir);
  ASSERT_EQ(vectors["event_logs"].size(), 9u);
  for (const json& vector : vectors["event_logs"]) {
    Expectations x(vector, "event_logs[]");
    const std::string file = x.Take("file");
    SCOPED_TRACE(file);
    x.Take("cross_reference");  // where the expected PCRs were cross-checked (prose)
    Bytes bytes = testing::ReadTestFile(dir, file);
    EXPECT_EQ(x.Take("size"), bytes.size());
    EXPECT_EQ(x.Take("sha256"), ToHex(Sha256(bytes)));
    auto log = ParseEventLog(bytes);
    EXPECT_EQ(x.Take("parse_problems").empty(), log.has_value());
    EXPECT_EQ(x.Take("tpm2_eventlog_5_4_parses"), true);  // and so do we:
    ASSERT_TRUE(log) << log.error().ToString();
    EXPECT_EQ(x.Take("format"), LogFormatName(log->format));
    CheckSpecId(x.Take("spec_id"), log->spec_id);
    json declared = json::array();
    for (AlgId alg : log->Banks()) declared.push_back(AlgName(alg));
    EXPECT_EQ(x.Take("algorithms_declared"), declared);
    EXPECT_EQ(x.Take("event_count"), log->events.size());
    json counts = json::object();
    for (const Event& e : log->events) {
      std::string name = EventTypeName(e.type);
      counts[name] = counts.value(name, 0) + 1;
    }
    EXPECT_EQ(x.Take("event_type_counts"), counts);
    const json& locality = x.Take("startup_locality");
    if (locality.is_null()) {
      EXPECT_FALSE(log->startup_locality.has_value());
    } else {
      EXPECT_EQ(locality, log->startup_locality.value_or(255));
    }
    auto replay = ReplayEventLog(*log);
    ASSERT_TRUE(replay) << replay.error().ToString();
    EXPECT_TRUE(replay->unsupported_banks.empty());
    const PcrMap expected = PcrsFromJson(x.Take("expected_pcrs"));
    EXPECT_EQ(replay->pcrs, expected);
    // tpm2_eventlog 5.4 agrees exactly when extending every EV_NO_ACTION event would not
    // change the result.
    EXPECT_EQ(x.Take("tpm2_eventlog_5_4_pcrs_agree"), NaiveReplay(*log) == expected);
    if (x.Has("events")) {
      const json& events = x.Take("events");
      ASSERT_EQ(events.size(), log->events.size());
      for (size_t i = 0; i < events.size(); ++i) {
        Expectations ev(events[i], "events[" + std::to_string(i) + "]");
        const Event& e = log->events[i];
        EXPECT_EQ(ev.Take("n"), i);
        EXPECT_EQ(ev.Take("pcr"), e.pcr);
        EXPECT_EQ(ev.Take("type"), EventTypeName(e.type));
        EXPECT_EQ(ev.Take("type_value"), e.type);
        EXPECT_EQ(ev.Take("data_len"), e.data.size());
        json digests = json::object();
        for (const EventDigest& d : e.digests) digests[AlgName(d.alg)] = ToHex(d.digest);
        EXPECT_EQ(ev.Take("digests"), digests);
      }
    }
  }
}

// The AK, quote and signature fields every quote vector records.
void CheckAk(const json& want, const Public& pub, const Bytes& name) {
  Expectations a(want, "ak");
  std::string alg = pub.type == kAlgRsa ? "rsa" + std::to_string(pub.rsa_key_bits)
                                        : "ecc-" + std::string(pub.curve == kEccNistP256
                                                                   ? "secp256r1"
                                                                   : CurveName(pub.curve));
  EXPECT_EQ(a.Take("alg"), alg);
  EXPECT_EQ(a.Take("name"), ToHex(name));
  EXPECT_EQ(a.Take("name_alg"), AlgName(pub.name_alg));
  EXPECT_EQ(a.Take("attributes"), HexU64(pub.attributes, 4));
}

void CheckSignature(const json& want, const Signature& sig) {
  Expectations s(want, "signature");
  EXPECT_EQ(s.Take("alg"), AlgName(sig.sig_alg));
  EXPECT_EQ(s.Take("hash"), AlgName(sig.hash));
}

void CheckQuote(const json& want, const Attest& a) {
  Expectations q(want, "quote");
  EXPECT_EQ(q.Take("magic"), a.magic);
  EXPECT_EQ(q.Take("type"), a.type);
  EXPECT_EQ(q.Take("qualified_signer"), ToHex(a.qualified_signer));
  EXPECT_EQ(q.Take("extra_data"), ToHex(a.extra_data));
  EXPECT_EQ(q.Take("clock"), a.clock_info.clock);
  EXPECT_EQ(q.Take("reset_count"), a.clock_info.reset_count);
  EXPECT_EQ(q.Take("restart_count"), a.clock_info.restart_count);
  EXPECT_EQ(q.Take("safe"), a.clock_info.safe);
  EXPECT_EQ(q.Take("firmware_version"), HexU64(a.firmware_version).substr(2));
  EXPECT_EQ(q.Take("pcr_digest"), ToHex(a.quote.pcr_digest));
  const json& select = q.Take("pcr_select");
  ASSERT_EQ(select.size(), a.quote.pcr_select.banks.size());
  for (size_t i = 0; i < select.size(); ++i) {
    Expectations b(select[i], "pcr_select[]");
    EXPECT_EQ(b.Take("hash"), AlgName(a.quote.pcr_select.banks[i].hash));
    EXPECT_EQ(b.Take("pcrs"), json(a.quote.pcr_select.banks[i].Indices()));
  }
}

Json PcrClaims(const PcrMap& m) {
  Json out = Json::object();
  for (const auto& [bank, pcrs] : m) {
    Json b = Json::object();
    for (const auto& [index, d] : pcrs) b[std::to_string(index)] = ToHex(d);
    out[AlgName(bank)] = b;
  }
  return out;
}

TEST(TpmVectors, GcpShieldedVmQuote) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const json vectors = testing::LoadVectors(dir);
  const json* vector = nullptr;
  for (const json& q : vectors["quotes"]) {
    if (q["name"] == "gcp_shielded_vm_windows") vector = &q;
  }
  ASSERT_NE(vector, nullptr);
  Expectations x(*vector, "gcp");
  x.Take("name");
  x.Take("source");       // prose
  x.Take("json_fields");  // documents the JSON layout read below
  Bytes raw = testing::ReadTestFile(dir, x.Take("file"));
  const json doc = json::parse(raw.begin(), raw.end());

  TpmInputs in;
  in.ak = B64(doc["AK"]["Public"]);  // a TPMT_PUBLIC without the TPM2B size
  in.ak_source = "AK.Public";
  in.signature = B64(doc["Quote"]["Signature"]);
  in.nonce = B64(doc["Quote"]["Nonce"]);
  Bytes quote = B64(doc["Quote"]["Quote"]);
  PcrMap given;
  ASSERT_EQ(doc["Log"]["PCRs"].size(), 24u);
  for (const json& p : doc["Log"]["PCRs"]) {
    ASSERT_EQ(p["DigestAlg"], 3);  // Go crypto.SHA1
    given[kAlgSha1][p["Index"].get<uint32_t>()] = B64(p["Digest"]);
  }
  in.pcr_map = given;
  in.event_log = B64(doc["Log"]["Raw"]);

  TpmVerifier verifier;
  Verification v = verifier.Verify(quote, in);
  const json& expect = x.Take("expect");
  {
    Expectations e(expect, "gcp.expect");
    EXPECT_EQ(e.Take("signature_valid"), CheckOk(v, "signature"));
    EXPECT_EQ(e.Take("pcr_digest_matches"), CheckOk(v, "pcr_digest"));
    EXPECT_EQ(e.Take("event_log_replay_equals_quoted_pcrs"), CheckOk(v, "event_log_replay"));
    // Our replay check compares PCRs without events with their initial values as well.
    EXPECT_EQ(e.Take("quoted_pcrs_without_events_have_initial_values"),
              CheckOk(v, "event_log_replay"));
    e.Take("ak_creation_certify_valid");  // checked with ak_creation below
  }
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_EQ(v.claims["nonce"], "");

  auto pub = ParseTpmtPublic(in.ak);
  ASSERT_TRUE(pub);
  auto name = ObjectName(pub->name_alg, in.ak);
  ASSERT_TRUE(name);
  CheckAk(x.Take("ak"), *pub, *name);
  EXPECT_EQ(v.claims["ak"]["name"], ToHex(*name));
  auto sig = ParseSignature(in.signature);
  ASSERT_TRUE(sig);
  CheckSignature(x.Take("signature"), *sig);
  auto attest = ParseAttest(quote);
  ASSERT_TRUE(attest);
  CheckQuote(x.Take("quote"), *attest);
  EXPECT_EQ(PcrClaims(PcrsFromJson(json{{"sha1", x.Take("quoted_pcrs_sha1")}})), v.claims["pcrs"]);

  // The AK's creation certification (TPM2_CertifyCreation by the AK itself).
  {
    Expectations c(x.Take("ak_creation"), "ak_creation");
    bool all = true;
    Bytes create_data = B64(doc["AK"]["CreateData"]);
    Bytes create_attest = B64(doc["AK"]["CreateAttestation"]);
    auto creation = ParseAttest(create_attest);
    ASSERT_TRUE(creation) << creation.error().ToString();
    bool is_creation = creation->type == kStAttestCreation;
    EXPECT_EQ(c.Take("type_is_creation"), is_creation);
    bool name_ok = creation->creation.object_name == *name;
    EXPECT_EQ(c.Take("object_name_equals_ak_name"), name_ok);
    auto hash = TpmHash(pub->name_alg, create_data);
    bool hash_ok = hash && *hash == creation->creation.creation_hash;
    EXPECT_EQ(c.Take("creation_hash_equals_H(CreateData)"), hash_ok);
    auto create_sig = ParseSignature(B64(doc["AK"]["CreateSignature"]));
    ASSERT_TRUE(create_sig);
    auto key = PublicKeyFromTpm(*pub);
    ASSERT_TRUE(key);
    bool sig_ok = VerifyTpmSignature(key->get(), *create_sig, create_attest).has_value();
    EXPECT_EQ(c.Take("signature_by_ak_valid"), sig_ok);
    all = is_creation && name_ok && hash_ok && sig_ok;
    EXPECT_EQ(expect["ak_creation_certify_valid"], all);
  }
  {
    Expectations l(x.Take("event_log"), "event_log");
    EXPECT_EQ(l.Take("format").get<std::string>(), v.claims["event_log"]["format"]);
    EXPECT_EQ(l.Take("event_count").get<size_t>(), v.claims["event_log"]["events"]);
    EXPECT_EQ(l.Take("sha256"), ToHex(Sha256(*in.event_log)));
    auto log = ParseEventLog(*in.event_log);
    ASSERT_TRUE(log);
    EXPECT_EQ(ReplayEventLog(*log)->pcrs, PcrsFromJson(l.Take("replayed_pcrs")));
  }
}

TEST(TpmVectors, SwtpmQuotes) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const json vectors = testing::LoadVectors(dir);
  int seen = 0;
  for (const json& vector : vectors["quotes"]) {
    if (vector["name"] == "gcp_shielded_vm_windows") continue;
    ++seen;
    Expectations x(vector, vector["name"].get<std::string>());
    const std::string name = x.Take("name");
    SCOPED_TRACE(name);
    const fs::path qdir = dir / x.Take("dir").get<std::string>();
    Expectations f(x.Take("files"), name + ".files");
    Bytes quote = testing::ReadTestFile(qdir, f.Take("quote_tpms_attest"));
    const Bytes nonce = Hex(x.Take("nonce"));
    EXPECT_EQ(Text(testing::ReadTestFile(qdir, f.Take("nonce"))), ToHex(nonce) + "\n");

    TpmInputs in;
    in.signature = testing::ReadTestFile(qdir, f.Take("signature_tpmt"));
    in.ak = testing::ReadTestFile(qdir, f.Take("ak_public_tpm2b"));
    in.pcr_file = testing::ReadTestFile(qdir, f.Take("pcrs_tpm2tools_binary"));
    in.event_log = testing::ReadTestFile(qdir, f.Take("event_log"));
    in.nonce = nonce;
    TpmVerifier verifier;
    Verification v = verifier.Verify(quote, in);
    {
      Expectations e(x.Take("expect"), name + ".expect");
      EXPECT_EQ(e.Take("signature_valid"), CheckOk(v, "signature"));
      EXPECT_EQ(e.Take("pcr_digest_matches"), CheckOk(v, "pcr_digest"));
      EXPECT_EQ(e.Take("extra_data_equals_nonce"), CheckOk(v, "nonce"));
      EXPECT_EQ(e.Take("replay_of_event_log_equals_quoted_pcrs"),
                CheckOk(v, "event_log_replay"));
      EXPECT_EQ(e.Take("tpm2_checkquote"), v.accepted() ? "OK" : "FAIL");
    }
    ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);

    // The same with the AK as PEM, and with the PCRs computed from the log alone.
    TpmInputs pem = in;
    pem.ak = testing::ReadTestFile(qdir, f.Take("ak_public_pem"));
    pem.pcr_file.reset();
    Verification v2 = verifier.Verify(quote, pem);
    ASSERT_TRUE(v2.accepted()) << v2.ToJson().dump(1);
    EXPECT_EQ(v2.claims["pcrs"], v.claims["pcrs"]);

    auto pub = ParseTpm2bPublic(in.ak);
    ASSERT_TRUE(pub);
    auto ak_name = ObjectName(pub->name_alg, *TpmtPublicBytes(in.ak));
    ASSERT_TRUE(ak_name);
    EXPECT_EQ(testing::ReadTestFile(qdir, f.Take("ak_name")), *ak_name);
    CheckAk(x.Take("ak"), *pub, *ak_name);
    auto sig = ParseSignature(in.signature);
    ASSERT_TRUE(sig);
    CheckSignature(x.Take("signature"), *sig);
    auto attest = ParseAttest(quote);
    ASSERT_TRUE(attest);
    CheckQuote(x.Take("quote"), *attest);
    EXPECT_EQ(PcrClaims(PcrsFromJson(json{{"sha256", x.Take("quoted_pcrs_sha256")}})),
              v.claims["pcrs"]);

    // tpm2-tools' own outputs agree with what we parsed.
    const std::string yaml = Text(testing::ReadTestFile(qdir, f.Take("quote_yaml")));
    EXPECT_NE(yaml.find("quoted: " + ToHex(quote)), std::string::npos);
    const std::string checkquote =
        Text(testing::ReadTestFile(qdir, f.Take("tpm2_checkquote_output")));
    if (sig->sig_alg == kAlgEcdsa) {
      EXPECT_NE(checkquote.find(ToHex(sig->ecc_r)), std::string::npos);
      EXPECT_NE(checkquote.find(ToHex(sig->ecc_s)), std::string::npos);
    } else {
      EXPECT_NE(checkquote.find("sig: " + ToHex(sig->rsa)), std::string::npos);
    }
    for (const auto& [index, hex] : v.claims["pcrs"]["sha256"].items()) {
      std::string upper = hex.get<std::string>();
      for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
      EXPECT_NE(checkquote.find("0x" + upper), std::string::npos) << index;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST(TpmVectors, Mutations) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const json vectors = testing::LoadVectors(dir);
  const fs::path q = dir / "swtpm_quote";
  const Bytes nonce = Hex(json("5374656572696e672d74706d2d71756f74652d6e6f6e63652d30303030303031"));
  auto inputs = [&](const std::string& kind) {
    TpmInputs in;
    in.signature = testing::ReadTestFile(q, "quote_" + kind + ".sig");
    in.ak = testing::ReadTestFile(q, "ak_" + kind + ".pub");
    in.pcr_file = testing::ReadTestFile(q, "quote_" + kind + ".pcrs");
    in.nonce = nonce;
    return in;
  };
  TpmVerifier verifier;
  ASSERT_EQ(vectors["mutations"].size(), 7u);
  for (const json& m : vectors["mutations"]) {
    Expectations x(m, m["name"].get<std::string>());
    const std::string name = x.Take("name");
    SCOPED_TRACE(name);
    x.Take("description");
    if (name == "event_log_truncated") {
      Bytes log = testing::ReadTestFile(dir, "tpm2tools_sd-boot-fedora37.bin");
      log.resize(log.size() - 10);
      auto parsed = ParseEventLog(log);
      EXPECT_EQ(x.Take("expect_parse_problem"), !parsed.has_value());
      ASSERT_FALSE(parsed);
      EXPECT_EQ(parsed.error().code, ErrorCode::kTruncated);
      // "truncated at offset 2571 (need 40 bytes)": the data of the last event.
      const std::string seen = x.Take("seen_problems")[0];
      EXPECT_EQ(seen, "truncated at offset " + std::to_string(*parsed.error().offset) +
                          " (need 40 bytes)");
      EXPECT_EQ(parsed.error().message.rfind("need 40 bytes", 0), 0u);
      // The events before the cut parse.
      const size_t last_event = *parsed.error().offset - (4 + 4 + 4 + 2 + 32 + 4);
      auto prefix = ParseEventLog(ByteSpan(log).first(last_event));
      ASSERT_TRUE(prefix) << prefix.error().ToString();
      EXPECT_EQ(x.Take("events_parsed"), prefix->events.size());
      continue;
    }
    const std::string kind = name.find("_rsa_") != std::string::npos ? "rsa" : "ecc";
    Bytes quote = testing::ReadTestFile(q, "quote_" + kind + ".msg");
    TpmInputs in = inputs(kind);
    if (name.find("last_byte_flipped") != std::string::npos) {
      quote.back() ^= 0x01;
      Verification v = verifier.Verify(quote, in);
      EXPECT_EQ(x.Take("expect_signature_valid"), CheckOk(v, "signature"));
      x.Take("seen");  // the checker recorded no message
      ExpectRejectedAt(v, "signature");
    } else if (name.find("wrong_nonce") != std::string::npos) {
      in.nonce = Bytes(32, 0);
      Verification v = verifier.Verify(quote, in);
      EXPECT_EQ(x.Take("expect_valid"), v.accepted());
      ExpectRejectedAt(v, "nonce");
      // The checker's message names both values; so does ours.
      const std::string seen = x.Take("seen_errors")[0];
      EXPECT_NE(seen.find(ToHex(nonce)), std::string::npos);
      EXPECT_NE(FindCheck(v, "nonce")->detail.find(ToHex(nonce)), std::string::npos);
      EXPECT_NE(FindCheck(v, "nonce")->detail.find(ToHex(Bytes(32, 0))), std::string::npos);
    } else if (name.find("pcr7_replaced") != std::string::npos) {
      auto values = ParsePcrFile(*in.pcr_file);
      ASSERT_TRUE(values);
      values->digests[7] = Bytes(32, 0);  // sha256:7 (the 8th selected PCR)
      in.pcr_file = WritePcrFile(*values);
      Verification v = verifier.Verify(quote, in);
      EXPECT_EQ(x.Take("expect_pcr_digest_matches"), CheckOk(v, "pcr_digest"));
      x.Take("seen");
      ExpectRejectedAt(v, "pcr_digest");
    } else {
      ADD_FAILURE() << "unknown mutation " << name;
    }
  }
}

}  // namespace
}  // namespace veritee::tpm
