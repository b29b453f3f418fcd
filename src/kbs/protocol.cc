#include "kbs/protocol.h"

#include "base/encoding.h"
#include "crypto/digest.h"

namespace veritee::kbs {
namespace {

using nlohmann::json;

Error Bad(std::string message, std::string field) {
  return Error{ErrorCode::kMalformed, std::move(message), std::move(field), {}};
}

Result<std::string> StringMember(const json& obj, const char* name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end()) return tl::unexpected(Bad("missing member", where + name));
  if (!it->is_string()) return tl::unexpected(Bad("must be a string", where + name));
  return it->get<std::string>();
}

// Certificates: PEM text as is; anything else must be base64 (of DER).
Result<Bytes> CertificateBytes(const std::string& text, const std::string& field) {
  if (text.size() > kMaxCertificateBytes * 2) return tl::unexpected(Bad("too large", field));
  if (text.find("-----BEGIN") != std::string::npos) return Bytes(text.begin(), text.end());
  auto der = FromBase64(text);
  if (!der || der->empty()) return tl::unexpected(Bad("neither PEM nor base64 DER", field));
  return der;
}

Result<TeeEvidence> ParseEvidenceObject(const json& e, const std::string& where) {
  TeeEvidence out;
  if (e.is_string()) {
    auto bytes = FromBase64(e.get<std::string>());
    if (!bytes || bytes->empty()) return tl::unexpected(Bad("not base64", where));
    out.evidence = std::move(*bytes);
  } else if (e.is_object()) {
    for (const auto& [key, value] : e.items()) {
      if (key != "evidence" && key != "certificates") {
        return tl::unexpected(Bad("unknown member", where + "." + key));
      }
    }
    VT_ASSIGN_OR_RETURN(std::string b64, StringMember(e, "evidence", where + "."));
    auto bytes = FromBase64(b64);
    if (!bytes || bytes->empty()) return tl::unexpected(Bad("not base64", where + ".evidence"));
    out.evidence = std::move(*bytes);
    if (auto it = e.find("certificates"); it != e.end()) {
      if (!it->is_array()) return tl::unexpected(Bad("must be an array", where + ".certificates"));
      if (it->size() > kMaxCertificates) {
        return tl::unexpected(Bad("too many certificates", where + ".certificates"));
      }
      for (size_t i = 0; i < it->size(); ++i) {
        const std::string field = where + ".certificates[" + std::to_string(i) + "]";
        if (!(*it)[i].is_string()) return tl::unexpected(Bad("must be a string", field));
        VT_ASSIGN_OR_RETURN(Bytes cert, CertificateBytes((*it)[i].get<std::string>(), field));
        out.certificates.push_back(std::move(cert));
      }
    }
  } else {
    return tl::unexpected(Bad("must be an object or a base64 string", where));
  }
  if (out.evidence.size() > kMaxEvidenceBytes) return tl::unexpected(Bad("too large", where));
  return out;
}

}  // namespace

Result<json> ParseUntrustedJson(std::string_view text, size_t max_depth) {
  // Depth first, without recursion: brackets outside strings.
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        return MakeError(ErrorCode::kMalformed,
                         "JSON nested deeper than " + std::to_string(max_depth));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorCode::kMalformed, "not valid JSON");
  return j;
}

std::string CanonicalJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string TeeFromKbs(std::string_view t) {
  if (t == "snp" || t == "amd-sev-snp" || t == "sev-snp") return "sev-snp";
  if (t == "tdx" || t == "intel-tdx") return "tdx";
  if (t == "sgx" || t == "intel-sgx") return "sgx";
  return "";
}

bool SupportedProtocolVersion(std::string_view v) {
  // "0.MINOR.PATCH" with MINOR 1..4, digits only.
  if (v.size() < 5 || v.substr(0, 2) != "0.") return false;
  size_t dot = v.find('.', 2);
  if (dot == std::string_view::npos || dot == 2 || dot + 1 >= v.size()) return false;
  for (size_t i = 2; i < v.size(); ++i) {
    if (i != dot && (v[i] < '0' || v[i] > '9')) return false;
  }
  if (dot - 2 > 3 || v.size() - dot - 1 > 6) return false;
  int minor = std::stoi(std::string(v.substr(2, dot - 2)));
  return minor >= 1 && minor <= 4;
}

