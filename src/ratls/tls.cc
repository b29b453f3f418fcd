#include "ratls/tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <mutex>

namespace veritee::ratls {
namespace {

struct CtxState {
  std::shared_ptr<const Verifier> verifier;
  std::shared_ptr<CertCache> cache;
};

void FreeCtxState(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<CtxState*>(ptr);
}
void FreeVerification(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<Verification*>(ptr);
}

int CtxIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeCtxState);
  return index;
}
int SslIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeVerification);
  return index;
}

CtxState* State(SSL_CTX* ctx) {
  auto* s = static_cast<CtxState*>(SSL_CTX_get_ex_data(ctx, CtxIndex()));
  if (s == nullptr) {
    s = new CtxState();
    if (SSL_CTX_set_ex_data(ctx, CtxIndex(), s) != 1) {
      delete s;
      return nullptr;
    }
  }
  return s;
}

Status Present(SSL* ssl, SSL_CTX* ctx, const Identity& id) {
  int ok = ssl != nullptr ? SSL_use_certificate(ssl, id.cert.get()) &
                                SSL_use_PrivateKey(ssl, id.key.get())
                          : SSL_CTX_use_certificate(ctx, id.cert.get()) &
                                SSL_CTX_use_PrivateKey(ctx, id.key.get());
  if (ok != 1) return OpenSslFailure(ErrorCode::kCrypto, "installing the RA-TLS certificate");
  return Ok();
}

// SSL_CTX_set_cert_cb: runs on every handshake before our certificate is sent.
int CertCallback(SSL* ssl, void* arg) {
  auto* state = static_cast<CtxState*>(arg);
  auto id = state->cache->Get();
  if (!id) return 0;
  return Present(ssl, nullptr, **id) ? 1 : 0;
}

// SSL_CTX_set_cert_verify_callback: replaces X509_verify_cert for the peer's chain.
int VerifyCallback(X509_STORE_CTX* store_ctx, void* arg) {
  auto* state = static_cast<CtxState*>(arg);
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  Verification* result = nullptr;
  if (leaf == nullptr) {
    result = new Verification("unknown");
    result->Add("ratls_evidence", false, "the peer sent no certificate");
  } else {
    unsigned char* der = nullptr;
    int len = i2d_X509(leaf, &der);
    auto cert = len > 0 ? Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)))
                        : Result<Certificate>(MakeError(ErrorCode::kMalformed, "DER"));
    OPENSSL_free(der);
    if (!cert) {
      result = new Verification("unknown");
      result->Add("ratls_evidence", false, "peer certificate: " + cert.error().ToString());
    } else {
      result = new Verification(state->verifier->Verify(*cert));
    }
  }
  const bool accepted = result->accepted();
  if (ssl != nullptr) {
    delete static_cast<Verification*>(SSL_get_ex_data(ssl, SslIndex()));
    SSL_set_ex_data(ssl, SslIndex(), result);
  } else {
    delete result;
  }
  if (!accepted) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
  return 1;
}

}  // namespace

Status UseIdentity(SSL_CTX* ctx, const Identity& identity) {
  return Present(nullptr, ctx, identity);
}

Status UseCertCache(SSL_CTX* ctx, std::shared_ptr<CertCache> cache) {
  CtxState* s = State(ctx);
  if (s == nullptr) return OpenSslFailure(ErrorCode::kCrypto, "SSL_CTX ex data");
  // Warm the cache now, so the first handshake does not wait for a quote either.
  VT_RETURN_IF_ERROR(cache->Get().map([](auto&&) {}));
  s->cache = std::move(cache);
  SSL_CTX_set_cert_cb(ctx, CertCallback, s);
  return Ok();
}

Status RequireAttestedPeer(SSL_CTX* ctx, std::shared_ptr<const Verifier> verifier, Role role) {
  CtxState* s = State(ctx);
  if (s == nullptr) return OpenSslFailure(ErrorCode::kCrypto, "SSL_CTX ex data");
  s->verifier = std::move(verifier);
  SslIndex();  // allocate before any handshake runs on another thread
  SSL_CTX_set_cert_verify_callback(ctx, VerifyCallback, s);
  SSL_CTX_set_verify(ctx,
                     role == Role::kServer ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                           : SSL_VERIFY_PEER,
                     nullptr);
  return Ok();
}

const Verification* PeerVerification(const SSL* ssl) {
  return static_cast<const Verification*>(SSL_get_ex_data(ssl, SslIndex()));
}

std::string FailureReason(const SSL* ssl) {
  const Verification* v = PeerVerification(ssl);
  if (v == nullptr || v->accepted()) return "";
  return v->reason();
}

}  // namespace veritee::ratls
