#include "base/time.h"

#include <chrono>
#include <cstdio>

namespace veritee {

UnixTime SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

UnixTime UnixFromCivil(int year, unsigned month, unsigned day, int hour, int minute,
                       int second) {
  // Howard Hinnant's days_from_civil algorithm.
  int y = year - (month <= 2 ? 1 : 0);
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned mp = month > 2 ? month - 3 : month + 9;
  unsigned doy = (153 * mp + 2) / 5 + day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = int64_t{era} * 146097 + int64_t{doe} - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

unsigned DaysInMonth(int year, int month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Result<UnixTime> ParseTime(std::string_view text) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a time: '" + std::string(text) +
                         "' (use RFC 3339, e.g. 2026-11-21T00:00:00Z, or Unix seconds)");
  };
  if (text.empty()) return bad();
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && (c >= '0' && c <= '9');
  if (all_digits) {
    if (text.size() > 12) return bad();
    UnixTime v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    return v;
  }
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!Digits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return bad();
  }
  size_t pos = 10;
  int offset_seconds = 0;
  if (pos < text.size()) {
    if ((text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') ||
        !Digits(text, pos + 1, 2, &hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !Digits(text, pos + 4, 2, &minute) || pos + 6 >= text.size() || text[pos + 6] != ':' ||
        !Digits(text, pos + 7, 2, &second)) {
      return bad();
    }
    if (hour > 23 || minute > 59 || second > 60) return bad();
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return bad();
    }
    if (pos >= text.size()) return bad();  // a time of day needs a zone
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int oh, om;
      if (!Digits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
          !Digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
        return bad();
      }
      offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
      pos += 6;
    } else {
      return bad();
    }
  }
  if (pos != text.size()) return bad();
  return UnixFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day), hour,
                       minute, second) -
         offset_seconds;
}

std::string FormatTime(UnixTime t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace veritee
