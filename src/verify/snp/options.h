// SEV-SNP verification inputs and validation options.
//
// The validation set covers go-sev-guest's validate.Options: exact values for the
// measurement-like fields, minimum SVN / TCB / launch TCB / firmware, VMPL, required and
// forbidden guest-policy and platform-info bits, ID and author key requirements. Every
// option has a command-line form (cli/) and a key in the `--policy` JSON ("sev-snp"
// section, policy.h). Anything dangerous is off by default and named loudly:
// allow_debug, allow_stale_crl.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/snp/tcb.h"

namespace veritee::snp {

struct FirmwareVersion {
  uint8_t major = 0;
  uint8_t minor = 0;
};

struct ValidationOptions {
  // Exact values: report_data, host_data, measurement, family_id, image_id, id_key_digest,
  // author_key_digest, report_id, report_id_ma, chip_id. report_data may be shorter than 64
  // bytes: then the report's REPORT_DATA must start with it and be zero after it.
  std::map<std::string, Bytes> expect;
  std::optional<uint32_t> min_guest_svn;
  std::optional<TcbParts> min_tcb;         // current, committed and reported TCB
  std::optional<TcbParts> min_launch_tcb;  // launch TCB
  std::optional<uint32_t> vmpl;            // exact VMPL
  uint64_t require_policy = 0;             // guest POLICY bits that must be set
  uint64_t forbid_policy = 0;              // guest POLICY bits that must be clear
  std::optional<FirmwareVersion> min_abi;  // POLICY ABI major.minor
  bool allow_debug = false;                // accept POLICY.DEBUG = 1
  uint64_t require_platform = 0;           // PLATFORM_INFO bits that must be set
  uint64_t forbid_platform = 0;            // PLATFORM_INFO bits that must be clear
  bool forbid_unknown_platform_bits = false;
  std::optional<FirmwareVersion> min_firmware;  // CURRENT and COMMITTED major.minor
  std::optional<uint8_t> min_build;             // CURRENT and COMMITTED build
  bool forbid_provisional_firmware = false;     // CURRENT must equal COMMITTED
  bool require_id_block = false;                // ID_KEY_DIGEST non-zero
  bool require_author_key = false;              // AUTHOR_KEY_EN = 1
  std::vector<Bytes> trusted_id_keys;           // allowed ID_KEY_DIGEST values
  std::vector<Bytes> trusted_author_keys;       // allowed AUTHOR_KEY_DIGEST values
  std::optional<Product> product;               // required product
  bool require_crl = false;                     // reject when no CRL was given
  bool allow_stale_crl = false;                 // accept a CRL past its nextUpdate
};

struct VerifyInputs {
  UnixTime at = 0;
  std::vector<Certificate> certs;        // VCEK/VLEK and any ASK/ASVK/ARK sent with the report
  std::vector<Crl> crls;
  std::vector<Certificate> extra_roots;  // --trust-root: never replaces the built-in roots
  ValidationOptions validation;
};

// Field names accepted by `expect` with their sizes in bytes.
const std::map<std::string, size_t>& ExpectableFields();

}  // namespace veritee::snp
