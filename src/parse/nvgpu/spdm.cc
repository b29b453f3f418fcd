#include "parse/nvgpu/spdm.h"

#include <set>
#include <string>

namespace veritee::nvgpu {
namespace {

std::string HexByte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0x0f];
}

Status Want(uint8_t have, uint8_t want, ErrorCode code, std::string_view field, size_t offset,
            std::string_view what) {
  if (have == want) return Ok();
  return MakeError(code,
                   std::string(what) + " is " + HexByte(have) + ", expected " + HexByte(want),
                   std::string(field), offset);
}

Status WantVersion(uint8_t have, std::string_view field, size_t offset) {
  if (have == kSpdmVersion11) return Ok();
  return MakeError(ErrorCode::kUnsupported,
                   "SPDM version " + std::to_string(have >> 4) + "." +
                       std::to_string(have & 0x0f) +
                       " is not supported (NVIDIA Hopper and Blackwell report SPDM 1.1)",
                   std::string(field), offset);
}

Result<MeasurementRequest> ReadRequest(ByteReader& r) {
  MeasurementRequest q;
  size_t at = r.offset();
  VT_ASSIGN_OR_RETURN(q.spdm_version, r.U8("request SPDMVersion"));
  VT_RETURN_IF_ERROR(WantVersion(q.spdm_version, "request SPDMVersion", at));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(q.code, r.U8("request RequestResponseCode"));
  VT_RETURN_IF_ERROR(Want(q.code, kGetMeasurementsCode, ErrorCode::kMalformed,
                          "request RequestResponseCode", at, "request code (GET_MEASUREMENTS)"));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(q.attributes, r.U8("request Param1"));
  if ((q.attributes & kAttributeSignatureRequested) == 0) {
    return MakeError(ErrorCode::kMalformed,
                     "the request did not ask for a signature (Param1 bit 0 clear): the "
                     "response is unsigned",
                     "request Param1", at);
  }
  if ((q.attributes & ~kAttributeSignatureRequested) != 0) {
    // DSP0274 1.1 table 40: Param1 bits 7:1 are reserved.
    return MakeError(ErrorCode::kReservedNonZero, "reserved attribute bits 7:1 are set",
                     "request Param1", at);
  }
  at = r.offset();
  VT_ASSIGN_OR_RETURN(q.operation, r.U8("request Param2"));
  if (q.operation != kOperationAllBlocks) {
    return MakeError(ErrorCode::kUnsupported,
                     "measurement operation " + HexByte(q.operation) +
                         " is not 0xFF (all measurement blocks), which a verifier needs",
                     "request Param2", at);
  }
  VT_ASSIGN_OR_RETURN(q.nonce, r.Array<kNonceSize>("request Nonce"));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(q.slot_id, r.U8("request SlotIDParam"));
  if ((q.slot_id & 0xF0u) != 0) {
    return MakeError(ErrorCode::kReservedNonZero, "reserved bits 7:4 of SlotIDParam are set",
                     "request SlotIDParam", at);
  }
  if (q.slot_id > 7) {
    return MakeError(ErrorCode::kMalformed, "slot " + std::to_string(q.slot_id) + " is not 0..7",
                     "request SlotIDParam", at);
  }
  return q;
}

Result<MeasurementBlock> ReadBlock(ByteReader& r) {
  MeasurementBlock b;
  size_t at = r.offset();
  VT_ASSIGN_OR_RETURN(b.index, r.U8("measurement block Index"));
  if (b.index == 0 || b.index == 0xFF) {
    // Index 0 is reserved, 0xFF is reserved (DSP0274 1.1 table 44).
    return MakeError(ErrorCode::kMalformed,
                     "measurement block index " + std::to_string(b.index) + " is reserved",
                     "measurement block Index", at);
  }
  at = r.offset();
  VT_ASSIGN_OR_RETURN(b.spec, r.U8("MeasurementSpecification"));
  if (b.spec != kDmtfMeasurementSpec) {
    return MakeError(ErrorCode::kUnsupported,
                     "measurement specification " + HexByte(b.spec) + " of block " +
                         std::to_string(b.index) + " is not DMTF (0x01)",
                     "MeasurementSpecification", at);
  }
  at = r.offset();
  VT_ASSIGN_OR_RETURN(uint16_t size, r.U16Le("MeasurementSize"));
  VT_ASSIGN_OR_RETURN(ByteReader m, r.Child(size, "Measurement"));
  VT_ASSIGN_OR_RETURN(b.value_type, m.U8("DMTFSpecMeasurementValueType"));
  VT_ASSIGN_OR_RETURN(uint16_t value_size, m.U16Le("DMTFSpecMeasurementValueSize"));
  if (size_t{value_size} + 3 != size) {
    return MakeError(ErrorCode::kMalformed,
                     "MeasurementSize " + std::to_string(size) + " != 3 + value size " +
                         std::to_string(value_size) + " in block " + std::to_string(b.index),
                     "MeasurementSize", at);
  }
  VT_ASSIGN_OR_RETURN(ByteSpan value, m.Take(value_size, "DMTFSpecMeasurementValue"));
  b.value.assign(value.begin(), value.end());
  VT_RETURN_IF_ERROR(m.Finish("Measurement"));
  return b;
}

