#include "parse/snp/tcb.h"

#include <cctype>

namespace veritee::snp {
namespace {

// Byte positions of each SPL within the little-endian u64.
struct LayoutBytes {
  int fmc;  // -1: none
  int bootloader;
  int tee;
  int snp;
  int microcode;
  uint64_t reserved_mask;
};

constexpr LayoutBytes kMilanGenoaBytes{-1, 0, 1, 6, 7, 0x0000'FFFF'FFFF'0000ULL};
constexpr LayoutBytes kTurinBytes{0, 1, 2, 3, 7, 0x00FF'FFFF'0000'0000ULL};

const LayoutBytes& BytesOf(TcbLayout layout) {
  return layout == TcbLayout::kTurin ? kTurinBytes : kMilanGenoaBytes;
}

uint8_t ByteAt(uint64_t raw, int index) { return static_cast<uint8_t>(raw >> (8 * index)); }

uint64_t Place(uint8_t value, int index) { return static_cast<uint64_t>(value) << (8 * index); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view ProductName(Product product) {
  switch (product) {
    case Product::kMilan:
      return "milan";
    case Product::kGenoa:
      return "genoa";
    case Product::kTurin:
      return "turin";
    case Product::kUnknown:
      break;
  }
  return "unknown";
}

Product ProductFromCpuid(uint8_t family, uint8_t model) {
  if (family == 0x19) {
    if (model <= 0x0F) return Product::kMilan;
    if ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)) {
      return Product::kGenoa;
    }
    return Product::kUnknown;
  }
  if (family == 0x1A && model <= 0x11) return Product::kTurin;
  return Product::kUnknown;
}

Product ProductFromName(std::string_view name) {
  std::string_view base = name.substr(0, name.find('-'));
  if (EqualsIgnoreCase(base, "milan")) return Product::kMilan;
  if (EqualsIgnoreCase(base, "genoa")) return Product::kGenoa;
  if (EqualsIgnoreCase(base, "turin")) return Product::kTurin;
  return Product::kUnknown;
}

TcbLayout TcbLayoutFor(Product product) {
  return product == Product::kTurin ? TcbLayout::kTurin : TcbLayout::kMilanGenoa;
}

std::string_view TcbLayoutName(TcbLayout layout) {
  return layout == TcbLayout::kTurin ? "turin" : "milan_genoa";
}

TcbParts DecodeTcb(uint64_t raw, TcbLayout layout) {
  const LayoutBytes& b = BytesOf(layout);
  TcbParts parts;
  if (b.fmc >= 0) parts.fmc = ByteAt(raw, b.fmc);
  parts.bootloader = ByteAt(raw, b.bootloader);
  parts.tee = ByteAt(raw, b.tee);
  parts.snp = ByteAt(raw, b.snp);
  parts.microcode = ByteAt(raw, b.microcode);
  return parts;
}

uint64_t EncodeTcb(const TcbParts& parts, TcbLayout layout) {
  const LayoutBytes& b = BytesOf(layout);
  uint64_t raw = Place(parts.bootloader, b.bootloader) | Place(parts.tee, b.tee) |
                 Place(parts.snp, b.snp) | Place(parts.microcode, b.microcode);
  if (b.fmc >= 0) raw |= Place(parts.fmc.value_or(0), b.fmc);
  return raw;
}

uint64_t TcbReservedBits(uint64_t raw, TcbLayout layout) {
  return raw & BytesOf(layout).reserved_mask;
}

bool TcbAtLeast(const TcbParts& have, const TcbParts& min) {
  if (min.fmc && (!have.fmc || *have.fmc < *min.fmc)) return false;
  return have.bootloader >= min.bootloader && have.tee >= min.tee && have.snp >= min.snp &&
         have.microcode >= min.microcode;
}

}  // namespace veritee::snp
