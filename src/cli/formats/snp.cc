// The SEV-SNP format handler: detection, the SNP options of `verify`, `inspect`.
#include "base/encoding.h"
#include "base/file.h"
#include "cli/formats/handlers.h"
#include "parse/snp/flags.h"
#include "parse/snp/report.h"
#include "parse/snp/report_claims.h"
#include "verify/snp/policy.h"
#include "verify/snp/verifier.h"

namespace veritee::cli {
namespace {

Result<uint64_t> FlagMask(const std::vector<std::string>& names, bool policy,
                          const std::string& option) {
  uint64_t mask = 0;
  for (const std::string& name : SplitAll(names)) {
    auto bit = policy ? snp::PolicyMaskByName(name)
                      : snp::PlatformInfoMaskByName(name, snp::Product::kTurin);
    if (!bit) return tl::unexpected(WithOption(bit.error(), option));
    mask |= *bit;
  }
  return mask;
}

Result<std::vector<Bytes>> Digests(const std::vector<std::string>& hexes,
                                   const std::string& option) {
  std::vector<Bytes> out;
  for (const std::string& hex : hexes) {
    auto bytes = FromHex(hex);
    if (!bytes || bytes->size() != 48) {
      return MakeError(ErrorCode::kInvalidArgument,
                       option + ": expected 96 hex digits (a SHA-384 digest), got '" + hex + "'");
    }
    out.push_back(std::move(*bytes));
  }
  return out;
}

Result<snp::VerifyInputs> SnpInputs(const VerifyRequest& request) {
  const VerifyFlags& f = *request.flags;
  snp::VerifyInputs in;
  in.at = request.at;
  in.certs = request.certs;
  in.crls = request.crls;
  in.extra_roots = request.extra_roots;
  snp::ValidationOptions& o = in.validation;
  VT_ASSIGN_OR_RETURN(const std::string* policy, PolicyText(request));
  if (policy != nullptr) {
    auto st = snp::LoadPolicyText(*policy, o);
    if (!st) return tl::unexpected(WithOption(st.error(), f.policy));
  }
  VT_ASSIGN_OR_RETURN(auto expects, SplitExpects(f));
  for (const auto& [name, hex] : expects) {
    auto value = snp::ParseExpectValue(name, hex);
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect"));
    o.expect[name] = std::move(*value);
  }
  if (f.allow_debug) o.allow_debug = true;
  if (f.require_crl) o.require_crl = true;
  if (f.allow_stale_crl) o.allow_stale_crl = true;
  if (f.forbid_unknown_platform_bits) o.forbid_unknown_platform_bits = true;
  if (f.forbid_provisional_firmware) o.forbid_provisional_firmware = true;
  if (f.require_id_block) o.require_id_block = true;
  if (f.require_author_key) o.require_author_key = true;
  if (!f.product.empty()) {
    auto p = snp::ParseProduct(f.product);
    if (!p) return tl::unexpected(WithOption(p.error(), "--product"));
    o.product = *p;
  }
  if (f.min_guest_svn >= 0) {
    if (f.min_guest_svn > 0xffffffffLL) {
      return MakeError(ErrorCode::kInvalidArgument, "--min-guest-svn is a 32-bit value");
    }
    o.min_guest_svn = static_cast<uint32_t>(f.min_guest_svn);
  }
  if (f.vmpl >= 0) {
    if (f.vmpl > 3) return MakeError(ErrorCode::kInvalidArgument, "--vmpl is 0..3");
    o.vmpl = static_cast<uint32_t>(f.vmpl);
  }
  if (f.min_build >= 0) {
    if (f.min_build > 255) return MakeError(ErrorCode::kInvalidArgument, "--min-build is 0..255");
    o.min_build = static_cast<uint8_t>(f.min_build);
  }
  auto tcb = [](const std::string& text, const char* option,
                std::optional<snp::TcbParts>& into) -> Status {
    if (text.empty()) return Ok();
    auto t = snp::ParseTcbSpec(text);
    if (!t) return tl::unexpected(WithOption(t.error(), option));
    into = *t;
    return Ok();
  };
  VT_RETURN_IF_ERROR(tcb(f.min_tcb, "--min-tcb", o.min_tcb));
  VT_RETURN_IF_ERROR(tcb(f.min_launch_tcb, "--min-launch-tcb", o.min_launch_tcb));
  auto version = [](const std::string& text, const char* option,
                    std::optional<snp::FirmwareVersion>& into) -> Status {
    if (text.empty()) return Ok();
    auto v = snp::ParseFirmwareVersion(text);
    if (!v) return tl::unexpected(WithOption(v.error(), option));
    into = *v;
    return Ok();
  };
  VT_RETURN_IF_ERROR(version(f.min_abi, "--min-abi", o.min_abi));
  VT_RETURN_IF_ERROR(version(f.min_firmware, "--min-firmware", o.min_firmware));
  VT_ASSIGN_OR_RETURN(uint64_t rp, FlagMask(f.require_policy, true, "--require-policy"));
  VT_ASSIGN_OR_RETURN(uint64_t fp, FlagMask(f.forbid_policy, true, "--forbid-policy"));
  VT_ASSIGN_OR_RETURN(uint64_t rq, FlagMask(f.require_platform, false, "--require-platform"));
  VT_ASSIGN_OR_RETURN(uint64_t fq, FlagMask(f.forbid_platform, false, "--forbid-platform"));
  o.require_policy |= rp;
  o.forbid_policy |= fp;
  o.require_platform |= rq;
  o.forbid_platform |= fq;
  if ((o.require_policy & o.forbid_policy) != 0 || (o.require_platform & o.forbid_platform) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "a flag is both required and forbidden");
  }
  VT_ASSIGN_OR_RETURN(auto ids, Digests(f.trusted_id_keys, "--trusted-id-key"));
  VT_ASSIGN_OR_RETURN(auto authors, Digests(f.trusted_author_keys, "--trusted-author-key"));
  o.trusted_id_keys.insert(o.trusted_id_keys.end(), ids.begin(), ids.end());
  o.trusted_author_keys.insert(o.trusted_author_keys.end(), authors.begin(), authors.end());
  return in;
}


class SnpHandler final : public FormatHandler {
 public:
  std::string_view tee() const override { return "sev-snp"; }

