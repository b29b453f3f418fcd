#include "verify/tpm/verifier.h"

#include <algorithm>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/tpm/attest.h"
#include "parse/tpm/event_data.h"
#include "parse/tpm/event_log.h"
#include "parse/tpm/public_area.h"
#include "parse/tpm/signature.h"
#include "verify/tpm/replay.h"
#include "verify/tpm/tpm_crypto.h"

namespace veritee::tpm {

struct TpmVerifier::CachedKey {
  std::string error;  // non-empty: the AK could not be read
  SharedPkey key;
  std::optional<Public> pub;  // when given as a TPM public area
  std::string form;           // "TPM2B_PUBLIC", "TPMT_PUBLIC", "SubjectPublicKeyInfo"
  Bytes name;                 // TPM Name (public areas only)
  std::string spki_sha256;
  std::string description;    // "RSA-2048 TPM2B_PUBLIC, Name 000b..."
};

namespace {

constexpr std::string_view kTee = "tpm";
// What an attestation key must be (Part 1, 25.2 and Part 2, 8.3.3): a restricted signing
// key (only restricted keys refuse to sign data that starts with TPM_GENERATED_VALUE, so
// only they cannot be used to forge a TPMS_ATTEST) that cannot leave the TPM.
constexpr uint32_t kAkRequired = kObjRestricted | kObjSign | kObjFixedTpm;

std::string Ranges(const std::vector<uint32_t>& indices) {
  std::string out;
  for (size_t i = 0; i < indices.size();) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ", ") + std::to_string(indices[i]);
    if (j > i) out += "-" + std::to_string(indices[j]);
    i = j + 1;
  }
  return out;
}

std::string DescribeSelection(const PcrSelection& s) {
  std::string out;
  for (const PcrBank& b : s.banks) {
    out += (out.empty() ? "" : "; ") + AlgName(b.hash) + ": " + Ranges(b.Indices());
  }
  return out.empty() ? "no PCRs" : out;
}

Json SelectionJson(const PcrSelection& s) {
  Json out = Json::object();
  for (const PcrBank& b : s.banks) out[AlgName(b.hash)] = b.Indices();
  return out;
}

Json PcrsJson(const PcrValues& v) {
  Json out = Json::object();
  for (const auto& [bank, values] : v.ToMap()) {
    Json b = Json::object();
    for (const auto& [index, digest] : values) b[std::to_string(index)] = ToHex(digest);
    out[AlgName(bank)] = std::move(b);
  }
  return out;
}

// The AK's attributes and scheme as a check; "" when acceptable.
std::string AkAttributeProblem(const Public& p) {
  if ((p.attributes & kAkRequired) != kAkRequired) {
    return "the AK's attributes (" + ObjectAttributeNames(p.attributes) +
           ") lack restricted, sign or fixedTPM: an unrestricted or duplicable key can sign "
           "a forged TPMS_ATTEST";
  }
  if ((p.attributes & kObjDecrypt) != 0) return "the AK is also a decryption key";
  if (p.symmetric != kAlgNull) return "the AK has a symmetric algorithm (a storage key)";
  return {};
}

std::string SchemeProblem(const Public* p, EVP_PKEY* key, const Signature& sig) {
  const bool rsa_sig = sig.sig_alg == kAlgRsaSsa || sig.sig_alg == kAlgRsaPss;
  const int type = EVP_PKEY_get_base_id(key);
  if (rsa_sig != (type == EVP_PKEY_RSA) || (!rsa_sig && type != EVP_PKEY_EC)) {
    return "a " + DescribeSignature(sig) + " signature cannot come from the " +
           DescribeKey(key) + " AK";
  }
  if (p != nullptr && p->scheme != kAlgNull &&
      (p->scheme != sig.sig_alg || p->scheme_hash != sig.hash)) {
    return "the AK is fixed to " + AlgName(p->scheme) + " with " + AlgName(p->scheme_hash) +
           ", the signature is " + AlgName(sig.sig_alg) + " with " + AlgName(sig.hash);
  }
  return {};
}

}  // namespace

