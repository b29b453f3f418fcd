// The commands that run inside the confidential VM: `detect`, `attest`, `seal`, `unseal`
// and `ratls serve|connect` (attest_cmd.cc, seal_cmd.cc, ratls_cmd.cc). Exit statuses
// follow commands.h: 0 done, 1 refused (no TEE to attest with, a box that does not open,
// a peer that is not attested), 2 usage error or unreadable file.
#pragma once

#include <CLI/CLI.hpp>

namespace veritee::cli {

void RegisterDetect(CLI::App& app, int* exit_code);
void RegisterAttest(CLI::App& app, int* exit_code);
void RegisterSeal(CLI::App& app, int* exit_code);
void RegisterRatls(CLI::App& app, int* exit_code);

}  // namespace veritee::cli
