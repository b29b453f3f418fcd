// POST /v1/verify (background-check mode, RFC 9334 §5.2): the request decoder.
//
//   {"evidence": BASE64,                 raw evidence bytes (required)
//    "tee": "sev-snp",                   optional: the expected TEE (else detected)
//    "certificates": [PEM | BASE64 DER], optional: VCEK/VLEK, PCK chain, ...
//    "nonce": HEX,                       optional: required report_data prefix (rest zero)
//    "policy_id": "ID"}                  optional: a release policy (admin API) to evaluate
//
// Response: {"verification": <the DESIGN.md verify --json object>, "ear": TOKEN,
//            "policy": {"id", "allowed", "failed_rule"?}}. Unknown members are refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace veritee::service {

struct VerifyApiRequest {
  Bytes evidence;
  std::string tee;
  std::vector<Bytes> certificates;
  std::optional<Bytes> nonce;
  std::string policy_id;
};

Result<VerifyApiRequest> ParseVerifyApiRequest(std::string_view body);

}  // namespace veritee::service
