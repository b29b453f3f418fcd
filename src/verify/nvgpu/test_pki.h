// Test-only: a stand-in NVIDIA device PKI that signs GPU attestation reports the way a
// Hopper GPU does (root → identity CA → device (BROM) → attestation leaf with a TCG DICE
// FWID extension; ECDSA P-384 raw r‖s over request ‖ response). Its root is never built in:
// evidence it signs verifies only with the root passed as an extra trust anchor.
#pragma once

#include <vector>

#include "crypto/keys.h"
#include "crypto/x509.h"
#include "parse/nvgpu/spdm.h"

namespace veritee::nvgpu::testing {

class TestGpuPki {
 public:
  // `fwid` goes into the leaf's 2.23.133.5.4.1 extension (Hopper layout) unless empty;
  // `blackwell` uses the TCG DiceTcbInfo layout under 2.23.133.5.4.1.1 and GB100 names.
  static Result<TestGpuPki> Create(const Bytes& fwid, bool blackwell = false,
                                   std::string_view leaf_curve = "P-384");

  // The report's bytes with a valid signature in the last 96 bytes.
  Result<Bytes> Sign(const AttestationReport& report) const;

  const Certificate& root() const { return chain_.back(); }
  const std::vector<Certificate>& chain() const { return chain_; }  // leaf first, root last

 private:
  std::vector<Certificate> chain_;
  SharedPkey leaf_key_;
};

}  // namespace veritee::nvgpu::testing
