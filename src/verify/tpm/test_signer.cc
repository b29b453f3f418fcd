#include "verify/tpm/test_signer.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto/keys.h"
#include "parse/tpm/pcr_values.h"
#include "verify/tpm/tpm_crypto.h"

namespace veritee::tpm::testing {
namespace {

constexpr uint32_t kAkAttributes = kObjFixedTpm | kObjFixedParent | kObjSensitiveDataOrigin |
                                   kObjUserWithAuth | kObjRestricted | kObjSign;

Result<Bytes> BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, name);
  }
  BignumPtr bn(raw);
  Bytes out(static_cast<size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

const EVP_MD* Md(AlgId hash) {
  switch (hash) {
    case kAlgSha1: return EVP_sha1();
    case kAlgSha384: return EVP_sha384();
    case kAlgSha512: return EVP_sha512();
    default: return EVP_sha256();
  }
}

}  // namespace

Result<SoftAk> SoftAk::Rsa(int bits, AlgId scheme, AlgId hash) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateRsaKey(bits));
  SoftAk ak;
  ak.pub_.type = kAlgRsa;
  ak.pub_.attributes = kAkAttributes;
  ak.pub_.scheme = scheme;
  ak.pub_.scheme_hash = scheme == kAlgNull ? 0 : hash;
  ak.pub_.rsa_key_bits = static_cast<uint16_t>(bits);
  VT_ASSIGN_OR_RETURN(ak.pub_.rsa_modulus, BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N));
  ak.pub_.rsa_exponent = 0;  // the default, 65537
  ak.key_ = ShareKey(std::move(key));
  return ak;
}

Result<SoftAk> SoftAk::Ecc(uint16_t curve, AlgId hash) {
  const char* name = curve == kEccNistP384 ? "P-384" : "P-256";
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey(name));
  SoftAk ak;
  ak.pub_.type = kAlgEcc;
  ak.pub_.attributes = kAkAttributes;
  ak.pub_.scheme = kAlgEcdsa;
  ak.pub_.scheme_hash = hash;
  ak.pub_.curve = curve;
  VT_ASSIGN_OR_RETURN(ak.pub_.ecc_x, BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X));
  VT_ASSIGN_OR_RETURN(ak.pub_.ecc_y, BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y));
  ak.key_ = ShareKey(std::move(key));
  return ak;
}

Result<std::string> SoftAk::PublicPem() const {
  VT_ASSIGN_OR_RETURN(Bytes der, PublicKeyToDer(key_.get()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  const unsigned char* p = der.data();
  EvpPkeyPtr copy(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!bio || !copy || PEM_write_bio_PUBKEY(bio.get(), copy.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<Bytes> SoftAk::Sign(ByteSpan message) const {
  return Sign(message, pub_.scheme == kAlgNull ? (pub_.type == kAlgRsa ? kAlgRsaSsa : kAlgEcdsa)
                                               : pub_.scheme,
              pub_.scheme_hash == 0 ? kAlgSha256 : pub_.scheme_hash);
}

Result<Bytes> SoftAk::Sign(ByteSpan message, AlgId scheme, AlgId hash) const {
  Signature sig;
  sig.sig_alg = scheme;
  sig.hash = hash;
  if (scheme == kAlgEcdsa) {
    VT_ASSIGN_OR_RETURN(Bytes digest, TpmHash(hash, message));
    VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(key_.get(), digest));
    size_t width = pub_.curve == kEccNistP384 ? 48 : 32;
    VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, width, false));
    sig.ecc_r = rs.first;
    sig.ecc_s = rs.second;
    return WriteSignature(sig);
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const bool pss = scheme == kAlgRsaPss;
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, Md(hash), nullptr, key_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) != 1 ||
      (pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA sign setup");
  }
  sig.rsa.resize(len);
  if (EVP_DigestSign(ctx.get(), sig.rsa.data(), &len, message.data(), message.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA sign");
  }
  sig.rsa.resize(len);
  return WriteSignature(sig);
}

Result<Attest> MakeQuote(const PcrMap& values, ByteSpan nonce, AlgId hash) {
  Attest a;
  a.qualified_signer = {0x00, 0x0b};
  a.qualified_signer.resize(34, 0x42);
  a.extra_data.assign(nonce.begin(), nonce.end());
  a.clock_info = ClockInfo{123456, 3, 0, 1};
  a.firmware_version = 0x2019102300163636ULL;
  Bytes concatenated;
  for (const auto& [bank, pcrs] : values) {
    std::vector<uint32_t> indices;
    for (const auto& [index, digest] : pcrs) {
      indices.push_back(index);
      concatenated.insert(concatenated.end(), digest.begin(), digest.end());
    }
    a.quote.pcr_select.banks.push_back(MakePcrBank(bank, indices));
  }
  VT_ASSIGN_OR_RETURN(a.quote.pcr_digest, TpmHash(hash, concatenated));
  return a;
}

}  // namespace veritee::tpm::testing
