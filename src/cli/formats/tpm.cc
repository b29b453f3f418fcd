// The TPM 2.0 format handler: a quote (TPMS_ATTEST, tpm2_quote -m) is the evidence; the
// signature, the attestation key, the PCR values and the event log come from --signature,
// --ak, --pcrs and --event-log (DESIGN.md, "evidence that comes in several parts"). A TCG
// event log given alone is recognised too, so that `inspect` decodes it; `verify` rejects it
// because an event log proves nothing without a quote.
#include <map>

#include "base/encoding.h"
#include "base/file.h"
#include "cli/formats/handlers.h"
#include "parse/tpm/attest.h"
#include "parse/tpm/event_data.h"
#include "parse/tpm/event_log.h"
#include "verify/tpm/verifier.h"

namespace veritee::cli {
namespace {

Result<Bytes> ReadPart(const std::string& path, const std::string& option) {
  auto bytes = ReadFile(path);
  if (!bytes) return tl::unexpected(WithOption(bytes.error(), option));
  return bytes;
}

Status RefuseUnusedTrustInputs(const VerifyFlags& f) {
  const char* option = !f.certs.empty()         ? "--cert"
                       : !f.crls.empty()        ? "--crl"
                       : !f.trust_roots.empty() ? "--trust-root"
                       : !f.collateral.empty()  ? "--collateral"
                       : !f.rims.empty()        ? "--rim"
                                                : nullptr;
  if (option == nullptr) return Ok();
  // Fail closed: an input the TPM verifier would silently ignore could be mistaken for one
  // that was checked (an EK/AK certificate chain is not verified by this version). --policy
  // is the appraisal stage's (its "tpm" section), not the verifier's.
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(option) +
                       " is not used for TPM quotes: trust in the attestation key comes from "
                       "--ak (EK/AK certificate chains are not checked by this version)");
}

Result<tpm::TpmInputs> TpmInputs(const VerifyFlags& f) {
  VT_RETURN_IF_ERROR(RefuseUnusedTrustInputs(f));
  if (f.signature.empty() || f.ak.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a TPM quote needs --signature SIG (tpm2_quote -s) and --ak AK "
                     "(TPM2B_PUBLIC or PEM); --pcrs and --event-log are optional");
  }
  tpm::TpmInputs in;
  VT_ASSIGN_OR_RETURN(in.signature, ReadPart(f.signature, "--signature"));
  VT_ASSIGN_OR_RETURN(in.ak, ReadPart(f.ak, "--ak"));
  in.ak_source = "--ak " + f.ak;
  if (!f.pcrs.empty()) {
    VT_ASSIGN_OR_RETURN(in.pcr_file, ReadPart(f.pcrs, "--pcrs"));
  }
  if (!f.event_log.empty()) {
    VT_ASSIGN_OR_RETURN(in.event_log, ReadPart(f.event_log, "--event-log"));
  }
  VT_ASSIGN_OR_RETURN(auto expects, SplitExpects(f));
  for (const auto& [name, hex] : expects) {
    auto value = FromHex(hex);
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect " + name));
    if (name == "nonce") {
      in.nonce = std::move(*value);
    } else if (auto index = tpm::ExpectPcrIndex(name)) {
      const size_t n = value->size();
      if (n != 20 && n != 32 && n != 48 && n != 64) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "--expect " + name + ": a PCR value is 20, 32, 48 or 64 bytes");
      }
      in.expect_pcrs[*index] = std::move(*value);
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--expect " + name + ": TPM quotes know nonce and pcr0 ... pcr23");
    }
  }
  return in;
}

