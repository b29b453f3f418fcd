// Intel DCAP quotes: SGX quote v3, SGX/TDX quote v4 and quote v5, as plain structs with a
// parser and a writer. No cryptography here.
//
// Follows Intel "SGX ECDSA Quote Library API" (quote v3: sgx_quote_3.h), "TDX DCAP Quoting
// Library API" (quote v4: sgx_quote_4.h, TD report 1.0; quote v5: sgx_quote_5.h, body
// descriptor and TD report 1.5), and ../shared/testdata/tdx/NOTES.md sections 1-3.
// All integers are little-endian; signatures and the attestation key are big-endian
// r||s and x||y (NOTES.md section 4), kept as bytes.
//
//   v3: header(48) | SGX report body(384) | u32 sig_len | ECDSA sig data v3
//   v4: header(48) | body (SGX 384 when tee_type = 0, TD 1.0 584 when 0x81) | u32 sig_len | sig data
//   v5: header(48) | u16 body_type | u32 body_size | body | u32 sig_len | sig data
//   sig data v3: sig(64) | att key(64) | QE report(384) | QE sig(64) | u16 auth_len | auth |
//                u16 cert_type | u32 cert_len | cert data
//   sig data v4/v5: sig(64) | att key(64) | u16 cert_type | u32 cert_len | cert data, where
//                cert type 6 (QE report certification data) holds QE report | QE sig |
//                u16 auth_len | auth | u16 cert_type (5) | u32 len | PEM PCK chain.
//
// Strict where the layout is fixed: known version, key type and TEE type; reserved bytes of
// the SGX report bodies and of the v4/v5 header zero; every declared length inside the
// buffer and the signature data consumed exactly. Bytes after the signature data are kept
// in `trailing` (real quotes come in fixed buffers padded with zeros): ParseQuote accepts
// them only when all zero; ParseQuoteKeepTrailing accepts any and leaves the decision to
// the verifier, which rejects non-zero trailing bytes as its own failed check. The writer
// emits the exact bytes, so write(parse(b)) == b and parse(write(q)) == q.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::dcap {

inline constexpr size_t kHeaderSize = 48;
inline constexpr size_t kSgxReportSize = 384;
inline constexpr size_t kTdReport10Size = 584;
inline constexpr size_t kTdReport15Size = 648;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kAttestKeySize = 64;
inline constexpr uint16_t kAttKeyEcdsaP256 = 2;
inline constexpr uint16_t kAttKeyEcdsaP384 = 3;
inline constexpr uint32_t kTeeSgx = 0x00000000;
inline constexpr uint32_t kTeeTdx = 0x00000081;
inline constexpr std::array<uint8_t, 16> kIntelQeVendorId = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c,
                                                            0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3,
                                                            0x95, 0x7f, 0x06, 0x07};

// Certification data types (sgx_quote_3.h, sgx_ql_cert_key_type_t).
enum class CertDataType : uint16_t {
  kPpidCleartext = 1,
  kPpidRsa2048Encrypted = 2,
  kPpidRsa3072Encrypted = 3,
  kPckCleartext = 4,
  kPckCertChain = 5,
  kQeReportCertData = 6,
  kPlatformManifest = 7,
};
// "PCK_CERT_CHAIN" etc., or "unknown type N".
std::string CertDataTypeName(uint16_t type);

// v5 body descriptor types.
enum class BodyType : uint16_t { kSgx = 1, kTd10 = 2, kTd15 = 3 };
// "sgx_enclave_report", "td_report_1_0", "td_report_1_5".
std::string_view BodyTypeName(BodyType type);

struct Header {
  uint16_t version = 0;                 // 0: 3, 4 or 5
  uint16_t att_key_type = 0;            // 2: ECDSA-256 with P-256
  uint32_t tee_type = 0;                // 4: v4/v5 TEE type; v3: att_key_data_0 (must be 0)
  uint16_t qe_svn = 0;                  // 8: v3 only (reserved in v4/v5)
  uint16_t pce_svn = 0;                 // 10: v3 only
  std::array<uint8_t, 16> qe_vendor_id{};  // 12
  std::array<uint8_t, 20> user_data{};     // 28
  bool operator==(const Header&) const = default;
};

// sgx_report_body_t (384 bytes); also the QE report's layout.
struct SgxReportBody {
  std::array<uint8_t, 16> cpu_svn{};          // 0
  uint32_t misc_select = 0;                   // 16 (reserved 20..31)
  std::array<uint8_t, 16> isv_ext_prod_id{};  // 32
  std::array<uint8_t, 16> attributes{};       // 48: flags u64 LE | xfrm u64 LE
  std::array<uint8_t, 32> mr_enclave{};       // 64 (reserved 96..127)
  std::array<uint8_t, 32> mr_signer{};        // 128 (reserved 160..191)
  std::array<uint8_t, 64> config_id{};        // 192
  uint16_t isv_prod_id = 0;                   // 256
  uint16_t isv_svn = 0;                       // 258
  uint16_t config_svn = 0;                    // 260 (reserved 262..303)
  std::array<uint8_t, 16> isv_family_id{};    // 304
  std::array<uint8_t, 64> report_data{};      // 320

  uint64_t flags() const;
  uint64_t xfrm() const;
  bool debug() const { return (flags() & 0x2) != 0; }
  bool operator==(const SgxReportBody&) const = default;
};

