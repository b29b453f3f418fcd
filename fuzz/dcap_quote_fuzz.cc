// Fuzz target: the Intel DCAP quote parser (src/parse/dcap/quote.h).
//
// Beyond "does not crash": whatever ParseQuoteKeepTrailing accepts is written back byte for
// byte by WriteQuote (every byte is a field, a checked-zero reserved byte or kept trailing
// data), UpdateLayout reproduces the parsed offsets, the strict parser agrees on trailing
// bytes, and the claims never throw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "parse/dcap/quote.h"
#include "parse/dcap/quote_claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::dcap;
  const ByteSpan input(data, size);
  (void)DetectQuote(input);
  auto quote = ParseQuoteKeepTrailing(input);
  if (!quote) {
    if (ParseQuote(input)) std::abort();  // the strict parser cannot accept more
    return 0;
  }
  const Bytes written = WriteQuote(*quote);
  if (written.size() != input.size()) std::abort();
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] != input[i]) std::abort();
  }
  Quote copy = *quote;
  UpdateLayout(copy);
  if (copy.signed_size != quote->signed_size || copy.sig_data_len != quote->sig_data_len ||
      copy.qe_report_offset != quote->qe_report_offset) {
    std::abort();
  }
  if (ParseQuote(input).has_value() != quote->trailing_all_zero()) std::abort();
  if (SignedPart(input, *quote).size() != quote->signed_size) std::abort();
  if (quote->qe && QeReportBytes(input, *quote).size() != kSgxReportSize) std::abort();
  try {
    if (QuoteClaims(*quote).dump().empty()) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
