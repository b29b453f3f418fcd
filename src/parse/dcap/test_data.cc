#include "parse/dcap/test_data.h"

#include <cstdlib>

#include "base/file.h"

namespace veritee::dcap::testing {

std::optional<std::filesystem::path> SharedDir() {
  std::filesystem::path shared;
  if (const char* env = std::getenv("VERITEE_SHARED"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    const char* source = std::getenv("VERITEE_SOURCE_DIR");
    shared =
        std::filesystem::path(source != nullptr && *source != '\0' ? source : VERITEE_SOURCE_DIR) /
        ".." / "shared";
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(shared / "testdata", ec)) return std::nullopt;
  return shared;
}

std::optional<std::filesystem::path> DcapTestDataDir(const std::string& tee) {
  auto shared = SharedDir();
  if (!shared) return std::nullopt;
  std::filesystem::path dir = *shared / "testdata" / tee;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "vectors.json", ec)) return std::nullopt;
  return dir;
}

bool SharedDataRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

nlohmann::json LoadVectors(const std::filesystem::path& dir) {
  Bytes raw = ReadTestFile(dir / "vectors.json");
  nlohmann::json j = nlohmann::json::parse(raw.begin(), raw.end(), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "vectors.json is not JSON";
  return j;
}

Bytes ReadTestFile(const std::filesystem::path& path) {
  auto bytes = ReadFile(path.string());
  if (!bytes) {
    ADD_FAILURE() << path << ": " << bytes.error().ToString();
    return {};
  }
  return *std::move(bytes);
}

}  // namespace veritee::dcap::testing
