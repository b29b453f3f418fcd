#include "trust/intel_roots.h"

#include <cstring>

namespace veritee::trust {
namespace {

// Intel SGX Root CA, serial 22650cd65a9d3489f383b49552bf501b392706ac, valid
// 2018-05-21T10:45:10Z .. 2049-12-31T23:59:59Z, EC P-256, self-signed (ECDSA-SHA256).
// Source: https://certificates.trustedservices.intel.com/IntelSGXRootCA.der
constexpr const char* kIntelSgxRootCaPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw\n"
    "aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv\n"
    "cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ\n"
    "BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG\n"
    "A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0\n"
    "aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT\n"
    "AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7\n"
    "1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB\n"
    "uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ\n"
    "MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50\n"
    "ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV\n"
    "Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg\n"
    "AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=\n"
    "-----END CERTIFICATE-----\n";

Result<Certificate> Load() {
  ByteSpan pem(reinterpret_cast<const uint8_t*>(kIntelSgxRootCaPem),
               std::strlen(kIntelSgxRootCaPem));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  if (certs.size() != 1 || certs[0].Sha256Hex() != kIntelSgxRootCaSha256) {
    return MakeError(ErrorCode::kInternal,
                     "built-in Intel SGX Root CA does not match its pinned SHA-256 " +
                         std::string(kIntelSgxRootCaSha256));
  }
  return certs[0];
}

}  // namespace

Result<const Certificate*> IntelSgxRootCa() {
  static const Result<Certificate>* loaded = new Result<Certificate>(Load());
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

}  // namespace veritee::trust
