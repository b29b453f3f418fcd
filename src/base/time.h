// Time: an injectable clock and RFC 3339 / Unix-seconds conversion.
//
// Verification time is a parameter everywhere (`--at`); nothing below the CLI reads the
// wall clock directly. Times are Unix seconds (int64, UTC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace veritee {

using UnixTime = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixTime Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixTime Now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixTime t) : t_(t) {}
  UnixTime Now() const override { return t_; }

 private:
  UnixTime t_;
};

// Accepts "2026-11-21T00:00:00Z", "2026-11-21T01:00:00+01:00", "2026-11-21" (midnight UTC),
// fractional seconds (dropped), or a plain integer of Unix seconds.
Result<UnixTime> ParseTime(std::string_view text);

// "2026-11-21T00:00:00Z".
std::string FormatTime(UnixTime t);

// Days-from-civil (proleptic Gregorian), exposed for ASN.1 time conversion.
UnixTime UnixFromCivil(int year, unsigned month, unsigned day, int hour, int minute, int second);

}  // namespace veritee
