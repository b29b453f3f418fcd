// The embedded AMD certificates as PEM text with their pinned SHA-256 fingerprints.
#pragma once

#include <cstddef>

namespace veritee::trust {

struct AmdRootPem {
  const char* product;      // "milan", "genoa", "turin"
  const char* kind;         // "ark", "ask", "asvk"
  const char* sha256_hex;   // SHA-256 of the DER encoding
  const char* pem;
};

extern const AmdRootPem kAmdRootPems[];
extern const size_t kAmdRootPemCount;

}  // namespace veritee::trust
