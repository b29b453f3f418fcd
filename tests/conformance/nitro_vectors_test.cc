// Conformance: every AWS Nitro Enclaves document of ../shared/testdata/nitro/vectors.json,
// verified by NitroVerifier at its recorded time and checked against every field of its
// entry; the forged self-signed document; the mutations the manifest lists.
//
// The manifest is read at test time and never copied. Each key of an entry is taken through
// Expectations::Take(); a key the test does not read fails the test. Debug-mode documents
// are "valid" in the manifest's sense (signature and chain): they are rejected by default at
// the `debug` check and accepted with allow_debug, and both are asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "base/encoding.h"
#include "base/file.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "crypto/x509.h"
#include "parse/nitro/cbor.h"
#include "parse/nitro/claims.h"
#include "parse/nitro/cose.h"
#include "parse/nitro/document.h"
#include "trust/aws_roots.h"
#include "verify/nitro/embedded.h"
#include "verify/nitro/verifier.h"
#include "verify/testing/checks.h"

namespace veritee::nitro {
namespace {

using ::veritee::testing::FindCheck;
using ::veritee::testing::ExpectRejectedAt;

using nlohmann::json;
namespace fs = std::filesystem;

std::optional<fs::path> NitroDir() {
  fs::path shared;
  if (const char* env = std::getenv("VERITEE_SHARED"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    const char* source = std::getenv("VERITEE_SOURCE_DIR");
    shared = fs::path(source != nullptr && *source != '\0' ? source : VERITEE_SOURCE_DIR) / ".." /
             "shared";
  }
  fs::path dir = shared / "testdata" / "nitro";
  std::error_code ec;
  if (!fs::is_regular_file(dir / "vectors.json", ec)) return std::nullopt;
  return dir;
}

bool SharedDataRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

#define VT_NITRO_TESTDATA_OR_SKIP(dir)                                               \
  const auto vt_nitro_dir_ = NitroDir();                                             \
  if (!vt_nitro_dir_) {                                                              \
    if (SharedDataRequired()) FAIL() << "shared Nitro test data not found; CI=true"; \
    GTEST_SKIP() << "shared Nitro test data not found (set VERITEE_SHARED)";         \
  }                                                                                  \
  const fs::path dir = *vt_nitro_dir_

Bytes Read(const fs::path& dir, const std::string& rel) {
  auto bytes = ReadFile((dir / rel).string());
  if (!bytes) {
    ADD_FAILURE() << rel << ": " << bytes.error().ToString();
    return {};
  }
  return *std::move(bytes);
}

json Manifest(const fs::path& dir) {
  Bytes raw = Read(dir, "vectors.json");
  json j = json::parse(raw.begin(), raw.end(), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "vectors.json is not JSON";
  return j;
}

class Expectations {
 public:
  explicit Expectations(const json& e) : e_(e) {}
  const json& Take(const std::string& key) {
    taken_.insert(key);
    static const json kNull;
    auto it = e_.find(key);
    if (it == e_.end()) {
      ADD_FAILURE() << key << " is missing";
      return kNull;
    }
    return *it;
  }
  bool Has(const std::string& key) const { return e_.contains(key); }
  void ExpectAllTaken() const {
    for (const auto& [key, value] : e_.items()) {
      EXPECT_TRUE(taken_.count(key) == 1) << key << " was not checked";
    }
  }

 private:
  const json& e_;
  std::set<std::string> taken_;
};

// The document bytes of a vector, decoded per its `encoding`.
Bytes Load(const fs::path& dir, const std::string& file, const std::string& encoding,
           std::optional<EmbeddedDocument>* container = nullptr) {
  Bytes raw = Read(dir, file);
  if (encoding == "raw") return raw;
  if (encoding == "base64") {
    std::string text(raw.begin(), raw.end());
    auto b = FromBase64(text);
    EXPECT_TRUE(b) << file;
    return b.value_or(Bytes{});
  }
  if (encoding == "x509-pem-san-hex") {
    auto e = DocumentFromCertificate(raw);
    EXPECT_TRUE(e.has_value()) << file;
    if (!e) return {};
    if (container != nullptr) *container = e;
    return e->document;
  }
  ADD_FAILURE() << "unknown encoding " << encoding;
  return {};
}

std::vector<std::string> PayloadKeyOrder(ByteSpan payload) {
  std::vector<std::string> keys;
  CborReader r(payload);
  auto count = r.MapHead("payload");
  if (!count) return keys;
  for (uint64_t i = 0; *count ? i < **count : !r.AtBreak(); ++i) {
    auto key = r.TextString("key", 64);
    if (!key || !r.Skip("value")) break;
    keys.emplace_back(*key);
  }
  return keys;
}

// UTC text with milliseconds of a ms timestamp: the manifest's form.
UnixTime Seconds(const std::string& text) {
  auto t = ParseTime(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(0);
}

std::vector<std::string> DocumentFiles() {
  auto dir = NitroDir();
  if (!dir) return {"shared_data_missing"};
  std::vector<std::string> out;
  const json manifest = Manifest(*dir);
  for (const json& d : manifest["documents"]) out.push_back(d["file"]);
  return out;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

NitroVerifier& SharedVerifier() {
  static NitroVerifier* v = new NitroVerifier();
  return *v;
}

class NitroDocumentVector : public ::testing::TestWithParam<std::string> {};

TEST_P(NitroDocumentVector, MatchesManifest) {
  VT_NITRO_TESTDATA_OR_SKIP(dir);
  json manifest = Manifest(dir);
  const json* found = nullptr;
  for (const json& d : manifest["documents"]) {
    if (d["file"] == GetParam()) found = &d;
  }
  ASSERT_NE(found, nullptr);
  Expectations e(*found);
  const std::string file = e.Take("file");
  std::optional<EmbeddedDocument> container;
  const Bytes bytes = Load(dir, file, e.Take("encoding"), &container);
  ASSERT_FALSE(bytes.empty());
  NitroVerifier& verifier = SharedVerifier();

  if (!e.Take("expect_valid").get<bool>()) {
    // The forged document: rejected, for each reason the manifest gives.
    const json& reasons = e.Take("reject_reasons");
    ASSERT_EQ(reasons.size(), 3u);
    EXPECT_NE(reasons[0].get<std::string>().find("unprotected header"), std::string::npos);
    ExpectRejectedAt(verifier.Verify(bytes, {}), "parse", "unprotected header");
    // Give it the empty unprotected map the NSM writes: cabundle is null.
    Bytes patched = bytes;
    const uint8_t kEs384Header[] = {0xa1, 0x01, 0x38, 0x22};
    auto cose_head = std::search(patched.begin(), patched.end(), std::begin(kEs384Header),
                                 std::end(kEs384Header));
    ASSERT_NE(cose_head, patched.end());
    ASSERT_EQ(cose_head[4], 0xf6);
    cose_head[4] = 0xa0;
    EXPECT_NE(reasons[1].get<std::string>().find("cabundle missing or null"), std::string::npos);
    Verification null_bundle = verifier.Verify(patched, {});
    ExpectRejectedAt(null_bundle, "parse", "mandatory field is null");
    EXPECT_NE(null_bundle.reason().find("cabundle"), std::string::npos);
    const Bytes unprotected_fixed = patched;
    // And an empty cabundle array (same length: f6 -> 80).
    const std::string key = "cabundle";
    auto at = std::search(patched.begin(), patched.end(), key.begin(), key.end());
    ASSERT_NE(at, patched.end());
    ASSERT_EQ(at[8], 0xf6);
    at[8] = 0x80;
    EXPECT_NE(reasons[2].get<std::string>().find("non-empty array"), std::string::npos);
    ExpectRejectedAt(verifier.Verify(patched, {}), "parse", "at least one certificate");
    // Why it matters: its COSE signature does verify with its own certificate.
    e.Take("why");
    auto cose = ParseCoseSign1(unprotected_fixed);
    ASSERT_TRUE(cose) << cose.error().ToString();
    CborReader r(cose->payload);
    auto count = r.MapHead("payload");
    ASSERT_TRUE(count && *count);
    Bytes cert_der;
    for (uint64_t i = 0; i < **count; ++i) {
      auto name = r.TextString("key", 64);
      ASSERT_TRUE(name);
      if (*name == "certificate") {
        auto b = r.ByteString("certificate", 4096);
        ASSERT_TRUE(b);
        cert_der.assign(b->begin(), b->end());
      } else {
        ASSERT_TRUE(r.Skip("value"));
      }
    }
    auto cert = Certificate::FromDer(cert_der);
    ASSERT_TRUE(cert);
    EXPECT_EQ(cert->SubjectCn(), "self-signed attester");
    EXPECT_TRUE(VerifyEcdsa(cert->PublicKey(), DigestAlg::kSha384,
                            SigStructure(cose->protected_header, cose->payload), cose->signature,
                            EcdsaFormat::kRawBigEndian));
    e.ExpectAllTaken();
    return;
  }

  auto parsed = ParseAttestation(bytes);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const CoseSign1& cose = parsed->cose;
  const AttestationDocument& doc = parsed->doc;

  // Verdicts at the document's timestamp.
  const bool debug = e.Take("debug_mode_pcr0_all_zero").get<bool>();
  VerifyInputs in;
  in.validation.allow_debug = debug;
  Verification v = verifier.Verify(bytes, in);
  ASSERT_TRUE(v.accepted()) << v.ToJson().dump(1);
  // Plain json copies, to compare with the manifest's values.
  const json claims = json::parse(v.claims.dump());
  const json collateral = json::parse(v.collateral.dump());
  EXPECT_FALSE(v.simulated);
  EXPECT_NE(v.trust_anchor.find("built-in"), std::string::npos);
  if (debug) {
    ExpectRejectedAt(verifier.Verify(bytes, {}), "debug", "pcr0 is all zero");
  }
  EXPECT_EQ(claims["debug"], debug);
  EXPECT_EQ(AllZero(doc.FindPcr(0)->value), debug);
  EXPECT_TRUE(FindCheck(v, "signature")->ok == e.Take("cose_signature_valid").get<bool>());
  EXPECT_TRUE(FindCheck(v, "certificate_chain")->ok == e.Take("chain_signatures_valid").get<bool>());

  // Document fields and claims.
  EXPECT_EQ(claims["module_id"], e.Take("module_id"));
  EXPECT_EQ(claims["digest"], e.Take("digest"));
  EXPECT_EQ(claims["timestamp"], e.Take("timestamp_ms"));
  EXPECT_EQ(e.Take("as_of_ms"), doc.timestamp_ms);
  EXPECT_EQ(claims["timestamp_utc"], e.Take("timestamp_utc"));
  for (const char* field : {"public_key", "user_data", "nonce"}) {
    EXPECT_EQ(claims[field], e.Take(field)) << field;
  }
  const json& pcrs = e.Take("pcrs");
  for (const auto& [index, hex] : pcrs.items()) {
    EXPECT_EQ(claims["pcr" + index], hex) << "pcr" << index;
  }
  std::vector<uint32_t> nonzero;
  for (const Pcr& p : doc.pcrs) {
    if (!AllZero(p.value)) nonzero.push_back(p.index);
  }
  EXPECT_EQ(json(nonzero), e.Take("nonzero_pcrs"));
  EXPECT_EQ(doc.pcrs.size(), e.Take("pcr_count").get<size_t>());
  for (const Pcr& p : doc.pcrs) EXPECT_EQ(p.value.size(), e.Take("pcr_len").get<size_t>());
  EXPECT_EQ(json(PayloadKeyOrder(cose.payload)), e.Take("payload_key_order"));

  // Encoding.
  EXPECT_EQ(bytes.size(), e.Take("cose_len").get<size_t>());
  EXPECT_EQ(ToHex(Sha256(bytes)), e.Take("cose_sha256"));
  EXPECT_EQ(ToHex(Sha256(cose.payload)), e.Take("payload_sha256"));
  EXPECT_EQ(doc.indefinite_map, e.Take("payload_map_indefinite").get<bool>());
  EXPECT_EQ(cose.tagged, e.Take("cose_tagged").get<bool>());
  EXPECT_EQ(ToHex(cose.protected_header), e.Take("protected_header_hex"));
  EXPECT_EQ(cose.signature.size(), e.Take("signature_len").get<size_t>());
  EXPECT_EQ(ToHex(Sha384(SigStructure(cose.protected_header, cose.payload))),
            e.Take("sig_structure_sha384"));
  // The writers reproduce the received bytes exactly (every real document is in preferred
  // serialization).
  EXPECT_EQ(WriteDocument(doc), cose.payload);
  EXPECT_EQ(WriteCoseSign1(cose), bytes);

  // Certificates.
  auto leaf = Certificate::FromDer(doc.certificate);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->Subject(), e.Take("leaf_subject"));
  EXPECT_EQ(leaf->Sha256Hex(), e.Take("leaf_sha256"));
  auto root = trust::BuiltinAwsNitroRoot();
  ASSERT_TRUE(root);
  EXPECT_EQ(ToHex(Sha256(doc.cabundle[0])) == (*root)->Sha256Hex(),
            e.Take("cabundle_root_is_pinned_root").get<bool>());
  const json& chain = e.Take("chain");
  EXPECT_EQ(chain.size(), e.Take("chain_len_including_root_and_leaf").get<size_t>());
  const json& certs = collateral["certificates"];  // leaf first
  ASSERT_EQ(certs.size(), chain.size());
  for (size_t i = 0; i < chain.size(); ++i) {
    const json& want = chain[i];  // root first
    const json& have = certs[certs.size() - 1 - i];
    EXPECT_EQ(have["subject"], want["subject"]) << i;
    EXPECT_EQ(have["not_before"], want["not_before"]) << i;
    EXPECT_EQ(have["not_after"], want["not_after"]) << i;
    ByteSpan der = i + 1 == chain.size() ? ByteSpan(doc.certificate) : ByteSpan(doc.cabundle[i]);
    auto c = Certificate::FromDer(der);
    ASSERT_TRUE(c);
    const long path_len = X509_get_pathlen(c->get());
    if (want["path_length"].is_null()) {
      EXPECT_EQ(path_len, -1) << i;
    } else {
      EXPECT_EQ(path_len, want["path_length"].get<long>()) << i;
    }
  }

  // The chain window: any time in [from, until] passes, a second outside fails.
  const UnixTime from = Seconds(e.Take("chain_valid_from"));
  const UnixTime until = Seconds(e.Take("chain_valid_until"));
  EXPECT_EQ(from * 1000, e.Take("chain_valid_from_ms").get<int64_t>());
  EXPECT_EQ(until * 1000, e.Take("chain_valid_until_ms").get<int64_t>());
  for (UnixTime t : {from, until}) {
    in.at = t;
    Verification edge = verifier.Verify(bytes, in);
    EXPECT_TRUE(edge.accepted()) << FormatTime(t) << ": " << edge.reason();
  }
  in.at = from - 1;
  ExpectRejectedAt(verifier.Verify(bytes, in), "certificate_validity", "not valid yet");
  in.at = until + 1;
  ExpectRejectedAt(verifier.Verify(bytes, in), "certificate_validity", "expired");

  // Bindings recorded beside some documents.
  if (e.Has("binding")) {
    const json& b = e.Take("binding");
    if (b.contains("tls_cert_file")) {
      auto tls = Certificate::FromDer(Read(dir, b["tls_cert_file"]));
      ASSERT_TRUE(tls);
      auto spki = PublicKeyToDer(tls->PublicKey());
      ASSERT_TRUE(spki);
      EXPECT_EQ(doc.user_data == *spki, b["user_data_equals_tls_cert_spki_der"].get<bool>());
    } else {
      Bytes raw = Read(dir, b["proof_file"]);
      json proof = json::parse(raw.begin(), raw.end());
      auto payload_json = FromBase64(proof["payload_json_b64"].get<std::string>());
      ASSERT_TRUE(payload_json);
      Bytes digest = Digest(DigestAlg::kSha384, *payload_json);
      EXPECT_EQ(doc.user_data == digest, b["user_data_equals_sha384_of_payload_json"].get<bool>());
      // The note: the proof's attestation_doc_b64 is this document.
      EXPECT_FALSE(b["note"].get<std::string>().empty());
      EXPECT_EQ(FromBase64(proof["attestation_doc_b64"].get<std::string>()).value_or(Bytes{}),
                bytes);
    }
  }
  if (e.Has("container_cert_subject")) {
    ASSERT_TRUE(container.has_value());
    EXPECT_EQ(container->container.Subject(), e.Take("container_cert_subject"));
    EXPECT_EQ(doc.user_data == container->container_spki,
              e.Take("user_data_equals_container_cert_spki").get<bool>());
  }
  e.ExpectAllTaken();
}

INSTANTIATE_TEST_SUITE_P(Shared, NitroDocumentVector, ::testing::ValuesIn(DocumentFiles()),
                         TestName);

// The mutations of vectors.json, built from their base file.
TEST(NitroMutations, EachIsRejectedAtItsCheck) {
  VT_NITRO_TESTDATA_OR_SKIP(dir);
  json manifest = Manifest(dir);
  const json& mutations = manifest["mutations"];
  ASSERT_EQ(mutations.size(), 5u);
  // What the collectors' checker said, and the check of ours that says it.
  const std::map<std::string, std::string> check_for = {
      {"COSE signature does not verify", "signature"},
      {"chain not valid at", "certificate_validity"}};
  for (const json& m : mutations) {
    Expectations e(m);
    const std::string name = e.Take("name");
    SCOPED_TRACE(name);
    EXPECT_FALSE(e.Take("description").get<std::string>().empty());
    const std::string base_file = e.Take("base_file");
    const json* base = nullptr;
    for (const json& d : manifest["documents"]) {
      if (d["file"] == base_file) base = &d;
    }
    ASSERT_NE(base, nullptr);
    Bytes bytes = Load(dir, base_file, (*base)["encoding"]);
    VerifyInputs in;
    in.validation.allow_debug = (*base)["debug_mode_pcr0_all_zero"].get<bool>();
    if (name == "signature_last_byte_flipped") {
      bytes.back() ^= 0x01;
    } else if (name == "payload_byte_flipped") {
      const std::string key = "module_id";
      auto it = std::search(bytes.begin(), bytes.end(), key.begin(), key.end());
      ASSERT_NE(it, bytes.end());
      it[12] ^= 0x01;
    } else if (name == "as_of_after_chain_expiry") {
      in.at = Seconds((*base)["chain_valid_until"]) + 1;
    } else if (name == "as_of_before_chain_start") {
      in.at = Seconds((*base)["chain_valid_from"]) - 1;
    } else if (name == "as_of_doc_timestamp") {
      in.at = std::nullopt;
    } else {
      ADD_FAILURE() << "unknown mutation " << name;
      continue;
    }
    Verification v = SharedVerifier().Verify(bytes, in);
    const json& errors = e.Take("errors_seen_by_checker");
    if (e.Take("expect_valid").get<bool>()) {
      EXPECT_TRUE(v.accepted()) << v.reason();
      EXPECT_TRUE(errors.empty());
    } else {
      ASSERT_EQ(errors.size(), 1u);
      std::string check;
      for (const auto& [phrase, ours] : check_for) {
        if (errors[0].get<std::string>().rfind(phrase, 0) == 0) check = ours;
      }
      ASSERT_FALSE(check.empty()) << errors[0];
      ExpectRejectedAt(v, check, "");
    }
    e.ExpectAllTaken();
  }
}

// Manifest-level facts: the pinned root file is the built-in root.
TEST(NitroManifest, RootIsTheBuiltInRootG1) {
  VT_NITRO_TESTDATA_OR_SKIP(dir);
  json manifest = Manifest(dir);
  Expectations e(manifest["root"]);
  auto certs = ParseCertificates(Read(dir, e.Take("file")));
  ASSERT_TRUE(certs && certs->size() == 1);
  const Certificate& c = (*certs)[0];
  auto root = trust::BuiltinAwsNitroRoot();
  ASSERT_TRUE(root);
  EXPECT_EQ(c.der(), (*root)->der());
  EXPECT_EQ(c.Sha256Hex(), e.Take("sha256_der"));
  EXPECT_EQ(c.Subject(), e.Take("subject"));
  EXPECT_EQ(FormatTime(c.NotBefore()), e.Take("not_before"));
  EXPECT_EQ(FormatTime(c.NotAfter()), e.Take("not_after"));
  EXPECT_EQ(*EcCurveName(c.PublicKey()), e.Take("curve"));
  e.ExpectAllTaken();
}

}  // namespace
}  // namespace veritee::nitro
