// The SEV-SNP policy file and the command-line value syntaxes: every key with a good value,
// and bad input that names the offending key path (or, for JSON syntax, the line).
#include "verify/snp/policy.h"

#include <gtest/gtest.h>

#include <string>

#include "base/encoding.h"

namespace veritee::snp {
namespace {

std::string Hex(size_t bytes, char digit = 'a') { return std::string(2 * bytes, digit); }

// Loading fails with kInvalidArgument, the error's field is `path` and its message
// contains `phrase`.
void ExpectPolicyError(const std::string& text, const std::string& path,
                       const std::string& phrase) {
  ValidationOptions o;
  Status st = LoadPolicyText(text, o);
  ASSERT_FALSE(st.has_value()) << text;
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << st.error().ToString();
  EXPECT_EQ(st.error().field, path) << st.error().ToString();
  EXPECT_NE(st.error().message.find(phrase), std::string::npos)
      << st.error().ToString() << "\nexpected phrase: " << phrase;
}

TEST(SnpPolicyTest, EveryKey) {
  const std::string text = R"({
    "version": 1,
    "description": "every key",
    "sev-snp": {
      "expect": {"measurement": ")" + Hex(48, 'A') + R"(", "report_data": "0102",
                 "host_data": ")" + Hex(32) + R"(", "family_id": ")" + Hex(16) + R"(",
                 "image_id": ")" + Hex(16) + R"(", "id_key_digest": ")" + Hex(48) + R"(",
                 "author_key_digest": ")" + Hex(48) + R"(", "report_id": ")" + Hex(32) + R"(",
                 "report_id_ma": ")" + Hex(32) + R"(", "chip_id": ")" + Hex(64) + R"("},
      "min_guest_svn": 4294967295,
      "min_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115},
      "min_launch_tcb": {"bootloader": 1, "tee": 1, "snp": 4, "microcode": 81, "fmc": 1},
      "vmpl": 3,
      "policy": {"require": ["smt_allowed", "single_socket"], "forbid": ["migrate_ma", "debug_allowed"],
                 "min_abi": "1.51"},
      "allow_debug": true,
      "platform_info": {"require": ["smt_enabled", "iommu_write_safe"], "forbid": ["tsme_enabled"],
                        "forbid_unknown_bits": true},
      "min_firmware": "1.55",
      "min_build": 21,
      "forbid_provisional_firmware": true,
      "require_id_block": true,
      "require_author_key": true,
      "trusted_id_key_digests": [")" + Hex(48, 'b') + R"("],
      "trusted_author_key_digests": [")" + Hex(48, 'c') + R"(", ")" + Hex(48, 'd') + R"("],
      "product": "Genoa",
      "require_crl": true,
      "allow_stale_crl": true
    }})";
  ValidationOptions o;
  Status st = LoadPolicyText(text, o);
  ASSERT_TRUE(st.has_value()) << st.error().ToString();
  EXPECT_EQ(o.expect.size(), ExpectableFields().size());
  EXPECT_EQ(o.expect.at("measurement"), Bytes(48, 0xaa));  // upper-case hex accepted
  EXPECT_EQ(o.expect.at("report_data"), (Bytes{1, 2}));   // a short report_data prefix
  EXPECT_EQ(o.expect.at("chip_id"), Bytes(64, 0xaa));
  EXPECT_EQ(o.min_guest_svn, 0xffffffffu);
  EXPECT_EQ(o.min_tcb, (TcbParts{std::nullopt, 3, 0, 8, 115}));
  EXPECT_EQ(o.min_launch_tcb, (TcbParts{1, 1, 1, 4, 81}));
  EXPECT_EQ(o.vmpl, 3u);
  EXPECT_EQ(o.require_policy, (uint64_t{1} << 16) | (uint64_t{1} << 20));
  EXPECT_EQ(o.forbid_policy, (uint64_t{1} << 18) | (uint64_t{1} << 19));
  ASSERT_TRUE(o.min_abi.has_value());
  EXPECT_EQ(o.min_abi->major, 1);
  EXPECT_EQ(o.min_abi->minor, 51);
  EXPECT_TRUE(o.allow_debug);
  EXPECT_EQ(o.require_platform, 0x41u);
  EXPECT_EQ(o.forbid_platform, 0x2u);
  EXPECT_TRUE(o.forbid_unknown_platform_bits);
  ASSERT_TRUE(o.min_firmware.has_value());
  EXPECT_EQ(o.min_firmware->major, 1);
  EXPECT_EQ(o.min_firmware->minor, 55);
  EXPECT_EQ(o.min_build, 21);
  EXPECT_TRUE(o.forbid_provisional_firmware);
  EXPECT_TRUE(o.require_id_block);
  EXPECT_TRUE(o.require_author_key);
  EXPECT_EQ(o.trusted_id_keys, (std::vector<Bytes>{Bytes(48, 0xbb)}));
  EXPECT_EQ(o.trusted_author_keys, (std::vector<Bytes>{Bytes(48, 0xcc), Bytes(48, 0xdd)}));
  EXPECT_EQ(o.product, Product::kGenoa);
  EXPECT_TRUE(o.require_crl);
  EXPECT_TRUE(o.allow_stale_crl);
}

