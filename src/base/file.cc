#include "base/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace veritee {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

Result<Bytes> ReadFile(const std::string& path, size_t max_bytes) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    return MakeError(ErrorCode::kIo, "cannot open: " + std::string(std::strerror(errno)), path);
  }
  Bytes out;
  uint8_t buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f.get());
    if (n > 0) {
      if (out.size() + n > max_bytes) {
        return MakeError(ErrorCode::kIo,
                         "file is larger than the limit of " + std::to_string(max_bytes) +
                             " bytes",
                         path);
      }
      out.insert(out.end(), buf, buf + n);
    }
    if (n < sizeof buf) {
      if (std::ferror(f.get())) {
        return MakeError(ErrorCode::kIo, "read error: " + std::string(std::strerror(errno)),
                         path);
      }
      break;
    }
  }
  return out;
}

Status WriteFile(const std::string& path, ByteSpan data) {
  FilePtr f(std::fopen(path.c_str(), "wb"));
  if (!f) {
    return MakeError(ErrorCode::kIo, "cannot create: " + std::string(std::strerror(errno)), path);
  }
  if (std::fwrite(data.data(), 1, data.size(), f.get()) != data.size() ||
      std::fflush(f.get()) != 0) {
    return MakeError(ErrorCode::kIo, "write error: " + std::string(std::strerror(errno)), path);
  }
  return Ok();
}

Status WriteFile(const std::string& path, std::string_view text) {
  return WriteFile(path, ByteSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace veritee
