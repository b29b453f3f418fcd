#include "parse/tpm/event_log.h"

#include <algorithm>
#include <cstring>

#include "base/encoding.h"

namespace veritee::tpm {
namespace {

constexpr char kSpecId03[] = "Spec ID Event03";  // 16 bytes with the NUL
constexpr char kSpecId02[] = "Spec ID Event02";
constexpr char kSpecId00[] = "Spec ID Event00";
constexpr char kStartupLocality[] = "StartupLocality";  // 16 bytes with the NUL
constexpr size_t kSha1Size = 20;

bool StartsWith(ByteSpan data, const char* sig, size_t n) {
  return data.size() >= n && std::memcmp(data.data(), sig, n) == 0;
}

bool IsSpecId03(const Event& e) {
  return e.type == kEvNoAction && StartsWith(e.data, kSpecId03, sizeof kSpecId03);
}

bool AllBytes(ByteSpan b, uint8_t v) {
  return std::all_of(b.begin(), b.end(), [v](uint8_t x) { return x == v; });
}

// The SHA-1 layout: pcrIndex, eventType, digest[20], eventSize, event.
Result<Event> ReadLegacyEvent(ByteReader& r) {
  Event e;
  e.offset = r.offset();
  VT_ASSIGN_OR_RETURN(e.pcr, r.U32Le("pcrIndex"));
  VT_ASSIGN_OR_RETURN(e.type, r.U32Le("eventType"));
  VT_ASSIGN_OR_RETURN(ByteSpan digest, r.Take(kSha1Size, "digest"));
  e.digests.push_back(EventDigest{kAlgSha1, Bytes(digest.begin(), digest.end())});
  VT_ASSIGN_OR_RETURN(uint32_t size, r.U32Le("eventDataSize"));
  VT_ASSIGN_OR_RETURN(ByteSpan data, r.Take(size, "event"));
  e.data.assign(data.begin(), data.end());
  return e;
}

// TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES, eventSize, event.
Result<Event> ReadAgileEvent(ByteReader& r, const SpecIdEvent& spec) {
  Event e;
  e.offset = r.offset();
  VT_ASSIGN_OR_RETURN(e.pcr, r.U32Le("pcrIndex"));
  VT_ASSIGN_OR_RETURN(e.type, r.U32Le("eventType"));
  const size_t count_at = r.offset();
  VT_ASSIGN_OR_RETURN(uint32_t count, r.U32Le("digests.count"));
  if (count != spec.algorithms.size()) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(count) + " digests, the Spec ID lists " +
                         std::to_string(spec.algorithms.size()) + " algorithms",
                     "digests.count", count_at);
  }
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = r.offset();
    VT_ASSIGN_OR_RETURN(AlgId alg, r.U16Le("digests.hashAlg"));
    auto listed = std::find_if(spec.algorithms.begin(), spec.algorithms.end(),
                               [alg](const SpecIdAlgorithm& a) { return a.alg == alg; });
    if (listed == spec.algorithms.end()) {
      return MakeError(ErrorCode::kMalformed,
                       "digest of " + AlgName(alg) + ", which the Spec ID does not list",
                       "digests.hashAlg", at);
    }
    if (e.DigestFor(alg) != nullptr) {
      return MakeError(ErrorCode::kMalformed, "two " + AlgName(alg) + " digests",
                       "digests.hashAlg", at);
    }
    VT_ASSIGN_OR_RETURN(ByteSpan d, r.Take(listed->digest_size, "digests.digest"));
    e.digests.push_back(EventDigest{alg, Bytes(d.begin(), d.end())});
  }
  VT_ASSIGN_OR_RETURN(uint32_t size, r.U32Le("eventSize"));
  VT_ASSIGN_OR_RETURN(ByteSpan data, r.Take(size, "event"));
  e.data.assign(data.begin(), data.end());
  return e;
}

// Rules that hold for every event after it is read.
Status CheckEvent(const Event& e, EventLog& log, bool& pcr0_extended) {
  if (e.type == kEvNoAction) {
    if (auto locality = ParseStartupLocality(e.data)) {
      if (e.pcr != 0) {
        return MakeError(ErrorCode::kMalformed,
                         "StartupLocality event in PCR " + std::to_string(e.pcr) + ", not 0",
                         "pcrIndex", e.offset);
      }
      if (log.startup_locality) {
        return MakeError(ErrorCode::kMalformed, "a second StartupLocality event", "event",
                         e.offset);
      }
      if (pcr0_extended) {
        return MakeError(ErrorCode::kMalformed,
                         "StartupLocality event after a PCR 0 measurement", "event", e.offset);
      }
      log.startup_locality = *locality;
    }
    return Ok();
  }
  if (e.pcr > kMaxLogPcr) {
    return MakeError(ErrorCode::kMalformed,
                     "PCR " + std::to_string(e.pcr) + " (a PC Client TPM has PCRs 0-23)",
                     "pcrIndex", e.offset);
  }
  if (e.pcr == 0) pcr0_extended = true;
  return Ok();
}

}  // namespace

