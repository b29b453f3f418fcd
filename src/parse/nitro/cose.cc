#include "parse/nitro/cose.h"

#include "parse/nitro/cbor.h"

namespace veritee::nitro {
namespace {

// The protected header: a map whose only parameter may be alg (label 1), an integer.
Result<std::optional<int64_t>> ParseProtected(ByteSpan bytes, size_t base) {
  if (bytes.empty()) return std::optional<int64_t>();  // "h''": no protected parameters
  CborReader r(bytes, base);
  VT_ASSIGN_OR_RETURN(auto count, r.MapHead("protected header"));
  std::optional<int64_t> alg;
  for (uint64_t i = 0; count ? i < *count : !r.AtBreak(); ++i) {
    VT_ASSIGN_OR_RETURN(CborToken key, r.Peek("protected header label"));
    auto label = r.Integer("protected header label");
    if (!label) {
      return MakeError(ErrorCode::kUnsupported,
                       "protected header parameter of type " + std::string(CborTypeName(key.type)) +
                           " is not supported",
                       "protected header", key.offset);
    }
    if (*label != kCoseHeaderAlg) {
      return MakeError(ErrorCode::kUnsupported,
                       "protected header parameter " + std::to_string(*label) +
                           " is not supported (only alg, 1)",
                       "protected header", key.offset);
    }
    if (alg) {
      return MakeError(ErrorCode::kMalformed, "alg appears twice", "protected header", key.offset);
    }
    VT_ASSIGN_OR_RETURN(int64_t value, r.Integer("protected header alg"));
    alg = value;
  }
  VT_RETURN_IF_ERROR(r.Finish("protected header"));
  return alg;
}

}  // namespace

Result<CoseSign1> ParseCoseSign1(ByteSpan bytes) {
  if (bytes.size() > kMaxCoseSize) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(bytes.size()) + " bytes, more than the " +
                         std::to_string(kMaxCoseSize) + " a COSE_Sign1 document may have",
                     "COSE_Sign1");
  }
  CborReader r(bytes);
  CoseSign1 out;
  VT_ASSIGN_OR_RETURN(CborToken first, r.Peek("COSE_Sign1"));
  if (first.type == CborType::kTag) {
    VT_RETURN_IF_ERROR(r.Next("COSE_Sign1 tag"));
    if (first.value != kCoseSign1Tag) {
      return MakeError(ErrorCode::kUnsupported,
                       "tag " + std::to_string(first.value) + " is not COSE_Sign1 (18)",
                       "COSE_Sign1", first.offset);
    }
    out.tagged = true;
  }
  VT_ASSIGN_OR_RETURN(CborToken head, r.Peek("COSE_Sign1"));
  VT_ASSIGN_OR_RETURN(auto count, r.ArrayHead("COSE_Sign1"));
  if (!count || *count != 4) {
    return MakeError(ErrorCode::kMalformed,
                     count ? "array of " + std::to_string(*count) + " elements, expected 4"
                           : "indefinite-length array, expected an array of 4",
                     "COSE_Sign1", head.offset);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan prot, r.ByteString("protected header", kMaxProtectedHeaderSize));
  VT_ASSIGN_OR_RETURN(out.alg, ParseProtected(prot, r.offset() - prot.size()));
  out.protected_header.assign(prot.begin(), prot.end());

  const size_t unprotected_start = r.offset();
  VT_ASSIGN_OR_RETURN(CborToken unprot, r.Peek("unprotected header"));
  if (unprot.type != CborType::kMap) {
    return MakeError(ErrorCode::kMalformed,
                     "expected a map, found " + std::string(CborTypeName(unprot.type)),
                     "unprotected header", unprot.offset);
  }
  VT_RETURN_IF_ERROR(r.Skip("unprotected header", 8));
  out.unprotected_header.assign(bytes.begin() + static_cast<ptrdiff_t>(unprotected_start),
                                bytes.begin() + static_cast<ptrdiff_t>(r.offset()));

  VT_ASSIGN_OR_RETURN(ByteSpan payload, r.ByteString("payload", kMaxCoseSize));
  out.payload.assign(payload.begin(), payload.end());
  VT_ASSIGN_OR_RETURN(ByteSpan sig, r.ByteString("signature", kMaxSignatureSize));
  out.signature.assign(sig.begin(), sig.end());
  VT_RETURN_IF_ERROR(r.Finish("COSE_Sign1"));
  return out;
}

Bytes WriteCoseSign1(const CoseSign1& cose) {
  CborWriter w;
  if (cose.tagged) w.Tag(kCoseSign1Tag);
  w.ArrayHead(4);
  w.ByteString(cose.protected_header);
  if (cose.unprotected_header.empty()) {
    w.MapHead(0);
  } else {
    w.Raw(cose.unprotected_header);
  }
  w.ByteString(cose.payload);
  w.ByteString(cose.signature);
  return w.Take();
}

Bytes EncodeProtectedHeader(int64_t alg) {
  CborWriter w;
  w.MapHead(1);
  w.Integer(kCoseHeaderAlg);
  w.Integer(alg);
  return w.Take();
}

Bytes SigStructure(ByteSpan protected_header, ByteSpan payload) {
  CborWriter w;
  w.ArrayHead(4);
  w.TextString("Signature1");
  w.ByteString(protected_header);
  w.ByteString({});
  w.ByteString(payload);
  return w.Take();
}

}  // namespace veritee::nitro
