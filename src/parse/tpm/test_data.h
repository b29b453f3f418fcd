// Test-only: locating the real TPM vectors in ../shared/testdata/tpm (PROVENANCE.md there).
//
// The shared folder is found through $VERITEE_SHARED, else as ../shared beside the source
// tree. Files are read in place at test time, never copied into the repository. When the
// folder is missing a test is skipped, except under CI (CI=true), where it fails.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/testing/shared_data.h"

namespace veritee::tpm::testing {

using ::veritee::testing::LoadVectors;
using ::veritee::testing::ReadTestFile;
using ::veritee::testing::SharedDataRequired;

// The testdata/tpm folder, or nullopt when absent.
inline std::optional<std::filesystem::path> TpmTestDataDir() {
  return ::veritee::testing::SharedTestdata("tpm", "vectors.json");
}

}  // namespace veritee::tpm::testing

// Declares `dir` as the testdata/tpm path, or skips (fails under CI) the current test.
#define VT_TPM_TESTDATA_OR_SKIP(dir)                                            \
  const auto vt_tpm_dir_ = ::veritee::tpm::testing::TpmTestDataDir();           \
  if (!vt_tpm_dir_) {                                                           \
    if (::veritee::tpm::testing::SharedDataRequired()) {                        \
      FAIL() << "shared TPM test data not found (set VERITEE_SHARED); CI=true"; \
    }                                                                           \
    GTEST_SKIP() << "shared TPM test data not found (set VERITEE_SHARED)";      \
  }                                                                             \
  const std::filesystem::path dir = *vt_tpm_dir_
