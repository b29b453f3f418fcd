#include "crypto/speed.h"

#include <openssl/rsa.h>

#include "crypto/digest.h"
#include "crypto/keys.h"

namespace veritee {

std::string_view RawSignatureName(RawSignature kind) {
  switch (kind) {
    case RawSignature::kEcdsaP384: return "ecdsa-p384";
    case RawSignature::kEcdsaP256: return "ecdsa-p256";
    case RawSignature::kRsa2048Pkcs1: return "rsa2048";
  }
  return "unknown";
}

struct RawSignatureBench::State {
  EvpPkeyPtr key;
  EvpPkeyCtxPtr ctx;
  Bytes digest;
  Bytes sig;
};

RawSignatureBench::RawSignatureBench(std::unique_ptr<State> state) : state_(std::move(state)) {}
RawSignatureBench::~RawSignatureBench() = default;

Result<std::unique_ptr<RawSignatureBench>> RawSignatureBench::Create(RawSignature kind) {
  auto s = std::make_unique<State>();
  const Bytes message(672, 0x5a);
  if (kind == RawSignature::kRsa2048Pkcs1) {
    VT_ASSIGN_OR_RETURN(s->key, GenerateRsaKey(2048));
    auto d = Sha256(message);
    s->digest.assign(d.begin(), d.end());
  } else {
    const bool p384 = kind == RawSignature::kEcdsaP384;
    VT_ASSIGN_OR_RETURN(s->key, GenerateEcKey(p384 ? "P-384" : "P-256"));
    if (p384) {
      auto d = Sha384(message);
      s->digest.assign(d.begin(), d.end());
    } else {
      auto d = Sha256(message);
      s->digest.assign(d.begin(), d.end());
    }
  }
  auto fail = [&] { return OpenSslFailure(ErrorCode::kCrypto, "raw signature benchmark setup"); };
  const bool rsa = kind == RawSignature::kRsa2048Pkcs1;
  auto pkcs1 = [](EVP_PKEY_CTX* ctx) {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1;
  };
  // The signature, made once.
  EvpPkeyCtxPtr sign(EVP_PKEY_CTX_new_from_pkey(nullptr, s->key.get(), nullptr));
  size_t len = 0;
  if (!sign || EVP_PKEY_sign_init(sign.get()) != 1 || (rsa && !pkcs1(sign.get())) ||
      EVP_PKEY_sign(sign.get(), nullptr, &len, s->digest.data(), s->digest.size()) != 1) {
    return fail();
  }
  s->sig.resize(len);
  if (EVP_PKEY_sign(sign.get(), s->sig.data(), &len, s->digest.data(), s->digest.size()) != 1) {
    return fail();
  }
  s->sig.resize(len);
  s->ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, s->key.get(), nullptr));
  if (!s->ctx || EVP_PKEY_verify_init(s->ctx.get()) != 1 || (rsa && !pkcs1(s->ctx.get()))) {
    return fail();
  }
  return std::unique_ptr<RawSignatureBench>(new RawSignatureBench(std::move(s)));
}

bool RawSignatureBench::Run(uint64_t n) {
  State& s = *state_;
  for (uint64_t i = 0; i < n; ++i) {
    if (EVP_PKEY_verify(s.ctx.get(), s.sig.data(), s.sig.size(), s.digest.data(),
                        s.digest.size()) != 1) {
      return false;
    }
  }
  return true;
}

}  // namespace veritee
