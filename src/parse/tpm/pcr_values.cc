#include "parse/tpm/pcr_values.h"

#include <string>

namespace veritee::tpm {
namespace {

constexpr size_t kSlots = 16;
constexpr size_t kDigestsPerList = 8;
constexpr size_t kDigestBuffer = 64;

std::string PcrName(AlgId bank, uint32_t index) {
  return AlgName(bank) + ":" + std::to_string(index);
}

}  // namespace

PcrMap PcrValues::ToMap() const {
  PcrMap out;
  size_t k = 0;
  for (const PcrBank& bank : selection.banks) {
    for (uint32_t index : bank.Indices()) {
      if (k < digests.size()) out[bank.hash][index] = digests[k];
      ++k;
    }
  }
  return out;
}

Result<PcrValues> ParsePcrFile(ByteSpan bytes) {
  ByteReader r(bytes);
  PcrValues v;
  VT_ASSIGN_OR_RETURN(uint32_t count, r.U32Le("pcr_selection.count"));
  if (count > kSlots) {
    return MakeError(ErrorCode::kMalformed, std::to_string(count) + " banks, at most 16",
                     "pcr_selection.count", 0);
  }
  for (size_t slot = 0; slot < kSlots; ++slot) {
    if (slot >= count) {
      VT_RETURN_IF_ERROR(r.ExpectZero(8, "pcr_selection (unused slot)"));
      continue;
    }
    const size_t at = r.offset();
    PcrBank bank;
    VT_ASSIGN_OR_RETURN(bank.hash, r.U16Le("pcr_selection.hash"));
    VT_ASSIGN_OR_RETURN(uint8_t size, r.U8("pcr_selection.sizeofSelect"));
    if (size > kMaxPcrSelectBytes) {
      return MakeError(ErrorCode::kMalformed, "sizeofSelect " + std::to_string(size) + " > 4",
                       "pcr_selection.sizeofSelect", at + 2);
    }
    VT_ASSIGN_OR_RETURN(ByteSpan select, r.Take(size, "pcr_selection.pcrSelect"));
    VT_RETURN_IF_ERROR(r.ExpectZero(kMaxPcrSelectBytes - size + 1, "pcr_selection (padding)"));
    if (!HashSize(bank.hash)) {
      return MakeError(ErrorCode::kUnsupported, AlgName(bank.hash) + " is not a hash",
                       "pcr_selection.hash", at);
    }
    for (const PcrBank& other : v.selection.banks) {
      if (other.hash == bank.hash) {
        return MakeError(ErrorCode::kMalformed, "bank " + AlgName(bank.hash) + " twice",
                         "pcr_selection.hash", at);
      }
    }
    bank.select.assign(select.begin(), select.end());
    v.selection.banks.push_back(std::move(bank));
  }
  const size_t total = v.selection.PcrCount();
  const size_t lists_at = r.offset();
  VT_ASSIGN_OR_RETURN(uint32_t lists, r.U32Le("digest list count"));
  if (lists != (total + kDigestsPerList - 1) / kDigestsPerList) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(lists) + " digest lists for " + std::to_string(total) +
                         " selected PCRs",
                     "digest list count", lists_at);
  }
  std::vector<AlgId> banks_in_order;
  for (const PcrBank& bank : v.selection.banks) {
    for (size_t i = 0; i < bank.Indices().size(); ++i) banks_in_order.push_back(bank.hash);
  }
  for (uint32_t list = 0; list < lists; ++list) {
    const size_t at = r.offset();
    VT_ASSIGN_OR_RETURN(uint32_t n, r.U32Le("TPML_DIGEST.count"));
    const size_t want = std::min(kDigestsPerList, total - list * kDigestsPerList);
    if (n != want) {
      return MakeError(ErrorCode::kMalformed,
                       "list of " + std::to_string(n) + " digests, expected " +
                           std::to_string(want),
                       "TPML_DIGEST.count", at);
    }
    for (size_t slot = 0; slot < kDigestsPerList; ++slot) {
      if (slot >= n) {
        VT_RETURN_IF_ERROR(r.ExpectZero(2 + kDigestBuffer, "TPML_DIGEST (unused slot)"));
        continue;
      }
      const AlgId bank = banks_in_order[v.digests.size()];
      const size_t digest_at = r.offset();
      VT_ASSIGN_OR_RETURN(uint16_t size, r.U16Le("TPM2B_DIGEST.size"));
      if (size != *HashSize(bank)) {
        return MakeError(ErrorCode::kMalformed,
                         "digest of " + std::to_string(size) + " bytes in the " +
                             AlgName(bank) + " bank",
                         "TPM2B_DIGEST.size", digest_at);
      }
      VT_ASSIGN_OR_RETURN(ByteSpan d, r.Take(size, "TPM2B_DIGEST.buffer"));
      VT_RETURN_IF_ERROR(r.ExpectZero(kDigestBuffer - size, "TPM2B_DIGEST (unused bytes)"));
      v.digests.emplace_back(d.begin(), d.end());
    }
  }
  VT_RETURN_IF_ERROR(r.Finish("PCR values file"));
  return v;
}

