#include "parse/tpm/attest.h"

#include <algorithm>
#include <string>

#include "base/encoding.h"

namespace veritee::tpm {

Result<uint64_t> ReadU64Be(ByteReader& r, std::string_view field) {
  VT_ASSIGN_OR_RETURN(ByteSpan b, r.Take(8, field));
  uint64_t v = 0;
  for (uint8_t byte : b) v = (v << 8) | byte;
  return v;
}

void WriteU64Be(ByteWriter& w, uint64_t v) {
  w.U32Be(static_cast<uint32_t>(v >> 32));
  w.U32Be(static_cast<uint32_t>(v));
}

Result<Bytes> ReadTpm2b(ByteReader& r, size_t max_size, std::string_view field) {
  const size_t at = r.offset();
  VT_ASSIGN_OR_RETURN(uint16_t size, r.U16Be(field));
  if (size > max_size) {
    return MakeError(ErrorCode::kMalformed,
                     "size " + std::to_string(size) + " exceeds the maximum " +
                         std::to_string(max_size),
                     std::string(field), at);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan data, r.Take(size, field));
  return Bytes(data.begin(), data.end());
}

void WriteTpm2b(ByteWriter& w, ByteSpan data) {
  w.U16Be(static_cast<uint16_t>(data.size()));
  w.Append(data);
}

std::vector<uint32_t> PcrBank::Indices() const {
  std::vector<uint32_t> out;
  for (size_t byte = 0; byte < select.size(); ++byte) {
    for (uint32_t bit = 0; bit < 8; ++bit) {
      if ((select[byte] >> bit) & 1u) out.push_back(static_cast<uint32_t>(byte * 8) + bit);
    }
  }
  return out;
}

size_t PcrSelection::PcrCount() const {
  size_t n = 0;
  for (const PcrBank& b : banks) n += b.Indices().size();
  return n;
}

PcrBank MakePcrBank(AlgId hash, const std::vector<uint32_t>& indices) {
  PcrBank bank;
  bank.hash = hash;
  uint32_t max = 0;
  for (uint32_t i : indices) max = std::max(max, i);
  bank.select.assign(max > 23 ? 4 : 3, 0);
  for (uint32_t i : indices) {
    if (i < 8 * kMaxPcrSelectBytes) {
      bank.select[i / 8] = static_cast<uint8_t>(bank.select[i / 8] | (1u << (i % 8)));
    }
  }
  return bank;
}

Result<PcrSelection> ReadPcrSelection(ByteReader& r) {
  const size_t at = r.offset();
  VT_ASSIGN_OR_RETURN(uint32_t count, r.U32Be("pcrSelect.count"));
  if (count > kMaxPcrBanks) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(count) + " banks, at most " + std::to_string(kMaxPcrBanks),
                     "pcrSelect.count", at);
  }
  PcrSelection s;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t bank_at = r.offset();
    PcrBank bank;
    VT_ASSIGN_OR_RETURN(bank.hash, r.U16Be("pcrSelections.hash"));
    VT_ASSIGN_OR_RETURN(uint8_t size, r.U8("pcrSelections.sizeofSelect"));
    if (size > kMaxPcrSelectBytes) {
      return MakeError(ErrorCode::kMalformed,
                       "sizeofSelect " + std::to_string(size) + " exceeds " +
                           std::to_string(kMaxPcrSelectBytes),
                       "pcrSelections.sizeofSelect", bank_at + 2);
    }
    VT_ASSIGN_OR_RETURN(ByteSpan select, r.Take(size, "pcrSelections.pcrSelect"));
    bank.select.assign(select.begin(), select.end());
    for (const PcrBank& other : s.banks) {
      if (other.hash == bank.hash) {
        return MakeError(ErrorCode::kMalformed, "bank " + AlgName(bank.hash) + " selected twice",
                         "pcrSelections.hash", bank_at);
      }
    }
    s.banks.push_back(std::move(bank));
  }
  return s;
}

void WritePcrSelection(ByteWriter& w, const PcrSelection& s) {
  w.U32Be(static_cast<uint32_t>(s.banks.size()));
  for (const PcrBank& b : s.banks) {
    w.U16Be(b.hash);
    w.U8(static_cast<uint8_t>(b.select.size()));
    w.Append(b.select);
  }
}

bool LooksLikeAttest(ByteSpan bytes) {
  if (bytes.size() < 6) return false;
  uint32_t magic = uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 |
                   uint32_t{bytes[2]} << 8 | bytes[3];
  uint16_t type = static_cast<uint16_t>(bytes[4] << 8 | bytes[5]);
  return magic == kTpmGeneratedValue && type >= kStAttestNv && type <= kStAttestCreation;
}

