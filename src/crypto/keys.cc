#include "crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace veritee {
namespace {

const EVP_MD* Md(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::kSha256: return EVP_sha256();
    case DigestAlg::kSha384: return EVP_sha384();
    case DigestAlg::kSha512: return EVP_sha512();
  }
  return nullptr;
}

BignumPtr ToBignum(ByteSpan bytes, bool little_endian) {
  int n = static_cast<int>(bytes.size());
  return BignumPtr(little_endian ? BN_lebin2bn(bytes.data(), n, nullptr)
                                 : BN_bin2bn(bytes.data(), n, nullptr));
}

Result<Bytes> RsToDer(ByteSpan r, ByteSpan s, bool little_endian) {
  if (r.empty() || s.empty() || r.size() > 132 || s.size() > 132) {
    return MakeError(ErrorCode::kMalformed, "ECDSA r/s have an invalid length");
  }
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr br = ToBignum(r, little_endian);
  BignumPtr bs = ToBignum(s, little_endian);
  if (!sig || !br || !bs || ECDSA_SIG_set0(sig.get(), br.get(), bs.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "building ECDSA signature");
  }
  (void)br.release();  // owned by sig now
  (void)bs.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "encoding ECDSA signature");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// A verification context per thread for the most recently used key. Setting one up
// (provider fetch, key import) costs a few percent of an ECDSA P-384 verification, and a
// verifier checks many reports with the same VCEK. The context holds a reference to its
// key, so a cached pointer can never be reused by another key while it is cached.
EVP_PKEY_CTX* VerifyContext(EVP_PKEY* key) {
  thread_local EVP_PKEY* cached_key = nullptr;
  thread_local EvpPkeyCtxPtr cached_ctx;
  if (cached_key == key && cached_ctx) return cached_ctx.get();
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return nullptr;
  cached_ctx = std::move(ctx);
  cached_key = key;
  return cached_ctx.get();
}

Status VerifyDerDigest(EVP_PKEY* key, ByteSpan digest, ByteSpan der) {
  EVP_PKEY_CTX* ctx = VerifyContext(key);
  if (ctx == nullptr) return OpenSslFailure(ErrorCode::kCrypto, "ECDSA verify setup");
  int rc = EVP_PKEY_verify(ctx, der.data(), der.size(), digest.data(), digest.size());
  if (rc != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadSignature, "ECDSA signature does not verify");
  }
  return Ok();
}

BioPtr MemBio(ByteSpan data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

bool LooksLikePem(ByteSpan data) {
  static constexpr std::string_view kBegin = "-----BEGIN";
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kBegin) != std::string_view::npos;
}

}  // namespace

Status VerifyEcdsaDigestRS(EVP_PKEY* key, ByteSpan digest, ByteSpan r, ByteSpan s,
                           bool little_endian) {
  VT_ASSIGN_OR_RETURN(Bytes der, RsToDer(r, s, little_endian));
  return VerifyDerDigest(key, digest, der);
}

Status VerifyEcdsaDigest(EVP_PKEY* key, ByteSpan digest, ByteSpan sig, EcdsaFormat format) {
  if (format == EcdsaFormat::kDer) return VerifyDerDigest(key, digest, sig);
  if (sig.empty() || sig.size() % 2 != 0) {
    return MakeError(ErrorCode::kMalformed, "raw ECDSA signature has an odd or zero length");
  }
  size_t half = sig.size() / 2;
  return VerifyEcdsaDigestRS(key, digest, sig.first(half), sig.subspan(half),
                             format == EcdsaFormat::kRawLittleEndian);
}

Status VerifyEcdsa(EVP_PKEY* key, DigestAlg alg, ByteSpan message, ByteSpan sig,
                   EcdsaFormat format) {
  Bytes digest = Digest(alg, message);
  return VerifyEcdsaDigest(key, digest, sig, format);
}

Status VerifyRsaPss(EVP_PKEY* key, DigestAlg alg, ByteSpan message, ByteSpan sig,
                    int salt_length) {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, Md(alg), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_length) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, Md(alg)) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA-PSS verify setup");
  }
  if (EVP_DigestVerify(md.get(), sig.data(), sig.size(), message.data(), message.size()) != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadSignature, "RSA-PSS signature does not verify");
  }
  return Ok();
}

Result<std::string> EcCurveName(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return MakeError(ErrorCode::kUnsupported, "not an EC key: " + DescribeKey(key));
  }
  char name[64];
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
      1) {
    return OpenSslFailure(ErrorCode::kCrypto, "reading the EC curve name");
  }
  return std::string(name, len);
}

std::string DescribeKey(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_EC) {
    auto curve = EcCurveName(key);
    if (!curve) return "EC (unknown curve)";
    if (*curve == "secp384r1") return "EC P-384";
    if (*curve == "prime256v1") return "EC P-256";
    if (*curve == "secp521r1") return "EC P-521";
    return "EC " + *curve;
  }
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    return "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  }
  if (id == EVP_PKEY_ED25519) return "Ed25519";
  return std::string("key type ") + std::to_string(id);
}

Result<EvpPkeyPtr> ParsePublicKey(ByteSpan data) {
  BioPtr bio = MemBio(data);
  EvpPkeyPtr key(LooksLikePem(data) ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
                                    : d2i_PUBKEY_bio(bio.get(), nullptr));
  if (!key) return OpenSslFailure(ErrorCode::kMalformed, "parsing a public key");
  return key;
}

Result<EvpPkeyPtr> ParsePrivateKeyPem(ByteSpan pem) {
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslFailure(ErrorCode::kMalformed, "parsing a private key");
  return key;
}

Result<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "writing a private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<Bytes> PublicKeyToDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "encoding a public key");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<EvpPkeyPtr> GenerateEcKey(std::string_view curve) {
  const char* group = curve == "P-256" ? "P-256" : curve == "P-384" ? "P-384" : nullptr;
  if (group == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "unsupported curve " + std::string(curve));
  }
  EvpPkeyPtr key(EVP_EC_gen(group));
  if (!key) return OpenSslFailure(ErrorCode::kCrypto, "generating an EC key");
  return key;
}

Result<EvpPkeyPtr> GenerateRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!key) return OpenSslFailure(ErrorCode::kCrypto, "generating an RSA key");
  return key;
}

Result<Bytes> SignEcdsaDigest(EVP_PKEY* key, ByteSpan digest) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "ECDSA sign setup");
  }
  Bytes sig(len);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, digest.data(), digest.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "ECDSA sign");
  }
  sig.resize(len);
  return sig;
}

Result<std::pair<Bytes, Bytes>> EcdsaDerToRS(ByteSpan der, size_t width, bool little_endian) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return OpenSslFailure(ErrorCode::kMalformed, "decoding an ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out_r(width), out_s(width);
  int w = static_cast<int>(width);
  int ok = little_endian ? (BN_bn2lebinpad(r, out_r.data(), w) == w &&
                            BN_bn2lebinpad(s, out_s.data(), w) == w)
                         : (BN_bn2binpad(r, out_r.data(), w) == w &&
                            BN_bn2binpad(s, out_s.data(), w) == w);
  if (!ok) return MakeError(ErrorCode::kMalformed, "ECDSA r/s do not fit the width");
  return std::make_pair(std::move(out_r), std::move(out_s));
}

Result<Bytes> SignRsaPss(EVP_PKEY* key, DigestAlg alg, ByteSpan message, int salt_length) {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), &pctx, Md(alg), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_length) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, Md(alg)) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA-PSS sign setup");
  }
  Bytes sig(len);
  if (EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA-PSS sign");
  }
  sig.resize(len);
  return sig;
}

}  // namespace veritee