Result<AuthRequest> ParseAuthRequest(std::string_view body) {
  VT_ASSIGN_OR_RETURN(json j, ParseUntrustedJson(body));
  if (!j.is_object()) return tl::unexpected(Bad("a KBS Request is a JSON object", "(body)"));
  AuthRequest out;
  VT_ASSIGN_OR_RETURN(out.version, StringMember(j, "version", ""));
  VT_ASSIGN_OR_RETURN(out.tee, StringMember(j, "tee", ""));
  if (out.tee.size() > 64) return tl::unexpected(Bad("too long", "tee"));
  if (auto it = j.find("extra-params"); it != j.end()) {
    // The protocol sends {} or "" here; both are accepted and ignored.
    if (!it->is_object() && !it->is_string()) {
      return tl::unexpected(Bad("must be an object or a string", "extra-params"));
    }
  }
  return out;
}

Result<AttestationRequest> ParseAttestationRequest(std::string_view body) {
  VT_ASSIGN_OR_RETURN(json j, ParseUntrustedJson(body));
  if (!j.is_object()) return tl::unexpected(Bad("a KBS Attestation is a JSON object", "(body)"));
  AttestationRequest out;
  auto rd = j.find("runtime-data");
  if (rd == j.end() || !rd->is_object()) {
    return tl::unexpected(Bad("missing or not an object", "runtime-data"));
  }
  VT_ASSIGN_OR_RETURN(out.nonce, StringMember(*rd, "nonce", "runtime-data."));
  auto pk = rd->find("tee-pubkey");
  if (pk == rd->end() || !pk->is_object()) {
    return tl::unexpected(Bad("missing or not an object", "runtime-data.tee-pubkey"));
  }
  VT_ASSIGN_OR_RETURN(out.tee_pubkey.kty, StringMember(*pk, "kty", "runtime-data.tee-pubkey."));
  auto opt = [&](const char* name, std::string& into) -> Status {
    auto it = pk->find(name);
    if (it == pk->end()) return Ok();
    if (!it->is_string()) {
      return tl::unexpected(Bad("must be a string", std::string("runtime-data.tee-pubkey.") + name));
    }
    into = it->get<std::string>();
    return Ok();
  };
  VT_RETURN_IF_ERROR(opt("crv", out.tee_pubkey.crv));
  VT_RETURN_IF_ERROR(opt("x", out.tee_pubkey.x));
  VT_RETURN_IF_ERROR(opt("y", out.tee_pubkey.y));
  VT_RETURN_IF_ERROR(opt("n", out.tee_pubkey.n));
  VT_RETURN_IF_ERROR(opt("e", out.tee_pubkey.e));
  VT_RETURN_IF_ERROR(opt("alg", out.tee_pubkey.alg));
  auto valid = ValidateJwk(out.tee_pubkey);
  if (!valid) {
    Error e = std::move(valid).error();
    e.field = "runtime-data.tee-pubkey" + (e.field.empty() ? "" : "." + e.field);
    return tl::unexpected(std::move(e));
  }
  out.runtime_data_canonical = CanonicalJson(*rd);
  auto ev = j.find("tee-evidence");
  if (ev == j.end()) return tl::unexpected(Bad("missing member", "tee-evidence"));
  if (ev->is_object() && ev->contains("primary_evidence")) {
    // trustee's composite evidence; additional evidence (device TEEs) is not read here.
    VT_ASSIGN_OR_RETURN(out.evidence,
                        ParseEvidenceObject((*ev)["primary_evidence"], "tee-evidence.primary_evidence"));
  } else {
    VT_ASSIGN_OR_RETURN(out.evidence, ParseEvidenceObject(*ev, "tee-evidence"));
  }
  if (auto it = j.find("init-data"); it != j.end() && !it->is_object() && !it->is_null()) {
    return tl::unexpected(Bad("must be an object", "init-data"));
  }
  return out;
}

std::string CanonicalRuntimeData(const std::string& nonce, const Jwk& tee_pubkey) {
  json pk = json::parse(JwkToJson(tee_pubkey), nullptr, false);
  return CanonicalJson(json{{"nonce", nonce}, {"tee-pubkey", pk}});
}

std::string ReportDataBinding(ByteSpan report_data, std::string_view canonical) {
  if (report_data.size() != 64) return "";
  const ByteSpan in(reinterpret_cast<const uint8_t*>(canonical.data()), canonical.size());
  auto sha384 = Sha384(in);
  if (std::equal(sha384.begin(), sha384.end(), report_data.begin()) &&
      AllZero(report_data.subspan(48))) {
    return "sha384";
  }
  auto sha512 = Sha512(in);
  if (std::equal(sha512.begin(), sha512.end(), report_data.begin())) return "sha512";
  return "";
}

Bytes ReportDataFor(std::string_view canonical) {
  auto d = Sha384(ByteSpan(reinterpret_cast<const uint8_t*>(canonical.data()), canonical.size()));
  Bytes out(d.begin(), d.end());
  out.resize(64, 0);
  return out;
}

}  // namespace veritee::kbs
