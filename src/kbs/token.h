// Attestation tokens: what /kbs/v0/attest and /v1/verify return, and what a guest may
// present as a bearer token to /kbs/v0/resource (kbs_attestation_protocol.md,
// "Attestation Results Token").
//
// The broker sees tokens only through this interface. The implementation appraises the
// verification with the appraisal stage (appraise/appraisal.h: policy, reference values,
// AR4SI trust vector) and signs an EAR (appraise/ear.h, ES256/ES384 through crypto/jose.h),
// to which it adds the KBS claim "tee-pubkey" (the attested TEE key, a JWK). Verification
// trusts only this service's key, never a key named by the token, and allows no leeway
// on "exp".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "appraise/policy.h"
#include "base/time.h"
#include "crypto/jose.h"
#include "verify/verification.h"

namespace veritee::kbs {

struct IssuedToken {
  std::string token;
  bool acceptable = false;           // affirming or warning
  std::string status;                // "affirming", "warning", "contraindicated", "none"
  std::vector<std::string> reasons;  // why not affirming, in words
  nlohmann::json claims;             // what release policies read (see release_policy.h)
};

struct TokenClaims {
  std::string tee;
  std::string status;
  nlohmann::json claims;   // as IssuedToken::claims
  std::string tee_pubkey;  // canonical JWK text ("{}" when the token binds no key)
  UnixTime expires_at = 0;
};

class TokenIssuer {
 public:
  virtual ~TokenIssuer() = default;
  // Appraises `v` and signs the result; `tee_pubkey` is canonical JWK text or empty.
  virtual Result<IssuedToken> Issue(const Verification& v, const std::string& tee_pubkey,
                                    UnixTime now, UnixTime expires_at) = 0;
  // kBadSignature (not ours), kExpired (at or past exp), kMalformed.
  virtual Result<TokenClaims> Verify(std::string_view token, UnixTime now) = 0;
  // The JWK Set that verifies this service's tokens (for relying parties).
  virtual nlohmann::json Jwks() const = 0;
};

std::unique_ptr<TokenIssuer> NewEarTokenIssuer(JwsKey key, appraise::Policy policy);

// The document release policies read: the claims, plus "tee", "simulated", "ear_status".
nlohmann::json ReleaseClaims(const Verification& v, const std::string& ear_status);

}  // namespace veritee::kbs
