// Test-only: finding a named check in a Verification and expecting a rejection at it.
// Header-only, shared by the verifier unit tests and the conformance tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "verify/verification.h"

namespace veritee::testing {

// The first check called `name`, or nullptr.
inline const Check* FindCheck(const Verification& v, std::string_view name) {
  for (const Check& c : v.checks()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// `v` is rejected, its first failed check is `check`, and that check's detail contains
// `phrase` (any detail when empty).
inline void ExpectRejectedAt(const Verification& v, const std::string& check,
                             const std::string& phrase = "") {
  EXPECT_FALSE(v.accepted()) << v.ToJson().dump(1);
  EXPECT_EQ(v.reason().rfind(check + ": ", 0), 0u) << v.reason() << "\nexpected at " << check;
  const Check* c = FindCheck(v, check);
  ASSERT_NE(c, nullptr) << "no check " << check << "\n" << v.ToJson().dump(1);
  EXPECT_FALSE(c->ok);
  EXPECT_NE(c->detail.find(phrase), std::string::npos) << c->detail << "\nphrase: " << phrase;
}

}  // namespace veritee::testing
