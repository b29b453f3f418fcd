// The embedded NVIDIA root certificates as PEM text with their pinned SHA-256 fingerprints.
#pragma once

namespace veritee::trust {

struct NvidiaRootPem {
  const char* name;        // subject CN
  const char* sha256_hex;  // SHA-256 of the DER encoding
  const char* pem;
};

extern const NvidiaRootPem kNvidiaDeviceIdentityRoot;
extern const NvidiaRootPem kNvidiaRimRoot;

}  // namespace veritee::trust
