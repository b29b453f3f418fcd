#include "cli/verify_flags.h"

#include <map>

#include "cli/format.h"

#include "base/encoding.h"
#include "base/file.h"
#include "parse/snp/cert_table.h"
#include "parse/snp/flags.h"
#include "verify/snp/policy.h"

namespace veritee::cli {
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
  auto* parts = "Evidence in several parts";
  cmd.add_option("--signature", f.signature, "TPM: the quote signature (tpm2_quote -s)")->group(parts);
  cmd.add_option("--ak", f.ak, "TPM: the attestation key, TPM2B_PUBLIC or PEM")->group(parts);
  cmd.add_option("--pcrs", f.pcrs, "TPM: PCR values (tpm2_quote -o)")->group(parts);
  cmd.add_option("--event-log", f.event_log, "TPM: the TCG event log")->group(parts);
  cmd.add_option("--rim", f.rims, "NVIDIA: a reference integrity manifest; repeatable")->group(parts);
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
  auto* dcap = "Intel DCAP (TDX / SGX) validation";
  cmd.add_option("--forbid-advisory", f.forbid_advisories,
                 "reject when this Intel advisory applies (e.g. INTEL-SA-00615); repeatable")
      ->group(dcap);
  cmd.add_option("--td-attributes", f.td_attributes,
                 "TDX: required TDATTRIBUTES, 8 bytes of hex in quote order")
      ->group(dcap);
  cmd.add_option("--xfam", f.xfam, "TDX: required XFAM, 8 bytes of hex in quote order")->group(dcap);
  cmd.add_option("--min-tee-tcb-svn", f.min_tee_tcb_svn,
                 "TDX: minimum TEE_TCB_SVN, 16 bytes of hex (each byte at least)")
      ->group(dcap);
  cmd.add_flag("--require-sept-ve-disable", f.require_sept_ve_disable,
               "TDX: require TDATTRIBUTES.SEPT_VE_DISABLE")
      ->group(dcap);
  cmd.add_option("--isv-prod-id", f.isv_prod_id, "SGX: required ISVPRODID")->group(dcap);
  cmd.add_option("--min-isv-svn", f.min_isv_svn, "SGX: minimum ISVSVN")->group(dcap);
}

Result<VerifyRequest> BuildRequest(const VerifyFlags& f) {
  VerifyRequest in;
  in.flags = &f;
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
  if (!f.policy.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes text, ReadFile(f.policy));
    in.policy_text = std::make_shared<const std::string>(text.begin(), text.end());
  }
  return in;
}

Result<const std::string*> PolicyText(const VerifyRequest& request) {
  if (request.flags == nullptr || request.flags->policy.empty()) return nullptr;
  if (!request.policy_text) {
    return MakeError(ErrorCode::kInternal, "--policy " + request.flags->policy + " was not loaded");
  }
  return request.policy_text.get();
}

Result<std::map<std::string, std::string>> SplitExpects(const VerifyFlags& f) {
  std::map<std::string, std::string> out;
  for (const std::string& e : f.expects) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "--expect wants NAME=HEX, got '" + e + "'");
    }
    out[e.substr(0, eq)] = e.substr(eq + 1);
  }
  return out;
}

}  // namespace veritee::cli