TEST(SnpPolicyTest, TcbAsSpecString) {
  ValidationOptions o;
  ASSERT_TRUE(LoadPolicyText(R"({"sev-snp": {"min_tcb": "bl=2,tee=0,snp=5,ucode=68"}})", o));
  EXPECT_EQ(o.min_tcb, (TcbParts{std::nullopt, 2, 0, 5, 68}));
}

TEST(SnpPolicyTest, EmptyPolicyChangesNothing) {
  ValidationOptions o;
  ASSERT_TRUE(LoadPolicyText(R"({})", o));
  ASSERT_TRUE(LoadPolicyText(R"({"sev-snp": {}})", o));
  EXPECT_TRUE(o.expect.empty());
  EXPECT_FALSE(o.allow_debug);
  EXPECT_FALSE(o.min_tcb.has_value());
}

TEST(SnpPolicyTest, MergesIntoExistingOptions) {
  ValidationOptions o;
  o.vmpl = 0;
  o.require_policy = uint64_t{1} << 16;
  ASSERT_TRUE(LoadPolicyText(R"({"sev-snp": {"min_guest_svn": 2}})", o));
  EXPECT_EQ(o.vmpl, 0u);
  EXPECT_EQ(o.min_guest_svn, 2u);
  // Requiring here what the caller already forbids is a conflict too.
  o.forbid_policy = uint64_t{1} << 18;
  Status st = LoadPolicyText(R"({"sev-snp": {"policy": {"require": ["migrate_ma"]}}})", o);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().field, "sev-snp.policy");
  EXPECT_NE(st.error().message.find("both required and forbidden"), std::string::npos);
}

TEST(SnpPolicyTest, UnknownTopLevelKey) {
  ExpectPolicyError(R"({"sev-snpp": {}})", "sev-snpp", "unknown key");
  ExpectPolicyError(R"([1, 2])", "(top level)", "a policy is a JSON object");
}

TEST(SnpPolicyTest, UnknownKeysInsideSection) {
  ExpectPolicyError(R"({"sev-snp": {"min_tcbx": {}}})", "sev-snp.min_tcbx", "unknown key");
  ExpectPolicyError(R"({"sev-snp": {"min_tcb": {"bootloader": 1, "tee": 0, "snp": 1,
                       "microcode": 1, "sev": 1}}})",
                    "sev-snp.min_tcb.sev", "unknown TCB component");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"min_abix": "1.0"}}})", "sev-snp.policy.min_abix",
                    "unknown key (require, forbid, min_abi)");
  ExpectPolicyError(R"({"sev-snp": {"platform_info": {"min_abi": "1.0"}}})",
                    "sev-snp.platform_info.min_abi",
                    "unknown key (require, forbid, forbid_unknown_bits)");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"require": ["smt_allowed", "warp_drive"]}}})",
                    "sev-snp.policy.require[1]", "warp_drive");
  ExpectPolicyError(R"({"sev-snp": {"platform_info": {"forbid": ["smt"]}}})",
                    "sev-snp.platform_info.forbid[0]", "smt");
  ExpectPolicyError(R"({"sev-snp": {"expect": {"mesurement": "00"}}})",
                    "sev-snp.expect.mesurement", "unknown SEV-SNP field 'mesurement'");
}

