// The `veritee` subcommands. Each Register* adds a CLI11 subcommand whose callback runs
// the command and stores its exit status in *exit_code (0 ok/accepted, 1 rejected,
// 2 usage error or unreadable file; DESIGN.md "Command-line contract").
#pragma once

#include <CLI/CLI.hpp>

namespace veritee::cli {

void RegisterInspect(CLI::App& app, int* exit_code);
void RegisterVerify(CLI::App& app, int* exit_code);
void RegisterBench(CLI::App& app, int* exit_code);
void RegisterSim(CLI::App& app, int* exit_code);
// `sim nitro`, added under the `sim` subcommand by RegisterSim.
void RegisterSimNitro(CLI::App& sim, int* exit_code);
// `sim tdx` and `sim sgx`, added under the `sim` subcommand (sim_dcap_cmd.cc).
void RegisterSimDcap(CLI::App& app, int* exit_code);

}  // namespace veritee::cli
