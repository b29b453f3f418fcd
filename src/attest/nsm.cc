#include "attest/nsm.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parse/nitro/cbor.h"

namespace veritee::attest::nsm {
namespace {

struct IoctlArg {
  unsigned char bytes[kRawIoctlSize];
};

void OptionalBytes(nitro::CborWriter& w, std::string_view key, const std::optional<Bytes>& v) {
  w.TextString(key);
  if (v) {
    w.ByteString(*v);
  } else {
    w.Null();
  }
}

}  // namespace

Result<Bytes> EncodeAttestationRequest(const AttestationRequest& req) {
  for (const auto* f : {&req.user_data, &req.nonce, &req.public_key}) {
    if (*f && (*f)->size() > kMaxFieldSize) {
      return MakeError(ErrorCode::kInvalidArgument, "an NSM request field is at most 1024 bytes");
    }
  }
  nitro::CborWriter w;
  w.MapHead(1);
  w.TextString("Attestation");
  w.MapHead(3);
  OptionalBytes(w, "user_data", req.user_data);
  OptionalBytes(w, "nonce", req.nonce);
  OptionalBytes(w, "public_key", req.public_key);
  return w.Take();
}

Result<Bytes> DecodeAttestationResponse(ByteSpan response) {
  nitro::CborReader r(response);
  VT_ASSIGN_OR_RETURN(auto entries, r.MapHead("response"));
  if (!entries || *entries != 1) {
    return MakeError(ErrorCode::kMalformed, "an NSM response is a map of one entry", "response");
  }
  VT_ASSIGN_OR_RETURN(std::string_view kind, r.TextString("response kind", 64));
  if (kind == "Error") {
    VT_ASSIGN_OR_RETURN(std::string_view code, r.TextString("Error", 64));
    return MakeError(ErrorCode::kUnsupported, "NSM error: " + std::string(code), "Error");
  }
  if (kind != "Attestation") {
    return MakeError(ErrorCode::kMalformed, "unexpected NSM response " + std::string(kind),
                     "response kind");
  }
  VT_ASSIGN_OR_RETURN(auto fields, r.MapHead("Attestation"));
  if (!fields || *fields != 1) {
    return MakeError(ErrorCode::kMalformed, "Attestation is a map of one entry", "Attestation");
  }
  VT_ASSIGN_OR_RETURN(std::string_view key, r.TextString("Attestation key", 64));
  if (key != "document") {
    return MakeError(ErrorCode::kMalformed, "Attestation holds \"document\"", "Attestation");
  }
  VT_ASSIGN_OR_RETURN(ByteSpan doc, r.ByteString("document", kResponseMaxSize));
  VT_RETURN_IF_ERROR(r.Finish("NSM response"));
  return Bytes(doc.begin(), doc.end());
}

Bytes EncodeAttestationResponse(ByteSpan document) {
  nitro::CborWriter w;
  w.MapHead(1);
  w.TextString("Attestation");
  w.MapHead(1);
  w.TextString("document");
  w.ByteString(document);
  return w.Take();
}

Bytes EncodeRawIoctl(const RawIoctl& raw) {
  ByteWriter w;
  w.U64Le(raw.request_addr);
  w.U64Le(raw.request_len);
  w.U64Le(raw.response_addr);
  w.U64Le(raw.response_len);
  return w.Take();
}

Result<RawIoctl> DecodeRawIoctl(ByteSpan bytes) {
  ByteReader r(bytes);
  RawIoctl raw;
  VT_ASSIGN_OR_RETURN(raw.request_addr, r.U64Le("request.addr"));
  VT_ASSIGN_OR_RETURN(raw.request_len, r.U64Le("request.len"));
  VT_ASSIGN_OR_RETURN(raw.response_addr, r.U64Le("response.addr"));
  VT_ASSIGN_OR_RETURN(raw.response_len, r.U64Le("response.len"));
  VT_RETURN_IF_ERROR(r.Finish("nsm_raw"));
  return raw;
}

unsigned long IoctlRaw() { return _IOWR(0x0A, 0x0, IoctlArg); }

Result<Bytes> GetAttestationDocument(const AttestationRequest& req, const std::string& device) {
  VT_ASSIGN_OR_RETURN(Bytes request, EncodeAttestationRequest(req));
  Bytes response(kResponseMaxSize, 0);
  Bytes arg = EncodeRawIoctl({reinterpret_cast<uintptr_t>(request.data()), request.size(),
                              reinterpret_cast<uintptr_t>(response.data()), response.size()});
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, "cannot open: " + std::string(std::strerror(errno)), device);
  }
  int rc = ::ioctl(fd, IoctlRaw(), arg.data());
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, "NSM_IOCTL_RAW: " + std::string(std::strerror(err)), device);
  }
  VT_ASSIGN_OR_RETURN(RawIoctl back, DecodeRawIoctl(arg));
  if (back.response_len > response.size()) {
    return MakeError(ErrorCode::kMalformed, "the driver reports a response larger than the buffer",
                     device);
  }
  return DecodeAttestationResponse(ByteSpan(response).first(back.response_len));
}

}  // namespace veritee::attest::nsm
