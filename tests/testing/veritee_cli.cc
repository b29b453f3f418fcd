#include "testing/veritee_cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace veritee::testing {

namespace fs = std::filesystem;

const fs::path& TempDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / (kTempDirPrefix + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult Run(const std::string& command, const std::string& stdin_path) {
  const fs::path out = TempDir() / "stdout", err = TempDir() / "stderr";
  const std::string full = command + " >" + out.string() + " 2>" + err.string() + " <" + stdin_path;
  const int status = std::system(full.c_str());
  RunResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

RunResult Veritee(const std::string& args, const std::string& stdin_path) {
  return Run(std::string(VERITEE_BINARY_DIR) + "/veritee " + args, stdin_path);
}

}  // namespace veritee::testing
