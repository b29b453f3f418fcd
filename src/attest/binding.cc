#include "attest/binding.h"

#include <algorithm>

#include "crypto/digest.h"

namespace veritee::attest {

ReportData KeyBinding(ByteSpan spki_der, ByteSpan nonce) {
  Bytes input(spki_der.begin(), spki_der.end());
  input.insert(input.end(), nonce.begin(), nonce.end());
  return Sha512(input);
}

Result<ReportData> BindReportData(const Binding& b) {
  ReportData out{};
  if (b.report_data) {
    if (b.nonce || b.public_key_spki) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--report-data cannot be combined with --nonce or --bind-key");
    }
    if (b.report_data->size() > out.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "report data is at most 64 bytes");
    }
    std::copy(b.report_data->begin(), b.report_data->end(), out.begin());
    return out;
  }
  if (b.public_key_spki) {
    return KeyBinding(*b.public_key_spki, b.nonce ? ByteSpan(*b.nonce) : ByteSpan());
  }
  if (b.nonce) {
    if (b.nonce->empty() || b.nonce->size() > out.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "a nonce is 1..64 bytes");
    }
    std::copy(b.nonce->begin(), b.nonce->end(), out.begin());
    return out;
  }
  return out;  // nothing bound: all zero
}

}  // namespace veritee::attest
