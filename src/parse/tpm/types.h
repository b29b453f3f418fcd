// TPM 2.0 constants and names shared by the TPM parsers: algorithm identifiers, structure
// tags, ECC curves, object attributes (TCG TPM 2.0 Library Specification, Part 2
// "Structures", revision 1.59: 6.3 TPM_ALG_ID, 6.4 TPM_ECC_CURVE, 6.9 TPM_ST, 8.3
// TPMA_OBJECT) and the PC Client event types (TCG PC Client Platform Firmware Profile
// Specification, version 1.06, 10.4.1 "Event Types").
//
// TPM structures are big-endian; event logs are little-endian. Names are the spec's, in
// lower case without prefix ("sha256", "rsassa", "EV_EFI_VARIABLE_BOOT").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace veritee::tpm {

using AlgId = uint16_t;

// TPM_ALG_ID values used here (Part 2, Table 9).
inline constexpr AlgId kAlgRsa = 0x0001;
inline constexpr AlgId kAlgSha1 = 0x0004;
inline constexpr AlgId kAlgHmac = 0x0005;
inline constexpr AlgId kAlgAes = 0x0006;
inline constexpr AlgId kAlgKeyedHash = 0x0008;
inline constexpr AlgId kAlgXor = 0x000A;
inline constexpr AlgId kAlgSha256 = 0x000B;
inline constexpr AlgId kAlgSha384 = 0x000C;
inline constexpr AlgId kAlgSha512 = 0x000D;
inline constexpr AlgId kAlgNull = 0x0010;
inline constexpr AlgId kAlgSm3_256 = 0x0012;
inline constexpr AlgId kAlgRsaSsa = 0x0014;
inline constexpr AlgId kAlgRsaEs = 0x0015;
inline constexpr AlgId kAlgRsaPss = 0x0016;
inline constexpr AlgId kAlgOaep = 0x0017;
inline constexpr AlgId kAlgEcdsa = 0x0018;
inline constexpr AlgId kAlgEcdh = 0x0019;
inline constexpr AlgId kAlgEcdaa = 0x001A;
inline constexpr AlgId kAlgSm2 = 0x001B;
inline constexpr AlgId kAlgEcSchnorr = 0x001C;
inline constexpr AlgId kAlgKdf1Sp800_56a = 0x0020;
inline constexpr AlgId kAlgKdf2 = 0x0021;
inline constexpr AlgId kAlgKdf1Sp800_108 = 0x0022;
inline constexpr AlgId kAlgEcc = 0x0023;
inline constexpr AlgId kAlgSymCipher = 0x0025;
inline constexpr AlgId kAlgSha3_256 = 0x0027;
inline constexpr AlgId kAlgSha3_384 = 0x0028;
inline constexpr AlgId kAlgSha3_512 = 0x0029;
inline constexpr AlgId kAlgCfb = 0x0043;

// TPM_ECC_CURVE (Part 2, Table 10).
inline constexpr uint16_t kEccNistP256 = 0x0003;
inline constexpr uint16_t kEccNistP384 = 0x0004;
inline constexpr uint16_t kEccNistP521 = 0x0005;
inline constexpr uint16_t kEccBnP256 = 0x0010;
inline constexpr uint16_t kEccSm2P256 = 0x0020;

// TPM_GENERATED_VALUE: "the TPM generated this structure" (Part 2, 6.2).
inline constexpr uint32_t kTpmGeneratedValue = 0xff544347;

// TPM_ST attestation structure tags (Part 2, Table 19).
inline constexpr uint16_t kStAttestNv = 0x8014;
inline constexpr uint16_t kStAttestCommandAudit = 0x8015;
inline constexpr uint16_t kStAttestSessionAudit = 0x8016;
inline constexpr uint16_t kStAttestCertify = 0x8017;
inline constexpr uint16_t kStAttestQuote = 0x8018;
inline constexpr uint16_t kStAttestTime = 0x8019;
inline constexpr uint16_t kStAttestCreation = 0x801A;