TEST(SnpPolicyTest, WrongTypes) {
  ExpectPolicyError(R"({"sev-snp": []})", "sev-snp", "must be an object");
  ExpectPolicyError(R"({"sev-snp": {"allow_debug": "yes"}})", "sev-snp.allow_debug",
                    "must be true or false");
  ExpectPolicyError(R"({"sev-snp": {"require_crl": 1}})", "sev-snp.require_crl",
                    "must be true or false");
  ExpectPolicyError(R"({"sev-snp": {"min_guest_svn": "5"}})", "sev-snp.min_guest_svn",
                    "must be an integer from 0 to 4294967295");
  ExpectPolicyError(R"({"sev-snp": {"min_guest_svn": -1}})", "sev-snp.min_guest_svn",
                    "must be an integer");
  ExpectPolicyError(R"({"sev-snp": {"min_guest_svn": 4294967296}})", "sev-snp.min_guest_svn",
                    "must be an integer");
  ExpectPolicyError(R"({"sev-snp": {"min_guest_svn": 1.5}})", "sev-snp.min_guest_svn",
                    "must be an integer");
  ExpectPolicyError(R"({"sev-snp": {"vmpl": 4}})", "sev-snp.vmpl", "from 0 to 3");
  ExpectPolicyError(R"({"sev-snp": {"min_build": 256}})", "sev-snp.min_build", "from 0 to 255");
  ExpectPolicyError(R"({"sev-snp": {"min_tcb": 5}})", "sev-snp.min_tcb",
                    "must be an object of TCB components");
  ExpectPolicyError(R"({"sev-snp": {"min_tcb": {"bootloader": 1, "tee": 0, "snp": 256,
                       "microcode": 1}}})",
                    "sev-snp.min_tcb.snp", "from 0 to 255");
  ExpectPolicyError(R"({"sev-snp": {"min_launch_tcb": {"bootloader": 1, "tee": 0, "snp": 1}}})",
                    "sev-snp.min_launch_tcb", "needs bootloader, tee, snp and microcode");
  ExpectPolicyError(R"({"sev-snp": {"min_tcb": "bootloader=1"}})", "sev-snp.min_tcb",
                    "needs bootloader, tee, snp and microcode");
  ExpectPolicyError(R"({"sev-snp": {"expect": ["measurement"]}})", "sev-snp.expect",
                    "must be an object of field: hex");
  ExpectPolicyError(R"({"sev-snp": {"expect": {"measurement": 5}}})",
                    "sev-snp.expect.measurement", "must be a string");
  ExpectPolicyError(R"({"sev-snp": {"policy": []}})", "sev-snp.policy", "must be an object");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"require": "smt_allowed"}}})",
                    "sev-snp.policy.require", "must be a list of flag names");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"forbid": [16]}}})", "sev-snp.policy.forbid[0]",
                    "must be a string");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"min_abi": 1.51}}})", "sev-snp.policy.min_abi",
                    "must be a string");
  ExpectPolicyError(R"({"sev-snp": {"policy": {"min_abi": "1"}}})", "sev-snp.policy.min_abi",
                    "is not MAJOR.MINOR");
  ExpectPolicyError(R"({"sev-snp": {"platform_info": {"forbid_unknown_bits": "true"}}})",
                    "sev-snp.platform_info.forbid_unknown_bits", "must be true or false");
  ExpectPolicyError(R"({"sev-snp": {"min_firmware": 1.55}})", "sev-snp.min_firmware",
                    "must be a string");
  ExpectPolicyError(R"({"sev-snp": {"min_firmware": "1.256"}})", "sev-snp.min_firmware",
                    "is not MAJOR.MINOR");
  ExpectPolicyError(R"({"sev-snp": {"trusted_id_key_digests": ")" + Hex(48) + R"("}})",
                    "sev-snp.trusted_id_key_digests", "must be a list of hex digests");
  ExpectPolicyError(R"({"sev-snp": {"trusted_author_key_digests": [7]}})",
                    "sev-snp.trusted_author_key_digests[0]", "must be a string");
  ExpectPolicyError(R"({"sev-snp": {"product": "Naples"}})", "sev-snp.product",
                    "unknown product 'Naples'");
  ExpectPolicyError(R"({"sev-snp": {"product": 1}})", "sev-snp.product", "must be a string");
}

