// Owned pointers for OpenSSL 3 handles, and the error-queue adapter.
//
// Every OpenSSL object is wrapped on the line that receives it, with a stateless deleter,
// so no path leaks or double-frees. OpenSSL types stay inside crypto/ and verify/.
// OpenSslError() drains the thread's error queue into one veritee Error, so a failure
// reads "ECDSA verify: error:...:bad signature" instead of a bare code.
#pragma once

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/result.h"

namespace veritee {

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, Free>>;

using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using BioPtr = OsslPtr<BIO, BIO_free_all>;
using EcdsaSigPtr = OsslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using EvpMdCtxPtr = OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpPkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpPkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = OsslPtr<X509, X509_free>;
using X509CrlPtr = OsslPtr<X509_CRL, X509_CRL_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509ExtensionPtr = OsslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using Asn1IntegerPtr = OsslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = OsslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = OsslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1TimePtr = OsslPtr<ASN1_TIME, ASN1_TIME_free>;
using X509NamePtr = OsslPtr<X509_NAME, X509_NAME_free>;

// Shared ownership of a key (EVP_PKEY is reference counted and safe to use for
// verification from several threads, each with its own EVP_PKEY_CTX).
using SharedPkey = std::shared_ptr<EVP_PKEY>;
SharedPkey ShareKey(EvpPkeyPtr key);

// Drains the calling thread's OpenSSL error queue into an Error with `code`, prefixed by
// `what`. Always leaves the queue empty.
Error OpenSslError(ErrorCode code, std::string_view what);
inline tl::unexpected<Error> OpenSslFailure(ErrorCode code, std::string_view what) {
  return tl::unexpected<Error>(OpenSslError(code, what));
}
// Empties the error queue (after an expected failure that is reported otherwise).
void ClearOpenSslErrors();

}  // namespace veritee
