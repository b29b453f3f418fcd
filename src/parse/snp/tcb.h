// SEV-SNP products and TCB_VERSION: which byte of a TCB value is which firmware SPL.
//
// A TCB_VERSION is a little-endian u64 whose bytes are security patch levels (SPLs). The
// byte layout depends on the CPU generation (AMD SEV-SNP ABI spec 56860, TCB_VERSION
// structure; PROVENANCE.md section 5):
//   Milan (Zen 3) and Genoa (Zen 4), CPUID family 0x19:
//     byte 0 boot loader, byte 1 TEE, bytes 2-5 reserved, byte 6 SNP, byte 7 microcode.
//   Turin (Zen 5), CPUID family 0x1A:
//     byte 0 FMC, byte 1 boot loader, byte 2 TEE, byte 3 SNP, bytes 4-6 reserved,
//     byte 7 microcode.
// Genoa uses the Milan layout, not Turin's: every real Genoa VCEK agrees with the Milan
// decode of REPORTED_TCB. The product is known from CPUID (report v3+) or from outside the
// report (VCEK productName, the caller).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace veritee::snp {

enum class Product { kUnknown, kMilan, kGenoa, kTurin };

// "milan", "genoa", "turin" or "unknown".
std::string_view ProductName(Product product);

// From the report's CPUID_FAM_ID / CPUID_MOD_ID (v3+). Model ranges follow virtee/sev and
// trustee: Milan 0x19/0x00-0x0F; Genoa 0x19/0x10-0x1F or 0xA0-0xAF; Turin 0x1A/0x00-0x11.
Product ProductFromCpuid(uint8_t family, uint8_t model);

// From a name such as the VCEK productName: "Milan", "Milan-B0", "genoa", "Turin".
// Case-insensitive; anything from the first '-' on (the stepping) is ignored.
Product ProductFromName(std::string_view name);

enum class TcbLayout { kMilanGenoa, kTurin };

// Turin for Turin; the Milan/Genoa layout for everything else, kUnknown included.
TcbLayout TcbLayoutFor(Product product);

// "milan_genoa" or "turin".
std::string_view TcbLayoutName(TcbLayout layout);

struct TcbParts {
  std::optional<uint8_t> fmc;  // Turin layout only
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;

  bool operator==(const TcbParts&) const = default;
};

// Splits a TCB_VERSION. fmc is set exactly when the layout is Turin's.
TcbParts DecodeTcb(uint64_t raw, TcbLayout layout);

// The inverse of DecodeTcb; reserved bytes are zero. fmc is ignored for the Milan/Genoa
// layout and taken as 0 when absent for the Turin layout.
uint64_t EncodeTcb(const TcbParts& parts, TcbLayout layout);

// The bits of raw that the layout reserves (they must be zero).
uint64_t TcbReservedBits(uint64_t raw, TcbLayout layout);

// Component-wise have >= min. fmc is compared only when min has one; then have must too.
bool TcbAtLeast(const TcbParts& have, const TcbParts& min);

}  // namespace veritee::snp
