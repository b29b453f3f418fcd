// The SGX extension of Intel PCK certificates (OID 1.2.840.113741.1.13.1), decoded and
// encoded without OpenSSL.
//
// Intel "SGX PCK Certificate and CRL Profile Specification", section "SGX Extensions"
// (NOTES.md section 5): a SEQUENCE of SEQUENCE { OID, value } under the arc
// 1.2.840.113741.1.13.1:
//   .1 PPID OCTET STRING(16)
//   .2 TCB  SEQUENCE { SEQUENCE { .2.1 .. .2.16 INTEGER }, { .2.17 PCESVN INTEGER },
//                      { .2.18 CPUSVN OCTET STRING(16) } }
//   .3 PCE-ID OCTET STRING(2)   .4 FMSPC OCTET STRING(6)   .5 SGX type ENUMERATED
//   .6 platform instance ID OCTET STRING(16) and .7 configuration SEQUENCE (platform CA
//      certificates only; kept as raw bytes)
// Strict DER: definite minimal lengths, minimal INTEGERs, each OID at most once, no bytes
// after a value. The mandatory entries (TCB with all 18 parts, PCE-ID, FMSPC) must be
// present. Unknown OIDs under the arc are ignored (Intel may add more).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::dcap {

inline constexpr std::string_view kSgxExtensionOid = "1.2.840.113741.1.13.1";

enum class SgxType : uint8_t { kStandard = 0, kScalable = 1, kScalableWithIntegrity = 2 };
std::string_view SgxTypeName(SgxType type);

struct PckExtensions {
  std::array<uint8_t, 16> ppid{};
  std::array<uint8_t, 16> tcb_comp_svn{};  // .2.1 .. .2.16
  uint16_t pcesvn = 0;
  std::array<uint8_t, 16> cpusvn{};
  std::array<uint8_t, 2> pce_id{};
  std::array<uint8_t, 6> fmspc{};
  std::optional<SgxType> sgx_type;
  std::optional<Bytes> platform_instance_id;  // raw contents
  std::optional<Bytes> configuration;         // raw DER contents of the SEQUENCE

  bool operator==(const PckExtensions&) const = default;
};

// `value` is the extnValue contents (the outer SEQUENCE).
Result<PckExtensions> ParsePckExtensions(ByteSpan value);
// The DER of the outer SEQUENCE (simulator, tests, fuzz seeds).
Bytes WritePckExtensions(const PckExtensions& ext);

// DER helpers shared with the writer's tests: encodes an OID given in dotted form.
Result<Bytes> EncodeOid(std::string_view dotted);
Result<std::string> DecodeOid(ByteSpan contents);

}  // namespace veritee::dcap
