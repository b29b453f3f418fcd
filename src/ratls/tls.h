// RA-TLS over OpenSSL: installs RA-TLS certificates and the RA-TLS verification callback
// on an SSL_CTX, for servers and clients alike, so mutual RA-TLS is two calls per side.
//
// The callback replaces OpenSSL's chain verification for the peer (an RA-TLS certificate
// is self-signed; its trust comes from the evidence inside, checked by ratls::Verifier
// against the vendor roots and the policy). A failed check fails the handshake with a
// bad-certificate alert, and the reason stays readable with FailureReason(ssl). The TLS
// stack is OpenSSL's throughout: no record layer of our own. (ratls/ is, with crypto/ and
// verify/, a stage allowed to see OpenSSL types: its API is an SSL_CTX.)
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "ratls/certificate.h"
#include "ratls/verifier.h"

namespace veritee::ratls {

enum class Role { kServer, kClient };

// Presents `identity` on every handshake.
Status UseIdentity(SSL_CTX* ctx, const Identity& identity);
// Presents the cache's current certificate on every handshake (looked up per handshake,
// never waiting for a quote once the cache is warm).
Status UseCertCache(SSL_CTX* ctx, std::shared_ptr<CertCache> cache);

// Verifies the peer's RA-TLS certificate with `verifier` on every handshake. A server
// context also requests and requires a client certificate (mutual RA-TLS).
Status RequireAttestedPeer(SSL_CTX* ctx, std::shared_ptr<const Verifier> verifier, Role role);

// After a handshake (successful or not): the peer's Verification, or nullptr when none ran.
const Verification* PeerVerification(const SSL* ssl);
// "" when the peer was accepted or not verified; otherwise the first failed check.
std::string FailureReason(const SSL* ssl);

}  // namespace veritee::ratls
