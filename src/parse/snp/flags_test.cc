#include "parse/snp/flags.h"

#include <gtest/gtest.h>

#include <string>

namespace veritee::snp {
namespace {

TEST(SnpFlags, PolicyBitsByName) {
  auto bits = PolicyFlagBits();
  ASSERT_EQ(bits.size(), 10u);
  EXPECT_EQ(bits.front().bit, 16);
  EXPECT_EQ(bits.front().name, "smt_allowed");
  EXPECT_EQ(bits.back().bit, 25);
  EXPECT_EQ(bits.back().name, "page_swap_disable");
  for (size_t i = 0; i < bits.size(); ++i) EXPECT_EQ(bits[i].bit, static_cast<int>(16 + i));

  EXPECT_EQ(*PolicyMaskByName("debug_allowed"), uint64_t{1} << 19);
  EXPECT_EQ(*PolicyMaskByName("reserved_must_be_one"), uint64_t{1} << 17);
  EXPECT_EQ(*PolicyMaskByName("migrate_ma"), uint64_t{1} << 18);
  EXPECT_EQ(*PolicyMaskByName("single_socket"), uint64_t{1} << 20);
  EXPECT_EQ(*PolicyMaskByName("cxl_allowed"), uint64_t{1} << 21);
  EXPECT_EQ(*PolicyMaskByName("mem_aes_256_xts"), uint64_t{1} << 22);
  EXPECT_EQ(*PolicyMaskByName("rapl_dis"), uint64_t{1} << 23);
  EXPECT_EQ(*PolicyMaskByName("ciphertext_hiding"), uint64_t{1} << 24);
  EXPECT_EQ(*PolicyMaskByName("abi_minor"), 0xFFu);
  EXPECT_EQ(*PolicyMaskByName("abi_major"), 0xFF00u);
}

TEST(SnpFlags, UnknownPolicyNameListsTheValidOnes) {
  auto r = PolicyMaskByName("debug");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("debug_allowed"), std::string::npos);
  EXPECT_NE(r.error().message.find("abi_major"), std::string::npos);
  EXPECT_NE(r.error().message.find("page_swap_disable"), std::string::npos);
}

TEST(SnpFlags, PlatformInfoBit6IsNamedOnlyForTurin) {
  const auto turin = PlatformInfoBits(Product::kTurin);
  ASSERT_EQ(turin.size(), 8u);
  EXPECT_EQ(turin[6].bit, 6);
  EXPECT_EQ(turin[6].name, "iommu_write_safe");
  for (Product p : {Product::kMilan, Product::kGenoa, Product::kUnknown}) {
    const auto bits = PlatformInfoBits(p);
    ASSERT_EQ(bits.size(), 7u);
    for (const NamedBit& b : bits) EXPECT_NE(b.bit, 6);
    EXPECT_EQ(bits.back().name, "sev_tio_enabled");
  }
  EXPECT_EQ(*PlatformInfoMaskByName("iommu_write_safe", Product::kTurin), 0x40u);
  auto genoa = PlatformInfoMaskByName("iommu_write_safe", Product::kGenoa);
  ASSERT_FALSE(genoa);
  EXPECT_EQ(genoa.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(genoa.error().message.find("alias_check_complete"), std::string::npos);
}

TEST(SnpFlags, PlatformInfoMasks) {
  EXPECT_EQ(*PlatformInfoMaskByName("smt_enabled", Product::kMilan), 0x1u);
  EXPECT_EQ(*PlatformInfoMaskByName("tsme_enabled", Product::kMilan), 0x2u);
  EXPECT_EQ(*PlatformInfoMaskByName("ecc_enabled", Product::kGenoa), 0x4u);
  EXPECT_EQ(*PlatformInfoMaskByName("rapl_disabled", Product::kGenoa), 0x8u);
  EXPECT_EQ(*PlatformInfoMaskByName("ciphertext_hiding_enabled", Product::kTurin), 0x10u);
  EXPECT_EQ(*PlatformInfoMaskByName("alias_check_complete", Product::kTurin), 0x20u);
  EXPECT_EQ(*PlatformInfoMaskByName("sev_tio_enabled", Product::kUnknown), 0x80u);
  EXPECT_FALSE(PlatformInfoMaskByName("SMT_EN", Product::kMilan));
}

TEST(SnpFlags, UnknownPlatformInfoBits) {
  // Every real Turin report sets bit 6 (0x64, 0x65, 0x67).
  EXPECT_EQ(UnknownPlatformInfoBits(0x65, Product::kTurin), 0u);
  EXPECT_EQ(UnknownPlatformInfoBits(0x65, Product::kGenoa), 0x40u);
  EXPECT_EQ(UnknownPlatformInfoBits(0x25, Product::kMilan), 0u);
  EXPECT_EQ(UnknownPlatformInfoBits(0x100 | 0x1, Product::kTurin), 0x100u);
  EXPECT_EQ(UnknownPlatformInfoBits(uint64_t{1} << 63, Product::kTurin), uint64_t{1} << 63);
}

}  // namespace
}  // namespace veritee::snp
