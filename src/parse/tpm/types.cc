#include "parse/tpm/types.h"

#include <array>
#include <utility>

#include "base/encoding.h"

namespace veritee::tpm {
namespace {

std::string Hex16(uint16_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xf];
  return out;
}

struct AlgEntry {
  AlgId id;
  const char* name;
  size_t digest_size;  // 0 for non-hash algorithms
};

constexpr std::array<AlgEntry, 31> kAlgs = {{
    {kAlgRsa, "rsa", 0},
    {kAlgSha1, "sha1", 20},
    {kAlgHmac, "hmac", 0},
    {kAlgAes, "aes", 0},
    {kAlgKeyedHash, "keyedhash", 0},
    {kAlgXor, "xor", 0},
    {kAlgSha256, "sha256", 32},
    {kAlgSha384, "sha384", 48},
    {kAlgSha512, "sha512", 64},
    {kAlgNull, "null", 0},
    {kAlgSm3_256, "sm3_256", 32},
    {kAlgRsaSsa, "rsassa", 0},
    {kAlgRsaEs, "rsaes", 0},
    {kAlgRsaPss, "rsapss", 0},
    {kAlgOaep, "oaep", 0},
    {kAlgEcdsa, "ecdsa", 0},
    {kAlgEcdh, "ecdh", 0},
    {kAlgEcdaa, "ecdaa", 0},
    {kAlgSm2, "sm2", 0},
    {kAlgEcSchnorr, "ecschnorr", 0},
    {kAlgKdf1Sp800_56a, "kdf1_sp800_56a", 0},
    {kAlgKdf2, "kdf2", 0},
    {kAlgKdf1Sp800_108, "kdf1_sp800_108", 0},
    {kAlgEcc, "ecc", 0},
    {kAlgSymCipher, "symcipher", 0},
    {kAlgSha3_256, "sha3_256", 32},
    {kAlgSha3_384, "sha3_384", 48},
    {kAlgSha3_512, "sha3_512", 64},
    {kAlgCfb, "cfb", 0},
    {0x0040, "ctr", 0},
    {0x0044, "cbc", 0},
}};

}  // namespace

std::optional<size_t> HashSize(AlgId alg) {
  for (const AlgEntry& e : kAlgs) {
    if (e.id == alg && e.digest_size != 0) return e.digest_size;
  }
  return std::nullopt;
}

std::string AlgName(AlgId alg) {
  for (const AlgEntry& e : kAlgs) {
    if (e.id == alg) return e.name;
  }
  return Hex16(alg);
}

std::optional<AlgId> HashByName(std::string_view name) {
  for (const AlgEntry& e : kAlgs) {
    if (e.digest_size != 0 && name == e.name) return e.id;
  }
  return std::nullopt;
}

std::string CurveName(uint16_t curve) {
  switch (curve) {
    case kEccNistP256:
      return "nist_p256";
    case kEccNistP384:
      return "nist_p384";
    case kEccNistP521:
      return "nist_p521";
    case kEccBnP256:
      return "bn_p256";
    case kEccSm2P256:
      return "sm2_p256";
    default:
      return Hex16(curve);
  }
}

std::optional<size_t> CurveSize(uint16_t curve) {
  switch (curve) {
    case kEccNistP256:
    case kEccBnP256:
    case kEccSm2P256:
      return 32;
    case kEccNistP384:
      return 48;
    case kEccNistP521:
      return 66;
    default:
      return std::nullopt;
  }
}

std::string AttestTypeName(uint16_t tag) {
  switch (tag) {
    case kStAttestNv:
      return "nv";
    case kStAttestCommandAudit:
      return "command_audit";
    case kStAttestSessionAudit:
      return "session_audit";
    case kStAttestCertify:
      return "certify";
    case kStAttestQuote:
      return "quote";
    case kStAttestTime:
      return "time";
    case kStAttestCreation:
      return "creation";
    default:
      return Hex16(tag);
  }
}