TEST(SnpPolicyTest, BadHex) {
  ExpectPolicyError(R"({"sev-snp": {"expect": {"measurement": ")" + Hex(47) + "zz" + R"("}}})",
                    "sev-snp.expect.measurement", "");
  ExpectPolicyError(R"({"sev-snp": {"expect": {"host_data": ")" + Hex(32).substr(1) + R"("}}})",
                    "sev-snp.expect.host_data", "");
  ExpectPolicyError(R"({"sev-snp": {"trusted_id_key_digests": [")" + Hex(47) + "g0" + R"("]}})",
                    "sev-snp.trusted_id_key_digests[0]", "48 bytes of hex");
}

TEST(SnpPolicyTest, WrongHexLength) {
  ExpectPolicyError(R"({"sev-snp": {"expect": {"measurement": ")" + Hex(32) + R"("}}})",
                    "sev-snp.expect.measurement",
                    "measurement is 48 bytes (96 hex digits), got 32");
  ExpectPolicyError(R"({"sev-snp": {"expect": {"report_data": ")" + Hex(65) + R"("}}})",
                    "sev-snp.expect.report_data", "report_data is 64 bytes");
  ExpectPolicyError(R"({"sev-snp": {"expect": {"report_data": ""}}})",
                    "sev-snp.expect.report_data", "got 0");
  ExpectPolicyError(R"({"sev-snp": {"trusted_author_key_digests": [")" + Hex(32) + R"("]}})",
                    "sev-snp.trusted_author_key_digests[0]", "48 bytes of hex");
}

TEST(SnpPolicyTest, FlagBothRequiredAndForbidden) {
  ExpectPolicyError(
      R"({"sev-snp": {"policy": {"require": ["smt_allowed"], "forbid": ["smt_allowed"]}}})",
      "sev-snp.policy", "a flag is both required and forbidden");
  ExpectPolicyError(
      R"({"sev-snp": {"platform_info": {"require": ["tsme_enabled"], "forbid": ["tsme_enabled"]}}})",
      "sev-snp.platform_info", "a flag is both required and forbidden");
}

TEST(SnpPolicyTest, JsonSyntaxErrorNamesTheLine) {
  ValidationOptions o;
  Status st = LoadPolicyText("{\n  \"sev-snp\": {\n    \"vmpl\": 1,\n    \"allow_debug\": tru\n  }\n}",
                             o);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("JSON syntax error on line 4"), std::string::npos)
      << st.error().message;

  // A missing comma: the error is where the next key starts, line 3.
  st = LoadPolicyText("{\n  \"sev-snp\": {\"vmpl\": 1\n  \"min_build\": 2}\n}", o);
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().message.find("JSON syntax error on line 3"), std::string::npos)
      << st.error().message;

  st = LoadPolicyText("{\"sev-snp\": {}", o);  // unterminated, one line
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().message.find("JSON syntax error on line 1"), std::string::npos)
      << st.error().message;
}

