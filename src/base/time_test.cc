#include "base/time.h"

#include <gtest/gtest.h>

namespace veritee {
namespace {

TEST(Time, ParsesRfc3339AndUnixSeconds) {
  EXPECT_EQ(*ParseTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTime("2026-11-21T00:00:00Z"), 1795219200);
  EXPECT_EQ(*ParseTime("2026-11-21"), 1795219200);
  EXPECT_EQ(*ParseTime("2026-11-21T01:00:00+01:00"), 1795219200);
  EXPECT_EQ(*ParseTime("2026-11-21T00:00:00.123Z"), 1795219200);
  EXPECT_EQ(*ParseTime("1795219200"), 1795219200);
  EXPECT_EQ(*ParseTime("2024-02-29T12:00:00Z"), 1709208000);
}

TEST(Time, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026-11-21T00:00:00",
                          "2026-11-21T25:00:00Z", "yesterday", "2026-11-21T00:00:00Zjunk",
                          "99999999999999999999"}) {
    auto t = ParseTime(bad);
    EXPECT_FALSE(t) << bad;
    if (!t) {
      EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Time, FormatsRoundTrip) {
  EXPECT_EQ(FormatTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(1795219200), "2026-11-21T00:00:00Z");
  for (UnixTime t : {UnixTime{951782400}, UnixTime{4102444799}, UnixTime{1709208000}}) {
    EXPECT_EQ(*ParseTime(FormatTime(t)), t);
  }
}

TEST(Clock, FixedClockIsInjectable) {
  FixedClock c(42);
  const Clock& clock = c;
  EXPECT_EQ(clock.Now(), 42);
}

}  // namespace
}  // namespace veritee
