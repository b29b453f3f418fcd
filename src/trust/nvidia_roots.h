// The built-in NVIDIA trust anchors for GPU attestation, parsed once and checked against
// their pinned SHA-256 fingerprints (where NVIDIA publishes them: nvidia_roots_data.cc).
//
// The device identity root anchors every GPU's attestation-key chain; the CoRIM signing
// root anchors the chains of the Reference Integrity Manifests. They are separate trust
// decisions: a RIM chain ending at the device root, or a device chain ending at the RIM
// root, is not accepted. A simulator or test root is never among these.
#pragma once

#include "crypto/x509.h"

namespace veritee::trust {

// The first call parses and pins; a fingerprint mismatch is a kInternal error on every
// call (the binary is corrupt and must not verify anything).
Result<const Certificate*> BuiltinNvidiaDeviceRoot();
Result<const Certificate*> BuiltinNvidiaRimRoot();

}  // namespace veritee::trust
