// The NVIDIA GPU format handler (tee "nvidia-gpu"): an attestation report (SPDM 1.1
// GET_MEASUREMENTS request ‖ MEASUREMENTS response; raw, hex or base64) with its device
// chain from --cert CHAIN.pem and RIMs from --rim, or one of NVIDIA's SDK JSON evidence
// bundles, which carry their own chains (DESIGN.md, "NVIDIA: veritee verify REPORT --cert
// CHAIN.pem [--rim DRIVER.xml] [--rim VBIOS.xml] [--expect nonce=HEX]").
#include "base/encoding.h"
#include "base/file.h"
#include "cli/formats/handlers.h"
#include "parse/nvgpu/claims.h"
#include "parse/nvgpu/evidence_json.h"
#include "parse/nvgpu/opaque.h"
#include "parse/nvgpu/spdm.h"
#include "verify/nvgpu/policy.h"
#include "verify/nvgpu/verifier.h"

namespace veritee::cli {
namespace {

// Fail closed: an option this verifier would ignore could be taken for one it checked.
Status RefuseUnused(const VerifyFlags& f) {
  auto refuse = [](const char* option, const char* why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(option) + " is not used for NVIDIA GPU evidence: " + why);
  };
  if (!f.crls.empty()) {
    return refuse("--crl", "NVIDIA publishes certificate status by OCSP only, which an offline "
                           "verifier cannot query");
  }
  if (!f.collateral.empty()) return refuse("--collateral", "give RIMs with --rim");
  // --policy is read: its "nvidia-gpu" section (verify/nvgpu/policy.h).
  if (!f.signature.empty() || !f.ak.empty() || !f.pcrs.empty() || !f.event_log.empty()) {
    return refuse("--signature/--ak/--pcrs/--event-log", "these are TPM quote parts");
  }
  if (f.allow_debug) return refuse("--allow-debug", "GPU reports carry no debug state");
  if (!f.allow_tcb_status.empty()) return refuse("--allow-tcb-status", "that is for Intel DCAP");
  return Ok();
}

Result<nvgpu::VerifyInputs> NvgpuInputs(const VerifyRequest& request) {
  const VerifyFlags& f = *request.flags;
  VT_RETURN_IF_ERROR(RefuseUnused(f));
  nvgpu::VerifyInputs in;
  in.at = request.at;
  in.certs = request.certs;
  in.extra_roots = request.extra_roots;
  for (const std::string& path : f.rims) {
    auto xml = ReadFile(path, nvgpu::kMaxRimBytes + 1);
    if (!xml) return tl::unexpected(WithOption(xml.error(), "--rim"));
    in.rims.push_back({path, std::move(*xml)});
  }
  VT_ASSIGN_OR_RETURN(auto expects, SplitExpects(f));
  for (const auto& [name, hex] : expects) {
    auto value = nvgpu::ParseExpectValue(name, hex);
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect"));
    in.validation.expect[name] = std::move(*value);
  }
  VT_ASSIGN_OR_RETURN(const std::string* policy, PolicyText(request));
  if (policy != nullptr) {  // the "nvidia-gpu" section; --expect wins for the same name
    auto st = nvgpu::LoadPolicyText(*policy, in.validation);
    if (!st) return tl::unexpected(WithOption(st.error(), f.policy));
  }
  return in;
}

bool LooksLikeReport(ByteSpan b) {
  return b.size() >= 2 && (b[0] & 0xF0u) == 0x10 && b[1] == nvgpu::kGetMeasurementsCode;
}

bool LooksLikeBundle(ByteSpan b) {
  if (!nvgpu::LooksLikeEvidenceBundle(b)) return false;
  static constexpr std::string_view kKey = "\"evidence\"";
  std::string_view text(reinterpret_cast<const char*>(b.data()), b.size());
  return text.find(kKey) != std::string_view::npos;
}

Result<Json> InspectOne(ByteSpan report) {
  VT_ASSIGN_OR_RETURN(nvgpu::AttestationReport r, nvgpu::ParseAttestationReport(report));
  VT_ASSIGN_OR_RETURN(nvgpu::NvidiaOpaque o, nvgpu::DecodeOpaque(r.response.opaque));
  return nvgpu::InspectReport(r, o);
}

class NvgpuHandler final : public FormatHandler {
 public:
  std::string_view tee() const override { return "nvidia-gpu"; }

