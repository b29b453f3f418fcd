#include "parse/nitro/document.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "parse/nitro/cbor.h"

namespace veritee::nitro {
namespace {

enum Key : size_t {
  kModuleId,
  kDigest,
  kTimestamp,
  kPcrs,
  kCertificate,
  kCabundle,
  kPublicKey,
  kUserData,
  kNonce,
  kKeyCount
};

constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "module_id", "digest",     "timestamp", "pcrs", "certificate",
    "cabundle",  "public_key", "user_data", "nonce"};

Result<Bytes> Field(CborReader& r, std::string_view name, size_t min, size_t max) {
  VT_ASSIGN_OR_RETURN(CborToken t, r.Peek(name));
  VT_ASSIGN_OR_RETURN(ByteSpan b, r.ByteString(name, max));
  if (b.size() < min) {
    return MakeError(
        ErrorCode::kMalformed,
        std::to_string(b.size()) + " bytes, fewer than the " + std::to_string(min) + " required",
        std::string(name), t.offset);
  }
  return Bytes(b.begin(), b.end());
}

Status ParsePcrs(CborReader& r, AttestationDocument& doc) {
  VT_ASSIGN_OR_RETURN(CborToken head, r.Peek("pcrs"));
  VT_ASSIGN_OR_RETURN(auto count, r.MapHead("pcrs"));
  for (uint64_t i = 0; count ? i < *count : !r.AtBreak(); ++i) {
    if (doc.pcrs.size() == kMaxPcrs) {
      return MakeError(ErrorCode::kMalformed, "more than 32 PCRs", "pcrs", head.offset);
    }
    VT_ASSIGN_OR_RETURN(CborToken key, r.Peek("pcrs index"));
    VT_ASSIGN_OR_RETURN(uint64_t index, r.Unsigned("pcrs index"));
    if (index >= kMaxPcrs) {
      return MakeError(ErrorCode::kMalformed,
                       "PCR index " + std::to_string(index) + " is outside 0..31", "pcrs",
                       key.offset);
    }
    const auto idx = static_cast<uint32_t>(index);
    if (doc.FindPcr(idx) != nullptr) {
      return MakeError(ErrorCode::kMalformed, "PCR " + std::to_string(idx) + " appears twice",
                       "pcrs", key.offset);
    }
    const std::string name = "pcr" + std::to_string(idx);
    VT_ASSIGN_OR_RETURN(Bytes value, Field(r, name, 1, kMaxPcrSize));
    doc.pcrs.push_back(Pcr{idx, std::move(value)});
  }
  if (doc.pcrs.empty()) {
    return MakeError(ErrorCode::kMalformed, "no PCRs", "pcrs", head.offset);
  }
  return Ok();
}

Status ParseCabundle(CborReader& r, AttestationDocument& doc) {
  VT_ASSIGN_OR_RETURN(CborToken head, r.Peek("cabundle"));
  VT_ASSIGN_OR_RETURN(auto count, r.ArrayHead("cabundle"));
  for (uint64_t i = 0; count ? i < *count : !r.AtBreak(); ++i) {
    if (doc.cabundle.size() == kMaxCabundle) {
      return MakeError(ErrorCode::kMalformed,
                       "more than " + std::to_string(kMaxCabundle) + " certificates", "cabundle",
                       head.offset);
    }
    VT_ASSIGN_OR_RETURN(Bytes cert,
                        Field(r, "cabundle[" + std::to_string(i) + "]", 1, kMaxFieldSize));
    doc.cabundle.push_back(std::move(cert));
  }
  if (doc.cabundle.empty()) {
    return MakeError(ErrorCode::kMalformed, "cabundle must hold at least one certificate",
                     "cabundle", head.offset);
  }
  return Ok();
}

Status ParseValue(CborReader& r, Key key, AttestationDocument& doc) {
  const std::string_view name = kKeyNames[key];
  VT_ASSIGN_OR_RETURN(CborToken t, r.Peek(name));
  if (t.type == CborType::kNull) {
    if (key < kPublicKey) {
      return MakeError(ErrorCode::kMalformed, "mandatory field is null", std::string(name),
                       t.offset);
    }
    r.TakeNull();
    return Ok();
  }
  switch (key) {
    case kModuleId: {
      VT_ASSIGN_OR_RETURN(std::string_view id, r.TextString(name, kMaxModuleIdSize));
      if (id.empty()) {
        return MakeError(ErrorCode::kMalformed, "empty module_id", "module_id", t.offset);
      }
      doc.module_id = std::string(id);
      return Ok();
    }
    case kDigest: {
      VT_ASSIGN_OR_RETURN(std::string_view d, r.TextString(name, 16));
      if (DigestPcrSize(d) == 0) {
        return MakeError(ErrorCode::kUnsupported,
                         "digest '" + std::string(d) + "' is not SHA256, SHA384 or SHA512",
                         "digest", t.offset);
      }
      doc.digest = std::string(d);
      return Ok();
    }
    case kTimestamp: {
      VT_ASSIGN_OR_RETURN(doc.timestamp_ms, r.Unsigned(name));
      if (doc.timestamp_ms == 0) {
        return MakeError(ErrorCode::kMalformed, "timestamp is zero", "timestamp", t.offset);
      }
      return Ok();
    }
    case kPcrs:
      return ParsePcrs(r, doc);
    case kCertificate: {
      VT_ASSIGN_OR_RETURN(doc.certificate, Field(r, name, 1, kMaxFieldSize));
      return Ok();
    }
    case kCabundle:
      return ParseCabundle(r, doc);
    case kPublicKey: {
      VT_ASSIGN_OR_RETURN(doc.public_key, Field(r, name, 1, kMaxFieldSize));
      return Ok();
    }
    case kUserData: {
      VT_ASSIGN_OR_RETURN(doc.user_data, Field(r, name, 0, kMaxFieldSize));
      return Ok();
    }
    case kNonce: {
      VT_ASSIGN_OR_RETURN(doc.nonce, Field(r, name, 0, kMaxFieldSize));
      return Ok();
    }
    case kKeyCount:
      break;
  }
  return MakeError(ErrorCode::kInternal, "unknown key", std::string(name), t.offset);
}

void WriteOptional(CborWriter& w, const std::optional<Bytes>& value) {
  if (value) {
    w.ByteString(*value);
  } else {
    w.Null();
  }
}

}  // namespace

