#include "parse/dcap/quote.h"

namespace veritee::dcap {
namespace {

// Maximum size of the signature data we accept: a PCK chain is ~4 KB; Intel's QVL has no
// fixed bound, but nothing legitimate comes near 1 MiB and the bound keeps every length
// check cheap and obvious.
constexpr uint32_t kMaxSigDataLen = 1u << 20;

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Result<Header> ReadHeader(ByteReader& r) {
  Header h;
  VT_ASSIGN_OR_RETURN(h.version, r.U16Le("header.version"));
  if (h.version < 3 || h.version > 5) {
    return MakeError(ErrorCode::kUnsupported,
                     "quote version " + std::to_string(h.version) + " (3, 4 and 5 are known)",
                     "header.version", 0);
  }
  VT_ASSIGN_OR_RETURN(h.att_key_type, r.U16Le("header.att_key_type"));
  if (h.att_key_type != kAttKeyEcdsaP256) {
    return MakeError(ErrorCode::kUnsupported,
                     "attestation key type " + std::to_string(h.att_key_type) +
                         " (only 2, ECDSA-256 with P-256, is defined for these quotes)",
                     "header.att_key_type", 2);
  }
  VT_ASSIGN_OR_RETURN(h.tee_type, r.U32Le("header.tee_type"));
  if (h.version == 3 && h.tee_type != 0) {
    return MakeError(ErrorCode::kReservedNonZero, "att_key_data_0 of a v3 quote must be zero",
                     "header.att_key_data_0", 4);
  }
  if (h.tee_type != kTeeSgx && h.tee_type != kTeeTdx) {
    return MakeError(ErrorCode::kUnsupported,
                     "TEE type " + std::to_string(h.tee_type) + " (0 SGX, 0x81 TDX)",
                     "header.tee_type", 4);
  }
  if (h.version == 3) {
    VT_ASSIGN_OR_RETURN(h.qe_svn, r.U16Le("header.qe_svn"));
    VT_ASSIGN_OR_RETURN(h.pce_svn, r.U16Le("header.pce_svn"));
  } else {
    VT_RETURN_IF_ERROR(r.ExpectZero(4, "header.reserved"));
  }
  VT_ASSIGN_OR_RETURN(h.qe_vendor_id, r.Array<16>("header.qe_vendor_id"));
  VT_ASSIGN_OR_RETURN(h.user_data, r.Array<20>("header.user_data"));
  return h;
}

Result<SgxReportBody> ReadSgxBody(ByteReader& r, std::string_view what) {
  const std::string p(what);
  SgxReportBody b;
  VT_ASSIGN_OR_RETURN(b.cpu_svn, r.Array<16>(p + ".cpu_svn"));
  VT_ASSIGN_OR_RETURN(b.misc_select, r.U32Le(p + ".misc_select"));
  VT_RETURN_IF_ERROR(r.ExpectZero(12, p + ".reserved1"));
  VT_ASSIGN_OR_RETURN(b.isv_ext_prod_id, r.Array<16>(p + ".isv_ext_prod_id"));
  VT_ASSIGN_OR_RETURN(b.attributes, r.Array<16>(p + ".attributes"));
  VT_ASSIGN_OR_RETURN(b.mr_enclave, r.Array<32>(p + ".mr_enclave"));
  VT_RETURN_IF_ERROR(r.ExpectZero(32, p + ".reserved2"));
  VT_ASSIGN_OR_RETURN(b.mr_signer, r.Array<32>(p + ".mr_signer"));
  VT_RETURN_IF_ERROR(r.ExpectZero(32, p + ".reserved3"));
  VT_ASSIGN_OR_RETURN(b.config_id, r.Array<64>(p + ".config_id"));
  VT_ASSIGN_OR_RETURN(b.isv_prod_id, r.U16Le(p + ".isv_prod_id"));
  VT_ASSIGN_OR_RETURN(b.isv_svn, r.U16Le(p + ".isv_svn"));
  VT_ASSIGN_OR_RETURN(b.config_svn, r.U16Le(p + ".config_svn"));
  VT_RETURN_IF_ERROR(r.ExpectZero(42, p + ".reserved4"));
  VT_ASSIGN_OR_RETURN(b.isv_family_id, r.Array<16>(p + ".isv_family_id"));
  VT_ASSIGN_OR_RETURN(b.report_data, r.Array<64>(p + ".report_data"));
  return b;
}

Result<TdReportBody> ReadTdBody(ByteReader& r, bool v15) {
  TdReportBody b;
  VT_ASSIGN_OR_RETURN(b.tee_tcb_svn, r.Array<16>("td.tee_tcb_svn"));
  VT_ASSIGN_OR_RETURN(b.mr_seam, r.Array<48>("td.mr_seam"));
  VT_ASSIGN_OR_RETURN(b.mr_signer_seam, r.Array<48>("td.mr_signer_seam"));
  VT_ASSIGN_OR_RETURN(b.seam_attributes, r.U64Le("td.seam_attributes"));
  VT_ASSIGN_OR_RETURN(b.td_attributes, r.U64Le("td.td_attributes"));
  VT_ASSIGN_OR_RETURN(b.xfam, r.U64Le("td.xfam"));
  VT_ASSIGN_OR_RETURN(b.mr_td, r.Array<48>("td.mr_td"));
  VT_ASSIGN_OR_RETURN(b.mr_config_id, r.Array<48>("td.mr_config_id"));
  VT_ASSIGN_OR_RETURN(b.mr_owner, r.Array<48>("td.mr_owner"));
  VT_ASSIGN_OR_RETURN(b.mr_owner_config, r.Array<48>("td.mr_owner_config"));
  static constexpr const char* kRtmr[4] = {"td.rtmr0", "td.rtmr1", "td.rtmr2", "td.rtmr3"};
  for (size_t i = 0; i < 4; ++i) {
    VT_ASSIGN_OR_RETURN(b.rtmr[i], r.Array<48>(kRtmr[i]));
  }
  VT_ASSIGN_OR_RETURN(b.report_data, r.Array<64>("td.report_data"));
  if (v15) {
    VT_ASSIGN_OR_RETURN(b.tee_tcb_svn2, r.Array<16>("td.tee_tcb_svn2"));
    VT_ASSIGN_OR_RETURN(b.mr_servicetd, r.Array<48>("td.mr_servicetd"));
  }
  return b;
}

// QE report | QE report signature | u16 auth len | auth | u16 type | u32 len | data.
Result<QeReportCertData> ReadQeCertData(ByteReader& r, size_t& qe_report_offset) {
  QeReportCertData q;
  qe_report_offset = r.offset();
  VT_ASSIGN_OR_RETURN(ByteReader rep, r.Child(kSgxReportSize, "qe_report"));
  VT_ASSIGN_OR_RETURN(q.qe_report, ReadSgxBody(rep, "qe_report"));
  VT_ASSIGN_OR_RETURN(q.qe_report_signature, r.Array<kSignatureSize>("qe_report_signature"));
  VT_ASSIGN_OR_RETURN(uint16_t auth_len, r.U16Le("qe_auth_data.size"));
  VT_ASSIGN_OR_RETURN(ByteSpan auth, r.Take(auth_len, "qe_auth_data"));
  q.qe_auth_data.assign(auth.begin(), auth.end());
  VT_ASSIGN_OR_RETURN(q.inner.type, r.U16Le("certification_data.type"));
  VT_ASSIGN_OR_RETURN(uint32_t len, r.U32Le("certification_data.size"));
  VT_ASSIGN_OR_RETURN(ByteSpan data, r.Take(len, "certification_data"));
  q.inner.data.assign(data.begin(), data.end());
  return q;
}

Result<Quote> Parse(ByteSpan bytes, bool keep_trailing) {
  ByteReader r(bytes);
  Quote q;
  VT_ASSIGN_OR_RETURN(q.header, ReadHeader(r));
  const Header& h = q.header;
  size_t body_size = 0;
  if (h.version == 5) {
    VT_ASSIGN_OR_RETURN(uint16_t type, r.U16Le("body_descriptor.type"));
    VT_ASSIGN_OR_RETURN(uint32_t size, r.U32Le("body_descriptor.size"));
    if (type < 1 || type > 3) {
      return MakeError(ErrorCode::kUnsupported,
                       "v5 body type " + std::to_string(type) +
                           " (1 SGX report, 2 TD report 1.0, 3 TD report 1.5)",
                       "body_descriptor.type", kHeaderSize);
    }
    q.body_descriptor = static_cast<BodyType>(type);
    q.body_type = *q.body_descriptor;
    body_size = q.body_type == BodyType::kSgx    ? kSgxReportSize
                : q.body_type == BodyType::kTd10 ? kTdReport10Size
                                                 : kTdReport15Size;
    if (size != body_size) {
      return MakeError(ErrorCode::kMalformed,
                       "body size " + std::to_string(size) + " for " +
                           std::string(BodyTypeName(q.body_type)) + ", which is " +
                           std::to_string(body_size) + " bytes",
                       "body_descriptor.size", kHeaderSize + 2);
    }
    if ((h.tee_type == kTeeTdx) != (q.body_type != BodyType::kSgx)) {
      return MakeError(ErrorCode::kMalformed,
                       std::string(BodyTypeName(q.body_type)) + " body under TEE type " +
                           std::to_string(h.tee_type),
                       "body_descriptor.type", kHeaderSize);
    }
  } else {
    q.body_type = h.tee_type == kTeeTdx ? BodyType::kTd10 : BodyType::kSgx;
    body_size = q.body_type == BodyType::kSgx ? kSgxReportSize : kTdReport10Size;
  }
  VT_ASSIGN_OR_RETURN(ByteReader body, r.Child(body_size, "body"));
  if (q.body_type == BodyType::kSgx) {
    VT_ASSIGN_OR_RETURN(q.sgx, ReadSgxBody(body, "sgx"));
  } else {
    VT_ASSIGN_OR_RETURN(q.td, ReadTdBody(body, q.body_type == BodyType::kTd15));
  }
  VT_RETURN_IF_ERROR(body.Finish("body"));
  q.signed_size = r.offset();

  VT_ASSIGN_OR_RETURN(q.sig_data_len, r.U32Le("signature_data.size"));
  if (q.sig_data_len > kMaxSigDataLen) {
    return MakeError(ErrorCode::kMalformed,
                     "signature data length " + std::to_string(q.sig_data_len) + " is over 1 MiB",
                     "signature_data.size", q.signed_size);
  }
  VT_ASSIGN_OR_RETURN(ByteReader sig, r.Child(q.sig_data_len, "signature_data"));
  VT_ASSIGN_OR_RETURN(q.signature, sig.Array<kSignatureSize>("signature"));
  VT_ASSIGN_OR_RETURN(q.attest_key, sig.Array<kAttestKeySize>("attest_key"));
  if (h.version == 3) {
    VT_ASSIGN_OR_RETURN(q.qe, ReadQeCertData(sig, q.qe_report_offset));
  } else {
    VT_ASSIGN_OR_RETURN(q.outer.type, sig.U16Le("certification_data.type"));
    VT_ASSIGN_OR_RETURN(uint32_t len, sig.U32Le("certification_data.size"));
    if (q.outer.type == static_cast<uint16_t>(CertDataType::kQeReportCertData)) {
      VT_ASSIGN_OR_RETURN(ByteReader inner, sig.Child(len, "certification_data"));
      VT_ASSIGN_OR_RETURN(q.qe, ReadQeCertData(inner, q.qe_report_offset));
      VT_RETURN_IF_ERROR(inner.Finish("certification_data (QE report certification data)"));
    } else {
      VT_ASSIGN_OR_RETURN(ByteSpan data, sig.Take(len, "certification_data"));
      q.outer.data.assign(data.begin(), data.end());
    }
  }
  VT_RETURN_IF_ERROR(sig.Finish("signature_data"));
  ByteSpan rest = r.Rest();
  if (!keep_trailing) {
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] != 0) {
        return MakeError(ErrorCode::kTrailingData,
                         std::to_string(rest.size()) +
                             " bytes after the signature data; padding must be zero",
                         "trailing", r.offset() + i);
      }
    }
  }
  q.trailing.assign(rest.begin(), rest.end());
  return q;
}

