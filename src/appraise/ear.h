// EAR: EAT Attestation Results (draft-ietf-rats-ear, claim names of drafts -00 to -03, the
// ones Veraison's implementations and the issue use), signed as a JWT (RFC 7519) with
// ES256 or ES384 (crypto/jose.h).
//
// Claims set:
//   eat_profile                  "tag:github.com,2023:veraison/ear"
//   iat, exp                     integer seconds (never floating point)
//   ear.verifier-id              {"developer": …, "build": …} (AR4SI section 3.3)
//   eat_nonce                    the nonce the evidence binds, base64url (RFC 9711 4.1),
//                                when it has one
//   submods                      one per device: "cpu0", "gpu0", "gpu1", "tpm0", …, each
//     ear.status                 affirming | warning | contraindicated | none
//     ear.trustworthiness-vector {"instance-identity": N, …} (AR4SI)
//     ear.appraisal-policy-id    the policy's id
//     ear.veritee.tee            the DESIGN.md tee name
//     ear.veritee.simulated      true for simulator evidence
//     ear.veritee.reference-set  the matching reference set's label, when one matched
//     ear.veritee.reasons        every non-affirming rule, in words
//     ear.veritee.claims         the normalised claims
// Draft -04 renamed the claims with underscores and changed the profile; a later switch is
// one table here.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "appraise/appraisal.h"
#include "crypto/jose.h"

namespace veritee::appraise {

inline constexpr std::string_view kEarProfile = "tag:github.com,2023:veraison/ear";

struct EarOptions {
  UnixTime issued_at = 0;
  int64_t ttl_s = 3600;  // exp = iat + ttl
  std::string developer = "https://github.com/veritee/veritee";
  std::string build = "veritee 0.1.0";
  bool include_claims = true;
};

// The EAR claims set for one or more appraisals (composite evidence: one submod each).
Json EarClaims(std::span<const Appraisal> appraisals, const EarOptions& options);
// Same, moving each appraisal's claims into the result instead of copying them.
Json EarClaims(std::vector<Appraisal>&& appraisals, const EarOptions& options);

// The signed token (compact JWS, "typ": "JWT").
Result<std::string> SignEar(const Json& claims, const JwsKey& key);

struct VerifiedEar {
  Json claims;
  JoseJson header;
  std::string kid;
};

// Checks the signature against `jwks`, then the claims: the profile; iat and exp as
// integers with iat <= now + leeway and now < exp + leeway; a verifier-id; at least one submod, each with a known status and
// a trust vector of known components whose values are in -128..127, and a status no better
// than its worst claim. kBadSignature, kExpired, kMismatch (profile) or kMalformed.
Result<VerifiedEar> VerifyEar(std::string_view token, const JoseJson& jwks, UnixTime now,
                              int64_t leeway_s = 60);

}  // namespace veritee::appraise
