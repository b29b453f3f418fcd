#include "crypto/x509.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/encoding.h"

namespace veritee {
namespace {

BioPtr MemBio(ByteSpan data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "?";
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string NameCn(const X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string IntegerHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "?";
  if (BN_is_zero(bn.get())) return "0";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t nz = out.find_first_not_of('0');
  return nz == std::string::npos ? "0" : out.substr(nz);
}

Status SignWith(EVP_PKEY* key, bool rsa_pss,
                int (*sign)(void* obj, EVP_MD_CTX* ctx), void* obj) {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* digest = EVP_sha384();
  if (!md || EVP_DigestSignInit(md.get(), &pctx, digest, nullptr, key) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "signing setup");
  }
  if (rsa_pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest) != 1)) {
    return OpenSslFailure(ErrorCode::kCrypto, "RSA-PSS parameters");
  }
  if (sign(obj, md.get()) <= 0) return OpenSslFailure(ErrorCode::kCrypto, "signing");
  return Ok();
}

}  // namespace

Result<UnixTime> Asn1TimeToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return OpenSslFailure(ErrorCode::kMalformed, "invalid ASN.1 time");
  }
  return UnixFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                       static_cast<unsigned>(tm.tm_mday), tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool LooksLikePem(ByteSpan data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find("-----BEGIN") != std::string_view::npos;
}

Result<Certificate> Certificate::FromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509* raw = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) return OpenSslFailure(ErrorCode::kMalformed, "parsing a certificate");
  Certificate cert;
  cert.x509_ = std::shared_ptr<X509>(raw, X509_free);
  size_t used = static_cast<size_t>(p - der.data());
  if (used != der.size()) {
    return MakeError(ErrorCode::kTrailingData,
                     std::to_string(der.size() - used) + " bytes after the certificate");
  }
  cert.der_ = std::make_shared<const Bytes>(der.begin(), der.end());
  cert.sha256_ = std::make_shared<const std::array<uint8_t, 32>>(Sha256(der));
  VT_ASSIGN_OR_RETURN(cert.not_before_, Asn1TimeToUnix(X509_get0_notBefore(raw)));
  VT_ASSIGN_OR_RETURN(cert.not_after_, Asn1TimeToUnix(X509_get0_notAfter(raw)));
  return cert;
}

std::string Certificate::Sha256Hex() const { return ToHex(*sha256_); }
std::string Certificate::Subject() const { return NameToString(X509_get_subject_name(get())); }
std::string Certificate::Issuer() const { return NameToString(X509_get_issuer_name(get())); }
std::string Certificate::SubjectCn() const { return NameCn(X509_get_subject_name(get())); }
std::string Certificate::IssuerCn() const { return NameCn(X509_get_issuer_name(get())); }
std::string Certificate::SerialHex() const { return IntegerHex(X509_get0_serialNumber(get())); }

std::vector<CertExtension> Certificate::Extensions() const {
  std::vector<CertExtension> out;
  int n = X509_get_ext_count(get());
  for (int i = 0; i < n; ++i) {
    X509_EXTENSION* ext = X509_get_ext(get(), i);
    char oid[128];
    int len = OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
    if (len <= 0 || static_cast<size_t>(len) >= sizeof oid) continue;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    const uint8_t* bytes = ASN1_STRING_get0_data(data);
    out.push_back(CertExtension{std::string(oid, static_cast<size_t>(len)),
                                X509_EXTENSION_get_critical(ext) == 1,
                                Bytes(bytes, bytes + ASN1_STRING_length(data))});
  }
  return out;
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), get()) != 1) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string Certificate::Describe() const {
  std::string cn = SubjectCn();
  if (cn.empty()) cn = Subject();
  return cn + " (serial 0x" + SerialHex() + ", SHA-256 " + Sha256Hex().substr(0, 16) + "…)";
}

Result<std::vector<Certificate>> ParseCertificates(ByteSpan data) {
  std::vector<Certificate> out;
  if (!LooksLikePem(data)) {
    VT_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(data));
    out.push_back(std::move(cert));
    return out;
  }
  // PEM: tolerate a trailing NUL (Intel PCS sends one) and text around the blocks.
  while (!data.empty() && data.back() == 0) data = data.first(data.size() - 1);
  BioPtr bio = MemBio(data);
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &der, &len) != 1) {
      ClearOpenSslErrors();  // end of input
      break;
    }
    std::string type(name);
    Bytes block(der, der + len);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    if (type != "CERTIFICATE") continue;
    VT_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(block));
    out.push_back(std::move(cert));
  }
  if (out.empty()) return MakeError(ErrorCode::kMalformed, "no certificate in the PEM text");
  return out;
}

