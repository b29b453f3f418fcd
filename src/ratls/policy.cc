#include "ratls/policy.h"

#include <nlohmann/json.hpp>

#include "verify/dcap/policy.h"
#include "verify/snp/policy.h"

namespace veritee::ratls {

Status LoadPolicyText(std::string_view text, VerifierOptions& options) {
  // The sev-snp loader also checks the JSON syntax and the top-level keys (with lines).
  VT_RETURN_IF_ERROR(snp::LoadPolicyText(text, options.snp));
  VT_RETURN_IF_ERROR(dcap::LoadPolicyText(text, /*tdx=*/true, options.tdx));
  VT_RETURN_IF_ERROR(dcap::LoadPolicyText(text, /*tdx=*/false, options.sgx));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::set<std::string> tees;
  for (const char* tee : {"sev-snp", "tdx", "sgx"}) {
    if (doc.is_object() && doc.contains(tee)) tees.insert(tee);
  }
  if (tees.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the policy has no \"sev-snp\", \"tdx\" or \"sgx\" section, so it would "
                     "accept no RA-TLS peer");
  }
  options.tees = std::move(tees);
  return Ok();
}

}  // namespace veritee::ratls
