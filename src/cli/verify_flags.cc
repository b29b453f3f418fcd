#include "cli/verify_flags.h"

#include "base/encoding.h"
#include "base/file.h"
#include "parse/snp/cert_table.h"
#include "parse/snp/flags.h"
#include "verify/snp/policy.h"

namespace veritee::cli {
namespace {

// Splits "a,b" list items given once or repeated.
std::vector<std::string> SplitAll(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      std::string part = item.substr(start, comma == std::string::npos ? std::string::npos
                                                                       : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

Error WithOption(Error e, const std::string& option) {
  e.message = option + ": " + e.message;
  return e;
}

// Certificates from a PEM/DER file, or from an SEV-SNP certificate table (auxblob).
Result<std::vector<Certificate>> LoadCerts(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
  if (snp::LooksLikeCertTable(bytes)) {
    auto table = snp::ParseCertTable(bytes);
    if (!table) return tl::unexpected(WithOption(table.error(), path));
    std::vector<Certificate> out;
    for (const auto& entry : *table) {
      auto certs = ParseCertificates(entry.data);
      if (!certs) return tl::unexpected(WithOption(certs.error(), path));
      out.insert(out.end(), certs->begin(), certs->end());
    }
    return out;
  }
  auto certs = ParseCertificates(bytes);
  if (!certs) return tl::unexpected(WithOption(certs.error(), path));
  return certs;
}

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

}  // namespace

void AddVerifyFlags(CLI::App& cmd, VerifyFlags& f) {
  cmd.add_option("--cert", f.certs,
                 "certificate sent with the evidence (VCEK/VLEK, ASK, ARK…), PEM, DER or an "
                 "SEV-SNP certificate table; repeatable");
  cmd.add_option("--collateral", f.collateral, "collateral bundle or folder (DCAP; unused by SNP)");
  cmd.add_option("--crl", f.crls, "a CRL (PEM or DER); repeatable");
  cmd.add_option("--trust-root", f.trust_roots,
                 "an extra trust anchor, e.g. the simulator's ARK; repeatable. Never replaces "
                 "the built-in vendor roots; evidence chaining to it is marked simulated");
  cmd.add_option("--at", f.at, "verification time, RFC 3339 or Unix seconds (default: now)");
  cmd.add_option("--expect", f.expects,
                 "required claim value NAME=HEX (report_data, host_data, measurement, family_id, "
                 "image_id, id_key_digest, author_key_digest, report_id, report_id_ma, chip_id); "
                 "repeatable");
  cmd.add_option("--policy", f.policy, "policy JSON file (every option below has a key there)");
  cmd.add_flag("--allow-debug", f.allow_debug, "accept evidence from debuggable guests");
  cmd.add_option("--allow-tcb-status", f.allow_tcb_status,
                 "DCAP TCB statuses accepted besides UpToDate (no effect on SEV-SNP)");
  auto* snp = "SEV-SNP validation";
  cmd.add_option("--product", f.product, "required product: milan, genoa, turin")->group(snp);
  cmd.add_option("--min-guest-svn", f.min_guest_svn, "minimum GUEST_SVN")->group(snp);
  cmd.add_option("--min-tcb", f.min_tcb,
                 "minimum current/committed/reported TCB, e.g. "
                 "bootloader=3,tee=0,snp=8,microcode=115[,fmc=1]")
      ->group(snp);
  cmd.add_option("--min-launch-tcb", f.min_launch_tcb, "minimum LAUNCH_TCB (same syntax)")
      ->group(snp);
  cmd.add_option("--vmpl", f.vmpl, "required VMPL (0-3)")->group(snp);
  cmd.add_option("--require-policy", f.require_policy,
                 "guest policy flags that must be set (smt_allowed, migrate_ma, debug_allowed, "
                 "single_socket, cxl_allowed, mem_aes_256_xts, rapl_dis, ciphertext_hiding, "
                 "page_swap_disable); comma-separated or repeated")
      ->group(snp);
  cmd.add_option("--forbid-policy", f.forbid_policy, "guest policy flags that must be clear")
      ->group(snp);
  cmd.add_option("--min-abi", f.min_abi, "minimum policy ABI MAJOR.MINOR")->group(snp);
  cmd.add_option("--require-platform", f.require_platform,
                 "PLATFORM_INFO flags that must be set (smt_enabled, tsme_enabled, ecc_enabled, "
                 "rapl_disabled, ciphertext_hiding_enabled, alias_check_complete, "
                 "iommu_write_safe, sev_tio_enabled)")
      ->group(snp);
  cmd.add_option("--forbid-platform", f.forbid_platform, "PLATFORM_INFO flags that must be clear")
      ->group(snp);
  cmd.add_flag("--forbid-unknown-platform-bits", f.forbid_unknown_platform_bits,
               "reject PLATFORM_INFO bits this version does not know")
      ->group(snp);
  cmd.add_option("--min-firmware", f.min_firmware, "minimum firmware MAJOR.MINOR (current and committed)")
      ->group(snp);
  cmd.add_option("--min-build", f.min_build, "minimum firmware build")->group(snp);
  cmd.add_flag("--forbid-provisional-firmware", f.forbid_provisional_firmware,
               "require the current firmware to be the committed one")
      ->group(snp);
  cmd.add_flag("--require-id-block", f.require_id_block, "require a non-zero ID_KEY_DIGEST")
      ->group(snp);
  cmd.add_flag("--require-author-key", f.require_author_key, "require AUTHOR_KEY_EN")
      ->group(snp);
  cmd.add_option("--trusted-id-key", f.trusted_id_keys, "an allowed ID_KEY_DIGEST; repeatable")
      ->group(snp);
  cmd.add_option("--trusted-author-key", f.trusted_author_keys,
                 "an allowed AUTHOR_KEY_DIGEST; repeatable")
      ->group(snp);
  cmd.add_flag("--require-crl", f.require_crl, "reject when no CRL is given")->group(snp);
  cmd.add_flag("--allow-stale-crl", f.allow_stale_crl, "accept a CRL past its nextUpdate")
      ->group(snp);
}

Result<snp::VerifyInputs> BuildSnpInputs(const VerifyFlags& f) {
  snp::VerifyInputs in;
  if (f.at.empty()) {
    in.at = SystemClock().Now();
  } else {
    auto at = ParseTime(f.at);
    if (!at) return tl::unexpected(WithOption(at.error(), "--at"));
    in.at = *at;
  }
  for (const std::string& path : f.certs) {
    VT_ASSIGN_OR_RETURN(auto certs, LoadCerts(path));
    in.certs.insert(in.certs.end(), certs.begin(), certs.end());
  }
  for (const std::string& path : f.trust_roots) {
    VT_ASSIGN_OR_RETURN(auto certs, LoadCerts(path));
    in.extra_roots.insert(in.extra_roots.end(), certs.begin(), certs.end());
  }
  for (const std::string& path : f.crls) {
    VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
    auto crl = Crl::Parse(bytes);
    if (!crl) return tl::unexpected(WithOption(crl.error(), path));
    in.crls.push_back(std::move(*crl));
  }
  snp::ValidationOptions& o = in.validation;
  if (!f.policy.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes text, ReadFile(f.policy));
    auto st = snp::LoadPolicyText(
        std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), o);
    if (!st) return tl::unexpected(WithOption(st.error(), f.policy));
  }
  for (const std::string& e : f.expects) {
    size_t eq = e.find('=');
    if (eq == std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "--expect wants NAME=HEX, got '" + e + "'");
    }
    auto value = snp::ParseExpectValue(e.substr(0, eq), e.substr(eq + 1));
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect"));
    o.expect[e.substr(0, eq)] = std::move(*value);
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

}  // namespace veritee::cli
