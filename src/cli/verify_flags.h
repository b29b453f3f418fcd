// The verification options shared by `verify` and `bench verify`, and their translation
// into verifier inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "crypto/x509.h"

namespace veritee::cli {

struct VerifyFlags {
  std::vector<std::string> certs, crls, trust_roots, expects;
  std::string at, policy, collateral, product, min_tcb, min_launch_tcb, min_abi, min_firmware;
  std::vector<std::string> require_policy, forbid_policy, require_platform, forbid_platform;
  std::vector<std::string> trusted_id_keys, trusted_author_keys;
  std::string allow_tcb_status;
  std::string signature, ak, pcrs, event_log;  // TPM parts
  std::vector<std::string> rims;               // NVIDIA reference integrity manifests
  int64_t min_guest_svn = -1, vmpl = -1, min_build = -1;
  bool allow_debug = false, require_crl = false, allow_stale_crl = false;
  bool forbid_unknown_platform_bits = false, forbid_provisional_firmware = false;
  bool require_id_block = false, require_author_key = false;
  // DCAP (TDX / SGX).
  std::vector<std::string> forbid_advisories;
  std::string td_attributes, xfam, min_tee_tcb_svn;
  int64_t isv_prod_id = -1, min_isv_svn = -1;
  bool require_sept_ve_disable = false;
};

void AddVerifyFlags(CLI::App& cmd, VerifyFlags& f);

// "a,b" items given once or repeated, split and flattened.
std::vector<std::string> SplitAll(const std::vector<std::string>& items);
// Prefixes an error message with the option (or file) it came from.
Error WithOption(Error e, const std::string& option);
// Certificates from a PEM/DER file, or from an SEV-SNP certificate table (auxblob).
Result<std::vector<Certificate>> LoadCerts(const std::string& path);
// --expect NAME=HEX items as a map (names and values are checked by each format).
Result<std::map<std::string, std::string>> SplitExpects(const VerifyFlags& f);

}  // namespace veritee::cli