std::string ObjectAttributeNames(uint32_t attributes) {
  static constexpr std::pair<uint32_t, const char*> kBits[] = {
      {kObjFixedTpm, "fixedTPM"},
      {kObjStClear, "stClear"},
      {kObjFixedParent, "fixedParent"},
      {kObjSensitiveDataOrigin, "sensitiveDataOrigin"},
      {kObjUserWithAuth, "userWithAuth"},
      {kObjAdminWithPolicy, "adminWithPolicy"},
      {kObjNoDa, "noDA"},
      {kObjEncryptedDuplication, "encryptedDuplication"},
      {kObjRestricted, "restricted"},
      {kObjDecrypt, "decrypt"},
      {kObjSign, "sign"},
      {kObjX509Sign, "x509sign"},
  };
  std::string out;
  for (const auto& [bit, name] : kBits) {
    if ((attributes & bit) != 0) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  if ((attributes & kObjReservedMask) != 0) {
    out += (out.empty() ? "" : ", ") + std::string("reserved ") +
           HexU64(attributes & kObjReservedMask, 4);
  }
  return out;
}

std::string EventTypeName(uint32_t type) {
  switch (type) {
    case kEvPrebootCert: return "EV_PREBOOT_CERT";
    case kEvPostCode: return "EV_POST_CODE";
    case 0x2: return "EV_UNUSED";
    case kEvNoAction: return "EV_NO_ACTION";
    case kEvSeparator: return "EV_SEPARATOR";
    case kEvAction: return "EV_ACTION";
    case kEvEventTag: return "EV_EVENT_TAG";
    case kEvSCrtmContents: return "EV_S_CRTM_CONTENTS";
    case kEvSCrtmVersion: return "EV_S_CRTM_VERSION";
    case kEvCpuMicrocode: return "EV_CPU_MICROCODE";
    case kEvPlatformConfigFlags: return "EV_PLATFORM_CONFIG_FLAGS";
    case kEvTableOfDevices: return "EV_TABLE_OF_DEVICES";
    case kEvCompactHash: return "EV_COMPACT_HASH";
    case kEvIpl: return "EV_IPL";
    case kEvIplPartitionData: return "EV_IPL_PARTITION_DATA";
    case kEvNonhostCode: return "EV_NONHOST_CODE";
    case kEvNonhostConfig: return "EV_NONHOST_CONFIG";
    case kEvNonhostInfo: return "EV_NONHOST_INFO";
    case kEvOmitBootDeviceEvents: return "EV_OMIT_BOOT_DEVICE_EVENTS";
    case kEvEfiVariableDriverConfig: return "EV_EFI_VARIABLE_DRIVER_CONFIG";
    case kEvEfiVariableBoot: return "EV_EFI_VARIABLE_BOOT";
    case kEvEfiBootServicesApplication: return "EV_EFI_BOOT_SERVICES_APPLICATION";
    case kEvEfiBootServicesDriver: return "EV_EFI_BOOT_SERVICES_DRIVER";
    case kEvEfiRuntimeServicesDriver: return "EV_EFI_RUNTIME_SERVICES_DRIVER";
    case kEvEfiGptEvent: return "EV_EFI_GPT_EVENT";
    case kEvEfiAction: return "EV_EFI_ACTION";
    case kEvEfiPlatformFirmwareBlob: return "EV_EFI_PLATFORM_FIRMWARE_BLOB";
    case kEvEfiHandoffTables: return "EV_EFI_HANDOFF_TABLES";
    case kEvEfiPlatformFirmwareBlob2: return "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
    case kEvEfiHandoffTables2: return "EV_EFI_HANDOFF_TABLES2";
    case kEvEfiVariableBoot2: return "EV_EFI_VARIABLE_BOOT2";
    case kEvEfiGptEvent2: return "EV_EFI_GPT_EVENT2";
    case kEvEfiHcrtmEvent: return "EV_EFI_HCRTM_EVENT";
    case kEvEfiVariableAuthority: return "EV_EFI_VARIABLE_AUTHORITY";
    case kEvEfiSpdmFirmwareBlob: return "EV_EFI_SPDM_FIRMWARE_BLOB";
    case kEvEfiSpdmFirmwareConfig: return "EV_EFI_SPDM_FIRMWARE_CONFIG";
    default: return "EV_UNKNOWN_" + HexU64(type, 4);
  }
}

}  // namespace veritee::tpm
