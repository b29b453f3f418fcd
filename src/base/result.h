// Result<T> and Error: the one error vocabulary of veritee.
//
// Every fallible function returns Result<T> (tl::expected<T, Error>; std::expected is not
// available with clang 14). An Error means "could not evaluate": malformed input, an
// unreadable file, a failed cryptographic primitive. A verdict ("rejected because the TCB
// is out of date") is not an Error: verifiers report it as a failed check.
//
// Two macros propagate errors: VT_RETURN_IF_ERROR for Result<void> and
// VT_ASSIGN_OR_RETURN for Result<T>. No exceptions are thrown by veritee's code.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace veritee {

enum class ErrorCode {
  kInvalidArgument,   // caller-supplied option or value is malformed
  kIo,                // a file could not be read or written
  kTruncated,         // input ended before a field
  kTrailingData,      // bytes left after the structure
  kReservedNonZero,   // a must-be-zero range is not zero
  kUnsupported,       // a version, algorithm or format we do not accept
  kMalformed,         // structurally invalid input (bad encoding, bad length)
  kBadSignature,      // a signature did not verify
  kChainInvalid,      // a certificate chain could not be built to a trusted root
  kExpired,           // a certificate, CRL or collateral is outside its validity at the time
  kRevoked,           // a certificate is listed in a CRL
  kMismatch,          // two values that must agree do not
  kCrypto,            // an OpenSSL primitive failed unexpectedly
  kInternal,          // a bug: an invariant of our own code did not hold
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;              // the field being read or checked, when known
  std::optional<size_t> offset;   // byte offset in the input, when known

  // "field at 0x48: message" style, for people.
  std::string ToString() const;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message, std::string field = {},
                                       std::optional<size_t> offset = std::nullopt) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(field), offset});
}

inline Status Ok() { return {}; }

}  // namespace veritee

#define VT_CONCAT_INNER_(a, b) a##b
#define VT_CONCAT_(a, b) VT_CONCAT_INNER_(a, b)

// Evaluates a Result<void> expression and returns its error from the enclosing function.
#define VT_RETURN_IF_ERROR(expr)                                        \
  do {                                                                  \
    auto vt_status_ = (expr);                                           \
    if (!vt_status_) return ::tl::unexpected(std::move(vt_status_).error()); \
  } while (false)

// `VT_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a Result<T> or returns its error.
#define VT_ASSIGN_OR_RETURN(decl, expr) \
  VT_ASSIGN_OR_RETURN_IMPL_(VT_CONCAT_(vt_result_, __LINE__), decl, expr)
#define VT_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr)                 \
  auto tmp = (expr);                                               \
  if (!tmp) return ::tl::unexpected(std::move(tmp).error());       \
  decl = std::move(*tmp)
