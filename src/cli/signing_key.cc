#include "cli/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "base/file.h"

namespace veritee::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

Status WritePrivate(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    if (!fs::exists(parent, ec)) {
      fs::create_directories(parent, ec);
      if (ec) return MakeError(ErrorCode::kIo, "cannot create " + parent.string());
      fs::permissions(parent, fs::perms::owner_all, ec);
    }
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return MakeError(ErrorCode::kIo, "cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return MakeError(ErrorCode::kIo, "cannot write " + path);
  }
  return Ok();
}

}  // namespace

std::string DefaultSigningKeyPath() {
  if (std::string p = Env("VERITEE_SIGNING_KEY"); !p.empty()) return p;
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty()) {
    std::string home = Env("HOME");
    base = (home.empty() ? std::string(".") : home) + "/.config";
  }
  return base + "/veritee/ear-signing-key.pem";
}

Result<JwsKey> LoadSigningKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kIo, "cannot read the signing key " + path + ": " +
                                         std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signing key " + path + " is readable by others (mode " + mode +
                         "); chmod 600 it");
  }
  VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path, 64 * 1024));
  auto key = JwsKey::FromPrivatePem(
      std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size()));
  if (!key) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signing key " + path + ": " + key.error().message);
  }
  return key;
}

Result<JwsKey> CreateSigningKey(const std::string& path, JwsAlg alg) {
  VT_ASSIGN_OR_RETURN(JwsKey key, JwsKey::Generate(alg));
  VT_ASSIGN_OR_RETURN(std::string pem, key.PrivatePem());
  VT_RETURN_IF_ERROR(WritePrivate(path, pem));
  return key;
}

Result<JwsKey> LoadOrCreateSigningKey(const std::string& path, JwsAlg alg, bool* created) {
  *created = false;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    auto key = CreateSigningKey(path, alg);
    if (key) {
      *created = true;
      return key;
    }
    // Another process may have created it meanwhile: fall through and load theirs.
    if (::lstat(path.c_str(), &st) != 0) return key;
  }
  return LoadSigningKey(path);
}

}  // namespace veritee::cli