Bytes WritePcrFile(const PcrValues& v) {
  ByteWriter w;
  w.U32Le(static_cast<uint32_t>(v.selection.banks.size()));
  for (size_t slot = 0; slot < kSlots; ++slot) {
    if (slot >= v.selection.banks.size()) {
      w.Zeros(8);
      continue;
    }
    const PcrBank& bank = v.selection.banks[slot];
    w.U16Le(bank.hash);
    w.U8(static_cast<uint8_t>(bank.select.size()));
    w.Append(bank.select);
    w.Zeros(kMaxPcrSelectBytes - bank.select.size() + 1);
  }
  const size_t lists = (v.digests.size() + kDigestsPerList - 1) / kDigestsPerList;
  w.U32Le(static_cast<uint32_t>(lists));
  for (size_t list = 0; list < lists; ++list) {
    const size_t n = std::min(kDigestsPerList, v.digests.size() - list * kDigestsPerList);
    w.U32Le(static_cast<uint32_t>(n));
    for (size_t slot = 0; slot < kDigestsPerList; ++slot) {
      if (slot >= n) {
        w.Zeros(2 + kDigestBuffer);
        continue;
      }
      const Bytes& d = v.digests[list * kDigestsPerList + slot];
      w.U16Le(static_cast<uint16_t>(d.size()));
      w.Append(d);
      w.Zeros(kDigestBuffer - std::min(d.size(), kDigestBuffer));
    }
  }
  return w.Take();
}

Result<PcrValues> ParseConcatenatedPcrs(ByteSpan bytes, const PcrSelection& selection) {
  ByteReader r(bytes);
  PcrValues v;
  v.selection = selection;
  size_t want = 0;
  for (const PcrBank& bank : selection.banks) {
    auto size = HashSize(bank.hash);
    if (!size) {
      return MakeError(ErrorCode::kUnsupported, AlgName(bank.hash) + " is not a hash",
                       "pcr bank");
    }
    want += *size * bank.Indices().size();
  }
  if (bytes.size() != want) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(bytes.size()) + " bytes, the selection needs " +
                         std::to_string(want),
                     "PCR values");
  }
  for (const PcrBank& bank : selection.banks) {
    for (uint32_t index : bank.Indices()) {
      VT_ASSIGN_OR_RETURN(ByteSpan d, r.Take(*HashSize(bank.hash), PcrName(bank.hash, index)));
      v.digests.emplace_back(d.begin(), d.end());
    }
  }
  return v;
}

Result<PcrValues> SelectPcrs(const PcrMap& map, const PcrSelection& selection) {
  PcrValues v;
  v.selection = selection;
  for (const PcrBank& bank : selection.banks) {
    auto b = map.find(bank.hash);
    for (uint32_t index : bank.Indices()) {
      if (b == map.end() || b->second.count(index) == 0) {
        return MakeError(ErrorCode::kMismatch, "no value given for PCR " +
                                                   PcrName(bank.hash, index));
      }
      v.digests.push_back(b->second.at(index));
    }
  }
  return v;
}

}  // namespace veritee::tpm
