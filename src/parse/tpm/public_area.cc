#include "parse/tpm/public_area.h"

#include "base/encoding.h"
#include "parse/tpm/attest.h"

namespace veritee::tpm {
namespace {

Status ReadSymmetric(ByteReader& r, Public& p) {
  VT_ASSIGN_OR_RETURN(p.symmetric, r.U16Be("symmetric.algorithm"));
  if (p.symmetric == kAlgNull) return Ok();
  VT_ASSIGN_OR_RETURN(p.symmetric_key_bits, r.U16Be("symmetric.keyBits"));
  VT_ASSIGN_OR_RETURN(p.symmetric_mode, r.U16Be("symmetric.mode"));
  return Ok();
}

void WriteSymmetric(ByteWriter& w, const Public& p) {
  w.U16Be(p.symmetric);
  if (p.symmetric == kAlgNull) return;
  w.U16Be(p.symmetric_key_bits);
  w.U16Be(p.symmetric_mode);
}

// TPMU_ASYM_SCHEME: every scheme but NULL and RSAES carries a hash; ECDAA also a count.
bool SchemeHasHash(AlgId scheme) { return scheme != kAlgNull && scheme != kAlgRsaEs; }

Status ReadScheme(ByteReader& r, Public& p) {
  VT_ASSIGN_OR_RETURN(p.scheme, r.U16Be("scheme.scheme"));
  if (!SchemeHasHash(p.scheme)) return Ok();
  VT_ASSIGN_OR_RETURN(p.scheme_hash, r.U16Be("scheme.hashAlg"));
  if (p.scheme == kAlgEcdaa) {
    VT_ASSIGN_OR_RETURN(p.scheme_count, r.U16Be("scheme.count"));
  }
  return Ok();
}

void WriteScheme(ByteWriter& w, const Public& p) {
  w.U16Be(p.scheme);
  if (!SchemeHasHash(p.scheme)) return;
  w.U16Be(p.scheme_hash);
  if (p.scheme == kAlgEcdaa) w.U16Be(p.scheme_count);
}

}  // namespace

Result<Public> ParseTpmtPublic(ByteSpan bytes) {
  ByteReader r(bytes);
  Public p;
  VT_ASSIGN_OR_RETURN(p.type, r.U16Be("type"));
  if (p.type != kAlgRsa && p.type != kAlgEcc) {
    return MakeError(ErrorCode::kUnsupported,
                     "object type " + AlgName(p.type) + " (rsa and ecc keys are read)", "type",
                     0);
  }
  VT_ASSIGN_OR_RETURN(p.name_alg, r.U16Be("nameAlg"));
  const size_t attr_at = r.offset();
  VT_ASSIGN_OR_RETURN(p.attributes, r.U32Be("objectAttributes"));
  if ((p.attributes & kObjReservedMask) != 0) {
    return MakeError(ErrorCode::kReservedNonZero,
                     "reserved TPMA_OBJECT bits " + HexU64(p.attributes & kObjReservedMask, 4) +
                         " are set",
                     "objectAttributes", attr_at);
  }
  VT_ASSIGN_OR_RETURN(p.auth_policy, ReadTpm2b(r, kMaxDigestSize, "authPolicy"));
  VT_RETURN_IF_ERROR(ReadSymmetric(r, p));
  VT_RETURN_IF_ERROR(ReadScheme(r, p));
  if (p.type == kAlgRsa) {
    VT_ASSIGN_OR_RETURN(p.rsa_key_bits, r.U16Be("keyBits"));
    VT_ASSIGN_OR_RETURN(p.rsa_exponent, r.U32Be("exponent"));
    VT_ASSIGN_OR_RETURN(p.rsa_modulus, ReadTpm2b(r, kMaxRsaKeyBytes, "unique.rsa"));
  } else {
    VT_ASSIGN_OR_RETURN(p.curve, r.U16Be("curveID"));
    VT_ASSIGN_OR_RETURN(p.kdf, r.U16Be("kdf.scheme"));
    if (p.kdf != kAlgNull) {
      VT_ASSIGN_OR_RETURN(p.kdf_hash, r.U16Be("kdf.hashAlg"));
    }
    VT_ASSIGN_OR_RETURN(p.ecc_x, ReadTpm2b(r, kMaxEccKeyBytes, "unique.ecc.x"));
    VT_ASSIGN_OR_RETURN(p.ecc_y, ReadTpm2b(r, kMaxEccKeyBytes, "unique.ecc.y"));
  }
  VT_RETURN_IF_ERROR(r.Finish("TPMT_PUBLIC"));
  return p;
}

Result<ByteSpan> TpmtPublicBytes(ByteSpan bytes) {
  ByteReader r(bytes);
  VT_ASSIGN_OR_RETURN(uint16_t size, r.U16Be("TPM2B_PUBLIC.size"));
  if (size == 0) {
    return MakeError(ErrorCode::kMalformed, "empty public area", "TPM2B_PUBLIC.size", 0);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan inner, r.Take(size, "publicArea"));
  VT_RETURN_IF_ERROR(r.Finish("TPM2B_PUBLIC"));
  return inner;
}

Result<Public> ParseTpm2bPublic(ByteSpan bytes) {
  VT_ASSIGN_OR_RETURN(ByteSpan inner, TpmtPublicBytes(bytes));
  auto p = ParseTpmtPublic(inner);
  if (!p && p.error().offset) *p.error().offset += 2;  // offsets relative to the TPM2B
  return p;
}

Bytes WriteTpmtPublic(const Public& p) {
  ByteWriter w;
  w.U16Be(p.type);
  w.U16Be(p.name_alg);
  w.U32Be(p.attributes);
  WriteTpm2b(w, p.auth_policy);
  WriteSymmetric(w, p);
  WriteScheme(w, p);
  if (p.type == kAlgRsa) {
    w.U16Be(p.rsa_key_bits);
    w.U32Be(p.rsa_exponent);
    WriteTpm2b(w, p.rsa_modulus);
  } else {
    w.U16Be(p.curve);
    w.U16Be(p.kdf);
    if (p.kdf != kAlgNull) w.U16Be(p.kdf_hash);
    WriteTpm2b(w, p.ecc_x);
    WriteTpm2b(w, p.ecc_y);
  }
  return w.Take();
}

Bytes WriteTpm2bPublic(const Public& p) {
  ByteWriter w;
  WriteTpm2b(w, WriteTpmtPublic(p));
  return w.Take();
}

bool LooksLikeTpm2bPublic(ByteSpan bytes) {
  if (bytes.size() < 4) return false;
  size_t size = size_t{bytes[0]} << 8 | bytes[1];
  uint16_t type = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
  return size + 2 == bytes.size() && (type == kAlgRsa || type == kAlgEcc);
}

std::string DescribePublic(const Public& p) {
  if (p.type == kAlgRsa) return "RSA-" + std::to_string(p.rsa_key_bits);
  return "ECC " + CurveName(p.curve);
}

}  // namespace veritee::tpm
