#include "attest/configfs_tsm.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/aead.h"

namespace veritee::attest {
namespace {

constexpr size_t kMaxBlob = 4 * 1024 * 1024;  // a TDX quote with its PCK chain is ~10 KiB

using SteadyClock = std::chrono::steady_clock;

Error IoError(const std::string& what, const std::string& path, int err) {
  return Error{ErrorCode::kIo, what + ": " + std::strerror(err), path, std::nullopt};
}

// Reads an attribute, waiting up to `settle` for it to appear.
Result<Bytes> ReadAttribute(const std::string& path, std::chrono::milliseconds settle,
                            bool optional) {
  const auto deadline = SteadyClock::now() + settle;
  for (;;) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return ReadFile(path, kMaxBlob);
    int err = errno;
    if (err != ENOENT) return tl::unexpected(IoError("cannot read", path, err));
    if (SteadyClock::now() >= deadline) {
      if (optional) return Bytes{};
      return tl::unexpected(IoError("cannot read", path, err));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Status WriteAttribute(const std::string& path, ByteSpan data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(IoError("cannot open for writing", path, errno));
  ssize_t n = ::write(fd, data.data(), data.size());
  int err = errno;
  ::close(fd);
  if (n < 0) return tl::unexpected(IoError("write failed", path, err));
  if (static_cast<size_t>(n) != data.size()) {
    return MakeError(ErrorCode::kIo, "short write", path);
  }
  return Ok();
}

Result<uint64_t> ParseGeneration(const Bytes& text, const std::string& path) {
  uint64_t v = 0;
  size_t digits = 0;
  for (uint8_t c : text) {
    if (c == '\n' && digits > 0) break;
    if (c < '0' || c > '9' || digits >= 19) {
      return MakeError(ErrorCode::kMalformed, "generation is not a decimal number", path);
    }
    v = v * 10 + (c - '0');
    ++digits;
  }
  if (digits == 0) return MakeError(ErrorCode::kMalformed, "generation is empty", path);
  return v;
}

std::string Trimmed(const Bytes& text) {
  std::string s(text.begin(), text.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

class EntryGuard {
 public:
  EntryGuard(std::string path, const TsmOptions& options) : path_(std::move(path)), o_(options) {}
  ~EntryGuard() {
    if (o_.remove_entry) {
      o_.remove_entry(path_);
    } else {
      ::rmdir(path_.c_str());
    }
  }
  EntryGuard(const EntryGuard&) = delete;
  EntryGuard& operator=(const EntryGuard&) = delete;

 private:
  std::string path_;
  const TsmOptions& o_;
};

}  // namespace

bool TsmAvailable(const std::string& root) {
  struct stat st {};
  return ::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<TsmReport> GetTsmReport(ByteSpan inblob, const TsmOptions& options) {
  if (inblob.empty() || inblob.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "configfs-tsm inblob is 1..64 bytes");
  }
  // A fresh, unguessable entry name per report.
  std::string entry;
  for (int attempt = 0;; ++attempt) {
    VT_ASSIGN_OR_RETURN(Bytes suffix, RandomBytes(8));
    entry = options.root + "/veritee-" + std::to_string(::getpid()) + "-" + ToHex(suffix);
    if (::mkdir(entry.c_str(), 0700) == 0) break;
    int err = errno;
    if (err != EEXIST || attempt > 3) return tl::unexpected(IoError("cannot create", entry, err));
  }
  EntryGuard guard(entry, options);

  VT_ASSIGN_OR_RETURN(Bytes gen_text, ReadAttribute(entry + "/generation", options.settle, false));
  VT_ASSIGN_OR_RETURN(uint64_t before, ParseGeneration(gen_text, entry + "/generation"));
  uint64_t writes = 0;
  if (options.privlevel) {
    const std::string level = std::to_string(*options.privlevel);
    VT_RETURN_IF_ERROR(WriteAttribute(
        entry + "/privlevel",
        ByteSpan(reinterpret_cast<const uint8_t*>(level.data()), level.size())));
    ++writes;
  }
  VT_RETURN_IF_ERROR(WriteAttribute(entry + "/inblob", inblob));
  ++writes;

  TsmReport out;
  VT_ASSIGN_OR_RETURN(out.outblob, ReadAttribute(entry + "/outblob", options.settle, false));
  if (out.outblob.empty()) {
    return MakeError(ErrorCode::kMalformed, "the provider returned an empty outblob",
                     entry + "/outblob");
  }
  VT_ASSIGN_OR_RETURN(out.auxblob, ReadAttribute(entry + "/auxblob", {}, true));
  VT_ASSIGN_OR_RETURN(Bytes provider, ReadAttribute(entry + "/provider", options.settle, false));
  out.provider = Trimmed(provider);
  VT_ASSIGN_OR_RETURN(gen_text, ReadAttribute(entry + "/generation", {}, false));
  VT_ASSIGN_OR_RETURN(out.generation, ParseGeneration(gen_text, entry + "/generation"));
  if (out.generation != before + writes) {
    return MakeError(ErrorCode::kMismatch,
                     "generation went from " + std::to_string(before) + " to " +
                         std::to_string(out.generation) + " across our " +
                         std::to_string(writes) +
                         " write(s): another writer used the entry, the outblob may not answer "
                         "our inblob",
                     entry + "/generation");
  }
  return out;
}

}  // namespace veritee::attest