const EventDigest* Event::DigestFor(AlgId alg) const {
  for (const EventDigest& d : digests) {
    if (d.alg == alg) return &d;
  }
  return nullptr;
}

std::string_view LogFormatName(LogFormat f) {
  return f == LogFormat::kCryptoAgile ? "crypto-agile" : "sha1-legacy";
}

std::vector<AlgId> EventLog::Banks() const {
  std::vector<AlgId> out;
  if (!spec_id) return {kAlgSha1};
  for (const SpecIdAlgorithm& a : spec_id->algorithms) out.push_back(a.alg);
  return out;
}

Result<SpecIdEvent> ParseSpecIdEvent(ByteSpan data, size_t base_offset) {
  ByteReader r(data, base_offset);
  SpecIdEvent s;
  VT_ASSIGN_OR_RETURN(ByteSpan sig, r.Take(16, "SpecIdEvent.signature"));
  if (!StartsWith(sig, kSpecId03, sizeof kSpecId03)) {
    return MakeError(ErrorCode::kMalformed, "signature is not \"Spec ID Event03\"",
                     "SpecIdEvent.signature", base_offset);
  }
  VT_ASSIGN_OR_RETURN(s.platform_class, r.U32Le("SpecIdEvent.platformClass"));
  VT_ASSIGN_OR_RETURN(s.spec_version_minor, r.U8("SpecIdEvent.specVersionMinor"));
  VT_ASSIGN_OR_RETURN(s.spec_version_major, r.U8("SpecIdEvent.specVersionMajor"));
  VT_ASSIGN_OR_RETURN(s.spec_errata, r.U8("SpecIdEvent.specErrata"));
  const size_t uintn_at = r.offset();
  VT_ASSIGN_OR_RETURN(s.uintn_size, r.U8("SpecIdEvent.uintnSize"));
  if (s.spec_version_major != 2 || s.spec_version_minor != 0) {
    return MakeError(ErrorCode::kUnsupported,
                     "specVersion " + std::to_string(s.spec_version_major) + "." +
                         std::to_string(s.spec_version_minor) + ", not 2.0",
                     "SpecIdEvent.specVersion", uintn_at - 3);
  }
  if (s.uintn_size != 1 && s.uintn_size != 2) {
    return MakeError(ErrorCode::kMalformed,
                     "uintnSize " + std::to_string(s.uintn_size) + ", not 1 or 2",
                     "SpecIdEvent.uintnSize", uintn_at);
  }
  const size_t count_at = r.offset();
  VT_ASSIGN_OR_RETURN(uint32_t count, r.U32Le("SpecIdEvent.numberOfAlgorithms"));
  if (count == 0 || count > kMaxSpecIdAlgorithms) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(count) + " algorithms (1 to " +
                         std::to_string(kMaxSpecIdAlgorithms) + ")",
                     "SpecIdEvent.numberOfAlgorithms", count_at);
  }
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = r.offset();
    SpecIdAlgorithm a;
    VT_ASSIGN_OR_RETURN(a.alg, r.U16Le("SpecIdEvent.algorithmId"));
    VT_ASSIGN_OR_RETURN(a.digest_size, r.U16Le("SpecIdEvent.digestSize"));
    if (auto known = HashSize(a.alg); known && *known != a.digest_size) {
      return MakeError(ErrorCode::kMalformed,
                       AlgName(a.alg) + " with digestSize " + std::to_string(a.digest_size),
                       "SpecIdEvent.digestSize", at + 2);
    }
    if (a.digest_size == 0 || a.digest_size > 64) {
      return MakeError(ErrorCode::kMalformed,
                       "digestSize " + std::to_string(a.digest_size) + " for " + AlgName(a.alg),
                       "SpecIdEvent.digestSize", at + 2);
    }
    for (const SpecIdAlgorithm& other : s.algorithms) {
      if (other.alg == a.alg) {
        return MakeError(ErrorCode::kMalformed, AlgName(a.alg) + " listed twice",
                         "SpecIdEvent.algorithmId", at);
      }
    }
    s.algorithms.push_back(a);
  }
  VT_ASSIGN_OR_RETURN(uint8_t vendor_size, r.U8("SpecIdEvent.vendorInfoSize"));
  VT_ASSIGN_OR_RETURN(ByteSpan vendor, r.Take(vendor_size, "SpecIdEvent.vendorInfo"));
  s.vendor_info.assign(vendor.begin(), vendor.end());
  VT_RETURN_IF_ERROR(r.Finish("Spec ID event"));
  return s;
}

