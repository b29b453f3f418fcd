// Report data binding: what the 64-byte REPORT_DATA (SEV-SNP), REPORTDATA (TDX), user
// data (Nitro) or qualifying data (TPM) of our evidence says.
//
// One rule for `veritee attest` and RA-TLS alike, so a verifier recomputes it the same way:
//   --report-data HEX        the bytes as given (at most 64), zero-padded
//   --nonce HEX              the nonce (at most 64 bytes), zero-padded
//   --bind-key FILE          SHA-512 of the key's DER SubjectPublicKeyInfo
//   --bind-key and --nonce   SHA-512(SubjectPublicKeyInfo ‖ nonce)
// A zero-padded value lets `veritee verify --expect report_data=NONCE` match it as a prefix.
#pragma once

#include <array>
#include <optional>

#include "base/bytes.h"

namespace veritee::attest {

using ReportData = std::array<uint8_t, 64>;

struct Binding {
  std::optional<Bytes> report_data;  // exclusive with the two below
  std::optional<Bytes> nonce;
  std::optional<Bytes> public_key_spki;  // DER SubjectPublicKeyInfo
};

Result<ReportData> BindReportData(const Binding& binding);

// SHA-512(spki ‖ nonce): the RA-TLS binding of a certificate's key.
ReportData KeyBinding(ByteSpan spki_der, ByteSpan nonce = {});

}  // namespace veritee::attest