void WriteTdBody(ByteWriter& w, const TdReportBody& b, bool v15) {
  w.Append(b.tee_tcb_svn);
  w.Append(b.mr_seam);
  w.Append(b.mr_signer_seam);
  w.U64Le(b.seam_attributes);
  w.U64Le(b.td_attributes);
  w.U64Le(b.xfam);
  w.Append(b.mr_td);
  w.Append(b.mr_config_id);
  w.Append(b.mr_owner);
  w.Append(b.mr_owner_config);
  for (const auto& m : b.rtmr) w.Append(m);
  w.Append(b.report_data);
  if (v15) {
    w.Append(b.tee_tcb_svn2);
    w.Append(b.mr_servicetd);
  }
}

Bytes QeCertDataBytes(const QeReportCertData& q) {
  ByteWriter w;
  WriteSgxReportBody(w, q.qe_report);
  w.Append(q.qe_report_signature);
  w.U16Le(static_cast<uint16_t>(q.qe_auth_data.size()));
  w.Append(q.qe_auth_data);
  w.U16Le(q.inner.type);
  w.U32Le(static_cast<uint32_t>(q.inner.data.size()));
  w.Append(q.inner.data);
  return w.Take();
}

}  // namespace

std::string CertDataTypeName(uint16_t type) {
  switch (type) {
    case 1: return "PPID_CLEARTEXT";
    case 2: return "PPID_RSA2048_ENCRYPTED";
    case 3: return "PPID_RSA3072_ENCRYPTED";
    case 4: return "PCK_CLEARTEXT";
    case 5: return "PCK_CERT_CHAIN";
    case 6: return "QE_REPORT_CERTIFICATION_DATA";
    case 7: return "PLATFORM_MANIFEST";
    default: return "unknown type " + std::to_string(type);
  }
}

