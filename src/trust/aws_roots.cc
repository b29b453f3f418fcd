// AWS Nitro Enclaves Root-G1.
//
// A public certificate. AWS publishes it in the AWS Nitro Enclaves User Guide, "Verifying
// the root of trust": https://aws-nitro-enclaves.amazonaws.com/AWS_NitroEnclaves_Root-G1.zip
// (the SHA-256 that guide gives for the ZIP, 8cf60e2b…faff7c, is the hash of the archive;
// the certificate's own DER fingerprint is pinned below and in aws_roots.h). The same bytes
// are cabundle[0] of every real document in ../shared/testdata/nitro.
#include "trust/aws_roots.h"

#include <cstring>

namespace veritee::trust {
namespace {

// clang-format off
constexpr const char kRootG1Pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYwCgYIKoZIzj0EAwMwSTEL\n"
    "MAkGA1UEBhMCVVMxDzANBgNVBAoMBkFtYXpvbjEMMAoGA1UECwwDQVdTMRswGQYD\n"
    "VQQDDBJhd3Mubml0cm8tZW5jbGF2ZXMwHhcNMTkxMDI4MTMyODA1WhcNNDkxMDI4\n"
    "MTQyODA1WjBJMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGQW1hem9uMQwwCgYDVQQL\n"
    "DANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZlczB2MBAGByqGSM49AgEG\n"
    "BSuBBAAiA2IABPwCVOumCMHzaHDimtqQvkY4MpJzbolL//Zy2YlES1BR5TSksfbb\n"
    "48C8WBoyt7F2Bw7eEtaaP+ohG2bnUs990d0JX28TcPQXCEPZ3BABIeTPYwEoCWZE\n"
    "h8l5YoQwTcU/9KNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUkCW1DdkF\n"
    "R+eWw5b6cp3PmanfS5YwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMDA2kAMGYC\n"
    "MQCjfy+Rocm9Xue4YnwWmNJVA44fA0P5W2OpYow9OYCVRaEevL8uO1XYru5xtMPW\n"
    "rfMCMQCi85sWBbJwKKXdS6BptQFuZbT73o/gBh1qUxl/nNr12UO8Yfwr6wPLb+6N\n"
    "IwLz3/Y=\n"
    "-----END CERTIFICATE-----\n";
// clang-format on

Result<Certificate> LoadPinned() {
  ByteSpan pem(reinterpret_cast<const uint8_t*>(kRootG1Pem), std::strlen(kRootG1Pem));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  if (certs.size() != 1 || certs[0].Sha256Hex() != kAwsNitroRootG1Sha256) {
    return MakeError(ErrorCode::kInternal,
                     "built-in AWS Nitro Enclaves Root-G1 does not match its pinned SHA-256 " +
                         std::string(kAwsNitroRootG1Sha256));
  }
  return certs[0];
}

}  // namespace

Result<const Certificate*> BuiltinAwsNitroRoot() {
  static const Result<Certificate>* loaded = new Result<Certificate>(LoadPinned());
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

}  // namespace veritee::trust
