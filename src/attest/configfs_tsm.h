// configfs-tsm: the kernel's TEE-neutral report interface (Linux 6.7+,
// Documentation/ABI/testing/configfs-tsm, /sys/kernel/config/tsm/report).
//
// One report is one directory: mkdir an entry, write `inblob` (up to 64 bytes of report
// data) and optionally `privlevel`, read `outblob` (the SEV-SNP report or the TDX quote)
// and `auxblob` (SEV-SNP: the GHCB certificate table), read `provider` ("sev_guest",
// "tdx_guest"), then rmdir the entry. `generation` counts the writes to the entry's
// attributes; "the value in this attribute increments each time inblob or any option is
// written": reading it before our writes and after reading outblob detects another process
// writing to the same entry in between, in which case the outblob may answer someone
// else's inblob. We fail closed on that.
//
// The root folder is injectable so tests can serve a fake tree from a temporary folder
// with a helper thread playing the kernel's part. Such a stand-in cannot create attribute
// files at the instant of mkdir as configfs does, so TsmOptions::settle bounds how long we
// wait for an attribute to appear; with the real kernel the first look succeeds.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "base/bytes.h"

namespace veritee::attest {

inline constexpr char kConfigfsTsmRoot[] = "/sys/kernel/config/tsm/report";

struct TsmOptions {
  std::string root = kConfigfsTsmRoot;
  std::optional<uint32_t> privlevel;  // SEV-SNP VMPL; written only when set
  std::chrono::milliseconds settle{0};
  // Removes the entry. configfs allows rmdir of a directory that still shows its
  // attributes; a plain-folder stand-in needs a recursive removal.
  std::function<bool(const std::string&)> remove_entry;
};

struct TsmReport {
  std::string provider;  // "sev_guest", "tdx_guest", ...
  Bytes outblob;
  Bytes auxblob;         // empty when the provider has none
  uint64_t generation = 0;
};

// Whether `root` looks like a configfs-tsm report folder (it exists and is a directory).
bool TsmAvailable(const std::string& root = kConfigfsTsmRoot);

// One report for `inblob` (1..64 bytes). kMismatch when `generation` moved underneath us;
// kIo for file errors. The entry is removed on every path.
Result<TsmReport> GetTsmReport(ByteSpan inblob, const TsmOptions& options = {});

}  // namespace veritee::attest
