#include "attest/seal.h"

#include <sys/stat.h>

#include <filesystem>

#include "base/encoding.h"
#include "base/file.h"

namespace veritee::attest {
namespace {

ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

std::string_view SealSourceName(SealSource source) {
  switch (source) {
    case SealSource::kSevSnp: return "sev-snp";
    case SealSource::kTpm: return "tpm";
    case SealSource::kSimulator: return "simulator";
  }
  return "unknown";
}

std::string_view SealLabel(SealSource source) {
  switch (source) {
    case SealSource::kSevSnp: return "veritee/seal/v1/sev-snp/derived-key";
    case SealSource::kTpm: return "veritee/seal/v1/tpm/pcr-sealed-key";
    case SealSource::kSimulator: return "veritee/seal/v1/SIMULATOR/not-hardware-protected";
  }
  return "veritee/seal/v1/unknown";
}

Result<SecretBytes> DeriveSealKey(SealRoot& root, std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdSize) {
    return MakeError(ErrorCode::kInvalidArgument, "a key id is 1..256 bytes");
  }
  VT_ASSIGN_OR_RETURN(SecretBytes ikm, root.Material());
  if (ikm.size() < 32) {
    return MakeError(ErrorCode::kInternal, "a sealing root is at least 32 bytes");
  }
  return HkdfSha256(ikm.span(), AsBytes(key_id), AsBytes(SealLabel(root.source())),
                    kAes256KeySize);
}

Result<Bytes> Seal(SealRoot& root, std::string_view key_id, ByteSpan plaintext) {
  VT_ASSIGN_OR_RETURN(SecretBytes key, DeriveSealKey(root, key_id));
  return AesGcmSeal(key.span(), plaintext, AsBytes(SealLabel(root.source())));
}

Result<SecretBytes> Unseal(SealRoot& root, std::string_view key_id, ByteSpan box) {
  VT_ASSIGN_OR_RETURN(SecretBytes key, DeriveSealKey(root, key_id));
  auto plain = AesGcmOpen(key.span(), box, AsBytes(SealLabel(root.source())));
  if (!plain && plain.error().code == ErrorCode::kBadSignature) {
    return MakeError(ErrorCode::kBadSignature,
                     "cannot unseal with the " + std::string(SealSourceName(root.source())) +
                         " key for this key id: the box was altered, or sealed under another "
                         "key id, source or binding (" + root.Describe() + ")");
  }
  return plain;
}

Result<SecretBytes> SnpSealRoot::Material() {
  VT_ASSIGN_OR_RETURN(auto device, sevguest::SevGuestDevice::Open(device_));
  return device.GetDerivedKey(request_);
}

std::string SnpSealRoot::Describe() const {
  return std::string("SEV-SNP derived key from the ") +
         ((request_.root_key_select & 1u) ? "VMRK" : "VCEK") + ", bound to " +
         sevguest::GuestFieldNames(request_.guest_field_select) + ", VMPL " +
         std::to_string(request_.vmpl);
}

Result<std::unique_ptr<SimulatorSealRoot>> SimulatorSealRoot::LoadOrCreate(const std::string& dir) {
  const std::string path = dir + "/seal-root.sim";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), dir);
    VT_ASSIGN_OR_RETURN(Bytes root, RandomBytes(32));
    std::string text = std::string(kSimulatorSealHeader) + ToHex(root) + "\n";
    SecureWipe(root);
    VT_RETURN_IF_ERROR(WriteFile(path, text));
    ::chmod(path.c_str(), 0600);
    SecureWipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  }
  VT_ASSIGN_OR_RETURN(Bytes text, ReadFile(path, 4096));
  SecretBytes guard(std::move(text));
  std::string_view view(reinterpret_cast<const char*>(guard.data()), guard.size());
  if (view.substr(0, kSimulatorSealHeader.size()) != kSimulatorSealHeader) {
    return MakeError(ErrorCode::kMalformed, "not a veritee simulator sealing root", path);
  }
  view.remove_prefix(kSimulatorSealHeader.size());
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view.remove_suffix(1);
  auto root = FromHex(view);
  if (!root || root->size() != 32) {
    return MakeError(ErrorCode::kMalformed, "the simulator root must be 64 hex digits", path);
  }
  return std::unique_ptr<SimulatorSealRoot>(
      new SimulatorSealRoot(path, SecretBytes(std::move(*root))));
}

Result<SecretBytes> SimulatorSealRoot::Material() { return SecretBytes(root_.span()); }

std::string SimulatorSealRoot::Describe() const {
  return "SIMULATOR root " + path_ + " (not hardware-protected)";
}

}  // namespace veritee::attest
