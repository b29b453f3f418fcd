// Detection: which TEE this machine runs in and which attestation interfaces are usable.
//
// Looks at the kernel's interfaces only, without producing evidence: configfs-tsm
// (/sys/kernel/config/tsm/report, its provider probed with an entry that is removed at
// once), /dev/sev-guest, /dev/tdx_guest, /dev/nsm, /dev/tpmrm0, the CPU flags the guest
// kernel sets (sev_snp, tdx_guest in /proc/cpuinfo), and NVIDIA GPUs on the PCI bus with
// their confidential-computing mode (through NVML when libnvidia-ml is installed). A GPU is
// never the TEE by itself: it is a device beside a CPU TEE, and without one the answer is
// "none". A TPM alone is not a TEE either; it is listed as an attester.
//
// Every path is under DetectOptions::root, so tests run on a fake tree.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace veritee::attest {

struct DetectOptions {
  std::string root;            // prefix of every path ("" on a real machine)
  bool probe_tsm_provider = true;
  bool query_nvml = true;      // only when root is empty
};

struct Interface {
  std::string name;    // "configfs-tsm", "sev-guest", "tdx-guest", "nsm", "tpm"
  std::string path;
  bool usable = false;  // present and openable for reading and writing by us
  std::string detail;
};

struct GpuDevice {
  std::string pci_address;  // "0000:01:00.0"
  std::string device_id;    // "0x2330"
  std::string cc_mode;      // "on", "off", "unknown"
};

struct Detection {
  std::string tee = "none";  // "sev-snp", "tdx", "nitro", "none"
  std::vector<Interface> interfaces;  // every interface looked at
  std::vector<GpuDevice> gpus;
  std::vector<std::string> cpu_flags;  // the TEE-related CPU flags seen
  // Interfaces that can produce evidence now, best first ("configfs-tsm", "sev-guest", ...).
  std::vector<std::string> attesters;
  std::string summary;  // one line for people
};

Detection Detect(const DetectOptions& options = {});

}  // namespace veritee::attest
