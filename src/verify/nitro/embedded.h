// Attestation documents carried inside an X.509 certificate, as Evervault Cages serve them:
// the enclave's TLS certificate has a subjectAltName dNSName "<hex of the COSE_Sign1>.<host>"
// and the document's user_data (or public_key) is that certificate's SubjectPublicKeyInfo,
// which binds the TLS key to the enclave.
#pragma once

#include <optional>

#include "base/bytes.h"
#include "crypto/x509.h"

namespace veritee::nitro {

struct EmbeddedDocument {
  Bytes document;         // the COSE_Sign1 bytes
  Certificate container;  // the certificate that carried it
  Bytes container_spki;   // its SubjectPublicKeyInfo, DER
};

// The document in the first certificate (PEM may hold a chain) one of whose dNSNames holds
// one; nullopt when there is none or the bytes are not certificates.
std::optional<EmbeddedDocument> DocumentFromCertificate(ByteSpan pem_or_der);
std::optional<EmbeddedDocument> DocumentFromCertificate(const Certificate& cert);

}  // namespace veritee::nitro