Result<Crl> Crl::Parse(ByteSpan data) {
  Bytes der;
  if (LooksLikePem(data)) {
    while (!data.empty() && data.back() == 0) data = data.first(data.size() - 1);
    BioPtr bio = MemBio(data);
    X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) return OpenSslFailure(ErrorCode::kMalformed, "parsing a PEM CRL");
    unsigned char* buf = nullptr;
    int len = i2d_X509_CRL(crl.get(), &buf);
    if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "re-encoding a CRL");
    der.assign(buf, buf + len);
    OPENSSL_free(buf);
  } else {
    der.assign(data.begin(), data.end());
  }
  const unsigned char* p = der.data();
  X509_CRL* raw = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) return OpenSslFailure(ErrorCode::kMalformed, "parsing a CRL");
  Crl crl;
  crl.crl_ = std::shared_ptr<X509_CRL>(raw, X509_CRL_free);
  if (static_cast<size_t>(p - der.data()) != der.size()) {
    return MakeError(ErrorCode::kTrailingData, "bytes after the CRL");
  }
  crl.sha256_ = std::make_shared<const std::array<uint8_t, 32>>(Sha256(der));
  VT_ASSIGN_OR_RETURN(crl.this_update_, Asn1TimeToUnix(X509_CRL_get0_lastUpdate(raw)));
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(raw)) {
    VT_ASSIGN_OR_RETURN(UnixTime t, Asn1TimeToUnix(next));
    crl.next_update_ = t;
  }
  return crl;
}

std::string Crl::Issuer() const { return NameToString(X509_CRL_get_issuer(get())); }

std::vector<std::string> Crl::RevokedSerialsHex() const {
  std::vector<std::string> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    out.push_back(IntegerHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  return out;
}

Status Crl::VerifySignature(EVP_PKEY* issuer_key) const {
  if (X509_CRL_verify(get(), issuer_key) != 1) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadSignature, "CRL signature does not verify with its issuer");
  }
  return Ok();
}

Result<std::vector<Certificate>> BuildChain(const Certificate& leaf,
                                            std::span<const Certificate> intermediates,
                                            std::span<const Certificate> anchors) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return OpenSslFailure(ErrorCode::kCrypto, "creating a trust store");
  for (const Certificate& anchor : anchors) {
    if (X509_STORE_add_cert(store.get(), anchor.get()) != 1) ClearOpenSslErrors();  // duplicate
  }
  using StackPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;
  StackPtr untrusted(sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_free(s); });
  for (const Certificate& c : intermediates) sk_X509_push(untrusted.get(), c.get());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "chain context");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
    std::string who = at != nullptr ? NameCn(X509_get_subject_name(at)) : leaf.SubjectCn();
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kChainInvalid,
                     std::string(X509_verify_cert_error_string(err)) + " (at " + who +
                         ", depth " + std::to_string(depth) + ")");
  }
  std::vector<Certificate> chain;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(built); ++i) {
    X509* x = sk_X509_value(built, i);
    unsigned char* der = nullptr;
    int len = i2d_X509(x, &der);
    if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "encoding a chain certificate");
    auto cert = Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)));
    OPENSSL_free(der);
    if (!cert) return tl::unexpected(cert.error());
    chain.push_back(std::move(*cert));
  }
  return chain;
}

Status CheckValidAt(const Certificate& cert, UnixTime at, std::string_view role) {
  if (at < cert.NotBefore()) {
    return MakeError(ErrorCode::kExpired,
                     std::string(role) + " certificate is not valid yet: notBefore " +
                         FormatTime(cert.NotBefore()) + ", verification time " + FormatTime(at));
  }
  if (at > cert.NotAfter()) {
    return MakeError(ErrorCode::kExpired,
                     std::string(role) + " certificate expired: notAfter " +
                         FormatTime(cert.NotAfter()) + ", verification time " + FormatTime(at));
  }
  return Ok();
}

Status CheckRevocation(std::span<const Certificate> chain, std::span<const Crl> crls,
                       UnixTime at, const RevocationOptions& options) {
  for (const Crl& crl : crls) {
    const Certificate* issuer = nullptr;
    for (const Certificate& c : chain) {
      if (X509_NAME_cmp(X509_get_subject_name(c.get()), X509_CRL_get_issuer(crl.get())) == 0) {
        issuer = &c;
        break;
      }
    }
    if (issuer == nullptr) {
      return MakeError(ErrorCode::kMismatch,
                       "CRL issued by " + crl.Issuer() + " does not belong to this chain");
    }
    VT_RETURN_IF_ERROR(crl.VerifySignature(issuer->PublicKey()));
    if (at < crl.ThisUpdate()) {
      return MakeError(ErrorCode::kExpired, "CRL of " + issuer->SubjectCn() +
                                                " is not valid yet: thisUpdate " +
                                                FormatTime(crl.ThisUpdate()));
    }
    if (!options.allow_stale && (!crl.NextUpdate() || at > *crl.NextUpdate())) {
      return MakeError(ErrorCode::kExpired,
                       "CRL of " + issuer->SubjectCn() + " is stale: nextUpdate " +
                           (crl.NextUpdate() ? FormatTime(*crl.NextUpdate()) : "absent") +
                           ", verification time " + FormatTime(at));
    }
    for (const Certificate& c : chain) {
      if (&c == issuer ||
          X509_NAME_cmp(X509_get_issuer_name(c.get()), X509_CRL_get_issuer(crl.get())) != 0) {
        continue;
      }
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(c.get())) == 1) {
        std::string when;
        if (auto t = Asn1TimeToUnix(X509_REVOKED_get0_revocationDate(entry))) {
          when = " on " + FormatTime(*t);
        }
        return MakeError(ErrorCode::kRevoked,
                         c.Describe() + " is revoked by the CRL of " + issuer->SubjectCn() + when);
      }
    }
  }
  return Ok();
}

