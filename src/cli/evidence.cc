#include "cli/evidence.h"

#include "base/encoding.h"
#include "base/file.h"

namespace veritee::cli {

Result<Evidence> LoadEvidence(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path));
  Evidence e;
  e.path = path;
  e.bytes = DecodeEvidenceText(std::move(raw));
  e.handler = DetectFormat(e.bytes);
  return e;
}

std::string UnrecognisedReason(const Evidence& e) {
  std::string known;
  for (FormatHandler* h : Formats()) known += (known.empty() ? "" : ", ") + std::string(h->tee());
  return "unrecognised evidence format (" + std::to_string(e.bytes.size()) +
         " bytes, raw, hex or base64); this build verifies: " + known;
}

}  // namespace veritee::cli
