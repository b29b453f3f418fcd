// configfs-tsm against a fake tree: a helper thread plays the kernel's part in a temporary
// folder (creates the attributes of each new entry, answers inblob with an outblob, counts
// writes in `generation`).
#include "attest/configfs_tsm.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "base/file.h"

namespace veritee::attest {
namespace {

namespace fs = std::filesystem;

void Put(const fs::path& p, const std::string& content) {
  const fs::path tmp = p.string() + ".tmp";
  std::ofstream(tmp, std::ios::binary) << content;
  fs::rename(tmp, p);  // appears whole, as a kernel attribute does
}

std::string Get(const fs::path& p) {
  auto b = ReadFile(p.string());
  return b ? std::string(b->begin(), b->end()) : std::string();
}

class FakeTsmKernel {
 public:
  struct Config {
    std::string provider = "sev_guest";
    bool auxblob = true;
    uint64_t extra_generation = 0;  // a concurrent writer the caller cannot see
    bool answer = true;
  };
  FakeTsmKernel(fs::path root, Config config) : root_(std::move(root)), config_(config) {
    fs::create_directories(root_);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeTsmKernel() {
    stop_ = true;
    thread_.join();
  }
  int served() const { return served_; }
  std::string last_privlevel() const { return last_privlevel_; }

 private:
  void Loop() {
    while (!stop_) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(root_, ec)) {
        if (!e.is_directory()) continue;
        auto& state = entries_[e.path().string()];
        if (state == 0) {  // a new entry: its attributes appear
          Put(e.path() / "inblob", "");
          Put(e.path() / "privlevel", "");
          Put(e.path() / "provider", config_.provider + "\n");
          Put(e.path() / "generation", "0\n");
          state = 1;
        } else if (state == 1 && fs::file_size(e.path() / "inblob", ec) > 0 && config_.answer) {
          const std::string inblob = Get(e.path() / "inblob");
          last_privlevel_ = Get(e.path() / "privlevel");
          const uint64_t writes = 1 + (last_privlevel_.empty() ? 0 : 1);
          Put(e.path() / "generation",
              std::to_string(writes + config_.extra_generation) + "\n");
          if (config_.auxblob) Put(e.path() / "auxblob", "certificate-table");
          Put(e.path() / "outblob", "REPORT(" + inblob + ")");
          ++served_;
          state = 2;
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }

  fs::path root_;
  Config config_;
  std::map<std::string, int> entries_;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::string last_privlevel_;
  std::thread thread_;
};

fs::path TempRoot(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("veritee-tsm-" + std::to_string(::getpid()) + "-" + name) / "tsm" / "report";
  fs::remove_all(p);
  return p;
}

TsmOptions FakeOptions(const fs::path& root) {
  TsmOptions o;
  o.root = root.string();
  o.settle = std::chrono::milliseconds(5000);
  o.remove_entry = [](const std::string& p) {
    std::error_code ec;
    return fs::remove_all(p, ec) > 0;
  };
  return o;
}

bool Empty(const fs::path& root) { return fs::is_empty(root); }

Bytes Str(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST(ConfigfsTsm, SevSnpReportWithAuxblobAndPrivlevel) {
  const fs::path root = TempRoot("snp");
  FakeTsmKernel kernel(root, {});
  TsmOptions o = FakeOptions(root);
  o.privlevel = 2;
  auto r = GetTsmReport(Str("nonce-1234"), o);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->provider, "sev_guest");
  EXPECT_EQ(r->outblob, Str("REPORT(nonce-1234)"));
  EXPECT_EQ(r->auxblob, Str("certificate-table"));
  EXPECT_EQ(r->generation, 2u);
  EXPECT_EQ(kernel.last_privlevel(), "2");
  EXPECT_TRUE(Empty(root)) << "the entry must be removed";
}

TEST(ConfigfsTsm, TdxReportWithoutAuxblob) {
  const fs::path root = TempRoot("tdx");
  FakeTsmKernel kernel(root, {"tdx_guest", false, 0, true});
  auto r = GetTsmReport(Bytes(64, 0xee), FakeOptions(root));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->provider, "tdx_guest");
  EXPECT_TRUE(r->auxblob.empty());
  EXPECT_EQ(r->generation, 1u);
  EXPECT_TRUE(Empty(root));
}

TEST(ConfigfsTsm, GenerationMovedUnderneathIsRejected) {
  const fs::path root = TempRoot("race");
  FakeTsmKernel kernel(root, {"sev_guest", true, 1, true});
  auto r = GetTsmReport(Str("mine"), FakeOptions(root));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMismatch);
  EXPECT_NE(r.error().message.find("another writer"), std::string::npos);
  EXPECT_TRUE(Empty(root)) << "the entry is removed on failure too";
}

TEST(ConfigfsTsm, NoAnswerTimesOutAndCleansUp) {
  const fs::path root = TempRoot("silent");
  FakeTsmKernel kernel(root, {"sev_guest", true, 0, false});
  TsmOptions o = FakeOptions(root);
  o.settle = std::chrono::milliseconds(200);
  auto r = GetTsmReport(Str("x"), o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().field.find("outblob"), std::string::npos);
  EXPECT_TRUE(Empty(root));
}

TEST(ConfigfsTsm, BadArguments) {
  TsmOptions o;
  o.root = "/nonexistent/tsm/report";
  EXPECT_EQ(GetTsmReport(Bytes(65, 0), o).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GetTsmReport({}, o).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GetTsmReport(Bytes(1, 0), o).error().code, ErrorCode::kIo);
  EXPECT_FALSE(TsmAvailable(o.root));
}

}  // namespace
}  // namespace veritee::attest
