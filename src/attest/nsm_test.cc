#include "attest/nsm.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace veritee::attest::nsm {
namespace {

TEST(NsmRequest, ExactCbor) {
  AttestationRequest req;
  req.nonce = Bytes{0x01, 0x02};
  auto cbor = EncodeAttestationRequest(req);
  ASSERT_TRUE(cbor);
  // {"Attestation": {"user_data": null, "nonce": h'0102', "public_key": null}}
  EXPECT_EQ(ToHex(*cbor),
            "a1" "6b" + ToHex(Bytes{'A', 't', 't', 'e', 's', 't', 'a', 't', 'i', 'o', 'n'}) +
                "a3" "69" + ToHex(Bytes{'u', 's', 'e', 'r', '_', 'd', 'a', 't', 'a'}) + "f6" +
                "65" + ToHex(Bytes{'n', 'o', 'n', 'c', 'e'}) + "420102" + "6a" +
                ToHex(Bytes{'p', 'u', 'b', 'l', 'i', 'c', '_', 'k', 'e', 'y'}) + "f6");
  req.public_key = Bytes(1025, 0);
  EXPECT_EQ(EncodeAttestationRequest(req).error().code, ErrorCode::kInvalidArgument);
}

TEST(NsmResponse, DocumentAndErrors) {
  Bytes doc = {0xd2, 0x84, 0x01};
  EXPECT_EQ(*DecodeAttestationResponse(EncodeAttestationResponse(doc)), doc);
  // {"Error": "InvalidArgument"}
  Bytes err = *FromHex("a1654572726f72" "6f" + ToHex(Bytes{'I', 'n', 'v', 'a', 'l', 'i', 'd', 'A',
                                                            'r', 'g', 'u', 'm', 'e', 'n', 't'}));
  auto r = DecodeAttestationResponse(err);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("InvalidArgument"), std::string::npos);
  Bytes trailing = EncodeAttestationResponse(doc);
  trailing.push_back(0);
  EXPECT_EQ(DecodeAttestationResponse(trailing).error().code, ErrorCode::kTrailingData);
  Bytes truncated = EncodeAttestationResponse(doc);
  truncated.pop_back();
  EXPECT_EQ(DecodeAttestationResponse(truncated).error().code, ErrorCode::kTruncated);
}

TEST(NsmLayout, RawIoctl) {
  EXPECT_EQ(IoctlRaw(), 0xC0200A00ul);  // _IOWR(0x0A, 0, struct nsm_raw)
  RawIoctl raw{1, 2, 3, 4};
  Bytes b = EncodeRawIoctl(raw);
  ASSERT_EQ(b.size(), kRawIoctlSize);
  EXPECT_EQ(b[16], 3);  // response.addr at 16
  EXPECT_EQ(*DecodeRawIoctl(b), raw);
}

}  // namespace
}  // namespace veritee::attest::nsm
