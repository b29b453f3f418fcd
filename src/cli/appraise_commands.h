// The appraisal commands of `veritee` (the rest are in commands.h): `token verify`,
// `keys` and `refvalues`. Each Register* adds a CLI11 subcommand whose callback stores
// its exit status in *exit_code (0 ok, 1 invalid/rejected, 2 usage error or unreadable
// file).
#pragma once

#include <CLI/CLI.hpp>

namespace veritee::cli {

void RegisterToken(CLI::App& app, int* exit_code);
void RegisterKeys(CLI::App& app, int* exit_code);
void RegisterRefvalues(CLI::App& app, int* exit_code);

}  // namespace veritee::cli