  // An SEV-SNP report has no magic. It is recognised by its VERSION word (a small number)
  // and a size near 1184 bytes, so that a truncated or extended report still reaches the
  // SNP parser and is rejected with a precise reason.
  int Detect(ByteSpan bytes) const override {
    if (bytes.size() < 4 || bytes.size() > 2 * snp::kReportSize) return 0;
    uint32_t version = uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 |
                       uint32_t{bytes[2]} << 16 | uint32_t{bytes[3]} << 24;
    if (version > 0xff) return 0;
    return bytes.size() == snp::kReportSize ? 2 : 1;
  }

  Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) override {
    VT_ASSIGN_OR_RETURN(snp::VerifyInputs in, SnpInputs(request));
    return verifier_.Verify(evidence, in);
  }

  Result<Json> Inspect(ByteSpan evidence, const std::string& product_hint) override {
    VT_ASSIGN_OR_RETURN(snp::Report report, snp::ParseReport(evidence));
    snp::Product product = snp::ProductFromReport(report);
    if (!product_hint.empty()) {
      VT_ASSIGN_OR_RETURN(product, snp::ParseProduct(product_hint));
    }
    Json out = Json{{"tee", "sev-snp"},
                    {"format", "AMD SEV-SNP ATTESTATION_REPORT"},
                    {"claims", snp::ReportClaims(report, product)}};
    out["signature"] = Json{{"algorithm", "ECDSA P-384 (r, s little-endian)"},
                            {"r", ToHex(report.signature_r)},
                            {"s", ToHex(report.signature_s)}};
    if (product == snp::Product::kUnknown) {
      out["note"] =
          "version 2 reports do not name their product; TCB values are shown in the "
          "Milan/Genoa layout (pass --product turin for Turin)";
    }
    return out;
  }

 private:
  snp::SnpVerifier verifier_;
};

}  // namespace

FormatHandler* NewSnpHandler() {
  static SnpHandler handler;
  return &handler;
}

}  // namespace veritee::cli
