// SEV-SNP flag words by name: the guest POLICY and PLATFORM_INFO bits.
//
// Guest POLICY (AMD SEV-SNP ABI spec 56860, table "Guest Policy Structure"; PROVENANCE.md
// section 5b): bits 7:0 ABI minor, 15:8 ABI major, 16 SMT allowed, 17 reserved (must be
// one), 18 MIGRATE_MA, 19 DEBUG, 20 SINGLE_SOCKET, 21 CXL_ALLOW, 22 MEM_AES_256_XTS,
// 23 RAPL_DIS, 24 CIPHERTEXT_HIDING, 25 PAGE_SWAP_DISABLE; 63:26 must be zero.
//
// PLATFORM_INFO (spec 56860, table 23 and the 1.58 revision): 0 SMT_EN, 1 TSME_EN,
// 2 ECC_EN, 3 RAPL_DIS, 4 CIPHERTEXT_HIDING_EN, 5 ALIAS_CHECK_COMPLETE, 7 SEV_TIO_EN.
// Bit 6 is set by every real Turin report; tinfoil-go names it IOMMU_WRITE_SAFE and we
// follow that, for Turin only. Unknown platform bits are surfaced, not rejected
// (DESIGN.md, security invariant 1): new firmware sets new bits.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "parse/snp/tcb.h"

namespace veritee::snp {

struct NamedBit {
  int bit;
  std::string_view name;
};

inline constexpr uint64_t kPolicyAbiMinorMask = 0xFF;
inline constexpr uint64_t kPolicyAbiMajorMask = 0xFF00;
inline constexpr int kPolicyReservedMustBeOneBit = 17;
inline constexpr int kPolicyDebugBit = 19;
// Bits 63:26 of POLICY must be zero.
inline constexpr uint64_t kPolicyMustBeZeroMask = ~((uint64_t{1} << 26) - 1);

// The single-bit POLICY flags (16..25), in bit order.
std::span<const NamedBit> PolicyFlagBits();

// The PLATFORM_INFO bits named for this product, in bit order (bit 6 only for Turin).
std::vector<NamedBit> PlatformInfoBits(Product product);

// The bits of value that PlatformInfoBits(product) does not name.
uint64_t UnknownPlatformInfoBits(uint64_t value, Product product);

// The mask of a POLICY field by name: a flag of PolicyFlagBits(), or "abi_minor" /
// "abi_major" (8-bit fields). kInvalidArgument, listing the valid names, otherwise.
Result<uint64_t> PolicyMaskByName(std::string_view name);

// The mask of a PLATFORM_INFO bit by name, for this product; kInvalidArgument listing the
// valid names otherwise.
Result<uint64_t> PlatformInfoMaskByName(std::string_view name, Product product);

}  // namespace veritee::snp
