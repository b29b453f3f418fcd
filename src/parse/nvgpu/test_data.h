// Test-only: locating the real NVIDIA GPU vectors in ../shared/testdata/nvidia.
//
// The shared folder is found through $VERITEE_SHARED, else as ../shared beside the source
// tree (VERITEE_SOURCE_DIR). Files are read in place at test time, never copied into the
// repository. When the folder is missing a test is skipped, except under CI (CI=true),
// where it fails. Also: a small report made with the writer, for tests that need no data.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/testing/shared_data.h"
#include "parse/nvgpu/spdm.h"

namespace veritee::nvgpu::testing {

using ::veritee::testing::LoadVectors;
using ::veritee::testing::ReadTestFile;
using ::veritee::testing::SharedDataRequired;

// The testdata/nvidia folder, or nullopt when absent.
inline std::optional<std::filesystem::path> NvidiaTestDataDir() {
  return ::veritee::testing::SharedTestdata("nvidia", "vectors.json");
}
// A report file (hex text) decoded to bytes.
Bytes ReadReport(const std::filesystem::path& dir, const std::string& relative);

// A well-formed report shaped like a Hopper one: `blocks` blocks of 48-byte digests with
// distinct values, the usual opaque fields (driver 550.90.07, VBIOS 96.00.9F.00.01, …) and
// a signature of 0x5a bytes (not a valid signature).
AttestationReport SampleReport(size_t blocks = 64);

}  // namespace veritee::nvgpu::testing

// Declares `dir` as the testdata/nvidia path, or skips (fails under CI) the current test.
#define VT_NVIDIA_TESTDATA_OR_SKIP(dir)                                            \
  const auto vt_nv_dir_ = ::veritee::nvgpu::testing::NvidiaTestDataDir();          \
  if (!vt_nv_dir_) {                                                               \
    if (::veritee::nvgpu::testing::SharedDataRequired()) {                         \
      FAIL() << "shared NVIDIA test data not found (set VERITEE_SHARED); CI=true"; \
    }                                                                              \
    GTEST_SKIP() << "shared NVIDIA test data not found (set VERITEE_SHARED)";      \
  }                                                                                \
  const std::filesystem::path dir = *vt_nv_dir_
