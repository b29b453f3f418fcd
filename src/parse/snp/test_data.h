// Test-only: locating the real SEV-SNP vectors in ../shared/testdata/snp.
//
// The shared folder is found through $VERITEE_SHARED, else as ../shared beside the source
// tree (VERITEE_SOURCE_DIR, a compile definition of every test binary). Vectors are read
// in place at test time, never copied into the repository. When the folder is missing a
// test is skipped, except under CI (CI=true), where it fails.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/testing/shared_data.h"
#include "parse/snp/report.h"

namespace veritee::snp::testing {

using ::veritee::testing::LoadVectors;
using ::veritee::testing::ReadTestFile;
using ::veritee::testing::SharedDataRequired;

// The testdata/snp folder, or nullopt when absent.
inline std::optional<std::filesystem::path> SnpTestDataDir() {
  return ::veritee::testing::SharedTestdata("snp", "vectors.json");
}

// A valid report of the given version whose fields all hold distinct non-zero values
// (version-specific fields only where the version has them).
Report SampleReport(uint32_t version);

}  // namespace veritee::snp::testing

// Declares `dir` as the testdata/snp path, or skips (fails under CI) the current test.
#define VT_SNP_TESTDATA_OR_SKIP(dir)                                            \
  const auto vt_snp_dir_ = ::veritee::snp::testing::SnpTestDataDir();           \
  if (!vt_snp_dir_) {                                                           \
    if (::veritee::snp::testing::SharedDataRequired()) {                        \
      FAIL() << "shared SNP test data not found (set VERITEE_SHARED); CI=true"; \
    }                                                                           \
    GTEST_SKIP() << "shared SNP test data not found (set VERITEE_SHARED)";      \
  }                                                                             \
  const std::filesystem::path dir = *vt_snp_dir_