// TPMA_OBJECT bits (Part 2, 8.3.2).
inline constexpr uint32_t kObjFixedTpm = 1u << 1;
inline constexpr uint32_t kObjStClear = 1u << 2;
inline constexpr uint32_t kObjFixedParent = 1u << 4;
inline constexpr uint32_t kObjSensitiveDataOrigin = 1u << 5;
inline constexpr uint32_t kObjUserWithAuth = 1u << 6;
inline constexpr uint32_t kObjAdminWithPolicy = 1u << 7;
inline constexpr uint32_t kObjNoDa = 1u << 10;
inline constexpr uint32_t kObjEncryptedDuplication = 1u << 11;
inline constexpr uint32_t kObjRestricted = 1u << 16;
inline constexpr uint32_t kObjDecrypt = 1u << 17;
inline constexpr uint32_t kObjSign = 1u << 18;
inline constexpr uint32_t kObjX509Sign = 1u << 19;
// Bits 0, 3, 8, 9, 12-15 and 20-31 are reserved and must be zero.
inline constexpr uint32_t kObjReservedMask = 0xFFF0F309u;

// The digest size of a hash algorithm, or nullopt for a non-hash or unknown algorithm.
std::optional<size_t> HashSize(AlgId alg);
// "sha256", "rsassa", "ecc", ... or "0x1234" for an unknown identifier.
std::string AlgName(AlgId alg);
// The identifier of a hash named "sha1", "sha256", "sha384", "sha512", "sm3_256".
std::optional<AlgId> HashByName(std::string_view name);
// "nist_p256", ... or "0x0042".
std::string CurveName(uint16_t curve);
// Coordinate size in bytes of a curve, or nullopt.
std::optional<size_t> CurveSize(uint16_t curve);
// "quote", "certify", "creation", ... for an attestation tag.
std::string AttestTypeName(uint16_t tag);
// Names of the set TPMA_OBJECT bits, comma-separated ("fixedTPM, restricted, sign").
std::string ObjectAttributeNames(uint32_t attributes);

// PC Client event types (PFP 1.06, Table 9).
inline constexpr uint32_t kEvPrebootCert = 0x0;
inline constexpr uint32_t kEvPostCode = 0x1;
inline constexpr uint32_t kEvNoAction = 0x3;
inline constexpr uint32_t kEvSeparator = 0x4;
inline constexpr uint32_t kEvAction = 0x5;
inline constexpr uint32_t kEvEventTag = 0x6;
inline constexpr uint32_t kEvSCrtmContents = 0x7;
inline constexpr uint32_t kEvSCrtmVersion = 0x8;
inline constexpr uint32_t kEvCpuMicrocode = 0x9;
inline constexpr uint32_t kEvPlatformConfigFlags = 0xA;
inline constexpr uint32_t kEvTableOfDevices = 0xB;
inline constexpr uint32_t kEvCompactHash = 0xC;
inline constexpr uint32_t kEvIpl = 0xD;
inline constexpr uint32_t kEvIplPartitionData = 0xE;
inline constexpr uint32_t kEvNonhostCode = 0xF;
inline constexpr uint32_t kEvNonhostConfig = 0x10;
inline constexpr uint32_t kEvNonhostInfo = 0x11;
inline constexpr uint32_t kEvOmitBootDeviceEvents = 0x12;
inline constexpr uint32_t kEvEfiEventBase = 0x80000000;
inline constexpr uint32_t kEvEfiVariableDriverConfig = 0x80000001;
inline constexpr uint32_t kEvEfiVariableBoot = 0x80000002;
inline constexpr uint32_t kEvEfiBootServicesApplication = 0x80000003;
inline constexpr uint32_t kEvEfiBootServicesDriver = 0x80000004;
inline constexpr uint32_t kEvEfiRuntimeServicesDriver = 0x80000005;
inline constexpr uint32_t kEvEfiGptEvent = 0x80000006;
inline constexpr uint32_t kEvEfiAction = 0x80000007;
inline constexpr uint32_t kEvEfiPlatformFirmwareBlob = 0x80000008;
inline constexpr uint32_t kEvEfiHandoffTables = 0x80000009;
inline constexpr uint32_t kEvEfiPlatformFirmwareBlob2 = 0x8000000A;
inline constexpr uint32_t kEvEfiHandoffTables2 = 0x8000000B;
inline constexpr uint32_t kEvEfiVariableBoot2 = 0x8000000C;
inline constexpr uint32_t kEvEfiGptEvent2 = 0x8000000D;
inline constexpr uint32_t kEvEfiHcrtmEvent = 0x80000010;
inline constexpr uint32_t kEvEfiVariableAuthority = 0x800000E0;
inline constexpr uint32_t kEvEfiSpdmFirmwareBlob = 0x800000E1;
inline constexpr uint32_t kEvEfiSpdmFirmwareConfig = 0x800000E2;

// "EV_EFI_VARIABLE_BOOT", or "EV_UNKNOWN_0x..." for a type the spec does not define.
std::string EventTypeName(uint32_t type);

}  // namespace veritee::tpm
