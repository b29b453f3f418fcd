// TPM 2.0 quote verifier: TPMS_ATTEST + TPMT_SIGNATURE + attestation key (+ PCR values)
// (+ event log) -> checks and claims.
//
// Follows TCG TPM 2.0 Library Specification Part 3, 18.4 TPM2_Quote (the TPM signs the
// TPMS_ATTEST with the AK; pcrDigest is the digest, with the signature's hash, of the
// selected PCRs concatenated in selection order) and the TCG PC Client Platform Firmware
// Profile 1.06 for the event log.
//
// Pipeline, one named check each: parse (magic TPM_GENERATED_VALUE, type quote) →
// signature_format → attestation_key (TPM2B_PUBLIC, TPMT_PUBLIC or SubjectPublicKeyInfo;
// a TPM public area must be a restricted signing key, fixedTPM, or anyone could have signed
// a forged TPMS_ATTEST with it) → ak_trust → signature_scheme (fits the key and the key's
// fixed scheme) → signature (over the received bytes) → nonce (extraData equals the
// expected nonce) → pcr_values → pcr_digest → event_log → event_log_replay (every quoted
// PCR equals the replay; PCRs without events hold their initial value) → expect_pcrN.
//
// Trust: there is no vendor root for a TPM quote here. The AK is trusted because the caller
// supplies it (they pinned it, or established it by EK credential activation or an AK
// certificate outside veritee); the result says so in a check, a note and the trust anchor.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "parse/tpm/pcr_values.h"
#include "verify/verification.h"

namespace veritee::tpm {

struct TpmInputs {
  Bytes signature;  // TPMT_SIGNATURE (tpm2_quote -s)
  Bytes ak;         // TPM2B_PUBLIC, TPMT_PUBLIC, or a PEM/DER SubjectPublicKeyInfo
  std::string ak_source = "--ak";
  // PCR values: a tpm2-tools file or the concatenated digests (tpm2_quote -o) ...
  std::optional<Bytes> pcr_file;
  // ... or values by bank and index (e.g. from another tool's JSON).
  std::optional<PcrMap> pcr_map;
  std::optional<Bytes> event_log;
  std::optional<Bytes> nonce;              // --expect nonce=HEX
  std::map<uint32_t, Bytes> expect_pcrs;   // --expect pcrN=HEX (bank from the size)
  bool decode_events = true;               // claims.events: every event, decoded
};

class TpmVerifier {
 public:
  TpmVerifier();
  ~TpmVerifier();
  TpmVerifier(const TpmVerifier&) = delete;
  TpmVerifier& operator=(const TpmVerifier&) = delete;

  // Thread-safe. Never throws; malformed input is a failed check in the result.
  Verification Verify(ByteSpan quote, const TpmInputs& inputs);

  static constexpr size_t kMaxCachedKeys = 4096;
  size_t cached_keys() const;

  struct CachedKey;  // a parsed AK with its OpenSSL key (opaque)

 private:
  std::shared_ptr<const CachedKey> Key(ByteSpan ak);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedKey>> cache_;
};

// "pcr7" -> 7; nullopt for other names.
std::optional<uint32_t> ExpectPcrIndex(const std::string& name);

}  // namespace veritee::tpm
