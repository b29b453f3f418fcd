// `veritee serve` (the verification + key-broker service) and `veritee kbs` (its client:
// get-resource, and the loopback load generator behind docs/PERFORMANCE.md).
#pragma once

#include <CLI/CLI.hpp>

namespace veritee::cli {

void RegisterServe(CLI::App& app, int* exit_code);
void RegisterKbs(CLI::App& app, int* exit_code);

}  // namespace veritee::cli
