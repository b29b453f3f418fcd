#include "cli/service_verifier.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "base/file.h"
#include "cli/format.h"
#include "cli/verify_flags.h"

namespace veritee::cli {
namespace {

// Parsed certificates by their exact bytes. A guest sends the same VCEK and chain on every
// attestation, and decoding them (RSA-4096 keys included) costs as much as verifying the
// report, so the service parses each distinct text once. Bounded: when full it starts over.
class CertificateCache {
 public:
  Result<std::vector<Certificate>> Parse(const Bytes& text) {
    std::string key(reinterpret_cast<const char*>(text.data()), text.size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = parsed_.find(key); it != parsed_.end()) return it->second;
    }
    VT_ASSIGN_OR_RETURN(std::vector<Certificate> certs, ParseCertificates(text));
    std::lock_guard<std::mutex> lock(mu_);
    if (parsed_.size() >= kMaxEntries) parsed_.clear();
    parsed_.emplace(std::move(key), certs);
    return certs;
  }

 private:
  static constexpr size_t kMaxEntries = 512;
  std::mutex mu_;
  std::unordered_map<std::string, std::vector<Certificate>> parsed_;
};

}  // namespace

Result<kbs::EvidenceVerifier> MakeServiceVerifier(const ServiceVerifierOptions& options) {
  // Flags and trust material are read once and shared by every request (read-only).
  auto flags = std::make_shared<VerifyFlags>();
  flags->collateral = options.collateral;
  flags->policy = options.policy;
  flags->allow_tcb_status = options.allow_tcb_status;
  flags->trust_roots = options.trust_roots;
  flags->crls = options.crls;
  VT_ASSIGN_OR_RETURN(VerifyRequest base, BuildRequest(*flags));
  auto shared = std::make_shared<const VerifyRequest>(std::move(base));
  auto cache = std::make_shared<CertificateCache>();
  return kbs::EvidenceVerifier([flags, shared, cache](const kbs::EvidenceInput& in) -> Result<Verification> {
    // The handler of the declared TEE, and it must recognise the bytes; without a declared
    // TEE (POST /v1/verify), detection from content as on the command line.
    FormatHandler* handler = nullptr;
    if (in.tee.empty()) {
      handler = DetectFormat(in.evidence);
    } else {
      for (FormatHandler* h : Formats()) {
        if (h->tee() == in.tee && h->Detect(in.evidence) > 0) handler = h;
      }
    }
    if (handler == nullptr) {
      Verification v{in.tee.empty() ? "unknown" : in.tee};
      v.Add("format", false,
            in.tee.empty() ? "evidence format not recognised"
                           : "the evidence is not " + in.tee + " evidence");
      return v;
    }
    VerifyRequest request = *shared;
    request.flags = flags.get();
    request.at = in.at;
    if (in.certificates != nullptr) {
      for (const Bytes& c : *in.certificates) {
        auto certs = cache->Parse(c);
        if (!certs) {
          Verification v{std::string(handler->tee())};
          v.Add("certificates", false, "a certificate sent with the evidence does not parse: " +
                                           certs.error().ToString());
          return v;
        }
        request.certs.insert(request.certs.end(), certs->begin(), certs->end());
      }
    }
    auto v = handler->Verify(in.evidence, request);
    if (!v) {
      // A usage error of the server's own options (its policy file, collateral folder).
      return tl::unexpected(v.error());
    }
    return v;
  });
}

}  // namespace veritee::cli