std::string_view BodyTypeName(BodyType type) {
  switch (type) {
    case BodyType::kSgx: return "sgx_enclave_report";
    case BodyType::kTd10: return "td_report_1_0";
    case BodyType::kTd15: return "td_report_1_5";
  }
  return "unknown";
}

uint64_t SgxReportBody::flags() const { return LoadLe64(attributes.data()); }
uint64_t SgxReportBody::xfrm() const { return LoadLe64(attributes.data() + 8); }

Result<Quote> ParseQuote(ByteSpan bytes) { return Parse(bytes, false); }
Result<Quote> ParseQuoteKeepTrailing(ByteSpan bytes) { return Parse(bytes, true); }

Result<SgxReportBody> ParseSgxReportBody(ByteSpan bytes, size_t base_offset) {
  ByteReader r(bytes, base_offset);
  VT_ASSIGN_OR_RETURN(SgxReportBody b, ReadSgxBody(r, "report"));
  VT_RETURN_IF_ERROR(r.Finish("report"));
  return b;
}

void WriteSgxReportBody(ByteWriter& w, const SgxReportBody& b) {
  w.Append(b.cpu_svn);
  w.U32Le(b.misc_select);
  w.Zeros(12);
  w.Append(b.isv_ext_prod_id);
  w.Append(b.attributes);
  w.Append(b.mr_enclave);
  w.Zeros(32);
  w.Append(b.mr_signer);
  w.Zeros(32);
  w.Append(b.config_id);
  w.U16Le(b.isv_prod_id);
  w.U16Le(b.isv_svn);
  w.U16Le(b.config_svn);
  w.Zeros(42);
  w.Append(b.isv_family_id);
  w.Append(b.report_data);
}