// Everything the quote says, without verification.
Json AttestJson(const tpm::Attest& a) {
  Json out = Json::object();
  out["magic"] = HexU64(a.magic, 4);
  out["type"] = tpm::AttestTypeName(a.type);
  out["qualified_signer"] = ToHex(a.qualified_signer);
  out["extra_data"] = ToHex(a.extra_data);
  out["clock"] = a.clock_info.clock;
  out["reset_count"] = a.clock_info.reset_count;
  out["restart_count"] = a.clock_info.restart_count;
  out["safe"] = a.clock_info.safe == 1;
  out["firmware_version"] = HexU64(a.firmware_version);
  if (a.type == tpm::kStAttestQuote) {
    Json select = Json::object();
    for (const tpm::PcrBank& b : a.quote.pcr_select.banks) {
      select[tpm::AlgName(b.hash)] = b.Indices();
    }
    out["pcr_select"] = select;
    out["pcr_digest"] = ToHex(a.quote.pcr_digest);
  } else if (a.type == tpm::kStAttestCreation) {
    out["object_name"] = ToHex(a.creation.object_name);
    out["creation_hash"] = ToHex(a.creation.creation_hash);
  } else {
    out["name"] = ToHex(a.certify.name);
    out["qualified_name"] = ToHex(a.certify.qualified_name);
  }
  return out;
}

class TpmHandler final : public FormatHandler {
 public:
  std::string_view tee() const override { return "tpm"; }

  // A TPMS_ATTEST starts with TPM_GENERATED_VALUE and an attestation tag. An event log
  // starts with a Spec ID event or a firmware event in PCR 0; certain when it all parses.
  int Detect(ByteSpan bytes) const override {
    if (tpm::LooksLikeAttest(bytes)) return 2;
    if (tpm::LooksLikeEventLog(bytes)) return tpm::ParseEventLog(bytes) ? 2 : 1;
    return 0;
  }

  Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) override {
    if (!tpm::LooksLikeAttest(evidence)) {
      Verification v{"tpm"};
      v.Add("parse", false,
            "this is a TCG event log, not a quote: verify the quote (tpm2_quote -m) and give "
            "the log with --event-log");
      return v;
    }
    const VerifyFlags& f = *request.flags;
    // `bench verify` calls this in a loop with the same flags: the files are read once.
    std::string key = f.signature + '\n' + f.ak + '\n' + f.pcrs + '\n' + f.event_log;
    for (const std::string& e : f.expects) key += '\n' + e;
    key += '\n' + std::to_string(f.certs.size() + f.crls.size() + f.trust_roots.size() +
                                 f.rims.size()) + f.policy + f.collateral;
    if (!inputs_ || key != inputs_key_) {
      VT_ASSIGN_OR_RETURN(tpm::TpmInputs in, TpmInputs(f));
      inputs_ = std::move(in);
      inputs_key_ = std::move(key);
    }
    return verifier_.Verify(evidence, *inputs_);
  }

  Result<Json> Inspect(ByteSpan evidence, const std::string& /*product_hint*/) override {
    if (tpm::LooksLikeAttest(evidence)) {
      VT_ASSIGN_OR_RETURN(tpm::Attest a, tpm::ParseAttest(evidence));
      return Json{{"tee", "tpm"},
                  {"format", "TPM 2.0 TPMS_ATTEST (" + tpm::AttestTypeName(a.type) + ")"},
                  {"claims", AttestJson(a)},
                  {"note", "the signature, AK, PCR values and event log are separate files: "
                           "veritee verify QUOTE --signature SIG --ak AK [--pcrs PCRS] "
                           "[--event-log LOG]"}};
    }
    VT_ASSIGN_OR_RETURN(tpm::EventLog log, tpm::ParseEventLog(evidence));
    Json info = Json{{"format", tpm::LogFormatName(log.format)}, {"events", log.events.size()}};
    Json banks = Json::array();
    for (tpm::AlgId alg : log.Banks()) banks.push_back(tpm::AlgName(alg));
    info["banks"] = banks;
    if (log.startup_locality) info["startup_locality"] = *log.startup_locality;
    if (!log.padding.empty()) info["padding_bytes"] = log.padding.size();
    Json events = Json::array();
    for (const tpm::Event& e : log.events) events.push_back(tpm::DecodeEvent(e));
    return Json{{"tee", "tpm"},
                {"format", "TCG PC Client event log (" +
                               std::string(tpm::LogFormatName(log.format)) + ")"},
                {"event_log", info},
                {"boot", tpm::BootSummary(log)},
                {"events", events}};
  }

 private:
  tpm::TpmVerifier verifier_;
  std::optional<tpm::TpmInputs> inputs_;
  std::string inputs_key_;
};

}  // namespace

FormatHandler* NewTpmHandler() {
  static TpmHandler handler;
  return &handler;
}

}  // namespace veritee::cli
