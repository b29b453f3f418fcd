#include "verify/tpm/tpm_crypto.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto/keys.h"

namespace veritee::tpm {
namespace {

using OsslParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using OsslParamPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;

const EVP_MD* Md(AlgId alg) {
  switch (alg) {
    case kAlgSha1: return EVP_sha1();
    case kAlgSha256: return EVP_sha256();
    case kAlgSha384: return EVP_sha384();
    case kAlgSha512: return EVP_sha512();
    case kAlgSha3_256: return EVP_sha3_256();
    case kAlgSha3_384: return EVP_sha3_384();
    case kAlgSha3_512: return EVP_sha3_512();
    case kAlgSm3_256: {
      // Present only when OpenSSL was built with SM3; fetched once.
      static EVP_MD* sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
      ClearOpenSslErrors();
      return sm3;
    }
    default: return nullptr;
  }
}

const char* CurveGroup(uint16_t curve) {
  switch (curve) {
    case kEccNistP256: return "prime256v1";
    case kEccNistP384: return "secp384r1";
    case kEccNistP521: return "secp521r1";
    default: return nullptr;
  }
}

Result<EvpPkeyPtr> KeyFromParams(const char* type, OSSL_PARAM_BLD* bld, const char* what) {
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, what);
  }
  return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> RsaKey(const Public& pub) {
  if (pub.rsa_key_bits < 1024 || pub.rsa_key_bits > 4096 || pub.rsa_key_bits % 8 != 0 ||
      pub.rsa_modulus.size() != pub.rsa_key_bits / 8u || pub.rsa_modulus.empty() ||
      (pub.rsa_modulus[0] & 0x80) == 0) {
    return MakeError(ErrorCode::kMalformed,
                     "RSA modulus of " + std::to_string(pub.rsa_modulus.size()) +
                         " bytes does not have keyBits " + std::to_string(pub.rsa_key_bits) +
                         " bits",
                     "unique.rsa");
  }
  const uint32_t e = pub.rsa_exponent == 0 ? 65537 : pub.rsa_exponent;
  BignumPtr n(BN_bin2bn(pub.rsa_modulus.data(), static_cast<int>(pub.rsa_modulus.size()),
                        nullptr));
  BignumPtr be(BN_new());
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !be || !bld || BN_set_word(be.get(), e) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "building an RSA key");
  }
  return KeyFromParams("RSA", bld.get(), "RSA public key");
}

Result<EvpPkeyPtr> EccKey(const Public& pub) {
  const char* group = CurveGroup(pub.curve);
  auto size = CurveSize(pub.curve);
  if (group == nullptr || !size) {
    return MakeError(ErrorCode::kUnsupported,
                     "curve " + CurveName(pub.curve) +
                         " (nist_p256, nist_p384 and nist_p521 are supported)",
                     "curveID");
  }
  if (pub.ecc_x.size() > *size || pub.ecc_y.size() > *size) {
    return MakeError(ErrorCode::kMalformed,
                     "point coordinates longer than " + std::to_string(*size) + " bytes",
                     "unique.ecc");
  }
  // Uncompressed point; coordinates left-padded to the field size.
  ByteWriter w;
  w.U8(0x04);
  w.Zeros(*size - pub.ecc_x.size());
  w.Append(pub.ecc_x);
  w.Zeros(*size - pub.ecc_y.size());
  w.Append(pub.ecc_y);
  const Bytes point = w.Take();
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "building an EC key");
  }
  // EVP_PKEY_fromdata checks that the point is on the curve.
  return KeyFromParams("EC", bld.get(), "ECC public key (point not on the curve?)");
}

}  // namespace

bool TpmHashSupported(AlgId alg) { return Md(alg) != nullptr; }

Result<Bytes> TpmHash2(AlgId alg, ByteSpan a, ByteSpan b) {
  const EVP_MD* md = Md(alg);
  if (md == nullptr) {
    return MakeError(ErrorCode::kUnsupported, "hash algorithm " + AlgName(alg));
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return OpenSslFailure(ErrorCode::kCrypto, "hashing with " + AlgName(alg));
  }
  return out;
}

Result<Bytes> TpmHash(AlgId alg, ByteSpan data) { return TpmHash2(alg, data, {}); }

Result<EvpPkeyPtr> PublicKeyFromTpm(const Public& pub) {
  if (pub.type == kAlgRsa) return RsaKey(pub);
  if (pub.type == kAlgEcc) return EccKey(pub);
  return MakeError(ErrorCode::kUnsupported, "key type " + AlgName(pub.type), "type");
}

Status VerifyTpmSignature(EVP_PKEY* key, const Signature& sig, ByteSpan message) {
  const EVP_MD* md = Md(sig.hash);
  if (md == nullptr) {
    return MakeError(ErrorCode::kUnsupported, "signature hash " + AlgName(sig.hash));
  }
  const int key_type = EVP_PKEY_get_base_id(key);
  if (sig.sig_alg == kAlgEcdsa) {
    if (key_type != EVP_PKEY_EC) {
      return MakeError(ErrorCode::kMismatch, "an ECDSA signature, but the AK is " +
                                                 DescribeKey(key));
    }
    VT_ASSIGN_OR_RETURN(Bytes digest, TpmHash(sig.hash, message));
    // ECDSA truncates the digest to the order's size itself (FIPS 186-5, 6.4.2).
    return VerifyEcdsaDigestRS(key, digest, sig.ecc_r, sig.ecc_s, false);
  }
  if (key_type != EVP_PKEY_RSA) {
    return MakeError(ErrorCode::kMismatch,
                     "an RSA signature, but the AK is " + DescribeKey(key));
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const bool pss = sig.sig_alg == kAlgRsaPss;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) != 1 ||
      (pss && (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
               EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA verify setup");
  }
  if (EVP_DigestVerify(ctx.get(), sig.rsa.data(), sig.rsa.size(), message.data(),
                       message.size()) != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadSignature,
                     std::string(pss ? "RSASSA-PSS" : "RSASSA-PKCS1-v1_5") +
                         " signature does not verify");
  }
  return Ok();
}

Result<Bytes> ObjectName(AlgId name_alg, ByteSpan tpmt_public) {
  VT_ASSIGN_OR_RETURN(Bytes digest, TpmHash(name_alg, tpmt_public));
  Bytes name = {static_cast<uint8_t>(name_alg >> 8), static_cast<uint8_t>(name_alg)};
  name.insert(name.end(), digest.begin(), digest.end());
  return name;
}

}  // namespace veritee::tpm