Bytes WriteQuote(const Quote& q) {
  ByteWriter w;
  const Header& h = q.header;
  w.U16Le(h.version);
  w.U16Le(h.att_key_type);
  w.U32Le(h.tee_type);
  if (h.version == 3) {
    w.U16Le(h.qe_svn);
    w.U16Le(h.pce_svn);
  } else {
    w.Zeros(4);
  }
  w.Append(h.qe_vendor_id);
  w.Append(h.user_data);
  ByteWriter body;
  if (q.body_type == BodyType::kSgx) {
    WriteSgxReportBody(body, q.sgx);
  } else {
    WriteTdBody(body, q.td, q.body_type == BodyType::kTd15);
  }
  if (h.version == 5) {
    w.U16Le(static_cast<uint16_t>(q.body_descriptor.value_or(q.body_type)));
    w.U32Le(static_cast<uint32_t>(body.size()));
  }
  w.Append(body.data());
  ByteWriter sig;
  sig.Append(q.signature);
  sig.Append(q.attest_key);
  if (h.version == 3) {
    if (q.qe) sig.Append(QeCertDataBytes(*q.qe));
  } else if (q.qe) {
    Bytes inner = QeCertDataBytes(*q.qe);
    sig.U16Le(static_cast<uint16_t>(CertDataType::kQeReportCertData));
    sig.U32Le(static_cast<uint32_t>(inner.size()));
    sig.Append(inner);
  } else {
    sig.U16Le(q.outer.type);
    sig.U32Le(static_cast<uint32_t>(q.outer.data.size()));
    sig.Append(q.outer.data);
  }
  w.U32Le(static_cast<uint32_t>(sig.size()));
  w.Append(sig.data());
  w.Append(q.trailing);
  return w.Take();
}

