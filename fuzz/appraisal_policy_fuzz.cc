// Fuzz target: the appraisal policy loader (src/appraise/policy.h) and the key-line
// locator it uses (src/base/json_path.h).
//
// Beyond "does not crash": a policy that loads must load again to the same rules; its id
// is never empty; appraising a fixed set of claims with it gives a status that is exactly
// the worst tier of the trust vector; and every error names a key path. Stores are off:
// a fuzzed policy never opens files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appraise/appraisal.h"
#include "appraise/policy.h"
#include "base/json_path.h"

namespace {

const veritee::Verification& Claims() {
  static const veritee::Verification* v = [] {
    auto* out = new veritee::Verification("sev-snp");
    out->Add("signature", true, "fuzz");
    out->MarkComplete();
    out->claims = veritee::Json::parse(R"({
      "measurement": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      "report_data": "0a0b",
      "policy": {"debug_allowed": false, "smt_allowed": true},
      "current_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115},
      "tcb_status": "OutOfDate", "advisory_ids": ["INTEL-SA-00615"]})");
    out->collateral = veritee::Json::parse(R"({"crls": [{"this_update": "2025-12-01T00:00:00Z"}]})");
    return out;
  }();
  return *v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  appraise::PolicyLoadOptions options;
  options.allow_stores = false;
  auto policy = appraise::LoadPolicyText(text, options);
  (void)JsonPathLine(text, "sev-snp.appraisal.reference_sets[0].claims.measurement");
  if (!policy) {
    if (policy.error().code != ErrorCode::kInvalidArgument) std::abort();
    if (policy.error().message.empty()) std::abort();
    return 0;
  }
  if (policy->id.empty()) std::abort();
  auto again = appraise::LoadPolicyText(text, options);
  if (!again || again->id != policy->id || again->tees.size() != policy->tees.size()) {
    std::abort();
  }
  for (const auto& [tee, section] : policy->tees) {
    veritee::Verification v = Claims();
    const appraise::Appraisal a = appraise::Appraise(v, *policy, 1767225600);
    if (a.status() != a.vector.Status()) std::abort();
    const auto& other = again->For(tee);
    if (other.reference_sets.size() != section.reference_sets.size() ||
        other.required_flags != section.required_flags ||
        other.simulated_allowed != section.simulated_allowed) {
      std::abort();
    }
    (void)a.ToJson().dump();
  }
  return 0;
}
