#include "parse/tpm/event_log.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "parse/tpm/event_data.h"
#include "parse/tpm/test_data.h"

namespace veritee::tpm {
namespace {

Bytes Utf16(const std::string& s) {
  Bytes out;
  for (char c : s) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

Bytes GlobalGuid() {  // 8be4df61-93ca-11d2-aa0d-00e098032b8c in EFI_GUID byte order
  return {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
          0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};
}

Bytes VariableData(const std::string& name, const Bytes& value) {
  ByteWriter w;
  w.Append(GlobalGuid());
  w.U64Le(name.size());
  w.U64Le(value.size());
  w.Append(Utf16(name));
  w.Append(value);
  return w.Take();
}

Event AgileEvent(uint32_t pcr, uint32_t type, Bytes data, uint8_t fill) {
  Event e;
  e.pcr = pcr;
  e.type = type;
  e.digests = {{kAlgSha1, Bytes(20, fill)}, {kAlgSha256, Bytes(32, fill)}};
  e.data = std::move(data);
  return e;
}

// A crypto-agile log with sha1 + sha256, a StartupLocality, Secure Boot on, a separator.
EventLog SampleAgileLog() {
  EventLog log;
  log.format = LogFormat::kCryptoAgile;
  SpecIdEvent spec;
  spec.algorithms = {{kAlgSha1, 20}, {kAlgSha256, 32}};
  log.spec_id = spec;
  Event first;
  first.pcr = 0;
  first.type = kEvNoAction;
  first.digests = {{kAlgSha1, Bytes(20, 0)}};
  first.data = WriteSpecIdEvent(spec);
  log.events.push_back(first);
  Event locality = AgileEvent(0, kEvNoAction, StartupLocalityData(3), 0);
  log.events.push_back(locality);
  log.startup_locality = 3;
  log.events.push_back(AgileEvent(0, kEvSCrtmVersion, Utf16(std::string("1.0\0", 4)), 1));
  log.events.push_back(
      AgileEvent(7, kEvEfiVariableDriverConfig, VariableData("SecureBoot", {1}), 2));
  log.events.push_back(AgileEvent(7, kEvSeparator, Bytes(4, 0), 3));
  return log;
}

TEST(TpmEventLog, AgileRoundTripWithLocality) {
  EventLog log = SampleAgileLog();
  Bytes bytes = WriteEventLog(log);
  auto got = ParseEventLog(bytes);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, log);
  EXPECT_EQ(got->startup_locality, 3);
  EXPECT_EQ(WriteEventLog(*got), bytes);
  EXPECT_TRUE(LooksLikeEventLog(bytes));
  EXPECT_EQ(got->Banks(), (std::vector<AlgId>{kAlgSha1, kAlgSha256}));
}

TEST(TpmEventLog, LegacyRoundTripWithPadding) {
  EventLog log;
  log.format = LogFormat::kSha1Legacy;
  Event e;
  e.type = kEvSCrtmVersion;
  e.digests = {{kAlgSha1, Bytes(20, 9)}};
  e.data = {'v', '1'};
  log.events.push_back(e);
  e.pcr = 4;
  e.type = kEvEfiAction;
  e.data = {'g', 'o'};
  log.events.push_back(e);
  log.padding = Bytes(100, 0xff);
  Bytes bytes = WriteEventLog(log);
  auto got = ParseEventLog(bytes);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, log);
  EXPECT_EQ(got->Banks(), std::vector<AlgId>{kAlgSha1});
}

TEST(TpmEventLog, RejectsBrokenAgileRules) {
  // A digest count that is not the Spec ID's algorithm count.
  EventLog log = SampleAgileLog();
  log.events[3].digests.pop_back();
  auto e1 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().field, "digests.count");

