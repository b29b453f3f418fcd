// Test-only: locating the real DCAP vectors in ../shared/testdata/{tdx,sgx}.
//
// Same rules as the SEV-SNP helper (parse/snp/test_data.h): $VERITEE_SHARED, else ../shared
// beside the source tree; read in place, never copied; a missing folder skips the test,
// except under CI=true, where it fails.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/testing/shared_data.h"

namespace veritee::dcap::testing {

// testdata/<tee> ("tdx" or "sgx"), or nullopt when absent.
inline std::optional<std::filesystem::path> DcapTestDataDir(const std::string& tee) {
  return ::veritee::testing::SharedTestdata(tee, "vectors.json");
}
using ::veritee::testing::LoadVectors;
using ::veritee::testing::SharedDataRequired;
// The shared folder itself (parent of testdata/ and peers/), or nullopt.
inline std::optional<std::filesystem::path> SharedDir() {
  auto testdata = ::veritee::testing::SharedTestdata("", "");
  if (!testdata) return std::nullopt;
  return testdata->parent_path();
}
// The bytes of `path`; fails the calling test (ADD_FAILURE) and returns {} on error.
inline Bytes ReadTestFile(const std::filesystem::path& path) {
  return ::veritee::testing::ReadTestFile(path.parent_path(), path.filename().string());
}

}  // namespace veritee::dcap::testing

#define VT_DCAP_TESTDATA_OR_SKIP(dir, tee)                                          \
  const auto vt_dcap_dir_ = ::veritee::dcap::testing::DcapTestDataDir(tee);          \
  if (!vt_dcap_dir_) {                                                               \
    if (::veritee::dcap::testing::SharedDataRequired()) {                            \
      FAIL() << "shared DCAP test data not found (set VERITEE_SHARED); CI=true";     \
    }                                                                                \
    GTEST_SKIP() << "shared DCAP test data not found (set VERITEE_SHARED)";          \
  }                                                                                  \
  const std::filesystem::path dir = *vt_dcap_dir_
