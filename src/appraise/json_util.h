// Helpers for the appraisal stage's JSON inputs (policies, reference-value stores, claims):
// parsing text into a document with errors that name the line, key paths that name the
// line of the key, and claim lookup by dotted path ("policy.debug_allowed").
//
// Third-party code that throws (nlohmann::json) is caught here, at the adapter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/json_path.h"
#include "base/result.h"
#include "base/time.h"
#include "verify/verification.h"

namespace veritee::appraise {

// A key path inside a document, for error messages: "sev-snp.appraisal.min_tcb".
class KeyPath {
 public:
  KeyPath() = default;
  KeyPath Key(std::string_view key) const;
  KeyPath Index(size_t index) const;
  std::string ToString() const;
  const std::vector<JsonPathStep>& steps() const { return steps_; }

 private:
  std::vector<JsonPathStep> steps_;
};

// The text a document came from, so errors can name lines.
class Source {
 public:
  Source(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}
  // kInvalidArgument naming the key, its line (when found) and the file.
  tl::unexpected<Error> KeyError(const KeyPath& path, const std::string& message) const;
  std::string_view text() const { return text_; }
  const std::string& name() const { return name_; }

 private:
  std::string_view text_;
  std::string name_;
};

// Parses JSON; a syntax error names its line. Never throws.
Result<Json> ParseJsonText(std::string_view text, const std::string& what);

// Typed reads that fail with Source::KeyError.
Result<bool> BoolAt(const Json& v, const KeyPath& p, const Source& s);
Result<std::string> StringAt(const Json& v, const KeyPath& p, const Source& s);
Result<std::vector<std::string>> StringListAt(const Json& v, const KeyPath& p, const Source& s);
Result<uint64_t> UnsignedAt(const Json& v, const KeyPath& p, const Source& s, uint64_t max);
Result<UnixTime> TimeAt(const Json& v, const KeyPath& p, const Source& s);
// Lower-case hex of an even number of digits (either case accepted).
Result<std::string> HexAt(const Json& v, const KeyPath& p, const Source& s);

// The claim at a dotted path ("current_tcb.snp"), or nullptr.
const Json* ClaimAt(const Json& claims, std::string_view dotted);

// A claim value for messages: strings as they are (hex shortened to 16 digits + "…"
// when `shorten`), other values as JSON.
std::string Describe(const Json& value, bool shorten = false);

}  // namespace veritee::appraise
