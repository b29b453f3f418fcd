// Test-only: the real vectors of ../shared/testdata, read in place and never copied into the
// repository. Used by the unit, conformance and end-to-end tests of every format.
//
// The shared folder is $VERITEE_SHARED, else ../shared beside the source tree
// ($VERITEE_SOURCE_DIR at run time, else the VERITEE_SOURCE_DIR compile definition that
// every test binary has). When a folder is missing a test is skipped, except under CI
// (CI=true), where it fails. Header-only, so that any test can use it without a library.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/file.h"

namespace veritee::testing {

// <shared>/testdata/<relative>, or nullopt when <relative>/<marker> does not exist there.
// An empty `relative` or `marker` names the folder itself.
inline std::optional<std::filesystem::path> SharedTestdata(const std::filesystem::path& relative,
                                                           const std::filesystem::path& marker) {
  std::filesystem::path shared;
  if (const char* env = std::getenv("VERITEE_SHARED"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    const char* source = std::getenv("VERITEE_SOURCE_DIR");
    shared =
        std::filesystem::path(source != nullptr && *source != '\0' ? source : VERITEE_SOURCE_DIR) /
        ".." / "shared";
  }
  std::filesystem::path dir = shared / "testdata";
  if (!relative.empty()) dir /= relative;
  std::error_code ec;
  if (!std::filesystem::exists(marker.empty() ? dir : dir / marker, ec)) return std::nullopt;
  return dir;
}

// True under CI=true, where missing shared data fails a test instead of skipping it.
inline bool SharedDataRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// The bytes of dir/relative; fails the calling test (ADD_FAILURE) and returns {} on error.
inline Bytes ReadTestFile(const std::filesystem::path& dir, const std::string& relative) {
  auto bytes = ReadFile((dir / relative).string());
  if (!bytes) {
    ADD_FAILURE() << relative << ": " << bytes.error().ToString();
    return {};
  }
  return *std::move(bytes);
}

// dir/vectors.json, parsed (ADD_FAILURE when it is not JSON).
inline nlohmann::json LoadVectors(const std::filesystem::path& dir) {
  Bytes raw = ReadTestFile(dir, "vectors.json");
  nlohmann::json j = nlohmann::json::parse(raw.begin(), raw.end(), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "vectors.json is not JSON";
  return j;
}

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
