// SEV-SNP simulator: a test PKI shaped like AMD's (ARK → ASK → VCEK, ARK → ASVK → VLEK,
// RSASSA-PSS SHA-384 for the CA signatures, EC P-384 VEKs carrying AMD's extensions) and
// byte-exact ATTESTATION_REPORTs signed by it.
//
// Simulator certificates say "veritee simulator (not AMD)" in their organisation, and
// their roots are never built in: evidence from here verifies only when the caller passes
// the simulator's ARK with --trust-root, and the result then says "simulated": true.
// Every knob a negative test needs is here: the TCB and hwID written into the VEK can
// differ from the report, validity windows can be moved, another ASK can sign the VEK.
#pragma once

#include <optional>
#include <string>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/snp/report.h"

namespace veritee::sim {

struct SnpVekSpec {
  bool vlek = false;
  std::array<uint8_t, 64> chip_id{};
  snp::TcbParts tcb;                        // written into the SPL extensions
  std::optional<Bytes> hwid;                // default: chip_id (first 8 bytes on Turin)
  std::optional<std::string> product_name;  // default: "Milan-B0", "Genoa", "Turin"
  UnixTime not_before = 0;
  UnixTime not_after = 0;
};

struct SnpVek {
  Certificate cert;
  std::shared_ptr<EVP_PKEY> key;
};

class SnpSimulator {
 public:
  // A fresh PKI for `product`, valid from a day before `now` for 25 years.
  static Result<SnpSimulator> Create(snp::Product product, UnixTime now, int rsa_bits = 4096);
  // The PKI saved by Save() (keys/*.pem and the certificates).
  static Result<SnpSimulator> Load(const std::string& dir);
  Status Save(const std::string& dir) const;

  snp::Product product() const { return product_; }
  const Certificate& ark() const { return ark_; }
  const Certificate& ask() const { return ask_; }
  const Certificate& asvk() const { return asvk_; }

  // A VCEK or VLEK for the spec. Validity defaults to 7 years from the ARK's notBefore.
  Result<SnpVek> IssueVek(const SnpVekSpec& spec) const;
  // A VEK signed by a different key under the same ASK name: it must not chain.
  Result<SnpVek> IssueVekFromRogueAsk(const SnpVekSpec& spec) const;

  // A report with plausible defaults for this product and `version`: SMT allowed, ABI 0.0
  // policy, VMPL 0, current = reported = committed = launch = `tcb`, firmware 1.55.
  snp::Report DefaultReport(uint32_t version, const snp::TcbParts& tcb) const;
  // Sets SIGNATURE_ALGO, KEY_INFO's signing key and the signature; returns the 1184 bytes.
  Result<Bytes> Sign(snp::Report report, const SnpVek& vek) const;

 private:
  snp::Product product_ = snp::Product::kUnknown;
  std::shared_ptr<EVP_PKEY> ark_key_, ask_key_, asvk_key_;
  Certificate ark_, ask_, asvk_;
};

// The subject organisation of every simulator certificate.
inline constexpr std::string_view kSimulatorOrganisation = "veritee simulator (not AMD)";

}  // namespace veritee::sim