  // A digest of an algorithm the Spec ID does not list.
  log = SampleAgileLog();
  log.events[3].digests[1].alg = kAlgSha384;
  auto e2 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().field, "digests.hashAlg");

  // StartupLocality after PCR 0 was measured.
  log = SampleAgileLog();
  std::swap(log.events[1], log.events[2]);
  auto e3 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e3);
  EXPECT_NE(e3.error().message.find("after a PCR 0 measurement"), std::string::npos);

  // A second Spec ID event.
  log = SampleAgileLog();
  log.events.push_back(AgileEvent(0, kEvNoAction, WriteSpecIdEvent(*log.spec_id), 0));
  auto e4 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e4);
  EXPECT_NE(e4.error().message.find("Spec ID event after the first"), std::string::npos);

  // A PCR a PC Client TPM does not have.
  log = SampleAgileLog();
  log.events[4].pcr = 24;
  auto e5 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e5);
  EXPECT_EQ(e5.error().field, "pcrIndex");

  // A Spec ID that contradicts an algorithm's size.
  log = SampleAgileLog();
  log.spec_id->algorithms[1].digest_size = 20;
  log.events[0].data = WriteSpecIdEvent(*log.spec_id);
  auto e6 = ParseEventLog(WriteEventLog(log));
  ASSERT_FALSE(e6);
  EXPECT_EQ(e6.error().field, "SpecIdEvent.digestSize");
}

TEST(TpmEventLog, TruncationAndNonPaddingTrailingBytes) {
  Bytes bytes = WriteEventLog(SampleAgileLog());
  auto e1 = ParseEventLog(ByteSpan(bytes).first(bytes.size() - 3));
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(e1.error().field, "event");
  Bytes junk = bytes;
  junk.push_back(0x12);
  junk.push_back(0x00);
  EXPECT_FALSE(ParseEventLog(junk));
  EXPECT_EQ(ParseEventLog(Bytes{}).error().code, ErrorCode::kTruncated);
}

TEST(TpmEventData, DecodesVariablesAndBootSummary) {
  EventLog log = SampleAgileLog();
  Json d = DecodeEvent(log.events[3]);
  EXPECT_EQ(d["type"], "EV_EFI_VARIABLE_DRIVER_CONFIG");
  EXPECT_EQ(d["variable_name"], "SecureBoot");
  EXPECT_EQ(d["variable_guid"], "8be4df61-93ca-11d2-aa0d-00e098032b8c");
  EXPECT_EQ(d["value"], 1);
  EXPECT_EQ(DecodeEvent(log.events[1])["startup_locality"], 3);
  EXPECT_EQ(DecodeEvent(log.events[2])["text"], "1.0");
  Json s = BootSummary(log);
  EXPECT_EQ(s["secure_boot"]["enabled"], true);
}

TEST(TpmEventData, TextHelpers) {
  EXPECT_EQ(Utf16LeToUtf8(Bytes{'A', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0, 'x', 0}),
            "A\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(FormatGuid(GlobalGuid()), "8be4df61-93ca-11d2-aa0d-00e098032b8c");
  Bytes path = {0x04, 0x04, 12, 0, '\\', 0, 'a', 0, '.', 0, 0, 0, 0x7f, 0xff, 4, 0};
  EXPECT_EQ(DevicePathText(path), "\\a.");
  EXPECT_EQ(DevicePathText(Bytes{0x04, 0x04, 2, 0}), "<malformed device path>");
}

TEST(TpmRealLogs, EveryLogParsesAndRoundTrips) {
  VT_TPM_TESTDATA_OR_SKIP(dir);
  const nlohmann::json vectors = testing::LoadVectors(dir);
  for (const auto& v : vectors["event_logs"]) {
    const std::string file = v["file"];
    SCOPED_TRACE(file);
    Bytes bytes = testing::ReadTestFile(dir, file);
    auto log = ParseEventLog(bytes);
    ASSERT_TRUE(log) << log.error().ToString();
    EXPECT_EQ(WriteEventLog(*log), bytes);
    EXPECT_TRUE(LooksLikeEventLog(bytes));
    for (const Event& e : log->events) DecodeEvent(e);
    BootSummary(*log);
  }
}

}  // namespace
}  // namespace veritee::tpm
