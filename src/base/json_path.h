// Locating a key in JSON text: the line on which a key path ("sev-snp.min_tcb.snp",
// "a.sets[2].label") appears, so that a policy error can say "line 14" for a bad key,
// not only for a syntax error.
//
// nlohmann::json reports byte offsets for syntax errors only; once a document has parsed,
// a key error knows its path but not where it was written. JsonPathLine re-scans the text
// (RFC 8259 grammar, without building values) and follows the path. It never fails on
// malformed text: it returns nullopt when the path cannot be followed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace veritee {

// One step of a path: an object key or an array index.
using JsonPathStep = std::variant<std::string, size_t>;

// The 1-based line of the last step's key (or of the array element), or nullopt.
std::optional<size_t> JsonPathLine(std::string_view text, const std::vector<JsonPathStep>& path);

// Same, for a dotted path with [N] indices: "sev-snp.policy.forbid[1]". A leading
// "(top level)" or an empty path gives line 1.
std::optional<size_t> JsonPathLine(std::string_view text, std::string_view dotted_path);

// The 1-based line that holds byte `offset`.
size_t LineOfOffset(std::string_view text, size_t offset);

}  // namespace veritee
