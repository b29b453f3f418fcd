#include "crypto/speed.h"

#include "crypto/digest.h"
#include "crypto/keys.h"

namespace veritee {

struct RawEcdsaP384Bench::State {
  EvpPkeyPtr key;
  EvpPkeyCtxPtr ctx;
  std::array<uint8_t, 48> digest{};
  Bytes sig;
};

RawEcdsaP384Bench::RawEcdsaP384Bench(std::unique_ptr<State> state) : state_(std::move(state)) {}
RawEcdsaP384Bench::~RawEcdsaP384Bench() = default;

Result<std::unique_ptr<RawEcdsaP384Bench>> RawEcdsaP384Bench::Create() {
  auto s = std::make_unique<State>();
  VT_ASSIGN_OR_RETURN(s->key, GenerateEcKey("P-384"));
  s->digest = Sha384(Bytes(672, 0x5a));
  VT_ASSIGN_OR_RETURN(s->sig, SignEcdsaDigest(s->key.get(), s->digest));
  s->ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, s->key.get(), nullptr));
  if (!s->ctx || EVP_PKEY_verify_init(s->ctx.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "raw ECDSA P-384 benchmark");
  }
  return std::unique_ptr<RawEcdsaP384Bench>(new RawEcdsaP384Bench(std::move(s)));
}

bool RawEcdsaP384Bench::Run(uint64_t n) {
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
