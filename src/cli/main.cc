// veritee: remote attestation from the command line.
#include <iostream>

#include "cli/appraise_commands.h"
#include "cli/attest_commands.h"
#include "cli/commands.h"
#include "cli/service_commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "veritee: verify confidential-computing evidence offline, against vendor roots.\n"
      "Exit status of verify: 0 accepted, 1 rejected, 2 usage error or unreadable file."};
  app.set_version_flag("--version", "veritee 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  veritee::cli::RegisterInspect(app, &exit_code);
  veritee::cli::RegisterVerify(app, &exit_code);
  veritee::cli::RegisterBench(app, &exit_code);
  veritee::cli::RegisterSim(app, &exit_code);
  veritee::cli::RegisterSimDcap(app, &exit_code);
  veritee::cli::RegisterToken(app, &exit_code);
  veritee::cli::RegisterKeys(app, &exit_code);
  veritee::cli::RegisterRefvalues(app, &exit_code);
  veritee::cli::RegisterDetect(app, &exit_code);
  veritee::cli::RegisterAttest(app, &exit_code);
  veritee::cli::RegisterSeal(app, &exit_code);
  veritee::cli::RegisterRatls(app, &exit_code);
  veritee::cli::RegisterServe(app, &exit_code);
  veritee::cli::RegisterKbs(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
