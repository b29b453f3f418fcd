// Intel DCAP simulator: a test PKI shaped like Intel's (Root CA → PCK Platform CA → PCK
// certificate with the SGX extension; Root CA → TCB Signing; all ECDSA P-256), the
// collateral Intel PCS would serve (TCB Info v3, QE Identity v2, PCK CRL, Root CA CRL,
// issuer chains), and byte-exact SGX v3 / TDX v4 / TDX v5 quotes signed by a simulated QE.
//
// Simulator certificates say "veritee simulator (not Intel)" in their organisation, and the
// simulator root is never built in: evidence from here verifies only when the caller passes
// the simulator's root with --trust-root, and the result then says "simulated": true.
// Every failure kind a relying party must see can be produced (Fault): a revoked PCK, an
// out-of-date TCB, a TCB Info for another FMSPC, expired collateral, a QE identity that
// does not match the QE.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/x509.h"
#include "parse/dcap/collateral.h"
#include "parse/dcap/pck_extensions.h"
#include "parse/dcap/quote.h"
#include "trust/dcap_collateral.h"

namespace veritee::sim {

inline constexpr std::string_view kDcapSimulatorOrganisation = "veritee simulator (not Intel)";

enum class DcapFault {
  kNone,
  kRevokedPck,          // the PCK CRL lists the PCK certificate
  kOutOfDateTcb,        // the PCK's TCB level is OutOfDate (a newer level exists)
  kWrongFmspc,          // the TCB Info is for another FMSPC
  kExpiredCollateral,   // TCB Info, QE Identity and CRLs are past their nextUpdate
  kQeIdentityMismatch,  // the QE Identity names another MRSIGNER
};
// "none", "revoked-pck", "outofdate-tcb", "wrong-fmspc", "expired-collateral",
// "qe-identity-mismatch".
std::string_view DcapFaultName(DcapFault fault);
Result<DcapFault> DcapFaultFromName(std::string_view name);

struct DcapQuoteSpec {
  bool tdx = true;
  uint16_t version = 4;                          // 3 (SGX only), 4, 5
  dcap::BodyType v5_body = dcap::BodyType::kTd15;  // v5 TDX body: kTd10 or kTd15
  std::array<uint8_t, 64> report_data{};
  // TDX
  std::array<uint8_t, 16> tee_tcb_svn{5, 1, 2};
  std::array<uint8_t, 48> mr_td{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 48> mr_config_id{}, mr_owner{}, mr_owner_config{}, mr_seam{};
  uint64_t td_attributes = uint64_t{1} << 28;  // SEPT_VE_DISABLE
  uint64_t xfam = 0x00000000000642e7;
  // SGX
  std::array<uint8_t, 32> mr_enclave{}, mr_signer{};
  uint16_t isv_prod_id = 0, isv_svn = 0;
  bool debug = false;
  // QE
  uint16_t qe_isv_svn = 7;
  size_t trailing_zeros = 0;  // zero padding after the signature data
};

struct DcapPlatformSpec {
  std::array<uint8_t, 6> fmspc{0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
  std::array<uint8_t, 16> tcb_comp_svn{4, 4, 2, 2, 4, 1, 0, 5};
  uint16_t pcesvn = 13;
};

struct DcapEvidence {
  Bytes quote;
  trust::DcapCollateral collateral;
  Certificate pck;
};

class DcapSimulator {
 public:
  // A fresh PKI valid from a day before `now` for 25 years.
  static Result<DcapSimulator> Create(UnixTime now);
  // The PKI saved by Save().
  static Result<DcapSimulator> Load(const std::string& dir);
  Status Save(const std::string& dir) const;

  const Certificate& root() const { return root_; }

  // A PCK certificate for the platform, the collateral (issued at `now`, valid 30 days,
  // or the fault's variant) and a quote signed through a fresh attestation key.
  Result<DcapEvidence> Make(const DcapQuoteSpec& quote, const DcapPlatformSpec& platform,
                            DcapFault fault, UnixTime now) const;

 private:
  std::shared_ptr<EVP_PKEY> root_key_, ca_key_, tcb_key_;
  Certificate root_, ca_, tcb_;
};

}  // namespace veritee::sim
