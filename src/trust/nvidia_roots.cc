#include "trust/nvidia_roots.h"

#include <cstring>

#include "trust/nvidia_roots_data.h"

namespace veritee::trust {
namespace {

Result<Certificate> LoadPinned(const NvidiaRootPem& entry) {
  ByteSpan pem(reinterpret_cast<const uint8_t*>(entry.pem), std::strlen(entry.pem));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  if (certs.size() != 1 || certs[0].Sha256Hex() != entry.sha256_hex ||
      certs[0].SubjectCn() != entry.name) {
    return MakeError(ErrorCode::kInternal, std::string("built-in NVIDIA certificate ") +
                                               entry.name + " does not match its pinned SHA-256 " +
                                               entry.sha256_hex);
  }
  return certs[0];
}

Result<const Certificate*> Get(const Result<Certificate>* loaded) {
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

}  // namespace

Result<const Certificate*> BuiltinNvidiaDeviceRoot() {
  static const Result<Certificate>* loaded =
      new Result<Certificate>(LoadPinned(kNvidiaDeviceIdentityRoot));
  return Get(loaded);
}

Result<const Certificate*> BuiltinNvidiaRimRoot() {
  static const Result<Certificate>* loaded = new Result<Certificate>(LoadPinned(kNvidiaRimRoot));
  return Get(loaded);
}

}  // namespace veritee::trust
