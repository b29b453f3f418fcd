#include "parse/snp/flags.h"

#include <array>
#include <string>

namespace veritee::snp {
namespace {

constexpr std::array<NamedBit, 10> kPolicyBits{{
    {16, "smt_allowed"},
    {17, "reserved_must_be_one"},
    {18, "migrate_ma"},
    {19, "debug_allowed"},
    {20, "single_socket"},
    {21, "cxl_allowed"},
    {22, "mem_aes_256_xts"},
    {23, "rapl_dis"},
    {24, "ciphertext_hiding"},
    {25, "page_swap_disable"},
}};

constexpr int kIommuWriteSafeBit = 6;

constexpr std::array<NamedBit, 8> kPlatformBits{{
    {0, "smt_enabled"},
    {1, "tsme_enabled"},
    {2, "ecc_enabled"},
    {3, "rapl_disabled"},
    {4, "ciphertext_hiding_enabled"},
    {5, "alias_check_complete"},
    {kIommuWriteSafeBit, "iommu_write_safe"},  // Turin only
    {7, "sev_tio_enabled"},
}};

uint64_t BitMask(int bit) { return uint64_t{1} << bit; }

std::string JoinNames(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

std::span<const NamedBit> PolicyFlagBits() { return kPolicyBits; }

std::vector<NamedBit> PlatformInfoBits(Product product) {
  std::vector<NamedBit> out;
  for (const NamedBit& b : kPlatformBits) {
    if (b.bit == kIommuWriteSafeBit && product != Product::kTurin) continue;
    out.push_back(b);
  }
  return out;
}

uint64_t UnknownPlatformInfoBits(uint64_t value, Product product) {
  uint64_t known = 0;
  for (const NamedBit& b : PlatformInfoBits(product)) known |= BitMask(b.bit);
  return value & ~known;
}

Result<uint64_t> PolicyMaskByName(std::string_view name) {
  if (name == "abi_minor") return kPolicyAbiMinorMask;
  if (name == "abi_major") return kPolicyAbiMajorMask;
  std::vector<std::string_view> names = {"abi_minor", "abi_major"};
  for (const NamedBit& b : kPolicyBits) {
    if (b.name == name) return BitMask(b.bit);
    names.push_back(b.name);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown policy field '" + std::string(name) + "'; valid: " + JoinNames(names),
                   "policy");
}

Result<uint64_t> PlatformInfoMaskByName(std::string_view name, Product product) {
  std::vector<std::string_view> names;
  for (const NamedBit& b : PlatformInfoBits(product)) {
    if (b.name == name) return BitMask(b.bit);
    names.push_back(b.name);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown platform_info bit '" + std::string(name) + "' for " +
                       std::string(ProductName(product)) + "; valid: " + JoinNames(names),
                   "platform_info");
}

}  // namespace veritee::snp
