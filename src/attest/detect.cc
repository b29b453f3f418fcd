#include "attest/detect.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "attest/configfs_tsm.h"
#include "base/encoding.h"
#include "crypto/aead.h"

namespace veritee::attest {
namespace {

namespace fs = std::filesystem;

std::string ReadSmall(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

Interface Probe(const std::string& name, const std::string& root, const std::string& path) {
  Interface i{name, path, false, ""};
  const std::string full = root + path;
  struct stat st {};
  if (::stat(full.c_str(), &st) != 0) {
    i.detail = "absent";
    return i;
  }
  int fd = ::open(full.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    i.detail = std::string("present, cannot open: ") + std::strerror(errno);
    return i;
  }
  ::close(fd);
  i.usable = true;
  i.detail = "present";
  return i;
}

// The provider behind configfs-tsm: an entry shows it in `provider` without a report
// being generated (only reading outblob asks the TEE for one).
std::string TsmProvider(const std::string& root) {
  Bytes suffix = RandomBytes(6).value_or(Bytes(6, 0));
  const std::string entry = root + "/veritee-detect-" + ToHex(suffix);
  if (::mkdir(entry.c_str(), 0700) != 0) return "";
  std::string provider = ReadSmall(entry + "/provider");
  if (::rmdir(entry.c_str()) != 0) {
    std::error_code ec;
    fs::remove_all(entry, ec);  // a plain-folder stand-in
  }
  return provider;
}

std::vector<std::string> TeeCpuFlags(const std::string& cpuinfo) {
  std::ifstream in(cpuinfo);
  std::string line;
  std::vector<std::string> out;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') == std::string::npos ? 0 : line.find(':') + 1));
    std::string w;
    while (words >> w) {
      if (w == "sev" || w == "sev_es" || w == "sev_snp" || w == "tdx_guest") out.push_back(w);
    }
    break;  // every CPU lists the same flags
  }
  return out;
}

// NVML's confidential-computing query, loaded at run time so that veritee neither links
// nor requires the NVIDIA driver. (nvml.h: nvmlSystemGetConfComputeState,
// nvmlConfComputeSystemState_t {environment, ccFeature, devToolsMode}, ccFeature 1 = on.)
std::string NvmlCcMode() {
  void* lib = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return "unknown";
  struct CcState {
    unsigned int environment, cc_feature, dev_tools_mode;
  };
  using InitFn = int (*)();
  using StateFn = int (*)(CcState*);
  auto init = reinterpret_cast<InitFn>(::dlsym(lib, "nvmlInit_v2"));
  auto state_fn = reinterpret_cast<StateFn>(::dlsym(lib, "nvmlSystemGetConfComputeState"));
  auto shutdown = reinterpret_cast<InitFn>(::dlsym(lib, "nvmlShutdown"));
  std::string mode = "unknown";
  if (init != nullptr && state_fn != nullptr && init() == 0) {
    CcState s{};
    if (state_fn(&s) == 0) mode = s.cc_feature == 1 ? "on" : "off";
    if (shutdown != nullptr) shutdown();
  }
  ::dlclose(lib);
  return mode;
}

std::vector<GpuDevice> NvidiaGpus(const DetectOptions& o) {
  std::vector<GpuDevice> out;
  std::error_code ec;
  const fs::path bus = o.root + "/sys/bus/pci/devices";
  for (const auto& dev : fs::directory_iterator(bus, ec)) {
    const std::string d = dev.path().string();
    if (ReadSmall(d + "/vendor") != "0x10de") continue;
    const std::string cls = ReadSmall(d + "/class");
    // 0x0300xx VGA, 0x0302xx 3D controller: the compute GPUs.
    if (cls.rfind("0x0300", 0) != 0 && cls.rfind("0x0302", 0) != 0) continue;
    out.push_back({dev.path().filename().string(), ReadSmall(d + "/device"), "unknown"});
  }
  std::sort(out.begin(), out.end(),
            [](const GpuDevice& a, const GpuDevice& b) { return a.pci_address < b.pci_address; });
  if (!out.empty() && o.query_nvml && o.root.empty()) {
    const std::string mode = NvmlCcMode();
    for (GpuDevice& g : out) g.cc_mode = mode;
  }
  return out;
}

}  // namespace

Detection Detect(const DetectOptions& o) {
  Detection d;
  Interface tsm{"configfs-tsm", kConfigfsTsmRoot, false, "absent"};
  std::string provider;
  if (TsmAvailable(o.root + kConfigfsTsmRoot)) {
    tsm.usable = ::access((o.root + kConfigfsTsmRoot).c_str(), W_OK) == 0;
    if (!tsm.usable) {
      tsm.detail = "present, not writable by us";
    } else if (!o.probe_tsm_provider) {
      tsm.detail = "present (provider not probed)";
    } else {
      provider = TsmProvider(o.root + kConfigfsTsmRoot);
      tsm.detail = provider.empty() ? "present, no provider registered" : "provider " + provider;
      if (provider.empty()) tsm.usable = false;
    }
  }
  d.interfaces.push_back(tsm);
  d.interfaces.push_back(Probe("sev-guest", o.root, "/dev/sev-guest"));
  d.interfaces.push_back(Probe("tdx-guest", o.root, "/dev/tdx_guest"));
  d.interfaces.push_back(Probe("nsm", o.root, "/dev/nsm"));
  Interface tpm = Probe("tpm", o.root, "/dev/tpmrm0");
  d.interfaces.push_back(tpm);
  d.cpu_flags = TeeCpuFlags(o.root + "/proc/cpuinfo");
  d.gpus = NvidiaGpus(o);

  auto present = [&](const std::string& name) {
    for (const Interface& i : d.interfaces) {
      if (i.name == name && i.detail != "absent") return true;
    }
    return false;
  };
  auto flag = [&](const std::string& f) {
    return std::find(d.cpu_flags.begin(), d.cpu_flags.end(), f) != d.cpu_flags.end();
  };
  if (provider == "sev_guest" || present("sev-guest") || flag("sev_snp")) {
    d.tee = "sev-snp";
  } else if (provider == "tdx_guest" || present("tdx-guest") || flag("tdx_guest")) {
    d.tee = "tdx";
  } else if (present("nsm")) {
    d.tee = "nitro";
  }
  for (const Interface& i : d.interfaces) {
    if (i.usable) d.attesters.push_back(i.name);
  }

  if (d.tee == "none") {
    d.summary = "no TEE: none of configfs-tsm, /dev/sev-guest, /dev/tdx_guest, /dev/nsm is "
                "present";
    if (tpm.usable) d.summary += "; a TPM is available (/dev/tpmrm0), which is not a TEE";
    if (!d.gpus.empty()) {
      d.summary += "; " + std::to_string(d.gpus.size()) +
                   " NVIDIA GPU(s), not a TEE without a confidential CPU";
    }
  } else {
    d.summary = d.tee + " guest";
    if (!d.attesters.empty()) {
      d.summary += ", evidence through";
      for (size_t i = 0; i < d.attesters.size(); ++i) {
        d.summary += (i ? ", " : " ") + d.attesters[i];
      }
    } else {
      d.summary += ", but no interface is usable by this user";
    }
    size_t cc = 0;
    for (const GpuDevice& g : d.gpus) cc += g.cc_mode == "on" ? 1 : 0;
    if (!d.gpus.empty()) {
      d.summary += "; " + std::to_string(d.gpus.size()) + " NVIDIA GPU(s) beside it (" +
                   std::to_string(cc) + " in confidential-computing mode)";
    }
  }
  return d;
}

}  // namespace veritee::attest
