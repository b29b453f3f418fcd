// The built-in Intel SGX Root CA: the one trust anchor of DCAP (SGX and TDX) quotes.
//
// Intel publishes it at https://certificates.trustedservices.intel.com/IntelSGXRootCA.der
// (Intel "SGX PCK Certificate and CRL Profile Specification"; PCS API documentation). It
// is embedded as PEM and pinned by the SHA-256 of its DER encoding; intel_roots.cc refuses
// a certificate whose fingerprint differs. The root CA carried at the end of a quote's PCK
// chain is never trusted because it is there: a verifier compares it with this one.
//
// The "Intel SGX TCB Signing" certificate is NOT a root: it comes with the collateral (the
// TCB Info / QE Identity issuer chains) and is verified against this root like any other
// intermediate. It was re-issued in May 2025 with the same key and serial; both versions
// chain here, and the verifier picks the one valid at the verification time.
#pragma once

#include <string_view>

#include "crypto/x509.h"

namespace veritee::trust {

inline constexpr std::string_view kIntelSgxRootCaSha256 =
    "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

// Parsed and pinned on the first call; kInternal on every call if the pin does not match.
Result<const Certificate*> IntelSgxRootCa();

}  // namespace veritee::trust