std::optional<uint32_t> ExpectPcrIndex(const std::string& name) {
  if (name.size() < 4 || name.size() > 5 || name.rfind("pcr", 0) != 0) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 3; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(name[i] - '0');
  }
  if (v > kMaxLogPcr || (name.size() == 5 && name[3] == '0')) return std::nullopt;
  return v;
}

namespace {

Json AkJson(const TpmVerifier::CachedKey& k) {
  Json out = Json{{"key", DescribeKey(k.key.get())}, {"form", k.form}};
  if (k.pub) {
    out["name"] = ToHex(k.name);
    out["name_alg"] = AlgName(k.pub->name_alg);
    out["attributes"] = ObjectAttributeNames(k.pub->attributes);
    out["scheme"] = k.pub->scheme == kAlgNull
                        ? "null"
                        : AlgName(k.pub->scheme) + "-" + AlgName(k.pub->scheme_hash);
  }
  out["spki_sha256"] = k.spki_sha256;
  return out;
}

}  // namespace

TpmVerifier::TpmVerifier() = default;
TpmVerifier::~TpmVerifier() = default;

size_t TpmVerifier::cached_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

std::shared_ptr<const TpmVerifier::CachedKey> TpmVerifier::Key(ByteSpan ak) {
  std::string cache_key(reinterpret_cast<const char*>(ak.data()), ak.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  }
  auto entry = std::make_shared<CachedKey>();
  Result<Public> pub = MakeError(ErrorCode::kMalformed, "not a TPM public area");
  ByteSpan tpmt;
  if (LooksLikeTpm2bPublic(ak)) {
    entry->form = "TPM2B_PUBLIC";
    pub = ParseTpm2bPublic(ak);
    if (pub) tpmt = *TpmtPublicBytes(ak);
  } else if (ak.size() >= 2 && ak[0] == 0 && (ak[1] == kAlgRsa || ak[1] == kAlgEcc)) {
    entry->form = "TPMT_PUBLIC";
    pub = ParseTpmtPublic(ak);
    tpmt = ak;
  }
  if (!entry->form.empty()) {
    if (!pub) {
      entry->error = entry->form + ": " + pub.error().ToString();
    } else if (auto key = PublicKeyFromTpm(*pub); !key) {
      entry->error = entry->form + ": " + key.error().ToString();
    } else if (auto name = ObjectName(pub->name_alg, tpmt); !name) {
      entry->error = entry->form + ": nameAlg: " + name.error().ToString();
    } else {
      entry->key = ShareKey(std::move(*key));
      entry->pub = *pub;
      entry->name = *name;
    }
  } else {
    entry->form = "SubjectPublicKeyInfo";
    auto key = ParsePublicKey(ak);
    if (!key) {
      entry->error = "neither a TPM2B_PUBLIC, a TPMT_PUBLIC nor a PEM/DER public key (" +
                     key.error().ToString() + ")";
    } else {
      entry->key = ShareKey(std::move(*key));
    }
  }
  if (entry->key) {
    auto der = PublicKeyToDer(entry->key.get());
    entry->spki_sha256 = der ? ToHex(Sha256(*der)) : "";
    entry->description = DescribeKey(entry->key.get()) + " " + entry->form;
    if (entry->pub) entry->description += ", Name " + ToHex(entry->name);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  auto [it, inserted] = cache_.emplace(std::move(cache_key), std::move(entry));
  (void)inserted;
  return it->second;
}

Verification TpmVerifier::Verify(ByteSpan quote, const TpmInputs& in) {
  Verification v{std::string(kTee)};
  auto attest = ParseAttest(quote);
  if (attest && attest->type != kStAttestQuote) {
    v.Add("parse", false,
          "TPMS_ATTEST of type " + AttestTypeName(attest->type) + ", not a quote (0x8018)");
    return v;
  }
  if (!v.Add("parse", attest.has_value(),
             attest ? "TPMS_ATTEST quote, " + std::to_string(quote.size()) +
                          " bytes, magic TPM_GENERATED_VALUE, PCRs " +
                          DescribeSelection(attest->quote.pcr_select)
                    : attest.error().ToString())) {
    return v;
  }
  const Attest& a = *attest;
  Json& c = v.claims;
  c["attestation_type"] = "quote";
  c["nonce"] = ToHex(a.extra_data);
  c["qualified_signer"] = ToHex(a.qualified_signer);
  c["clock"] = a.clock_info.clock;
  c["reset_count"] = a.clock_info.reset_count;
  c["restart_count"] = a.clock_info.restart_count;
  c["safe"] = a.clock_info.safe == 1;
  c["firmware_version"] = HexU64(a.firmware_version);
  c["pcr_select"] = SelectionJson(a.quote.pcr_select);
  c["pcr_digest"] = ToHex(a.quote.pcr_digest);

  auto sig = ParseSignature(in.signature);
  if (!v.Add("signature_format", sig.has_value(),
             sig ? "TPMT_SIGNATURE " + DescribeSignature(*sig)
                 : "TPMT_SIGNATURE: " + sig.error().ToString())) {
    return v;
  }
  auto ak = Key(in.ak);
  if (!v.Add("attestation_key", ak->error.empty(),
             ak->error.empty() ? ak->description : "AK (" + in.ak_source + "): " + ak->error)) {
    return v;
  }
  c["ak"] = AkJson(*ak);
  if (ak->pub) {
    std::string problem = AkAttributeProblem(*ak->pub);
    if (!v.Add("ak_attributes", problem.empty(),
               problem.empty() ? ObjectAttributeNames(ak->pub->attributes) : problem)) {
      return v;
    }
  } else {
    v.Note("the AK was given as a SubjectPublicKeyInfo: its TPM attributes (restricted, "
           "fixedTPM) could not be checked; give it as TPM2B_PUBLIC to check them");
  }
  v.Add("ak_trust", true,
        "trusted because the caller supplied it (" + in.ak_source +
            "); no EK or AK certificate chain was checked");
  v.trust_anchor = "attestation key supplied by the caller (" + in.ak_source + "): " +
                   DescribeKey(ak->key.get()) +
                   (ak->pub ? ", Name " + ToHex(ak->name) : std::string()) +
                   ", SPKI SHA-256 " + ak->spki_sha256;
  v.collateral["attestation_key"] = Json{{"source", in.ak_source}, {"form", ak->form},
                                         {"spki_sha256", ak->spki_sha256}};

  std::string scheme = SchemeProblem(ak->pub ? &*ak->pub : nullptr, ak->key.get(), *sig);
  if (!v.Add("signature_scheme", scheme.empty(),
             scheme.empty() ? DescribeSignature(*sig) + " fits the " +
                                  DescribeKey(ak->key.get()) + " AK"
                            : scheme)) {
    return v;
  }
  auto verified = VerifyTpmSignature(ak->key.get(), *sig, quote);
  if (!v.Add("signature", verified.has_value(),
             verified ? DescribeSignature(*sig) + " over the " + std::to_string(quote.size()) +
                            "-byte TPMS_ATTEST verifies with the AK"
                      : verified.error().message + " with the AK")) {
    return v;
  }

  if (in.nonce) {
    bool ok = a.extra_data == *in.nonce;
    v.Add("nonce", ok,
          ok ? "extraData equals the expected nonce (" + std::to_string(in.nonce->size()) +
                   " bytes)"
             : "extraData is " + (a.extra_data.empty() ? "empty" : ToHex(a.extra_data)) +
                   ", expected " + (in.nonce->empty() ? "empty" : ToHex(*in.nonce)));
  } else {
    v.Note("freshness not checked: no expected nonce given (--expect nonce=HEX); extraData is " +
           (a.extra_data.empty() ? std::string("empty") : ToHex(a.extra_data)));
  }

  // PCR values: from the caller, else (below) from the replayed event log.
  std::optional<PcrValues> values;
  std::string values_source;
  if (in.pcr_file || in.pcr_map) {
    Result<PcrValues> given = MakeError(ErrorCode::kInternal, "");
    if (in.pcr_map) {
      given = SelectPcrs(*in.pcr_map, a.quote.pcr_select);
      values_source = "the given PCR values";
    } else {
      given = ParsePcrFile(*in.pcr_file);
      values_source = "the PCR file (tpm2-tools format)";
      if (!given) {
        auto raw = ParseConcatenatedPcrs(*in.pcr_file, a.quote.pcr_select);
        if (raw) {
          given = std::move(raw);
          values_source = "the PCR file (concatenated values)";
        }
      }
    }
    if (given && given->selection != a.quote.pcr_select) {
      v.Add("pcr_values", false,
            "the PCR file selects " + DescribeSelection(given->selection) +
                ", the quote selects " + DescribeSelection(a.quote.pcr_select));
      return v;
    }
    if (!v.Add("pcr_values", given.has_value(),
               given ? std::to_string(given->digests.size()) + " PCR values from " +
                           values_source
                     : "PCR values: " + given.error().ToString())) {
      return v;
    }
    values = std::move(*given);
  }

  std::optional<EventLog> log;
  std::optional<ReplayResult> replay;
  if (in.event_log) {
    auto parsed = ParseEventLog(*in.event_log);
    Result<ReplayResult> replayed =
        parsed ? ReplayEventLog(*parsed) : Result<ReplayResult>(tl::unexpected(parsed.error()));
    if (!v.Add("event_log", replayed.has_value(),
               replayed ? std::string(LogFormatName(parsed->format)) + " log, " +
                              std::to_string(parsed->events.size()) + " events, " +
                              std::to_string(in.event_log->size()) + " bytes" +
                              (parsed->padding.empty()
                                   ? std::string()
                                   : ", " + std::to_string(parsed->padding.size()) +
                                         " bytes of padding")
                        : "event log: " + replayed.error().ToString())) {
      return v;
    }
    log = std::move(*parsed);
    replay = std::move(*replayed);
    v.collateral["event_log"] = Json{{"size", in.event_log->size()},
                                     {"sha256", ToHex(Sha256(*in.event_log))}};
  }

  if (!values && replay) {
    // No PCR values given: the replay must produce every quoted PCR.
    const std::vector<AlgId> log_banks = log->Banks();
    PcrMap computed;
    for (const PcrBank& bank : a.quote.pcr_select.banks) {
      for (uint32_t index : bank.Indices()) {
        auto b = replay->pcrs.find(bank.hash);
        if (b != replay->pcrs.end() && b->second.count(index) != 0) {
          computed[bank.hash][index] = b->second.at(index);
        } else if (std::find(log_banks.begin(), log_banks.end(), bank.hash) !=
                   log_banks.end()) {
          computed[bank.hash][index] = InitialPcrValue(bank.hash, index, log->startup_locality);
        }
      }
    }
    auto selected = SelectPcrs(computed, a.quote.pcr_select);
    if (!v.Add("pcr_values", selected.has_value(),
               selected ? std::to_string(selected->digests.size()) +
                              " PCR values computed by replaying the event log"
                        : "the event log cannot give the quoted PCRs: " +
                              selected.error().message)) {
      return v;
    }
    values = std::move(*selected);
    values_source = "the event log replay";
  }

  if (values) {
    Bytes concatenated;
    for (const Bytes& d : values->digests) concatenated.insert(concatenated.end(), d.begin(), d.end());
    auto digest = TpmHash(sig->hash, concatenated);
    bool ok = digest && *digest == a.quote.pcr_digest;
    if (!v.Add("pcr_digest", ok,
               ok ? AlgName(sig->hash) + " of the " + std::to_string(values->digests.size()) +
                        " PCR values from " + values_source + " equals pcrDigest"
                  : AlgName(sig->hash) + " of the PCR values from " + values_source + " is " +
                        (digest ? ToHex(*digest) : digest.error().message) +
                        ", the quote's pcrDigest is " + ToHex(a.quote.pcr_digest))) {
      return v;
    }
    c["pcrs"] = PcrsJson(*values);
    v.collateral["pcr_values"] = values_source;
  } else {
    v.Note("PCR values not checked: give --pcrs or --event-log; only pcrDigest is attested");
  }

  if (log && in.pcr_file.has_value() == false && in.pcr_map.has_value() == false) {
    // The replay itself produced the values that matched pcrDigest.
    v.Add("event_log_replay", true,
          "the quoted PCRs are the replay of the log (" + DescribeSelection(a.quote.pcr_select) +
              ")");
  } else if (log) {
    std::vector<std::string> mismatches;
    size_t measured = 0, initial = 0;
    const PcrMap quoted = values->ToMap();
    const std::vector<AlgId> log_banks = log->Banks();
    for (const PcrBank& bank : a.quote.pcr_select.banks) {
      if (std::find(log_banks.begin(), log_banks.end(), bank.hash) == log_banks.end() ||
          std::find(replay->unsupported_banks.begin(), replay->unsupported_banks.end(),
                    bank.hash) != replay->unsupported_banks.end()) {
        mismatches.push_back("the log has no " + AlgName(bank.hash) + " bank");
        continue;
      }
      for (uint32_t index : bank.Indices()) {
        const Bytes& have = quoted.at(bank.hash).at(index);
        Bytes want;
        auto b = replay->pcrs.find(bank.hash);
        if (b != replay->pcrs.end() && b->second.count(index) != 0) {
          want = b->second.at(index);
          ++measured;
        } else {
          want = InitialPcrValue(bank.hash, index, log->startup_locality);
          ++initial;
        }
        if (have != want) {
          mismatches.push_back("PCR " + AlgName(bank.hash) + ":" + std::to_string(index) +
                               " is " + ToHex(have) + ", the log replays to " + ToHex(want));
        }
      }
    }
    std::string detail;
    for (const std::string& m : mismatches) detail += (detail.empty() ? "" : "; ") + m;
    v.Add("event_log_replay", mismatches.empty(),
          mismatches.empty() ? "the quoted PCRs equal the replay of the log (" +
                                   std::to_string(measured) + " measured, " +
                                   std::to_string(initial) + " at their initial value)"
                             : detail);
  }

  for (const auto& [index, want] : in.expect_pcrs) {
    const std::string name = "expect_pcr" + std::to_string(index);
    std::optional<AlgId> bank;
    for (AlgId alg : {kAlgSha1, kAlgSha256, kAlgSha384, kAlgSha512}) {
      if (HashSize(alg) == want.size()) bank = alg;
    }
    if (!values || !bank) {
      v.Add(name, false,
            !bank ? "a value of " + std::to_string(want.size()) + " bytes is no PCR bank's"
                  : "no PCR values to compare with (give --pcrs or --event-log)");
      continue;
    }
    const PcrMap quoted = values->ToMap();
    auto b = quoted.find(*bank);
    if (b == quoted.end() || b->second.count(index) == 0) {
      v.Add(name, false, "PCR " + AlgName(*bank) + ":" + std::to_string(index) +
                             " is not in the quote");
      continue;
    }
    bool ok = b->second.at(index) == want;
    v.Add(name, ok,
          ok ? "PCR " + AlgName(*bank) + ":" + std::to_string(index) + " matches"
             : "PCR " + AlgName(*bank) + ":" + std::to_string(index) + " is " +
                   ToHex(b->second.at(index)) + ", expected " + ToHex(want));
  }

  if (log) {
    Json info = Json{{"format", LogFormatName(log->format)}, {"events", log->events.size()}};
    Json banks = Json::array();
    for (AlgId alg : log->Banks()) banks.push_back(AlgName(alg));
    info["banks"] = banks;
    if (log->startup_locality) info["startup_locality"] = *log->startup_locality;
    c["event_log"] = info;
    const Json summary = BootSummary(*log);
    for (const auto& [key, value] : summary.items()) c[key] = value;
    if (in.decode_events) {
      Json events = Json::array();
      for (const Event& e : log->events) events.push_back(DecodeEvent(e));
      c["events"] = std::move(events);
    }
  }
  v.MarkComplete();
  return v;
}

}  // namespace veritee::tpm