  // A report starts with an SPDM version byte 0x1N and GET_MEASUREMENTS (0xE0): certain
  // when the response header (0x1N, 0x60) follows at byte 37. A bundle is a JSON array
  // with "evidence" members.
  int Detect(ByteSpan bytes) const override {
    if (LooksLikeReport(bytes)) {
      return bytes.size() > nvgpu::kRequestSize + 1 && bytes[nvgpu::kRequestSize] == bytes[0] &&
                     bytes[nvgpu::kRequestSize + 1] == nvgpu::kMeasurementsCode
                 ? 2
                 : 1;
    }
    return LooksLikeBundle(bytes) ? 2 : 0;
  }

  Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) override {
    const VerifyFlags& f = *request.flags;
    // `bench verify` calls this in a loop with the same flags: the RIMs are read once.
    std::string key = std::to_string(request.at) + '\n' + std::to_string(request.certs.size()) +
                      '\n' + std::to_string(request.extra_roots.size());
    for (const std::string& r : f.rims) key += '\n' + r;
    for (const std::string& e : f.expects) key += '\n' + e;
    key += '\n' + f.policy;
    if (!inputs_ || key != inputs_key_) {
      VT_ASSIGN_OR_RETURN(nvgpu::VerifyInputs in, NvgpuInputs(request));
      inputs_ = std::move(in);
      inputs_key_ = std::move(key);
    }
    inputs_->certs = request.certs;
    inputs_->extra_roots = request.extra_roots;
    if (LooksLikeBundle(evidence)) return verifier_.VerifyBundle(evidence, *inputs_);
    return verifier_.Verify(evidence, *inputs_);
  }

  Result<Json> Inspect(ByteSpan evidence, const std::string& /*product_hint*/) override {
    if (LooksLikeBundle(evidence)) {
      VT_ASSIGN_OR_RETURN(auto items, nvgpu::ParseEvidenceBundle(evidence));
      Json gpus = Json::array();
      for (const nvgpu::BundleItem& item : items) {
        VT_ASSIGN_OR_RETURN(Json gpu, InspectOne(item.report));
        Json bundle = Json{{"arch", item.arch}, {"nonce", ToHex(item.nonce)}};
        if (item.driver_version) bundle["driver_version"] = *item.driver_version;
        if (item.vbios_version) bundle["vbios_version"] = *item.vbios_version;
        if (item.version) bundle["version"] = *item.version;
        gpu["bundle_fields"] = std::move(bundle);
        auto certs = ParseCertificates(item.certificate_chain);
        if (certs) {
          Json chain = Json::array();
          for (const Certificate& c : *certs) chain.push_back(c.SubjectCn());
          gpu["certificate_chain"] = std::move(chain);
        }
        gpus.push_back(std::move(gpu));
      }
      return Json{{"tee", "nvidia-gpu"},
                  {"format", "NVIDIA SDK evidence bundle (" + std::to_string(items.size()) +
                                 " GPU attestation report(s))"},
                  {"gpus", std::move(gpus)}};
    }
    VT_ASSIGN_OR_RETURN(Json out, InspectOne(evidence));
    out["tee"] = "nvidia-gpu";
    out["format"] = "NVIDIA GPU attestation report (SPDM 1.1 GET_MEASUREMENTS ‖ MEASUREMENTS)";
    out["note"] =
        "the device certificate chain and the RIMs are separate files: veritee verify REPORT "
        "--cert CHAIN.pem [--rim DRIVER.xml] [--rim VBIOS.xml] [--expect nonce=HEX]";
    return out;
  }

 private:
  nvgpu::NvgpuVerifier verifier_;
  std::optional<nvgpu::VerifyInputs> inputs_;
  std::string inputs_key_;
};

}  // namespace

FormatHandler* NewNvgpuHandler() {
  static NvgpuHandler handler;
  return &handler;
}

}  // namespace veritee::cli