Result<Certificate> IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key,
                                     const Certificate* issuer, EVP_PKEY* issuer_key) {
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return OpenSslFailure(ErrorCode::kCrypto, "X509");
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), spec.serial);
  X509_NAME* name = X509_get_subject_name(x.get());
  for (const auto& [field, value] : spec.subject) {
    if (X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      return OpenSslFailure(ErrorCode::kInvalidArgument, "subject field " + field);
    }
  }
  X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer->get()) : name);
  if (ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(spec.not_after)) == nullptr ||
      X509_set_pubkey(x.get(), subject_key) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "certificate fields");
  }
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer != nullptr ? issuer->get() : x.get(), x.get(), nullptr, nullptr, 0);
  auto add = [&](int nid, std::string value) -> Status {
    X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str()));
    if (!ext || X509_add_ext(x.get(), ext.get(), -1) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "extension " + value);
    }
    return Ok();
  };
  if (spec.ca) {
    std::string bc = "critical,CA:TRUE";
    if (spec.path_len) bc += ",pathlen:" + std::to_string(*spec.path_len);
    VT_RETURN_IF_ERROR(add(NID_basic_constraints, bc));
    if (spec.key_usage) VT_RETURN_IF_ERROR(add(NID_key_usage, "critical,keyCertSign,cRLSign"));
    VT_RETURN_IF_ERROR(add(NID_subject_key_identifier, "hash"));
  } else if (spec.key_usage) {
    VT_RETURN_IF_ERROR(add(NID_key_usage, "critical,digitalSignature"));
  }
  for (const CertExtension& e : spec.extensions) {
    Asn1ObjectPtr obj(OBJ_txt2obj(e.oid.c_str(), 1));
    Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!obj || !value ||
        ASN1_OCTET_STRING_set(value.get(), e.value.data(), static_cast<int>(e.value.size())) != 1) {
      return OpenSslFailure(ErrorCode::kInvalidArgument, "extension " + e.oid);
    }
    X509ExtensionPtr ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), e.critical ? 1 : 0, value.get()));
    if (!ext || X509_add_ext(x.get(), ext.get(), -1) != 1) {
      return OpenSslFailure(ErrorCode::kCrypto, "extension " + e.oid);
    }
  }
  VT_RETURN_IF_ERROR(SignWith(
      issuer_key, spec.rsa_pss,
      [](void* obj, EVP_MD_CTX* ctx) { return X509_sign_ctx(static_cast<X509*>(obj), ctx); },
      x.get()));
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "encoding a certificate");
  auto cert = Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  return cert;
}

Result<Bytes> IssueCrlDer(const Certificate& issuer, EVP_PKEY* issuer_key, UnixTime this_update,
                          UnixTime next_update, std::span<const uint64_t> revoked_serials,
                          bool rsa_pss) {
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr last(ASN1_TIME_set(nullptr, static_cast<time_t>(this_update)));
  Asn1TimePtr next(ASN1_TIME_set(nullptr, static_cast<time_t>(next_update)));
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return OpenSslFailure(ErrorCode::kCrypto, "CRL fields");
  }
  for (uint64_t serial : revoked_serials) {
    X509_REVOKED* rev = X509_REVOKED_new();
    Asn1IntegerPtr sn(ASN1_INTEGER_new());
    if (rev == nullptr || !sn || ASN1_INTEGER_set_uint64(sn.get(), serial) != 1 ||
        X509_REVOKED_set_serialNumber(rev, sn.get()) != 1 ||
        X509_REVOKED_set_revocationDate(rev, last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), rev) != 1) {
      X509_REVOKED_free(rev);
      return OpenSslFailure(ErrorCode::kCrypto, "CRL entry");
    }
  }
  X509_CRL_sort(crl.get());
  VT_RETURN_IF_ERROR(SignWith(
      issuer_key, rsa_pss,
      [](void* obj, EVP_MD_CTX* ctx) { return X509_CRL_sign_ctx(static_cast<X509_CRL*>(obj), ctx); },
      crl.get()));
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return OpenSslFailure(ErrorCode::kCrypto, "encoding a CRL");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace veritee
