// Intel PCS collateral bodies: TCB Info (v2, v3; id SGX or TDX) and Enclave Identity v2
// (QE, TD_QE), parsed from the exact text Intel signs. No cryptography here.
//
// Intel "Provisioning Certification Service API v4" (Get TCB Info, Get Quoting Enclave
// Identity / TD QE Identity; field tables there) and NOTES.md sections 6 and 8. A PCS
// response body is {"tcbInfo": {...}, "signature": "<128 hex>"} (or "enclaveIdentity");
// the ECDSA signature covers the exact bytes of the inner value as received, so
// SliceSignedBody() cuts them out of the text without re-serialising. Duplicate keys are
// rejected (a parser that keeps the first and one that keeps the last would disagree on
// what was signed). Unknown keys inside the signed bodies are tolerated: Intel adds fields
// over time and the signature vouches for them; missing or ill-typed required fields are
// kMalformed. FMSPC and other hex fields are accepted in either case.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"

namespace veritee::dcap {

// PCS statuses, plus the verifier-side outcomes of Intel's QVL.
enum class TcbStatus {
  kUpToDate,
  kSwHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSwHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
  kTdRelaunchAdvised,                     // verifier-side (TD 1.5 relaunch rule)
  kTdRelaunchAdvisedConfigurationNeeded,  // verifier-side
  kTcbNotSupported,                       // verifier-side: no TCB level matches
};
std::string_view TcbStatusName(TcbStatus status);
// Collateral status strings (the first seven) and, for options, the verifier-side ones.
Result<TcbStatus> TcbStatusFromName(std::string_view name);

struct SignedBody {
  std::string_view body;  // exact bytes of the signed value, a view into the input
  std::array<uint8_t, 64> signature{};
};
// Cuts the value of `key` and the "signature" member out of a PCS response body. The text
// may end with NULs or whitespace. Errors: kMalformed (not a JSON object, duplicate or
// missing keys, signature not 64 bytes of hex, other top-level members).
Result<SignedBody> SliceSignedBody(std::string_view text, std::string_view key);

struct TcbComponent {
  uint8_t svn = 0;
  std::string category, type;
  bool operator==(const TcbComponent&) const = default;
};

struct TcbLevel {
  std::array<TcbComponent, 16> sgx{};
  uint16_t pcesvn = 0;
  std::optional<std::array<TcbComponent, 16>> tdx;  // TDX TCB Info only
  UnixTime tcb_date = 0;
  std::string tcb_date_text;
  TcbStatus status = TcbStatus::kOutOfDate;
  std::vector<std::string> advisory_ids;
  bool operator==(const TcbLevel&) const = default;
};

struct IdentityTcbLevel {  // QE identity and TDX module identity levels
  uint16_t isvsvn = 0;
  UnixTime tcb_date = 0;
  std::string tcb_date_text;
  TcbStatus status = TcbStatus::kOutOfDate;
  std::vector<std::string> advisory_ids;
  bool operator==(const IdentityTcbLevel&) const = default;
};

struct TdxModule {
  std::array<uint8_t, 48> mrsigner{};
  std::array<uint8_t, 8> attributes{};
  std::array<uint8_t, 8> attributes_mask{};
  bool operator==(const TdxModule&) const = default;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01", "TDX_03", ...
  TdxModule module;
  std::vector<IdentityTcbLevel> tcb_levels;
  bool operator==(const TdxModuleIdentity&) const = default;
};

struct TcbInfo {
  std::string id;  // "SGX" or "TDX" (v2 has no id: "SGX")
  uint32_t version = 0;
  UnixTime issue_date = 0;
  UnixTime next_update = 0;
  std::string issue_date_text, next_update_text;
  std::array<uint8_t, 6> fmspc{};
  std::array<uint8_t, 2> pce_id{};
  uint32_t tcb_type = 0;
  uint32_t tcb_evaluation_data_number = 0;
  std::optional<TdxModule> tdx_module;
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> tcb_levels;
  bool operator==(const TcbInfo&) const = default;
};

struct QeIdentity {
  std::string id;  // "QE", "TD_QE" (or "QVE")
  uint32_t version = 0;
  UnixTime issue_date = 0;
  UnixTime next_update = 0;
  std::string issue_date_text, next_update_text;
  uint32_t tcb_evaluation_data_number = 0;
  uint32_t miscselect = 0;
  uint32_t miscselect_mask = 0;
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 16> attributes_mask{};
  std::array<uint8_t, 32> mrsigner{};
  uint16_t isvprodid = 0;
  std::vector<IdentityTcbLevel> tcb_levels;
  bool operator==(const QeIdentity&) const = default;
};

// Parse the signed body text (the value of "tcbInfo" / "enclaveIdentity").
Result<TcbInfo> ParseTcbInfo(std::string_view body);
Result<QeIdentity> ParseQeIdentity(std::string_view body);

// Writers (simulator, tests): compact JSON in Intel's field order.
std::string WriteTcbInfo(const TcbInfo& info);
std::string WriteQeIdentity(const QeIdentity& identity);
// {"<key>":<body>,"signature":"<hex>"} byte-exactly around `body`.
std::string WrapSignedBody(std::string_view key, std::string_view body,
                           const std::array<uint8_t, 64>& signature);

}  // namespace veritee::dcap