Result<Attest> ParseAttest(ByteSpan bytes) {
  ByteReader r(bytes);
  Attest a;
  VT_ASSIGN_OR_RETURN(a.magic, r.U32Be("magic"));
  if (a.magic != kTpmGeneratedValue) {
    return MakeError(ErrorCode::kMalformed,
                     "is " + HexU64(a.magic, 4) + ", not TPM_GENERATED_VALUE 0xff544347",
                     "magic", 0);
  }
  VT_ASSIGN_OR_RETURN(a.type, r.U16Be("type"));
  if (a.type != kStAttestQuote && a.type != kStAttestCertify && a.type != kStAttestCreation) {
    return MakeError(ErrorCode::kUnsupported,
                     "attestation type " + AttestTypeName(a.type) +
                         " (quote 0x8018, certify 0x8017 and creation 0x801a are read)",
                     "type", 4);
  }
  VT_ASSIGN_OR_RETURN(a.qualified_signer, ReadTpm2b(r, kMaxNameSize, "qualifiedSigner"));
  VT_ASSIGN_OR_RETURN(a.extra_data, ReadTpm2b(r, kMaxDataSize, "extraData"));
  VT_ASSIGN_OR_RETURN(a.clock_info.clock, ReadU64Be(r, "clockInfo.clock"));
  VT_ASSIGN_OR_RETURN(a.clock_info.reset_count, r.U32Be("clockInfo.resetCount"));
  VT_ASSIGN_OR_RETURN(a.clock_info.restart_count, r.U32Be("clockInfo.restartCount"));
  const size_t safe_at = r.offset();
  VT_ASSIGN_OR_RETURN(a.clock_info.safe, r.U8("clockInfo.safe"));
  if (a.clock_info.safe > 1) {
    return MakeError(ErrorCode::kMalformed,
                     "TPMI_YES_NO is " + std::to_string(a.clock_info.safe) + ", not 0 or 1",
                     "clockInfo.safe", safe_at);
  }
  VT_ASSIGN_OR_RETURN(a.firmware_version, ReadU64Be(r, "firmwareVersion"));
  switch (a.type) {
    case kStAttestQuote: {
      VT_ASSIGN_OR_RETURN(a.quote.pcr_select, ReadPcrSelection(r));
      VT_ASSIGN_OR_RETURN(a.quote.pcr_digest, ReadTpm2b(r, kMaxDigestSize, "pcrDigest"));
      break;
    }
    case kStAttestCreation: {
      VT_ASSIGN_OR_RETURN(a.creation.object_name, ReadTpm2b(r, kMaxNameSize, "objectName"));
      VT_ASSIGN_OR_RETURN(a.creation.creation_hash,
                          ReadTpm2b(r, kMaxDigestSize, "creationHash"));
      break;
    }
    default: {  // certify
      VT_ASSIGN_OR_RETURN(a.certify.name, ReadTpm2b(r, kMaxNameSize, "name"));
      VT_ASSIGN_OR_RETURN(a.certify.qualified_name,
                          ReadTpm2b(r, kMaxNameSize, "qualifiedName"));
      break;
    }
  }
  VT_RETURN_IF_ERROR(r.Finish("TPMS_ATTEST"));
  return a;
}

Bytes WriteAttest(const Attest& a) {
  ByteWriter w;
  w.U32Be(a.magic);
  w.U16Be(a.type);
  WriteTpm2b(w, a.qualified_signer);
  WriteTpm2b(w, a.extra_data);
  WriteU64Be(w, a.clock_info.clock);
  w.U32Be(a.clock_info.reset_count);
  w.U32Be(a.clock_info.restart_count);
  w.U8(a.clock_info.safe);
  WriteU64Be(w, a.firmware_version);
  switch (a.type) {
    case kStAttestQuote:
      WritePcrSelection(w, a.quote.pcr_select);
      WriteTpm2b(w, a.quote.pcr_digest);
      break;
    case kStAttestCreation:
      WriteTpm2b(w, a.creation.object_name);
      WriteTpm2b(w, a.creation.creation_hash);
      break;
    case kStAttestCertify:
      WriteTpm2b(w, a.certify.name);
      WriteTpm2b(w, a.certify.qualified_name);
      break;
    default:
      break;
  }
  return w.Take();
}

}  // namespace veritee::tpm
