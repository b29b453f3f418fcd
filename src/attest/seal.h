// Sealing: data encrypted under a key that only this TEE (or this TPM state) can re-derive.
//
// Wire format: AES-256-GCM nonce(12) ‖ ciphertext ‖ tag(16) (crypto/aead.h). The key is
//   HKDF-SHA256(ikm = the source's hardware root, salt = key id, info = the source's label)
// and the label is also the AEAD's associated data, so a box names its source implicitly:
// a box sealed under one source, label or key id never opens under another.
//
// Sources (SealRoot):
//   sev-snp    SNP_GET_DERIVED_KEY (sev_guest.h): the firmware derives the root from the
//              VCEK (or VMRK) and the guest fields chosen in the request (measurement,
//              policy, TCB, ...); a guest with other values gets another key.
//   tpm        32 random bytes sealed by the TPM to a PCR policy (tpm.h): unsealing fails
//              once a selected PCR has changed.
//   simulator  development only. Its root is a file marked NOT HARDWARE, and its label
//              differs from every hardware label, so a simulator box can never be opened
//              as, or mistaken for, a hardware-sealed one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "attest/sev_guest.h"
#include "crypto/aead.h"

namespace veritee::attest {

enum class SealSource { kSevSnp, kTpm, kSimulator };
std::string_view SealSourceName(SealSource source);  // "sev-snp", "tpm", "simulator"
// The HKDF info and AEAD associated data of a source.
std::string_view SealLabel(SealSource source);

class SealRoot {
 public:
  virtual ~SealRoot() = default;
  virtual SealSource source() const = 0;
  // The input key material, fetched from the hardware for each operation.
  virtual Result<SecretBytes> Material() = 0;
  // One line for people: what the key is bound to.
  virtual std::string Describe() const = 0;
};

inline constexpr size_t kMaxKeyIdSize = 256;

// The AES-256 key for `key_id` (1..256 bytes).
Result<SecretBytes> DeriveSealKey(SealRoot& root, std::string_view key_id);
Result<Bytes> Seal(SealRoot& root, std::string_view key_id, ByteSpan plaintext);
// kBadSignature when the box does not open (altered, wrong key id, other source or
// binding); kMalformed when it is too short to be a box.
Result<SecretBytes> Unseal(SealRoot& root, std::string_view key_id, ByteSpan box);

// SEV-SNP: the firmware's derived key for `request` from /dev/sev-guest.
class SnpSealRoot final : public SealRoot {
 public:
  explicit SnpSealRoot(sevguest::DerivedKeyRequest request,
                       std::string device = "/dev/sev-guest")
      : request_(request), device_(std::move(device)) {}
  SealSource source() const override { return SealSource::kSevSnp; }
  Result<SecretBytes> Material() override;
  std::string Describe() const override;

 private:
  sevguest::DerivedKeyRequest request_;
  std::string device_;
};

// The simulator: a random root kept in DIR/seal-root.sim, created on first use.
class SimulatorSealRoot final : public SealRoot {
 public:
  static Result<std::unique_ptr<SimulatorSealRoot>> LoadOrCreate(const std::string& dir);
  SealSource source() const override { return SealSource::kSimulator; }
  Result<SecretBytes> Material() override;
  std::string Describe() const override;

 private:
  SimulatorSealRoot(std::string path, SecretBytes root)
      : path_(std::move(path)), root_(std::move(root)) {}
  std::string path_;
  SecretBytes root_;
};

inline constexpr std::string_view kSimulatorSealHeader =
    "veritee simulator sealing root v1 -- NOT HARDWARE, development only\n";

}  // namespace veritee::attest
