#include "verify/nvgpu/xmldsig.h"

#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <memory>
#include <mutex>

namespace veritee::nvgpu {
namespace {

constexpr std::string_view kC14n11 = "http://www.w3.org/2006/12/xml-c14n11";
constexpr std::string_view kC14n10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr std::string_view kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
constexpr std::string_view kSha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
constexpr std::string_view kEcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";

bool IsC14n(std::string_view alg) { return alg == kC14n11 || alg == kC14n10 || alg == kExcC14n; }

// xmlsec prints errors through a callback; the reasons we report come from the status.
void SilentErrors(const char*, int, const char*, const char*, const char*, int, const char*) {}

Status InitXmlsec() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] {
    xmlInitParser();
    if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(nullptr) < 0 ||
        xmlSecCryptoInit() < 0) {
      rc = -1;
    }
    // After xmlSecInit, which installs the default (printing) callback.
    xmlSecErrorsSetCallback(SilentErrors);
  });
  if (rc != 0) return MakeError(ErrorCode::kCrypto, "xmlsec1 (OpenSSL) failed to initialise");
  return Ok();
}

struct DsigCtxFree {
  void operator()(xmlSecDSigCtx* ctx) const { xmlSecDSigCtxDestroy(ctx); }
};

}  // namespace

Status CheckRimSignatureProfile(const RimSignatureInfo& info) {
  auto unsupported = [](std::string what) {
    return MakeError(ErrorCode::kUnsupported, std::move(what), "ds:Signature");
  };
  if (!IsC14n(info.canonicalization)) {
    return unsupported("CanonicalizationMethod " + info.canonicalization + " is not C14N");
  }
  if (info.signature_method != kEcdsaSha384) {
    return unsupported("SignatureMethod " + info.signature_method + " is not ecdsa-sha384");
  }
  if (info.references.size() != 1) {
    return unsupported(std::to_string(info.references.size()) +
                       " References; exactly one, over the whole document, is accepted");
  }
  const RimReference& ref = info.references[0];
  if (!ref.uri.empty()) {
    return unsupported("Reference URI '" + ref.uri + "' is not \"\" (the whole document)");
  }
  if (ref.transforms.size() != 2 || ref.transforms[0] != kEnveloped ||
      !IsC14n(ref.transforms[1])) {
    std::string list;
    for (const std::string& t : ref.transforms) list += (list.empty() ? "" : ", ") + t;
    return unsupported("Reference transforms [" + list +
                       "] are not enveloped-signature followed by a canonicalization");
  }
  if (ref.digest_method != kSha384) {
    return unsupported("DigestMethod " + ref.digest_method + " is not sha384");
  }
  return Ok();
}

Status VerifyRimXmlSignature(_xmlDoc* doc, const RimSignatureInfo& info, EVP_PKEY* key) {
  VT_RETURN_IF_ERROR(CheckRimSignatureProfile(info));
  VT_RETURN_IF_ERROR(InitXmlsec());
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr node = root == nullptr ? nullptr
                                    : xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs);
  if (node == nullptr) {
    return MakeError(ErrorCode::kMalformed, "no ds:Signature child of the root", "ds:Signature");
  }
  std::unique_ptr<xmlSecDSigCtx, DsigCtxFree> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return MakeError(ErrorCode::kCrypto, "xmlSecDSigCtxCreate failed");
  // The caller's key, and nothing the document says about keys.
  if (EVP_PKEY_up_ref(key) != 1) return MakeError(ErrorCode::kCrypto, "EVP_PKEY_up_ref failed");
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(key);
  if (data == nullptr) {
    EVP_PKEY_free(key);
    return MakeError(ErrorCode::kCrypto, "xmlsec does not accept the RIM signer's key");
  }
  xmlSecKeyPtr sec_key = xmlSecKeyCreate();
  if (sec_key == nullptr || xmlSecKeySetValue(sec_key, data) < 0) {
    xmlSecKeyDataDestroy(data);
    if (sec_key != nullptr) xmlSecKeyDestroy(sec_key);
    return MakeError(ErrorCode::kCrypto, "xmlSecKeySetValue failed");
  }
  ctx->signKey = sec_key;  // destroyed with the context
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
  for (xmlSecTransformId id : {xmlSecTransformEnvelopedId, xmlSecTransformInclC14N11Id,
                               xmlSecTransformInclC14NId, xmlSecTransformExclC14NId,
                               xmlSecTransformSha384Id}) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx.get(), id) < 0) {
      return MakeError(ErrorCode::kCrypto, "xmlSecDSigCtxEnableReferenceTransform failed");
    }
  }
  for (xmlSecTransformId id : {xmlSecTransformInclC14N11Id, xmlSecTransformInclC14NId,
                               xmlSecTransformExclC14NId, xmlSecTransformEcdsaSha384Id}) {
    if (xmlSecDSigCtxEnableSignatureTransform(ctx.get(), id) < 0) {
      return MakeError(ErrorCode::kCrypto, "xmlSecDSigCtxEnableSignatureTransform failed");
    }
  }
  if (xmlSecDSigCtxVerify(ctx.get(), node) < 0) {
    return MakeError(ErrorCode::kCrypto, "xmlsec could not process the signature", "ds:Signature");
  }
  const xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
  for (xmlSecSize i = 0; i < n; ++i) {
    auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(
        xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
    if (ref == nullptr || ref->status != xmlSecDSigStatusSucceeded) {
      return MakeError(ErrorCode::kBadSignature,
                       "reference digest mismatch: the document was altered after signing",
                       "ds:Reference");
    }
  }
  if (n != 1) {
    return MakeError(ErrorCode::kBadSignature, "xmlsec processed " + std::to_string(n) +
                                                   " references, expected 1");
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    return MakeError(ErrorCode::kBadSignature,
                     "SignatureValue does not verify with the signer's key", "ds:SignatureValue");
  }
  return Ok();
}

}  // namespace veritee::nvgpu
