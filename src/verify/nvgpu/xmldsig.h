// Enveloped XML-DSig verification for NVIDIA RIMs, with xmlsec1 (OpenSSL backend) on the
// libxml2 document that parse/nvgpu/rim.h read from the exact file bytes.
//
// Follows W3C "XML Signature Syntax and Processing" 1.1 with RFC 6931 ("Additional XML
// Security URIs": ecdsa-sha384, sha384) and "Canonical XML" 1.1. The profile is pinned to
// what NVIDIA signs, and everything else is refused before xmlsec runs (so no transform,
// URI or key source can be chosen by the document):
//   * exactly one Reference, URI="" (the whole document), transforms exactly
//     enveloped-signature then one canonicalization (C14N 1.1, C14N 1.0 or exclusive C14N);
//   * DigestMethod sha384, SignatureMethod ecdsa-sha384, canonicalization of SignedInfo
//     C14N 1.1, C14N 1.0 or exclusive C14N;
//   * the key is the one the caller passes (the RIM leaf certificate's, after the chain
//     check); KeyInfo is never used to find a key; only same-document empty URIs resolve.
// The ds:Signature verified is the root's own child, the one the parser read.
#pragma once

#include <openssl/evp.h>

#include "base/result.h"
#include "parse/nvgpu/rim.h"

namespace veritee::nvgpu {

// kUnsupported: the signature does not follow the profile above (message names what).
// kBadSignature: "reference digest mismatch: the document was altered after signing" or
// "SignatureValue does not verify with the signer's key". kCrypto: xmlsec failed to run.
Status VerifyRimXmlSignature(_xmlDoc* doc, const RimSignatureInfo& info, EVP_PKEY* key);

// The profile check alone (no crypto).
Status CheckRimSignatureProfile(const RimSignatureInfo& info);

}  // namespace veritee::nvgpu
