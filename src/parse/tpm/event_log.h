// TCG PC Client measured-boot event logs (the firmware's binary_bios_measurements), in the
// crypto-agile and in the legacy SHA-1 format: plain structs, a parser and a writer.
//
// Follows the TCG PC Client Platform Firmware Profile Specification (PFP), version 1.06:
// 10.2.1 TCG_PCClientPCREvent (the SHA-1 layout), 10.2.2 TCG_PCR_EVENT2 with
// TPML_DIGEST_VALUES (the crypto-agile layout), 10.4.5.1 the Spec ID Event03
// (TCG_EfiSpecIDEvent) and 10.4.5.3 the StartupLocality event. All integers little-endian.
//
// Rules applied (a violation is an Error that names the field and absolute offset):
//  * The first event always has the SHA-1 layout. When it is EV_NO_ACTION in PCR 0 with a
//    zero digest and data "Spec ID Event03\0", the log is crypto-agile: the Spec ID lists
//    (algorithmId, digestSize) pairs, and every later event is a TCG_PCR_EVENT2 carrying one
//    digest of each listed algorithm, once, of the listed size. Otherwise every event has the
//    SHA-1 layout ("Spec ID Event00/02" of TPM 1.2 firmware means the same).
//  * A Spec ID Event03 anywhere but first is malformed; so are a Spec ID algorithm whose size
//    contradicts the algorithm, a repeated algorithm, uintnSize other than 1 or 2, and a
//    specVersion other than 2.0.
//  * EV_NO_ACTION events are never extended into PCRs (Spec ID, StartupLocality, SP800-155
//    Event3, ...). A StartupLocality event ("StartupLocality\0" + locality byte, in PCR 0)
//    sets PCR 0's initial value; it may appear once, before any PCR 0 measurement.
//  * Events that are extended name a PCR in 0..23.
//  * The log may end in padding: bytes that are all 0x00 or all 0xFF after the last event
//    (firmware log areas are preallocated). The padding is kept and reported; anything else
//    after the last event is parsed as an event and fails when it is not one.
// Parsing does not hash: replaying the log to PCR values is verify/tpm/replay.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "parse/tpm/types.h"

namespace veritee::tpm {

inline constexpr size_t kMaxSpecIdAlgorithms = 16;
inline constexpr uint32_t kMaxLogPcr = 23;

struct EventDigest {
  AlgId alg = kAlgSha1;
  Bytes digest;
  bool operator==(const EventDigest&) const = default;
};

struct Event {
  uint32_t pcr = 0;
  uint32_t type = 0;
  std::vector<EventDigest> digests;
  Bytes data;
  size_t offset = 0;  // where the event starts in the log (not part of equality)

  // The digest of one bank, or nullptr.
  const EventDigest* DigestFor(AlgId alg) const;
  bool operator==(const Event& o) const {
    return pcr == o.pcr && type == o.type && digests == o.digests && data == o.data;
  }
};

struct SpecIdAlgorithm {
  AlgId alg = 0;
  uint16_t digest_size = 0;
  bool operator==(const SpecIdAlgorithm&) const = default;
};

struct SpecIdEvent {  // TCG_EfiSpecIDEvent
  uint32_t platform_class = 0;
  uint8_t spec_version_minor = 0;
  uint8_t spec_version_major = 2;
  uint8_t spec_errata = 0;
  uint8_t uintn_size = 2;  // 1: UINT32, 2: UINT64
  std::vector<SpecIdAlgorithm> algorithms;
  Bytes vendor_info;
  bool operator==(const SpecIdEvent&) const = default;
};

enum class LogFormat { kSha1Legacy, kCryptoAgile };
// "sha1-legacy" or "crypto-agile".
std::string_view LogFormatName(LogFormat f);

struct EventLog {
  LogFormat format = LogFormat::kCryptoAgile;
  std::optional<SpecIdEvent> spec_id;       // crypto-agile logs
  std::vector<Event> events;                // every event, the Spec ID event first
  std::optional<uint8_t> startup_locality;  // from a StartupLocality event
  Bytes padding;                            // all-0x00 or all-0xFF bytes after the last event

  // The banks the log measures: the Spec ID algorithms, or sha1 for a legacy log.
  std::vector<AlgId> Banks() const;
  bool operator==(const EventLog&) const = default;
};

Result<EventLog> ParseEventLog(ByteSpan bytes);
// Writes the log back: the first event in the SHA-1 layout, the others in the layout of
// `format`, then the padding. write(parse(b)) == b.
Bytes WriteEventLog(const EventLog& log);

// Event data of the special EV_NO_ACTION events (for writers and tests).
Result<SpecIdEvent> ParseSpecIdEvent(ByteSpan data, size_t base_offset = 0);
Bytes WriteSpecIdEvent(const SpecIdEvent& spec);
Bytes StartupLocalityData(uint8_t locality);
// The locality of a StartupLocality event's data, or nullopt when the data is not one.
std::optional<uint8_t> ParseStartupLocality(ByteSpan data);

// True when the bytes start like an event log (a first event in PCR 0 of a known type, or
// a Spec ID event): used to tell an event log from other evidence.
bool LooksLikeEventLog(ByteSpan bytes);

}  // namespace veritee::tpm