void UpdateLayout(Quote& q) {
  const size_t body = q.body_type == BodyType::kSgx    ? kSgxReportSize
                      : q.body_type == BodyType::kTd10 ? kTdReport10Size
                                                       : kTdReport15Size;
  q.signed_size = kHeaderSize + (q.header.version == 5 ? 6 : 0) + body;
  if (q.header.version == 5 && !q.body_descriptor) q.body_descriptor = q.body_type;
  size_t sig = kSignatureSize + kAttestKeySize;
  size_t qe_offset = q.signed_size + 4 + sig;
  if (q.header.version != 3) qe_offset += 6;
  if (q.qe) {
    q.outer = CertificationData{};
    if (q.header.version != 3) q.outer.type = static_cast<uint16_t>(CertDataType::kQeReportCertData);
    sig += kSgxReportSize + kSignatureSize + 2 + q.qe->qe_auth_data.size() + 6 +
           q.qe->inner.data.size();
    if (q.header.version != 3) sig += 6;
    q.qe_report_offset = qe_offset;
  } else {
    sig += 6 + q.outer.data.size();
    q.qe_report_offset = 0;
  }
  q.sig_data_len = static_cast<uint32_t>(sig);
}

ByteSpan SignedPart(ByteSpan bytes, const Quote& quote) {
  if (quote.signed_size == 0 || bytes.size() < quote.signed_size) return {};
  return bytes.first(quote.signed_size);
}

ByteSpan QeReportBytes(ByteSpan bytes, const Quote& quote) {
  if (!quote.qe || quote.qe_report_offset == 0 ||
      bytes.size() < quote.qe_report_offset + kSgxReportSize) {
    return {};
  }
  return bytes.subspan(quote.qe_report_offset, kSgxReportSize);
}

int DetectQuote(ByteSpan bytes) {
  if (bytes.size() < kHeaderSize) return 0;
  uint16_t version = static_cast<uint16_t>(bytes[0] | bytes[1] << 8);
  uint16_t key = static_cast<uint16_t>(bytes[2] | bytes[3] << 8);
  uint32_t tee = uint32_t{bytes[4]} | uint32_t{bytes[5]} << 8 | uint32_t{bytes[6]} << 16 |
                 uint32_t{bytes[7]} << 24;
  if (version < 3 || version > 5 || (key != kAttKeyEcdsaP256 && key != kAttKeyEcdsaP384)) return 0;
  if (tee != kTeeSgx && tee != kTeeTdx) return 0;
  bool intel = std::equal(kIntelQeVendorId.begin(), kIntelQeVendorId.end(), bytes.begin() + 12);
  return intel ? 2 : 1;
}

}  // namespace veritee::dcap
