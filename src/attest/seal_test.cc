#include "attest/seal.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "base/file.h"

namespace veritee::attest {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("veritee-seal-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

Bytes Str(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes Plain(const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

// A root that claims to be hardware but holds the simulator's bytes.
class ImpostorRoot final : public SealRoot {
 public:
  ImpostorRoot(SealSource source, SecretBytes material)
      : source_(source), material_(std::move(material)) {}
  SealSource source() const override { return source_; }
  Result<SecretBytes> Material() override { return SecretBytes(material_.span()); }
  std::string Describe() const override { return "impostor"; }

 private:
  SealSource source_;
  SecretBytes material_;
};

TEST(Seal, SimulatorRoundTripAndPersistence) {
  const fs::path dir = TempDir("rt");
  auto root = SimulatorSealRoot::LoadOrCreate(dir.string());
  ASSERT_TRUE(root) << root.error().ToString();
  auto box = Seal(**root, "db-key", Str("hello, sealed world"));
  ASSERT_TRUE(box);
  EXPECT_EQ(box->size(), 12 + 19 + 16u);
  auto again = SimulatorSealRoot::LoadOrCreate(dir.string());  // the same root, from the file
  ASSERT_TRUE(again);
  auto plain = Unseal(**again, "db-key", *box);
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(Plain(*plain), Str("hello, sealed world"));
  auto file = ReadFile((dir / "seal-root.sim").string());
  ASSERT_TRUE(file);
  EXPECT_EQ(std::string(file->begin(), file->begin() + 17), "veritee simulator");
  EXPECT_EQ((fs::status(dir / "seal-root.sim").permissions() & fs::perms::others_read),
            fs::perms::none);
}

TEST(Seal, EveryTamperingAndWrongKeyIdRejected) {
  auto root = SimulatorSealRoot::LoadOrCreate(TempDir("tamper").string());
  ASSERT_TRUE(root);
  auto box = Seal(**root, "k1", Str("secret"));
  ASSERT_TRUE(box);
  for (size_t i : {size_t{0}, size_t{12}, box->size() - 1}) {  // nonce, ciphertext, tag
    Bytes bad = *box;
    bad[i] ^= 0x80;
    auto r = Unseal(**root, "k1", bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadSignature) << "byte " << i;
  }
  auto wrong = Unseal(**root, "k2", *box);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kBadSignature);
  EXPECT_NE(wrong.error().message.find("key id"), std::string::npos);
  EXPECT_EQ(Unseal(**root, "k1", ByteSpan(*box).first(20)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(Seal(**root, "", Str("x")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Seal(**root, std::string(257, 'k'), Str("x")).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(Seal, SimulatorBoxNeverOpensAsHardware) {
  const fs::path dir = TempDir("impostor");
  auto root = SimulatorSealRoot::LoadOrCreate(dir.string());
  ASSERT_TRUE(root);
  auto box = Seal(**root, "k", Str("dev secret"));
  ASSERT_TRUE(box);
  auto material = (*root)->Material();
  ASSERT_TRUE(material);
  // Even with the very same root bytes, a hardware label derives another key.
  for (SealSource hw : {SealSource::kSevSnp, SealSource::kTpm}) {
    ImpostorRoot impostor(hw, SecretBytes(material->span()));
    auto r = Unseal(impostor, "k", *box);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadSignature);
  }
  EXPECT_NE(SealLabel(SealSource::kSimulator).find("SIMULATOR"), std::string::npos);
  EXPECT_NE((*root)->Describe().find("not hardware"), std::string::npos);
}

TEST(Seal, SimulatorRootFileMustBeMarked) {
  const fs::path dir = TempDir("unmarked");
  fs::create_directories(dir);
  ASSERT_TRUE(WriteFile((dir / "seal-root.sim").string(),
                        std::string_view("0011223344556677889900112233445566778899001122334455667788990011\n")));
  auto r = SimulatorSealRoot::LoadOrCreate(dir.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
}

TEST(Seal, SnpRootWithoutDeviceFailsClosed) {
  SnpSealRoot snp({0, sevguest::kFieldMeasurement, 0, 0, 0}, "/nonexistent/sev-guest");
  auto r = Seal(snp, "k", Str("x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(snp.Describe().find("measurement"), std::string::npos);
}

}  // namespace
}  // namespace veritee::attest
