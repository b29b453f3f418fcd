// The AWS Nitro Enclaves format handler: detection (a COSE_Sign1 document, raw, hex or
// base64, or an X.509 certificate carrying one in its subjectAltName), the Nitro options
// of `verify`, and `inspect`.
#include "base/encoding.h"
#include "cli/formats/handlers.h"
#include "parse/nitro/claims.h"
#include "parse/nitro/document.h"
#include "base/file.h"
#include "verify/nitro/embedded.h"
#include "verify/nitro/policy.h"
#include "verify/nitro/verifier.h"

namespace veritee::cli {
namespace {

Result<nitro::VerifyInputs> NitroInputs(const VerifyRequest& request) {
  const VerifyFlags& f = *request.flags;
  auto refuse = [](const char* option, const char* why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(option) + " is not used by AWS Nitro documents: " + why);
  };
  if (!f.certs.empty()) return refuse("--cert", "the document carries its certificates");
  if (!f.crls.empty()) return refuse("--crl", "AWS publishes no CRLs for the Nitro PKI");
  nitro::VerifyInputs in;
  if (!f.at.empty()) in.at = request.at;  // default: the document's own timestamp
  in.extra_roots = request.extra_roots;
  in.validation.allow_debug = f.allow_debug;
  VT_ASSIGN_OR_RETURN(auto expects, SplitExpects(f));
  for (const auto& [name, hex] : expects) {
    auto value = nitro::ParseExpectValue(name, hex);
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect"));
    in.validation.expect[name] = std::move(*value);
  }
  VT_ASSIGN_OR_RETURN(const std::string* policy, PolicyText(request));
  if (policy != nullptr) {  // the "nitro" section; --expect (applied first) wins
    auto st = nitro::LoadPolicyText(*policy, in.validation);
    if (!st) return tl::unexpected(WithOption(st.error(), f.policy));
  }
  return in;
}

bool Same(const std::optional<Bytes>& a, const Bytes& b) { return a && *a == b; }

Json CertificateJson(ByteSpan der) {
  auto cert = Certificate::FromDer(der);
  if (!cert) return Json{{"error", cert.error().ToString()}, {"der_size", der.size()}};
  return Json{{"subject", cert->Subject()},
              {"issuer", cert->Issuer()},
              {"serial", "0x" + cert->SerialHex()},
              {"not_before", FormatTime(cert->NotBefore())},
              {"not_after", FormatTime(cert->NotAfter())},
              {"sha256", cert->Sha256Hex()}};
}

class NitroHandler final : public FormatHandler {
 public:
  std::string_view tee() const override { return "nitro"; }

  int Detect(ByteSpan bytes) const override {
    if (nitro::LooksLikeNitroDocument(bytes)) return nitro::ParseCoseSign1(bytes) ? 2 : 1;
    if (LooksLikeCertificate(bytes) && nitro::DocumentFromCertificate(bytes)) return 2;
    return 0;
  }

  Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) override {
    VT_ASSIGN_OR_RETURN(nitro::VerifyInputs in, NitroInputs(request));
    if (nitro::LooksLikeNitroDocument(evidence) || !LooksLikeCertificate(evidence)) {
      return verifier_.Verify(evidence, in);
    }
    auto embedded = nitro::DocumentFromCertificate(evidence);
    if (!embedded) return verifier_.Verify(evidence, in);  // rejected at parse
    Verification v = verifier_.Verify(embedded->document, in);
    v.Note("document taken from a subjectAltName of " + embedded->container.Subject());
    v.claims["container_certificate"] = embedded->container.Subject();
    // The certificate is only bound to the enclave when the document names its key.
    auto parsed = nitro::ParseAttestation(embedded->document);
    const bool bound = parsed && (Same(parsed->doc.user_data, embedded->container_spki) ||
                                  Same(parsed->doc.public_key, embedded->container_spki));
    v.Add("container_binding", bound,
          bound ? "the document's user_data or public_key is the carrying certificate's "
                  "public key"
                : "neither user_data nor public_key of the document is the public key of the "
                  "certificate that carries it");
    return v;
  }

  Result<Json> Inspect(ByteSpan evidence, const std::string&) override {
    Bytes bytes(evidence.begin(), evidence.end());
    Json out = Json{{"tee", "nitro"}, {"format", "AWS Nitro Enclaves attestation document"}};
    if (!nitro::LooksLikeNitroDocument(evidence) && LooksLikeCertificate(evidence)) {
      if (auto embedded = nitro::DocumentFromCertificate(evidence)) {
        bytes = embedded->document;
        out["format"] = "AWS Nitro Enclaves attestation document in an X.509 subjectAltName";
        out["container_certificate"] = embedded->container.Subject();
      }
    }
    VT_ASSIGN_OR_RETURN(nitro::Attestation a, nitro::ParseAttestation(bytes));
    out["claims"] = nitro::DocumentClaims(a.doc);
    out["cose"] = Json{{"tagged", a.cose.tagged},
                       {"protected_header", ToHex(a.cose.protected_header)},
                       {"alg", a.cose.alg ? Json(*a.cose.alg) : Json(nullptr)},
                       {"unprotected_header", ToHex(a.cose.unprotected_header)},
                       {"payload_size", a.cose.payload.size()},
                       {"payload_map", a.doc.indefinite_map ? "indefinite-length" : "definite"},
                       {"signature", ToHex(a.cose.signature)}};
    Json bundle = Json::array();
    for (const Bytes& c : a.doc.cabundle) bundle.push_back(CertificateJson(c));
    out["certificate"] = CertificateJson(a.doc.certificate);
    out["cabundle"] = std::move(bundle);
    return out;
  }

 private:
  static bool LooksLikeCertificate(ByteSpan bytes) {
    // PEM text, or DER starting with a SEQUENCE of two-byte length (every X.509 certificate).
    return LooksLikePem(bytes) || (bytes.size() > 4 && bytes[0] == 0x30 && bytes[1] == 0x82);
  }

  nitro::NitroVerifier verifier_;
};

}  // namespace

FormatHandler* NewNitroHandler() {
  static NitroHandler handler;
  return &handler;
}

}  // namespace veritee::cli
