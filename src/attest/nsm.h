// /dev/nsm: the AWS Nitro Secure Module's attestation request (aws-nitro-enclaves-nsm-api,
// src/api/mod.rs: Request::Attestation / Response::Attestation; Linux drivers/misc/nsm.c,
// include/uapi/linux/nsm.h: NSM_IOCTL_RAW).
//
// The request is CBOR (written with libcbor's encoders through parse/nitro/cbor.h):
//   {"Attestation": {"user_data": bstr / null, "nonce": bstr / null, "public_key": bstr / null}}
// and the response is {"Attestation": {"document": bstr}} (a COSE_Sign1 attestation
// document, verified by `veritee verify`) or {"Error": "ErrorCode"}. The ioctl argument is
// struct nsm_raw {struct nsm_iovec request, response} with nsm_iovec {u64 addr, u64 len}:
// 32 bytes, encoded with ByteWriter; the driver writes the response length back.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"

namespace veritee::attest::nsm {

inline constexpr size_t kRequestMaxSize = 0x1000;   // NSM_REQUEST_MAX_SIZE
inline constexpr size_t kResponseMaxSize = 0x3000;  // NSM_RESPONSE_MAX_SIZE
inline constexpr size_t kRawIoctlSize = 32;         // struct nsm_raw
inline constexpr size_t kMaxFieldSize = 1024;       // NSM's limit per optional field

struct AttestationRequest {
  std::optional<Bytes> user_data, nonce, public_key;
};
Result<Bytes> EncodeAttestationRequest(const AttestationRequest& req);
// The attestation document, or kUnsupported naming NSM's error code.
Result<Bytes> DecodeAttestationResponse(ByteSpan response);
Bytes EncodeAttestationResponse(ByteSpan document);  // tests and fakes

struct RawIoctl {
  uint64_t request_addr = 0, request_len = 0, response_addr = 0, response_len = 0;
  bool operator==(const RawIoctl&) const = default;
};
Bytes EncodeRawIoctl(const RawIoctl& raw);
Result<RawIoctl> DecodeRawIoctl(ByteSpan bytes);
unsigned long IoctlRaw();

Result<Bytes> GetAttestationDocument(const AttestationRequest& req,
                                     const std::string& device = "/dev/nsm");

}  // namespace veritee::attest::nsm
