#include "cli/evidence.h"

#include "base/encoding.h"
#include "base/file.h"
#include "parse/snp/report.h"

namespace veritee::cli {
namespace {

EvidenceFormat Detect(ByteSpan bytes) {
  // An SEV-SNP report has no magic. It is recognised by its VERSION word (a small number)
  // and a size near 1184 bytes, so that a truncated or extended report still reaches the
  // SNP parser and is rejected with a precise reason.
  if (bytes.size() >= 4 && bytes.size() <= 2 * snp::kReportSize) {
    uint32_t version = uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
                       uint32_t{bytes[3]} << 24;
    if (version <= 0xff) return EvidenceFormat::kSnpReport;
  }
  return EvidenceFormat::kUnknown;
}

}  // namespace

Result<Evidence> LoadEvidence(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path));
  Evidence e;
  e.path = path;
  e.bytes = DecodeEvidenceText(std::move(raw));
  e.format = Detect(e.bytes);
  return e;
}

std::string_view TeeName(EvidenceFormat format) {
  switch (format) {
    case EvidenceFormat::kSnpReport: return "sev-snp";
    case EvidenceFormat::kUnknown: break;
  }
  return "unknown";
}

std::string UnrecognisedReason(const Evidence& e) {
  return "unrecognised evidence format (" + std::to_string(e.bytes.size()) +
         " bytes): this build verifies AMD SEV-SNP attestation reports (1184 bytes, raw, hex "
         "or base64)";
}

}  // namespace veritee::cli
