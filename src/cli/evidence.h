// Loading evidence files: raw bytes, hex or base64 text, with the format detected from
// content (DESIGN.md "evidence files may be raw bytes, hex or base64 text").
#pragma once

#include <string>

#include "base/bytes.h"
#include "cli/format.h"

namespace veritee::cli {

struct Evidence {
  std::string path;
  Bytes bytes;                        // decoded
  FormatHandler* handler = nullptr;   // nullptr: unrecognised
};

// kIo when the file cannot be read (exit 2); never fails on content: an unrecognised
// format is reported by the caller as a rejection (exit 1).
Result<Evidence> LoadEvidence(const std::string& path);

// Why the bytes are not recognised, for the rejection message.
std::string UnrecognisedReason(const Evidence& evidence);

}  // namespace veritee::cli
