// Human-readable output: checks as ✓/✗ lines, claims as an indented tree.
#pragma once

#include <ostream>

#include "verify/verification.h"

namespace veritee::cli {

void PrintVerification(std::ostream& out, const Verification& v, const std::string& source);
// Prints a JSON object as "name: value" lines, nested objects indented.
void PrintTree(std::ostream& out, const Json& value, int indent = 0);

}  // namespace veritee::cli
