// Reading one TEE's section of a policy document (verify/policy_sections.h) with errors that
// name the key path and its line: shared by the verifiers whose section holds expected
// values and flags (nitro, nvidia-gpu).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee {

// The policy document; a syntax error is kInvalidArgument naming its line.
Result<nlohmann::json> ParsePolicyJson(std::string_view text);

// `e` with " (line N)" appended for the key path it names (Error::field), when found.
Error WithKeyLine(std::string_view text, Error e);

// kInvalidArgument "PATH: MESSAGE (line N)", with the field set to PATH.
tl::unexpected<Error> PolicyKeyError(std::string_view text, const std::string& path,
                                     const std::string& message);

// Parses `text`, checks the document's top-level keys (TEE sections and document keys are
// allowed, anything else is an error) and calls `load` with the section named `tee` when the
// document has one; the section must be an object.
Status LoadTeeSection(std::string_view text, const std::string& tee,
                      const std::function<Status(const nlohmann::json& section)>& load);

// An "expect" object of NAME: HEX at `path`, each value checked by `parse`; a name already
// in `out` (from --expect) keeps its value.
Status LoadExpectObject(std::string_view text, const std::string& path, const nlohmann::json& value,
                        const std::function<Result<Bytes>(const std::string&, const std::string&)>& parse,
                        std::map<std::string, Bytes>& out);

}  // namespace veritee