TEST(SnpPolicyTest, ParseTcbSpec) {
  auto t = ParseTcbSpec("bootloader=3,tee=0,snp=8,microcode=115");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, (TcbParts{std::nullopt, 3, 0, 8, 115}));
  t = ParseTcbSpec("fmc=1,bl=1,tee=1,snp=4,ucode=81");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, (TcbParts{1, 1, 1, 4, 81}));
  t = ParseTcbSpec("microcode=255,snp=0,tee=0,bootloader=0");  // any order
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->microcode, 255);

  struct Bad {
    const char* spec;
    const char* phrase;
  };
  for (const Bad& b : {Bad{"", "needs bootloader, tee, snp and microcode"},
                       Bad{"bootloader=3,tee=0,snp=8", "needs bootloader, tee, snp and microcode"},
                       Bad{"bootloader=3,tee=0,snp=8,microcode=256", "microcode must be 0..255"},
                       Bad{"bootloader=3,tee=0,snp=-1,microcode=1", "snp must be 0..255"},
                       Bad{"bootloader=3,tee=0,snp=8,microcode=", "microcode must be 0..255"},
                       Bad{"bootloader=3,tee=0,snp=8x,microcode=1", "snp must be 0..255"},
                       Bad{"bootloader=3,tee,snp=8,microcode=1", "'tee' is not NAME=VALUE"},
                       Bad{"bootloader=3,tee=0,sev=8,microcode=1", "unknown TCB component 'sev'"},
                       Bad{"bootloader=3,,tee=0,snp=8,microcode=1", "is not NAME=VALUE"}}) {
    SCOPED_TRACE(b.spec);
    auto r = ParseTcbSpec(b.spec);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(b.phrase), std::string::npos) << r.error().message;
  }
}

TEST(SnpPolicyTest, ParseFirmwareVersion) {
  auto v = ParseFirmwareVersion("1.55");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 55);
  v = ParseFirmwareVersion("255.0");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 255);
  for (const char* bad : {"", "1", "1.", ".5", "1.55.3", "a.b", "256.0", "1.256", "-1.2", "1 .2",
                          "1.2 "}) {
    SCOPED_TRACE(bad);
    auto r = ParseFirmwareVersion(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("is not MAJOR.MINOR"), std::string::npos)
        << r.error().message;
  }
}

TEST(SnpPolicyTest, ParseExpectValue) {
  for (const auto& [name, size] : ExpectableFields()) {
    SCOPED_TRACE(name);
    auto b = ParseExpectValue(name, Hex(size, 'F'));
    ASSERT_TRUE(b.has_value()) << b.error().ToString();
    EXPECT_EQ(*b, Bytes(size, 0xff));
    auto short_value = ParseExpectValue(name, "00");
    EXPECT_EQ(short_value.has_value(), name == "report_data");
    auto long_value = ParseExpectValue(name, Hex(size + 1));
    ASSERT_FALSE(long_value.has_value());
    EXPECT_NE(long_value.error().message.find(name + " is " + std::to_string(size) + " bytes"),
              std::string::npos);
  }
  auto unknown = ParseExpectValue("mr_td", "00");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("unknown SEV-SNP field 'mr_td'"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("report_data"), std::string::npos);  // lists names
  EXPECT_FALSE(ParseExpectValue("measurement", Hex(47) + "xy").has_value());
  EXPECT_FALSE(ParseExpectValue("report_data", "abc").has_value());  // odd length
  EXPECT_FALSE(ParseExpectValue("report_data", "").has_value());
}

TEST(SnpPolicyTest, ParseProduct) {
  EXPECT_EQ(ParseProduct("milan"), Product::kMilan);
  EXPECT_EQ(ParseProduct("Genoa"), Product::kGenoa);
  EXPECT_EQ(ParseProduct("TURIN"), Product::kTurin);
  EXPECT_EQ(ParseProduct("Milan-B0"), Product::kMilan);
  for (const char* bad : {"", "naples", "unknown", "-milan"}) {
    SCOPED_TRACE(bad);
    auto r = ParseProduct(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("(milan, genoa, turin)"), std::string::npos);
  }
}

}  // namespace
}  // namespace veritee::snp
