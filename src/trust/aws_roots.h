// The built-in AWS Nitro Enclaves trust anchor: Root-G1, pinned by its SHA-256 fingerprint.
//
// Every attestation document of the Nitro Secure Module chains to this one self-signed
// P-384 certificate (CN=aws.nitro-enclaves, valid 2019-10-28 to 2049-10-28), which the
// documents also carry as cabundle[0]. The copy in a document is never trusted for being
// there: the verifier anchors chains at the certificate built in here.
#pragma once

#include <string_view>

#include "crypto/x509.h"

namespace veritee::trust {

// SHA-256 of the DER encoding, as AWS publishes it for Root-G1.
inline constexpr std::string_view kAwsNitroRootG1Sha256 =
    "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

// Parsed once and checked against the pin; a mismatch is a kInternal error on every call
// (the binary is corrupt and must not verify anything).
Result<const Certificate*> BuiltinAwsNitroRoot();

}  // namespace veritee::trust
