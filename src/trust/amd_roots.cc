#include "trust/amd_roots.h"

#include <cstring>
#include <mutex>

#include "base/encoding.h"
#include "trust/amd_roots_data.h"

namespace veritee::trust {
namespace {

Result<Certificate> LoadPinned(const AmdRootPem& entry) {
  ByteSpan pem(reinterpret_cast<const uint8_t*>(entry.pem), std::strlen(entry.pem));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  if (certs.size() != 1 || certs[0].Sha256Hex() != entry.sha256_hex) {
    return MakeError(ErrorCode::kInternal,
                     std::string("built-in AMD certificate ") + entry.product + "/" + entry.kind +
                         " does not match its pinned SHA-256 " + entry.sha256_hex);
  }
  return certs[0];
}

Result<std::vector<AmdProductCerts>> LoadAll() {
  std::vector<AmdProductCerts> out;
  for (size_t i = 0; i + 2 < kAmdRootPemCount; i += 3) {
    const AmdRootPem* e = &kAmdRootPems[i];
    if (std::strcmp(e[0].kind, "ark") != 0 || std::strcmp(e[1].kind, "ask") != 0 ||
        std::strcmp(e[2].kind, "asvk") != 0) {
      return MakeError(ErrorCode::kInternal, "built-in AMD certificate table is out of order");
    }
    VT_ASSIGN_OR_RETURN(Certificate ark, LoadPinned(e[0]));
    VT_ASSIGN_OR_RETURN(Certificate ask, LoadPinned(e[1]));
    VT_ASSIGN_OR_RETURN(Certificate asvk, LoadPinned(e[2]));
    out.push_back({snp::ProductFromName(e[0].product), std::move(ark), std::move(ask),
                   std::move(asvk)});
  }
  return out;
}

}  // namespace

Result<const std::vector<AmdProductCerts>*> BuiltinAmdCerts() {
  static const Result<std::vector<AmdProductCerts>>* loaded = [] {
    return new Result<std::vector<AmdProductCerts>>(LoadAll());
  }();
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

std::string AnchorName(const Certificate& anchor, bool builtin) {
  return anchor.SubjectCn() + (builtin ? " (built-in" : " (from --trust-root") + ", SHA-256 " +
         anchor.Sha256Hex() + ")";
}

}  // namespace veritee::trust
