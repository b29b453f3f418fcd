#include "parse/snp/tcb.h"

#include <gtest/gtest.h>

namespace veritee::snp {
namespace {

TEST(SnpTcb, ProductNames) {
  EXPECT_EQ(ProductName(Product::kMilan), "milan");
  EXPECT_EQ(ProductName(Product::kGenoa), "genoa");
  EXPECT_EQ(ProductName(Product::kTurin), "turin");
  EXPECT_EQ(ProductName(Product::kUnknown), "unknown");
}

TEST(SnpTcb, ProductFromCpuidRanges) {
  EXPECT_EQ(ProductFromCpuid(0x19, 0x00), Product::kMilan);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x01), Product::kMilan);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x0F), Product::kMilan);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x10), Product::kGenoa);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x11), Product::kGenoa);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x1F), Product::kGenoa);
  EXPECT_EQ(ProductFromCpuid(0x19, 0xA0), Product::kGenoa);
  EXPECT_EQ(ProductFromCpuid(0x19, 0xAF), Product::kGenoa);
  EXPECT_EQ(ProductFromCpuid(0x19, 0x20), Product::kUnknown);
  EXPECT_EQ(ProductFromCpuid(0x19, 0xB0), Product::kUnknown);
  EXPECT_EQ(ProductFromCpuid(0x1A, 0x00), Product::kTurin);
  EXPECT_EQ(ProductFromCpuid(0x1A, 0x02), Product::kTurin);
  EXPECT_EQ(ProductFromCpuid(0x1A, 0x11), Product::kTurin);
  EXPECT_EQ(ProductFromCpuid(0x1A, 0x12), Product::kUnknown);
  EXPECT_EQ(ProductFromCpuid(0x17, 0x01), Product::kUnknown);
  EXPECT_EQ(ProductFromCpuid(0, 0), Product::kUnknown);
}

TEST(SnpTcb, ProductFromName) {
  EXPECT_EQ(ProductFromName("Milan"), Product::kMilan);
  EXPECT_EQ(ProductFromName("Milan-B0"), Product::kMilan);
  EXPECT_EQ(ProductFromName("milan"), Product::kMilan);
  EXPECT_EQ(ProductFromName("Genoa"), Product::kGenoa);
  EXPECT_EQ(ProductFromName("Genoa-B1"), Product::kGenoa);
  EXPECT_EQ(ProductFromName("GENOA"), Product::kGenoa);
  EXPECT_EQ(ProductFromName("Turin"), Product::kTurin);
  EXPECT_EQ(ProductFromName("turin-C0"), Product::kTurin);
  EXPECT_EQ(ProductFromName(""), Product::kUnknown);
  EXPECT_EQ(ProductFromName("Venice"), Product::kUnknown);
  EXPECT_EQ(ProductFromName("Milanx"), Product::kUnknown);
  EXPECT_EQ(ProductFromName("-Milan"), Product::kUnknown);
}

TEST(SnpTcb, LayoutPerProduct) {
  EXPECT_EQ(TcbLayoutFor(Product::kMilan), TcbLayout::kMilanGenoa);
  EXPECT_EQ(TcbLayoutFor(Product::kGenoa), TcbLayout::kMilanGenoa);
  EXPECT_EQ(TcbLayoutFor(Product::kUnknown), TcbLayout::kMilanGenoa);
  EXPECT_EQ(TcbLayoutFor(Product::kTurin), TcbLayout::kTurin);
  EXPECT_EQ(TcbLayoutName(TcbLayout::kMilanGenoa), "milan_genoa");
  EXPECT_EQ(TcbLayoutName(TcbLayout::kTurin), "turin");
}

