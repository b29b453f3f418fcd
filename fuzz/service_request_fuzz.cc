// Fuzz target: the service's other request decoders: POST /v1/verify
// (service/verify_api.h), release policies and reference values (admin PUT,
// kbs/release_policy.h) evaluated over a fixed claims document, and the flattened JWE a
// client receives (crypto/jwe.h). The first byte picks the decoder. No exception may
// escape and an accepted policy must evaluate without an Error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "crypto/jwe.h"
#include "kbs/release_policy.h"
#include "service/verify_api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  static const nlohmann::json claims = {{"tee", "sev-snp"},
                                        {"simulated", false},
                                        {"measurement", "abcd"},
                                        {"current_tcb", {{"snp", 22}}},
                                        {"report_data", std::string(128, '0')}};
  try {
    switch (data[0] % 4) {
      case 0: {
        auto r = service::ParseVerifyApiRequest(body);
        if (r && (r->evidence.empty() || r->certificates.size() > 16)) std::abort();
        break;
      }
      case 1: {
        auto p = kbs::ParseReleasePolicy(body);
        if (!p) break;
        auto d = kbs::Evaluate(*p, claims, [](const std::string& name)
                                   -> Result<std::optional<std::vector<std::string>>> {
          if (name == "known") return std::optional<std::vector<std::string>>(std::vector<std::string>{"abcd"});
          return std::optional<std::vector<std::string>>();
        });
        if (!d) std::abort();
        if (!d->allowed && d->failed_rule.empty()) std::abort();
        break;
      }
      case 2:
        (void)kbs::ParseReferenceValues(body);
        break;
      case 3: {
        auto jwe = ParseJweFlattened(body);
        if (!jwe) break;
        static const TeeKeyPair key = *TeeKeyPair::Generate(TeeKeyPair::Kind::kEcP256);
        auto plain = key.Decrypt(*jwe);  // never authenticates: no key was wrapped to it
        if (plain) std::abort();
        break;
      }
    }
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
