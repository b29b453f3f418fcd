// AWS Nitro Enclaves attestation document verifier (aws-nitro-enclaves-nsm-api,
// docs/attestation_process.md, section 3 "Attestation document validation"; COSE_Sign1 per
// RFC 9052 with ES384 per RFC 9053).
//
// Pipeline: parse (COSE_Sign1 and the document, strict) → alg ES384 → digest SHA384 →
// certificates (leaf and cabundle DER) → chain leaf → cabundle → built-in AWS Root-G1 (or a
// --trust-root), signatures, CA basic constraints and path lengths checked by OpenSSL →
// constraints AWS specifies (CAs: basicConstraints CA and keyUsage keyCertSign; leaf: not a
// CA, keyUsage digitalSignature, key EC P-384; every issued certificate signed with
// ecdsa-with-SHA384) → ECDSA P-384 signature, raw r||s, over the Sig_structure built around
// the received protected header and payload bytes → validity of every certificate at the
// verification time (the document's timestamp to the millisecond, or --at) → the document
// timestamp inside the leaf's validity → debug mode → expected values.
//
// The chain and its constraint checks are computed once per (certificate bytes, cabundle
// bytes, extra roots) and cached; parsing, the signature and the time checks run on every
// call.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "parse/nitro/document.h"
#include "verify/nitro/options.h"
#include "verify/verification.h"

namespace veritee::nitro {

class NitroVerifier {
 public:
  NitroVerifier();
  ~NitroVerifier();
  NitroVerifier(const NitroVerifier&) = delete;
  NitroVerifier& operator=(const NitroVerifier&) = delete;

  // Thread-safe. Never throws; malformed input is a failed check in the result.
  Verification Verify(ByteSpan document, const VerifyInputs& inputs);

  size_t cached_chains() const;
  static constexpr size_t kMaxCachedChains = 4096;

 private:
  struct CachedChain;
  Result<std::shared_ptr<const CachedChain>> Chain(const AttestationDocument& doc,
                                                   const VerifyInputs& inputs);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedChain>> cache_;
};

}  // namespace veritee::nitro