const Pcr* AttestationDocument::FindPcr(uint32_t index) const {
  for (const Pcr& p : pcrs) {
    if (p.index == index) return &p;
  }
  return nullptr;
}

size_t DigestPcrSize(std::string_view digest) {
  if (digest == "SHA256") return 32;
  if (digest == "SHA384") return 48;
  if (digest == "SHA512") return 64;
  return 0;
}

Result<AttestationDocument> ParseDocument(ByteSpan payload, size_t base_offset) {
  CborReader r(payload, base_offset);
  AttestationDocument doc;
  VT_ASSIGN_OR_RETURN(auto count, r.MapHead("attestation document"));
  doc.indefinite_map = !count.has_value();
  std::array<bool, kKeyCount> seen{};
  for (uint64_t i = 0; count ? i < *count : !r.AtBreak(); ++i) {
    VT_ASSIGN_OR_RETURN(CborToken key_token, r.Peek("attestation document key"));
    VT_ASSIGN_OR_RETURN(std::string_view name, r.TextString("attestation document key", 32));
    auto it = std::find(kKeyNames.begin(), kKeyNames.end(), name);
    if (it == kKeyNames.end()) {
      return MakeError(ErrorCode::kUnsupported, "unknown key '" + std::string(name) + "'",
                       "attestation document", key_token.offset);
    }
    const auto key = static_cast<Key>(it - kKeyNames.begin());
    if (seen[key]) {
      return MakeError(ErrorCode::kMalformed, "key appears twice", std::string(name),
                       key_token.offset);
    }
    seen[key] = true;
    VT_RETURN_IF_ERROR(ParseValue(r, key, doc));
  }
  VT_RETURN_IF_ERROR(r.Finish("attestation document"));
  for (size_t k = 0; k < kPublicKey; ++k) {
    if (!seen[k]) {
      return MakeError(ErrorCode::kMalformed, "mandatory field is missing",
                       std::string(kKeyNames[k]), base_offset);
    }
  }
  const size_t pcr_size = DigestPcrSize(doc.digest);
  for (const Pcr& p : doc.pcrs) {
    if (p.value.size() != pcr_size) {
      return MakeError(ErrorCode::kMalformed,
                       "PCR " + std::to_string(p.index) + " has " + std::to_string(p.value.size()) +
                           " bytes; " + doc.digest + " has " + std::to_string(pcr_size),
                       "pcrs", base_offset);
    }
  }
  return doc;
}

Bytes WriteDocument(const AttestationDocument& doc) {
  CborWriter w;
  if (doc.indefinite_map) {
    w.IndefiniteMapHead();
  } else {
    w.MapHead(kKeyCount);
  }
  w.TextString("module_id");
  w.TextString(doc.module_id);
  w.TextString("digest");
  w.TextString(doc.digest);
  w.TextString("timestamp");
  w.Unsigned(doc.timestamp_ms);
  w.TextString("pcrs");
  w.MapHead(doc.pcrs.size());
  for (const Pcr& p : doc.pcrs) {
    w.Unsigned(p.index);
    w.ByteString(p.value);
  }
  w.TextString("certificate");
  w.ByteString(doc.certificate);
  w.TextString("cabundle");
  w.ArrayHead(doc.cabundle.size());
  for (const Bytes& c : doc.cabundle) w.ByteString(c);
  w.TextString("public_key");
  WriteOptional(w, doc.public_key);
  w.TextString("user_data");
  WriteOptional(w, doc.user_data);
  w.TextString("nonce");
  WriteOptional(w, doc.nonce);
  if (doc.indefinite_map) w.Break();
  return w.Take();
}

Result<Attestation> ParseAttestation(ByteSpan bytes) {
  Attestation out;
  VT_ASSIGN_OR_RETURN(out.cose, ParseCoseSign1(bytes));
  VT_ASSIGN_OR_RETURN(out.doc, ParseDocument(out.cose.payload));
  return out;
}

bool LooksLikeNitroDocument(ByteSpan bytes) {
  size_t i = 0;
  if (bytes.size() > 1 && bytes[0] == 0xd2) i = 1;  // tag 18
  // 84 (array of 4), then the protected header as a byte string (40..58 heads).
  if (bytes.size() < i + 8 || bytes[i] != 0x84) return false;
  const uint8_t prot = bytes[i + 1];
  return prot >= 0x40 && prot <= 0x58;
}

}  // namespace veritee::nitro
