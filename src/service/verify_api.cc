#include "service/verify_api.h"

#include "base/encoding.h"
#include "kbs/protocol.h"

namespace veritee::service {
namespace {

Error Bad(std::string message, std::string field) {
  return Error{ErrorCode::kMalformed, std::move(message), std::move(field), {}};
}

}  // namespace

Result<VerifyApiRequest> ParseVerifyApiRequest(std::string_view body) {
  VT_ASSIGN_OR_RETURN(nlohmann::json j, kbs::ParseUntrustedJson(body, 8));
  if (!j.is_object()) return tl::unexpected(Bad("the request is a JSON object", "(body)"));
  VerifyApiRequest out;
  bool have_evidence = false;
  for (const auto& [key, v] : j.items()) {
    if (key == "evidence") {
      if (!v.is_string()) return tl::unexpected(Bad("must be base64 text", key));
      auto bytes = FromBase64(v.get<std::string>());
      if (!bytes || bytes->empty() || bytes->size() > kbs::kMaxEvidenceBytes) {
        return tl::unexpected(Bad("must be non-empty base64 of at most 256 KiB", key));
      }
      out.evidence = std::move(*bytes);
      have_evidence = true;
    } else if (key == "tee") {
      if (!v.is_string() || v.get<std::string>().size() > 32) {
        return tl::unexpected(Bad("must be a TEE name", key));
      }
      out.tee = v.get<std::string>();
    } else if (key == "certificates") {
      if (!v.is_array() || v.size() > kbs::kMaxCertificates) {
        return tl::unexpected(Bad("must be an array of at most 16 certificates", key));
      }
      for (const auto& c : v) {
        if (!c.is_string() || c.get<std::string>().size() > 2 * kbs::kMaxCertificateBytes) {
          return tl::unexpected(Bad("each certificate is PEM or base64 DER text", key));
        }
        const std::string text = c.get<std::string>();
        if (text.find("-----BEGIN") != std::string::npos) {
          out.certificates.emplace_back(text.begin(), text.end());
        } else {
          auto der = FromBase64(text);
          if (!der || der->empty()) return tl::unexpected(Bad("neither PEM nor base64 DER", key));
          out.certificates.push_back(std::move(*der));
        }
      }
    } else if (key == "nonce") {
      if (!v.is_string()) return tl::unexpected(Bad("must be hex", key));
      auto bytes = FromHex(v.get<std::string>());
      if (!bytes || bytes->empty() || bytes->size() > 64) {
        return tl::unexpected(Bad("must be 1 to 64 bytes of hex", key));
      }
      out.nonce = std::move(*bytes);
    } else if (key == "policy_id") {
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 128) {
        return tl::unexpected(Bad("must be a policy id", key));
      }
      out.policy_id = v.get<std::string>();
    } else {
      return tl::unexpected(Bad("unknown member (evidence, tee, certificates, nonce, policy_id)", key));
    }
  }
  if (!have_evidence) return tl::unexpected(Bad("missing member", "evidence"));
  return out;
}

}  // namespace veritee::service
