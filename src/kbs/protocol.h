// The payloads of the KBS attestation protocol (confidential-containers/trustee,
// kbs/docs/kbs_attestation_protocol.md, protocol version 0.1.x) as veritee reads them.
//
//   Request      {"version": "0.1.1", "tee": "snp", "extra-params": {...} | ""}
//   Challenge    {"nonce": "...", "extra-params": {}}
//   Attestation  {"runtime-data": {"nonce": "...", "tee-pubkey": JWK}, "tee-evidence": E,
//                 "init-data"?: {...}}
//
// "Runtime data is a structured JSON document, and the hash of this data is bound to HW-TEE
// evidence": the guest hashes the canonical JSON of runtime-data (keys sorted, no
// whitespace, as trustee's serialize_canon_json) with SHA-384 or SHA-512 and puts the digest
// in the report data (64 bytes: SHA-384 followed by 16 zero bytes, or SHA-512).
// The tee-evidence of veritee guests is {"evidence": BASE64, "certificates": [PEM | BASE64
// DER, ...]}, alone or as trustee's composite {"primary_evidence": {...}}; a bare base64
// string is also accepted. (trustee's own attesters send Rust-serialised report structs,
// which this version does not read.)
//
// Every decoder here reads hostile bytes: size limits first, strict types, unknown members
// of our own objects refused, the JWK validated (crypto/jwe.h). Each has a fuzz target.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "crypto/jwe.h"

namespace veritee::kbs {

inline constexpr size_t kMaxEvidenceBytes = 256 * 1024;
inline constexpr size_t kMaxCertificates = 16;
inline constexpr size_t kMaxCertificateBytes = 32 * 1024;

// Parses untrusted JSON text: at most `max_depth` nested arrays/objects (checked before
// parsing), syntax errors and invalid UTF-8 refused (kMalformed). Never throws.
Result<nlohmann::json> ParseUntrustedJson(std::string_view text, size_t max_depth = 32);
// Compact JSON with keys sorted; invalid UTF-8 replaced (never throws).
std::string CanonicalJson(const nlohmann::json& value);

struct AuthRequest {
  std::string version;
  std::string tee;  // as sent ("snp", "tdx", "sgx", "amd-sev-snp", "intel-tdx", ...)
};

// The DESIGN.md tee name of a KBS tee value ("snp" -> "sev-snp"), or empty if unknown.
std::string TeeFromKbs(std::string_view kbs_tee);
// Versions 0.1.0 up to 0.4.x are understood.
bool SupportedProtocolVersion(std::string_view version);

Result<AuthRequest> ParseAuthRequest(std::string_view body);

struct TeeEvidence {
  Bytes evidence;
  std::vector<Bytes> certificates;  // PEM text or DER bytes, each as received/decoded
};

struct AttestationRequest {
  std::string nonce;
  Jwk tee_pubkey;
  std::string runtime_data_canonical;  // what the guest hashed
  TeeEvidence evidence;
};

Result<AttestationRequest> ParseAttestationRequest(std::string_view body);
// The canonical JSON of runtime data for a guest (what it must hash into its report data).
std::string CanonicalRuntimeData(const std::string& nonce, const Jwk& tee_pubkey);

// Whether 64 bytes of report data bind `runtime_data_canonical`: SHA-384 of it followed by
// 16 zero bytes, or its SHA-512. Returns the algorithm ("sha384"/"sha512") or empty.
std::string ReportDataBinding(ByteSpan report_data, std::string_view runtime_data_canonical);
// The 64 report-data bytes a guest writes (SHA-384 || zeros).
Bytes ReportDataFor(std::string_view runtime_data_canonical);

}  // namespace veritee::kbs
