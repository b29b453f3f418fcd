// Decoding the data of measured-boot events, and the boot facts they establish: EFI
// variables (Secure Boot state, BootOrder, Boot#### load options, signature databases),
// UEFI image loads with their device paths, GPT headers, tagged events, strings.
//
// Follows the TCG PC Client Platform Firmware Profile 1.06, 10.4 (event data formats:
// UEFI_VARIABLE_DATA, UEFI_IMAGE_LOAD_EVENT, UEFI_GPT_DATA, UEFI_PLATFORM_FIRMWARE_BLOB(2),
// TCG_PCClientTaggedEvent), the UEFI Specification 2.10 (3.1.3 EFI_LOAD_OPTION, 10.3
// device path nodes, 32.4.1 EFI_SIGNATURE_LIST), GRUB's TPM measurements ("grub_cmd: ",
// "kernel_cmdline: " in PCR 8, files in PCR 9), systemd-boot's (UTF-16 command line in PCR
// 12) and Linux's tagged events for the initrd and load options in PCR 9.
//
// Decoding never fails: data that does not have the shape its event type promises is shown
// as hex with a `decode_error`. The event digest is what the log claims was measured; that
// the digests replay to the quoted PCRs is checked in verify/tpm/, not here. These views
// are not verification: a digest is only as good as the replay that covers it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "parse/tpm/event_log.h"

namespace veritee::tpm {

using Json = nlohmann::ordered_json;

// {"pcr", "type", "digests": {bank: hex}, "data_size", then decoded fields by type}.
Json DecodeEvent(const Event& event);

// Boot facts from the events of `log` (only the keys the log has evidence for):
//   secure_boot:   {enabled, setup_mode?, audit_mode?, deployed_mode?, pk/kek/db/dbx: summary}
//   boot_order, boot_entries [{variable, description, device_path}]
//   boot_loader:   the first EFI application the firmware loaded (PCR 4)
//   boot_applications: every EV_EFI_BOOT_SERVICES_APPLICATION in PCR 4
//   kernel, initrd: {path or description, digests, source}
//   kernel_cmdline
// Each digest object maps a bank name to lower-case hex.
Json BootSummary(const EventLog& log);

// Text helpers, exposed for tests.
std::string Utf16LeToUtf8(ByteSpan bytes, bool stop_at_nul = true);
std::string FormatGuid(ByteSpan guid16);  // EFI_GUID mixed-endian, lower case
std::string DevicePathText(ByteSpan path);

}  // namespace veritee::tpm
