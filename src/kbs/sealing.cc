#include "kbs/sealing.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/digest.h"

namespace veritee::kbs {
namespace {

Bytes Aad(const std::string& path) {
  const std::string aad = "veritee-resource-v1:" + path;
  return Bytes(aad.begin(), aad.end());
}

// 32 raw bytes, or the hex / base64 text of 32 bytes (surrounding whitespace ignored).
Result<SecretBytes> DecodeKey(Bytes raw, const std::string& source) {
  if (raw.size() == kAes256KeySize) return SecretBytes(std::move(raw));
  std::string text(raw.begin(), raw.end());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  text = text.substr(start);
  auto hex = FromHex(text);
  if (hex && hex->size() == kAes256KeySize) return SecretBytes(std::move(*hex));
  auto b64 = FromBase64(text);
  if (b64 && b64->size() == kAes256KeySize) return SecretBytes(std::move(*b64));
  return MakeError(ErrorCode::kInvalidArgument,
                   "a KEK is 32 bytes: raw, 64 hex digits or base64", source);
}

}  // namespace

Result<Kek> Kek::FromFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kIo, "cannot read the KEK file", path);
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the KEK file is accessible by group or others (chmod 600 it)", path);
  }
  VT_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, 4096));
  VT_ASSIGN_OR_RETURN(SecretBytes key, DecodeKey(std::move(raw), path));
  return Kek(std::move(key));
}

Result<Kek> Kek::FromEnv(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    return MakeError(ErrorCode::kInvalidArgument, "environment variable not set", variable);
  }
  std::string text(value);
  VT_ASSIGN_OR_RETURN(SecretBytes key, DecodeKey(Bytes(text.begin(), text.end()), variable));
  return Kek(std::move(key));
}

Result<Kek> Kek::FromBytes(ByteSpan key) {
  if (key.size() != kAes256KeySize) {
    return MakeError(ErrorCode::kInvalidArgument, "a KEK is 32 bytes");
  }
  return Kek(SecretBytes(key));
}

std::string Kek::Id() const {
  Bytes in{'v', 'e', 'r', 'i', 't', 'e', 'e', '-', 'k', 'e', 'k', '-', 'i', 'd'};
  in.insert(in.end(), key_->span().begin(), key_->span().end());
  auto d = Sha256(in);
  std::fill(in.begin(), in.end(), uint8_t{0});
  return ToHex(ByteSpan(d).first(8));
}

Result<std::string> Kek::Seal(const std::string& path, ByteSpan secret) const {
  VT_ASSIGN_OR_RETURN(Bytes box, AesGcmSeal(key_->span(), secret, Aad(path)));
  return ToBase64(box);
}

Result<SecretBytes> Kek::Open(const std::string& path, const std::string& sealed) const {
  auto box = FromBase64(sealed);
  if (!box) return MakeError(ErrorCode::kMalformed, "sealed resource is not base64", path);
  return AesGcmOpen(key_->span(), *box, Aad(path));
}

}  // namespace veritee::kbs