TEST(SnpTcb, DecodesMilanGenoaExample) {
  const TcbParts p = DecodeTcb(0xdb18000000000004, TcbLayout::kMilanGenoa);
  EXPECT_FALSE(p.fmc);
  EXPECT_EQ(p.bootloader, 4);
  EXPECT_EQ(p.tee, 0);
  EXPECT_EQ(p.snp, 24);
  EXPECT_EQ(p.microcode, 219);
  EXPECT_EQ(EncodeTcb(p, TcbLayout::kMilanGenoa), 0xdb18000000000004u);

  const TcbParts g = DecodeTcb(0x541700000000000a, TcbLayout::kMilanGenoa);
  EXPECT_EQ(g.bootloader, 10);
  EXPECT_EQ(g.snp, 23);
  EXPECT_EQ(g.microcode, 84);
}

TEST(SnpTcb, DecodesTurinExample) {
  const TcbParts p = DecodeTcb(0x5100000004010101, TcbLayout::kTurin);
  ASSERT_TRUE(p.fmc);
  EXPECT_EQ(*p.fmc, 1);
  EXPECT_EQ(p.bootloader, 1);
  EXPECT_EQ(p.tee, 1);
  EXPECT_EQ(p.snp, 4);
  EXPECT_EQ(p.microcode, 81);
  EXPECT_EQ(EncodeTcb(p, TcbLayout::kTurin), 0x5100000004010101u);
  // The wrong layout gives a different answer (PROVENANCE.md section 5).
  EXPECT_EQ(DecodeTcb(0x5100000004010101, TcbLayout::kMilanGenoa).snp, 0);
}

TEST(SnpTcb, EncodeIgnoresFmcForMilanAndDefaultsItForTurin) {
  TcbParts p{std::optional<uint8_t>(9), 1, 2, 3, 4};
  EXPECT_EQ(EncodeTcb(p, TcbLayout::kMilanGenoa), 0x0403000000000201u);
  p.fmc.reset();
  EXPECT_EQ(EncodeTcb(p, TcbLayout::kTurin), 0x0400000003020100u);
}

TEST(SnpTcb, ReservedBits) {
  EXPECT_EQ(TcbReservedBits(0xdb18000000000004, TcbLayout::kMilanGenoa), 0u);
  EXPECT_EQ(TcbReservedBits(0xFFFFFFFFFFFFFFFF, TcbLayout::kMilanGenoa), 0x0000FFFFFFFF0000u);
  EXPECT_EQ(TcbReservedBits(0x5100000004010101, TcbLayout::kTurin), 0u);
  EXPECT_EQ(TcbReservedBits(0xFFFFFFFFFFFFFFFF, TcbLayout::kTurin), 0x00FFFFFF00000000u);
  // A Turin value read as Milan has its SNP byte (3) in Milan's reserved range.
  EXPECT_NE(TcbReservedBits(0x5100000004010101, TcbLayout::kMilanGenoa), 0u);
}

TEST(SnpTcb, AtLeastIsComponentWise) {
  const TcbParts min{std::nullopt, 3, 0, 8, 115};
  EXPECT_TRUE(TcbAtLeast(TcbParts{std::nullopt, 3, 0, 8, 115}, min));
  EXPECT_TRUE(TcbAtLeast(TcbParts{std::nullopt, 4, 1, 9, 200}, min));
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::nullopt, 2, 9, 9, 255}, min));
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::nullopt, 9, 9, 7, 255}, min));
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::nullopt, 9, 9, 9, 114}, min));
  // A higher component does not make up for a lower one.
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::nullopt, 255, 255, 255, 0}, min));

  const TcbParts turin_min{std::optional<uint8_t>(1), 1, 1, 4, 81};
  EXPECT_TRUE(TcbAtLeast(DecodeTcb(0x5100000004010101, TcbLayout::kTurin), turin_min));
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::optional<uint8_t>(0), 1, 1, 4, 81}, turin_min));
  EXPECT_FALSE(TcbAtLeast(TcbParts{std::nullopt, 1, 1, 4, 81}, turin_min));
  // No fmc minimum: have.fmc is not looked at.
  EXPECT_TRUE(TcbAtLeast(TcbParts{std::optional<uint8_t>(0), 3, 0, 8, 115}, min));
}

}  // namespace
}  // namespace veritee::snp
