// Shared by the end-to-end tests that run the `veritee` executable as a user would: a
// scratch folder per test process, whole-file reads, the binary (or a shell command) run
// with stdout and stderr captured, and the real vectors of ../shared/testdata found or the
// test skipped (failed under CI=true).
//
// Each test binary that links this helper names its scratch folder once, by defining
// kTempDirPrefix (e.g. `extern const char kTempDirPrefix[] = "veritee-dcap-e2e-";` inside
// namespace veritee::testing); the folder is that prefix plus the process id, so binaries
// that CTest runs in parallel never share a folder. The helper is compiled into each test
// (veritee_cli_test() in tests/CMakeLists.txt), where VERITEE_SOURCE_DIR and
// VERITEE_BINARY_DIR are defined.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/testing/shared_data.h"  // SharedTestdata, VT_SHARED_TESTDATA_OR_SKIP

namespace veritee::testing {

// Defined by each test binary: the name of its scratch folder, without the process id.
extern const char kTempDirPrefix[];

struct RunResult {
  int rc = -1;  // the exit status, or 128 + the signal that ended the process
  std::string out, err;
};

// <temp>/<kTempDirPrefix><pid>, made on the first call.
const std::filesystem::path& TempDir();

// The whole file; empty when it cannot be read.
std::string Slurp(const std::filesystem::path& p);

// Runs `command` through the shell with stdin from `stdin_path` and stdout and stderr
// captured (in TempDir(), so one command at a time per process).
RunResult Run(const std::string& command, const std::string& stdin_path = "/dev/null");

// Runs <build>/veritee ARGS, as Run does.
RunResult Veritee(const std::string& args, const std::string& stdin_path = "/dev/null");

}  // namespace veritee::testing
