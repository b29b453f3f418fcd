#include "parse/snp/report_claims.h"

#include <string>

#include "base/encoding.h"
#include "parse/snp/flags.h"

namespace veritee::snp {
namespace {

bool BitSet(uint64_t word, int bit) { return ((word >> bit) & 1u) != 0; }

nlohmann::ordered_json PolicyClaims(uint64_t policy) {
  nlohmann::ordered_json j;
  j["raw"] = HexU64(policy);
  j["abi_major"] = static_cast<unsigned>((policy & kPolicyAbiMajorMask) >> 8);
  j["abi_minor"] = static_cast<unsigned>(policy & kPolicyAbiMinorMask);
  for (const NamedBit& b : PolicyFlagBits()) j[std::string(b.name)] = BitSet(policy, b.bit);
  return j;
}

nlohmann::ordered_json PlatformInfoClaims(uint64_t info, Product product) {
  nlohmann::ordered_json j;
  j["raw"] = HexU64(info);
  for (const NamedBit& b : PlatformInfoBits(product)) j[std::string(b.name)] = BitSet(info, b.bit);
  if (uint64_t unknown = UnknownPlatformInfoBits(info, product); unknown != 0) {
    j["unknown_bits"] = HexU64(unknown);
  }
  return j;
}

std::string Version(uint8_t major, uint8_t minor, uint8_t build) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

std::string SigningKeyClaim(const Report& report) {
  auto key = report.signing_key();
  // ParseReport rejects reserved values; a hand-built report may still carry one.
  return key ? std::string(SigningKeyName(*key)) : "reserved";
}

}  // namespace

nlohmann::ordered_json TcbClaims(uint64_t raw, TcbLayout layout) {
  const TcbParts parts = DecodeTcb(raw, layout);
  nlohmann::ordered_json j;
  if (parts.fmc) j["fmc"] = *parts.fmc;
  j["bootloader"] = parts.bootloader;
  j["tee"] = parts.tee;
  j["snp"] = parts.snp;
  j["microcode"] = parts.microcode;
  j["raw"] = HexU64(raw);
  return j;
}

nlohmann::ordered_json ReportClaims(const Report& r, Product product) {
  const TcbLayout layout = TcbLayoutFor(product);
  nlohmann::ordered_json j;
  j["version"] = r.version;
  j["guest_svn"] = r.guest_svn;
  j["policy"] = PolicyClaims(r.policy);
  j["family_id"] = ToHex(r.family_id);
  j["image_id"] = ToHex(r.image_id);
  j["vmpl"] = r.vmpl;
  j["signature_algo"] = r.signature_algo;
  j["current_tcb"] = TcbClaims(r.current_tcb, layout);
  j["reported_tcb"] = TcbClaims(r.reported_tcb, layout);
  j["committed_tcb"] = TcbClaims(r.committed_tcb, layout);
  j["launch_tcb"] = TcbClaims(r.launch_tcb, layout);
  j["platform_info"] = PlatformInfoClaims(r.platform_info, product);
  j["signing_key"] = SigningKeyClaim(r);
  j["author_key_en"] = r.author_key_en();
  j["mask_chip_key"] = r.mask_chip_key();
  j["report_data"] = ToHex(r.report_data);
  j["measurement"] = ToHex(r.measurement);
  j["host_data"] = ToHex(r.host_data);
  j["id_key_digest"] = ToHex(r.id_key_digest);
  j["author_key_digest"] = ToHex(r.author_key_digest);
  j["report_id"] = ToHex(r.report_id);
  j["report_id_ma"] = ToHex(r.report_id_ma);
  j["chip_id"] = ToHex(r.chip_id);
  j["current_version"] = Version(r.current_major, r.current_minor, r.current_build);
  j["committed_version"] = Version(r.committed_major, r.committed_minor, r.committed_build);
  if (r.has_cpuid()) {
    j["cpuid"] = {
        {"family", r.cpuid_fam_id}, {"model", r.cpuid_mod_id}, {"stepping", r.cpuid_step}};
  }
  if (r.has_mit_vectors()) {
    j["launch_mit_vector"] = HexU64(r.launch_mit_vector);
    j["current_mit_vector"] = HexU64(r.current_mit_vector);
  }
  if (product != Product::kUnknown) j["product"] = std::string(ProductName(product));
  return j;
}

}  // namespace veritee::snp