// TD report body 1.0 (584 bytes); 1.5 adds tee_tcb_svn2 and mr_servicetd (648 bytes).
struct TdReportBody {
  std::array<uint8_t, 16> tee_tcb_svn{};      // 0
  std::array<uint8_t, 48> mr_seam{};          // 16
  std::array<uint8_t, 48> mr_signer_seam{};   // 64
  uint64_t seam_attributes = 0;               // 112
  uint64_t td_attributes = 0;                 // 120
  uint64_t xfam = 0;                          // 128
  std::array<uint8_t, 48> mr_td{};            // 136
  std::array<uint8_t, 48> mr_config_id{};     // 184
  std::array<uint8_t, 48> mr_owner{};         // 232
  std::array<uint8_t, 48> mr_owner_config{};  // 280
  std::array<std::array<uint8_t, 48>, 4> rtmr{};  // 328, 376, 424, 472
  std::array<uint8_t, 64> report_data{};      // 520
  // TD 1.5 only:
  std::array<uint8_t, 16> tee_tcb_svn2{};     // 584
  std::array<uint8_t, 48> mr_servicetd{};     // 600

  bool debug() const { return (td_attributes & 0x1) != 0; }
  bool operator==(const TdReportBody&) const = default;
};

struct CertificationData {
  uint16_t type = 0;
  Bytes data;
  bool operator==(const CertificationData&) const = default;
};

// The QE report and what binds it (type 6 payload in v4/v5; inline in v3).
struct QeReportCertData {
  SgxReportBody qe_report;
  std::array<uint8_t, kSignatureSize> qe_report_signature{};
  Bytes qe_auth_data;
  CertificationData inner;  // type 5: the PEM PCK chain (leaf, intermediate, root)
  bool operator==(const QeReportCertData&) const = default;
};

struct Quote {
  Header header;
  std::optional<BodyType> body_descriptor;  // v5 only: the descriptor's type
  BodyType body_type = BodyType::kSgx;      // what the body is (all versions)
  SgxReportBody sgx;                        // when body_type == kSgx
  TdReportBody td;                          // when body_type is kTd10 or kTd15
  uint32_t sig_data_len = 0;
  std::array<uint8_t, kSignatureSize> signature{};
  std::array<uint8_t, kAttestKeySize> attest_key{};
  // v4/v5: the outer certification data; when its type is 6 `qe` holds the decoded
  // payload and outer.data is empty. v3: outer is {0, {}} and `qe` is always set.
  CertificationData outer;
  std::optional<QeReportCertData> qe;
  Bytes trailing;  // bytes after the signature data

  // Byte ranges in the received quote (set by the parser; the writer's output has the same).
  size_t signed_size = 0;       // header + (descriptor) + body: the quote signature covers these
  size_t qe_report_offset = 0;  // the 384 bytes the PCK key signs

  bool is_tdx() const { return body_type != BodyType::kSgx; }
  bool trailing_all_zero() const { return AllZero(trailing); }
  bool operator==(const Quote& o) const {
    return header == o.header && body_descriptor == o.body_descriptor &&
           body_type == o.body_type && sgx == o.sgx && td == o.td &&
           sig_data_len == o.sig_data_len && signature == o.signature &&
           attest_key == o.attest_key && outer == o.outer && qe == o.qe &&
           trailing == o.trailing && signed_size == o.signed_size &&
           qe_report_offset == o.qe_report_offset;
  }
};

// Parses a quote; bytes after the signature data must be zero (kTrailingData otherwise,
// with the offset of the first non-zero byte). Errors: kTruncated, kUnsupported (version,
// key type, TEE type, body type, QE vendor other than Intel's is NOT an error here),
// kReservedNonZero, kMalformed (a length that disagrees with its content), kTrailingData.
Result<Quote> ParseQuote(ByteSpan bytes);
// The same, but any trailing bytes are kept in Quote::trailing without judgement.
Result<Quote> ParseQuoteKeepTrailing(ByteSpan bytes);

// Parses a 384-byte SGX report body (reserved ranges must be zero).
Result<SgxReportBody> ParseSgxReportBody(ByteSpan bytes, size_t base_offset = 0);
void WriteSgxReportBody(ByteWriter& w, const SgxReportBody& body);

// The exact bytes of `quote`, trailing bytes included. The length fields (sig_data_len,
// cert lengths, v5 body size) are recomputed from the content, so a writer-made quote is
// always well formed; signed_size and qe_report_offset of `quote` are not consulted.
Bytes WriteQuote(const Quote& quote);
// Sets sig_data_len, signed_size, qe_report_offset (and outer.type 6 when `qe` is set in a
// v4/v5 quote) to what WriteQuote emits.
void UpdateLayout(Quote& quote);

// The bytes the quote signature covers (empty when `bytes` is shorter than signed_size).
ByteSpan SignedPart(ByteSpan bytes, const Quote& quote);
// The QE report bytes as received (empty when absent).
ByteSpan QeReportBytes(ByteSpan bytes, const Quote& quote);

// Detection for the CLI: a DCAP quote header with a known version/key/TEE and Intel's QE
// vendor ID. 0 no, 1 plausible, 2 certain.
int DetectQuote(ByteSpan bytes);

}  // namespace veritee::dcap
