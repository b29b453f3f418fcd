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

// $VERITEE_SHARED/testdata/<relative> (../shared beside the source tree when the variable
// is unset or empty), or nullopt when <relative>/<marker> does not exist there. An empty
// `relative` or `marker` names the folder itself.
std::optional<std::filesystem::path> SharedTestdata(const std::filesystem::path& relative,
                                                    const std::filesystem::path& marker);

// True under CI=true, where missing shared data fails a test instead of skipping it.
bool SharedDataRequired();

}  // namespace veritee::testing

// Declares `dir` as SharedTestdata(relative, marker), or skips the current test (fails it
// under CI=true) when that is absent.
#define VT_SHARED_TESTDATA_OR_SKIP(dir, relative, marker)                               \
  const auto dir##_found_ = ::veritee::testing::SharedTestdata(relative, marker);       \
  if (!dir##_found_) {                                                                  \
    const std::string dir##_what_ = "shared test data testdata/" +                      \
                                    std::filesystem::path(relative).string() +          \
                                    " not found (set VERITEE_SHARED)";                  \
    if (::veritee::testing::SharedDataRequired()) FAIL() << dir##_what_ << "; CI=true"; \
    GTEST_SKIP() << dir##_what_;                                                        \
  }                                                                                     \
  const std::filesystem::path dir = *dir##_found_