Result<MeasurementResponse> ReadResponse(ByteReader& r, const MeasurementRequest& q) {
  MeasurementResponse p;
  size_t at = r.offset();
  VT_ASSIGN_OR_RETURN(p.spdm_version, r.U8("response SPDMVersion"));
  VT_RETURN_IF_ERROR(WantVersion(p.spdm_version, "response SPDMVersion", at));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(p.code, r.U8("response RequestResponseCode"));
  VT_RETURN_IF_ERROR(Want(p.code, kMeasurementsCode, ErrorCode::kMalformed,
                          "response RequestResponseCode", at, "response code (MEASUREMENTS)"));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(p.param1, r.U8("response Param1"));
  if (p.param1 != 0) {
    // Param1 carries a count only when the request's operation was 0; reserved otherwise.
    return MakeError(ErrorCode::kReservedNonZero, "reserved for operation 0xFF",
                     "response Param1", at);
  }
  at = r.offset();
  VT_ASSIGN_OR_RETURN(uint8_t param2, r.U8("response Param2"));
  if ((param2 & 0xF0u) != 0) {
    return MakeError(ErrorCode::kReservedNonZero, "reserved bits 7:4 of Param2 are set",
                     "response Param2", at);
  }
  p.slot_id = param2;
  if (p.slot_id != q.slot_id) {
    return MakeError(ErrorCode::kMalformed,
                     "response slot " + std::to_string(p.slot_id) + " != requested slot " +
                         std::to_string(q.slot_id),
                     "response Param2", at);
  }
  at = r.offset();
  VT_ASSIGN_OR_RETURN(uint8_t count, r.U8("NumberOfBlocks"));
  if (count == 0) {
    return MakeError(ErrorCode::kMalformed, "no measurement blocks", "NumberOfBlocks", at);
  }
  VT_ASSIGN_OR_RETURN(uint8_t len_lo, r.U8("MeasurementRecordLength"));
  VT_ASSIGN_OR_RETURN(uint16_t len_hi, r.U16Le("MeasurementRecordLength"));
  const size_t record_length = size_t{len_lo} | (size_t{len_hi} << 8);
  at = r.offset();
  VT_ASSIGN_OR_RETURN(ByteReader record, r.Child(record_length, "MeasurementRecord"));
  std::set<uint8_t> seen;
  p.blocks.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t block_at = record.offset();
    VT_ASSIGN_OR_RETURN(MeasurementBlock b, ReadBlock(record));
    if (!seen.insert(b.index).second) {
      return MakeError(ErrorCode::kMalformed,
                       "measurement block index " + std::to_string(b.index) + " appears twice",
                       "measurement block Index", block_at);
    }
    p.blocks.push_back(std::move(b));
  }
  if (record.remaining() != 0) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(count) + " blocks leave " +
                         std::to_string(record.remaining()) + " of " +
                         std::to_string(record_length) + " record bytes unused",
                     "MeasurementRecordLength", at);
  }
  VT_ASSIGN_OR_RETURN(p.nonce, r.Array<kNonceSize>("response Nonce"));
  at = r.offset();
  VT_ASSIGN_OR_RETURN(uint16_t opaque_length, r.U16Le("OpaqueLength"));
  if (opaque_length > kMaxOpaqueSize) {
    return MakeError(ErrorCode::kMalformed,
                     "OpaqueLength " + std::to_string(opaque_length) + " exceeds 1024",
                     "OpaqueLength", at);
  }
  const size_t opaque_at = r.offset();
  VT_ASSIGN_OR_RETURN(ByteSpan opaque, r.Take(opaque_length, "OpaqueData"));
  VT_ASSIGN_OR_RETURN(p.opaque, ParseOpaqueFields(opaque, opaque_at));
  VT_ASSIGN_OR_RETURN(p.signature, r.Array<kSignatureSize>("Signature"));
  return p;
}

}  // namespace

