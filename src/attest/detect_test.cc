#include "attest/detect.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace veritee::attest {
namespace {

namespace fs = std::filesystem;

class FakeTree {
 public:
  explicit FakeTree(const std::string& name)
      : root_(fs::temp_directory_path() /
              ("veritee-detect-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(root_);
    fs::create_directories(root_ / "dev");
    fs::create_directories(root_ / "proc");
  }
  ~FakeTree() { fs::remove_all(root_); }
  void File(const std::string& rel, const std::string& content = "") {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << content;
  }
  void Gpu(const std::string& addr) {
    File("sys/bus/pci/devices/" + addr + "/vendor", "0x10de\n");
    File("sys/bus/pci/devices/" + addr + "/class", "0x030200\n");
    File("sys/bus/pci/devices/" + addr + "/device", "0x2330\n");
  }
  DetectOptions Options() const {
    DetectOptions o;
    o.root = root_.string();
    o.probe_tsm_provider = false;
    return o;
  }

 private:
  fs::path root_;
};

TEST(Detect, NothingIsNoTee) {
  FakeTree t("none");
  t.File("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme sse2 avx2\n");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "none");
  EXPECT_TRUE(d.attesters.empty());
  EXPECT_NE(d.summary.find("no TEE"), std::string::npos);
  EXPECT_EQ(d.interfaces.size(), 5u);
}

TEST(Detect, SevGuestDeviceAndFlag) {
  FakeTree t("snp");
  t.File("dev/sev-guest");
  t.File("proc/cpuinfo", "flags\t\t: fpu sev sev_es sev_snp\n");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "sev-snp");
  EXPECT_EQ(d.cpu_flags, (std::vector<std::string>{"sev", "sev_es", "sev_snp"}));
  ASSERT_FALSE(d.attesters.empty());
  EXPECT_EQ(d.attesters[0], "sev-guest");
}

TEST(Detect, TdxFromConfigfsTsmAndFlag) {
  FakeTree t("tdx");
  t.File("sys/kernel/config/tsm/report/.keep");
  t.File("proc/cpuinfo", "flags\t\t: fpu tdx_guest\n");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "tdx");
  EXPECT_EQ(d.attesters, (std::vector<std::string>{"configfs-tsm"}));
}

TEST(Detect, NitroAndTpm) {
  FakeTree t("nitro");
  t.File("dev/nsm");
  t.File("dev/tpmrm0");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "nitro");
  EXPECT_EQ(d.attesters, (std::vector<std::string>{"nsm", "tpm"}));
}

TEST(Detect, TpmAloneIsNotATee) {
  FakeTree t("tpm");
  t.File("dev/tpmrm0");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "none");
  EXPECT_EQ(d.attesters, (std::vector<std::string>{"tpm"}));
  EXPECT_NE(d.summary.find("not a TEE"), std::string::npos);
}

TEST(Detect, GpuIsNeverTheTeeByItself) {
  FakeTree t("gpu");
  t.Gpu("0000:41:00.0");
  t.File("sys/bus/pci/devices/0000:00:01.0/vendor", "0x8086\n");
  Detection d = Detect(t.Options());
  EXPECT_EQ(d.tee, "none");
  ASSERT_EQ(d.gpus.size(), 1u);
  EXPECT_EQ(d.gpus[0].pci_address, "0000:41:00.0");
  EXPECT_EQ(d.gpus[0].cc_mode, "unknown");
  EXPECT_NE(d.summary.find("not a TEE without a confidential CPU"), std::string::npos);

  t.File("dev/sev-guest");
  Detection beside = Detect(t.Options());
  EXPECT_EQ(beside.tee, "sev-snp");
  EXPECT_EQ(beside.gpus.size(), 1u);
  EXPECT_NE(beside.summary.find("beside it"), std::string::npos);
}

// This machine (a CI runner or a workstation) is not a confidential VM.
TEST(Detect, ThisMachine) {
  for (const char* p : {"/dev/sev-guest", "/dev/tdx_guest", "/dev/nsm",
                        "/sys/kernel/config/tsm/report"}) {
    if (fs::exists(p)) GTEST_SKIP() << p << " exists: this machine may be a TEE";
  }
  Detection d = Detect();
  EXPECT_EQ(d.tee, "none");
  EXPECT_NE(d.summary.find("no TEE"), std::string::npos);
}

}  // namespace
}  // namespace veritee::attest