Bytes WriteSpecIdEvent(const SpecIdEvent& s) {
  ByteWriter w;
  w.Append(ByteSpan(reinterpret_cast<const uint8_t*>(kSpecId03), sizeof kSpecId03));
  w.U32Le(s.platform_class);
  w.U8(s.spec_version_minor);
  w.U8(s.spec_version_major);
  w.U8(s.spec_errata);
  w.U8(s.uintn_size);
  w.U32Le(static_cast<uint32_t>(s.algorithms.size()));
  for (const SpecIdAlgorithm& a : s.algorithms) {
    w.U16Le(a.alg);
    w.U16Le(a.digest_size);
  }
  w.U8(static_cast<uint8_t>(s.vendor_info.size()));
  w.Append(s.vendor_info);
  return w.Take();
}

Bytes StartupLocalityData(uint8_t locality) {
  Bytes out(kStartupLocality, kStartupLocality + sizeof kStartupLocality);
  out.push_back(locality);
  return out;
}

std::optional<uint8_t> ParseStartupLocality(ByteSpan data) {
  if (data.size() != sizeof kStartupLocality + 1 ||
      !StartsWith(data, kStartupLocality, sizeof kStartupLocality)) {
    return std::nullopt;
  }
  return data.back();
}

Result<EventLog> ParseEventLog(ByteSpan bytes) {
  ByteReader r(bytes);
  EventLog log;
  if (bytes.empty()) {
    return MakeError(ErrorCode::kTruncated, "the event log is empty", "event log", 0);
  }
  VT_ASSIGN_OR_RETURN(Event first, ReadLegacyEvent(r));
  const bool agile = IsSpecId03(first);
  bool pcr0_extended = false;
  if (agile) {
    if (first.pcr != 0 || !AllZero(first.digests[0].digest)) {
      return MakeError(ErrorCode::kMalformed,
                       "the Spec ID event must be in PCR 0 with a zero digest", "event", 0);
    }
    VT_ASSIGN_OR_RETURN(log.spec_id, ParseSpecIdEvent(first.data, 32));
    log.format = LogFormat::kCryptoAgile;
  } else {
    log.format = LogFormat::kSha1Legacy;
    VT_RETURN_IF_ERROR(CheckEvent(first, log, pcr0_extended));
  }
  log.events.push_back(std::move(first));
  while (r.remaining() > 0) {
    ByteSpan rest = r.Rest();
    if (AllBytes(rest, 0x00) || AllBytes(rest, 0xFF)) {
      log.padding.assign(rest.begin(), rest.end());
      break;
    }
    VT_ASSIGN_OR_RETURN(Event e, agile ? ReadAgileEvent(r, *log.spec_id) : ReadLegacyEvent(r));
    if (IsSpecId03(e)) {
      return MakeError(ErrorCode::kMalformed, "a Spec ID event after the first event", "event",
                       e.offset);
    }
    VT_RETURN_IF_ERROR(CheckEvent(e, log, pcr0_extended));
    log.events.push_back(std::move(e));
  }
  return log;
}

Bytes WriteEventLog(const EventLog& log) {
  ByteWriter w;
  for (size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    w.U32Le(e.pcr);
    w.U32Le(e.type);
    if (i == 0 || log.format == LogFormat::kSha1Legacy) {
      const EventDigest* d = e.DigestFor(kAlgSha1);
      if (d != nullptr && d->digest.size() == kSha1Size) {
        w.Append(d->digest);
      } else {
        w.Zeros(kSha1Size);
      }
    } else {
      w.U32Le(static_cast<uint32_t>(e.digests.size()));
      for (const EventDigest& d : e.digests) {
        w.U16Le(d.alg);
        w.Append(d.digest);
      }
    }
    w.U32Le(static_cast<uint32_t>(e.data.size()));
    w.Append(e.data);
  }
  w.Append(log.padding);
  return w.Take();
}

bool LooksLikeEventLog(ByteSpan bytes) {
  ByteReader r(bytes);
  auto first = ReadLegacyEvent(r);
  if (!first || first->pcr != 0) return false;
  if (first->type == kEvNoAction) {
    return StartsWith(first->data, kSpecId03, sizeof kSpecId03) ||
           StartsWith(first->data, kSpecId02, sizeof kSpecId02) ||
           StartsWith(first->data, kSpecId00, sizeof kSpecId00);
  }
  // A legacy log opens with a firmware measurement of PCR 0.
  return first->type == kEvSCrtmVersion || first->type == kEvSCrtmContents ||
         first->type == kEvPostCode || first->type == kEvEfiPlatformFirmwareBlob ||
         first->type == kEvEfiPlatformFirmwareBlob2 || first->type == kEvSeparator;
}

}  // namespace veritee::tpm