const MeasurementBlock* AttestationReport::Block(uint8_t index) const {
  for (const MeasurementBlock& b : response.blocks) {
    if (b.index == index) return &b;
  }
  return nullptr;
}

Result<std::vector<OpaqueField>> ParseOpaqueFields(ByteSpan opaque, size_t base_offset) {
  ByteReader r(opaque, base_offset);
  std::vector<OpaqueField> out;
  while (r.remaining() != 0) {
    OpaqueField f;
    VT_ASSIGN_OR_RETURN(f.type, r.U16Le("opaque type"));
    VT_ASSIGN_OR_RETURN(uint16_t length, r.U16Le("opaque length"));
    VT_ASSIGN_OR_RETURN(ByteSpan value,
                        r.Take(length, "opaque value of type " + std::to_string(f.type)));
    f.value.assign(value.begin(), value.end());
    out.push_back(std::move(f));
  }
  return out;
}

Result<MeasurementRequest> ParseMeasurementRequest(ByteSpan request) {
  ByteReader r(request);
  VT_ASSIGN_OR_RETURN(MeasurementRequest q, ReadRequest(r));
  VT_RETURN_IF_ERROR(r.Finish("GET_MEASUREMENTS request"));
  return q;
}

Result<AttestationReport> ParseAttestationReport(ByteSpan report) {
  ByteReader r(report);
  AttestationReport out;
  VT_ASSIGN_OR_RETURN(out.request, ReadRequest(r));
  VT_ASSIGN_OR_RETURN(out.response, ReadResponse(r, out.request));
  VT_RETURN_IF_ERROR(r.Finish("MEASUREMENTS response"));
  return out;
}

Bytes WriteOpaqueFields(const std::vector<OpaqueField>& fields) {
  ByteWriter w;
  for (const OpaqueField& f : fields) {
    w.U16Le(f.type);
    w.U16Le(static_cast<uint16_t>(f.value.size()));
    w.Append(f.value);
  }
  return w.Take();
}

Bytes WriteAttestationReport(const AttestationReport& report) {
  const MeasurementRequest& q = report.request;
  const MeasurementResponse& p = report.response;
  ByteWriter w;
  w.U8(q.spdm_version);
  w.U8(q.code);
  w.U8(q.attributes);
  w.U8(q.operation);
  w.Append(q.nonce);
  w.U8(q.slot_id);

  ByteWriter record;
  for (const MeasurementBlock& b : p.blocks) {
    record.U8(b.index);
    record.U8(b.spec);
    record.U16Le(static_cast<uint16_t>(b.value.size() + 3));
    record.U8(b.value_type);
    record.U16Le(static_cast<uint16_t>(b.value.size()));
    record.Append(b.value);
  }
  w.U8(p.spdm_version);
  w.U8(p.code);
  w.U8(p.param1);
  w.U8(p.slot_id);
  w.U8(static_cast<uint8_t>(p.blocks.size()));
  const size_t record_length = record.size();
  w.U8(static_cast<uint8_t>(record_length & 0xff));
  w.U16Le(static_cast<uint16_t>((record_length >> 8) & 0xffff));
  w.Append(record.data());
  w.Append(p.nonce);
  Bytes opaque = WriteOpaqueFields(p.opaque);
  w.U16Le(static_cast<uint16_t>(opaque.size()));
  w.Append(opaque);
  w.Append(p.signature);
  return w.Take();
}

ByteSpan SignedPart(ByteSpan report) {
  if (report.size() < kRequestSize + kSignatureSize) return {};
  return report.first(report.size() - kSignatureSize);
}

ByteSpan SignatureOf(ByteSpan report) {
  if (report.size() < kRequestSize + kSignatureSize) return {};
  return report.last(kSignatureSize);
}

}  // namespace veritee::nvgpu
