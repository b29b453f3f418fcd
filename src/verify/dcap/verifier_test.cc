#include "verify/dcap/verifier.h"

#include <gtest/gtest.h>

namespace veritee::dcap {
namespace {

TEST(DcapVerifier, RejectsGarbage) {
  DcapVerifier verifier;
  VerifyInputs in;
  Bytes junk(100, 0x41);
  Verification v = verifier.Verify(junk, in);
  EXPECT_FALSE(v.accepted());
  EXPECT_EQ(v.checks().front().name, "parse");
}

}  // namespace
}  // namespace veritee::dcap
