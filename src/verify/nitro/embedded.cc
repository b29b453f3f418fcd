#include "verify/nitro/embedded.h"

#include <string_view>

#include "base/encoding.h"
#include "crypto/keys.h"
#include "parse/nitro/document.h"

namespace veritee::nitro {
namespace {

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<EmbeddedDocument> DocumentFromCertificate(const Certificate& cert) {
  using NamesPtr = std::unique_ptr<GENERAL_NAMES, void (*)(GENERAL_NAMES*)>;
  NamesPtr names(static_cast<GENERAL_NAMES*>(
                     X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)),
                 [](GENERAL_NAMES* n) { GENERAL_NAMES_free(n); });
  if (!names) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                          static_cast<size_t>(ASN1_STRING_length(dns)));
    std::string_view label = text.substr(0, text.find('.'));
    if (label.size() < 16 || label.size() % 2 != 0 || !IsHex(label)) continue;
    auto bytes = FromHex(label);
    if (!bytes || !LooksLikeNitroDocument(*bytes)) continue;
    auto spki = PublicKeyToDer(cert.PublicKey());
    if (!spki) {
      ClearOpenSslErrors();
      return std::nullopt;
    }
    return EmbeddedDocument{std::move(*bytes), cert, std::move(*spki)};
  }
  return std::nullopt;
}

std::optional<EmbeddedDocument> DocumentFromCertificate(ByteSpan pem_or_der) {
  auto certs = ParseCertificates(pem_or_der);
  if (!certs) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  for (const Certificate& cert : *certs) {
    if (auto doc = DocumentFromCertificate(cert)) return doc;
  }
  return std::nullopt;
}

}  // namespace veritee::nitro
