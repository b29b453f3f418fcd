// TPM 2.0 through tpm2-tss (ESAPI): quotes for `veritee attest` and PCR-bound sealing.
//
// Quote (TPM 2.0 Library Part 3, TPM2_Quote): an ECC P-256 restricted signing key (the AK)
// is created as a primary in the endorsement hierarchy, so it is the same key on every
// call for a given TPM; the quote's qualifying data is our 64-byte report data. The
// outputs are the files tpm2_quote writes (-m TPMS_ATTEST, -s TPMT_SIGNATURE, -o PCR
// values in the tpm2-tools layout) and the AK as TPM2B_PUBLIC and PEM, which `veritee
// verify QUOTE --signature SIG --ak AK --pcrs PCRS` consumes.
//
// Sealing (Part 1, "Policy" / TPM2_PolicyPCR): 32 random bytes become a KEYEDHASH object
// under a storage primary, with authPolicy = PolicyPCR(selected PCRs at creation) and no
// userWithAuth, so only a policy session whose PCRs still match can TPM2_Unseal it.
// The blob we keep is ours: "VTPMSEAL" ‖ u16 version ‖ TPML_PCR_SELECTION ‖ TPM2B_PUBLIC ‖
// TPM2B_PRIVATE, all TPM-marshalled (big-endian).
//
// TCTI configuration strings are tpm2-tss's: "device:/dev/tpmrm0" (default),
// "swtpm:host=127.0.0.1,port=2321" (tests).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "attest/binding.h"
#include "attest/seal.h"
#include "base/bytes.h"

namespace veritee::attest {

inline constexpr char kDefaultTcti[] = "device:/dev/tpmrm0";

struct PcrSelectionSpec {
  std::string bank = "sha256";  // sha1, sha256, sha384
  std::vector<uint32_t> pcrs;   // 0..23
};
// "sha256:0,1,2,7"
Result<PcrSelectionSpec> ParsePcrSelection(std::string_view text);

struct TpmQuote {
  Bytes attest;      // TPMS_ATTEST (tpm2_quote -m)
  Bytes signature;   // TPMT_SIGNATURE (tpm2_quote -s)
  Bytes pcrs;        // tpm2-tools PCR file (tpm2_quote -o)
  Bytes ak_public;   // TPM2B_PUBLIC of the AK
  std::string ak_pem;
};

Result<TpmQuote> TpmQuoteWithAk(const std::string& tcti, const ReportData& qualifying_data,
                                const PcrSelectionSpec& selection);

// A PCR-bound sealing root; the blob lives in a file the caller names.
class TpmSealRoot final : public SealRoot {
 public:
  // Seals a fresh random root to the current values of `selection`; returns the blob.
  static Result<Bytes> CreateBlob(const std::string& tcti, const PcrSelectionSpec& selection);
  TpmSealRoot(std::string tcti, Bytes blob) : tcti_(std::move(tcti)), blob_(std::move(blob)) {}

  SealSource source() const override { return SealSource::kTpm; }
  // kBadSignature ("the TPM refused to unseal: PCR policy not satisfied") after a PCR of
  // the selection changed.
  Result<SecretBytes> Material() override;
  std::string Describe() const override;

 private:
  std::string tcti_;
  Bytes blob_;
};

}  // namespace veritee::attest
