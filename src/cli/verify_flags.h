// The verification options shared by `verify` and `bench verify`, and their translation
// into verifier inputs.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "verify/snp/options.h"

namespace veritee::cli {

struct VerifyFlags {
  std::vector<std::string> certs, crls, trust_roots, expects;
  std::string at, policy, collateral, product, min_tcb, min_launch_tcb, min_abi, min_firmware;
  std::vector<std::string> require_policy, forbid_policy, require_platform, forbid_platform;
  std::vector<std::string> trusted_id_keys, trusted_author_keys;
  std::string allow_tcb_status;
  int64_t min_guest_svn = -1, vmpl = -1, min_build = -1;
  bool allow_debug = false, require_crl = false, allow_stale_crl = false;
  bool forbid_unknown_platform_bits = false, forbid_provisional_firmware = false;
  bool require_id_block = false, require_author_key = false;
};

void AddVerifyFlags(CLI::App& cmd, VerifyFlags& f);

// Reads every file the flags name and builds the verifier inputs. Errors are usage errors
// or unreadable files (exit 2).
Result<snp::VerifyInputs> BuildSnpInputs(const VerifyFlags& f);

}  // namespace veritee::cli
