// DCAP (SGX and TDX) verification inputs and validation options.
//
// The validation set follows go-tdx-guest's validate.Options and Intel's appraisal
// guidance: exact values for the measurement registers and identities, minimum SVNs,
// attribute bits, and the TCB statuses a relying party accepts. Every option has a
// command-line form (cli/formats/dcap.cc) and a key in the `--policy` JSON ("tdx" and
// "sgx" sections, policy.h). Strict by default (DESIGN.md invariant 3): only UpToDate is
// accepted, debug TDs and enclaves are rejected; each relaxation is a named option.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/dcap/collateral.h"
#include "trust/dcap_collateral.h"

namespace veritee::dcap {

struct ValidationOptions {
  // Exact values. TDX: mr_td, rtmr0..rtmr3, mr_seam, mr_signer_seam, mr_config_id,
  // mr_owner, mr_owner_config, report_data, mr_servicetd; SGX: mr_enclave, mr_signer,
  // report_data, config_id. report_data may be shorter than 64 bytes: the quote's then
  // starts with it and is zero after it.
  std::map<std::string, Bytes> expect;
  // TCB statuses accepted besides UpToDate (which is always accepted).
  std::set<TcbStatus> allowed_statuses;
  // Advisory IDs that reject even an accepted status (e.g. "INTEL-SA-00615").
  std::set<std::string> forbidden_advisories;
  bool allow_debug = false;
  // TDX.
  std::optional<uint64_t> td_attributes;       // exact TDATTRIBUTES
  uint64_t td_attributes_mask = ~uint64_t{0};  // bits compared by td_attributes
  std::optional<uint64_t> xfam;                // exact XFAM
  uint64_t xfam_mask = ~uint64_t{0};
  std::optional<std::array<uint8_t, 16>> min_tee_tcb_svn;  // each byte at least
  bool require_sept_ve_disable = false;
  // SGX.
  std::optional<uint16_t> isv_prod_id;
  std::optional<uint16_t> min_isv_svn;
  // Collateral.
  bool allow_stale_crl = false;  // accept a CRL past its nextUpdate
};

struct VerifyInputs {
  UnixTime at = 0;
  std::shared_ptr<const trust::DcapCollateral> collateral;  // required
  std::vector<Certificate> certs;        // --cert: extra certificates (e.g. a TCB signing cert)
  std::vector<Certificate> extra_roots;  // --trust-root (simulator); never replaces Intel's root
  ValidationOptions validation;
};

// Field names accepted by `expect` for each TEE, with their sizes.
const std::map<std::string, size_t>& ExpectableTdxFields();
const std::map<std::string, size_t>& ExpectableSgxFields();

}  // namespace veritee::dcap
