// The reference-value store: add, list, remove, save and load, and bad store files that
// name the key and the line.
#include "appraise/refvalues.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace veritee::appraise {
namespace {

ReferenceSet Set(const std::string& label, const std::string& measurement_digit) {
  ReferenceSet s;
  s.tee = "sev-snp";
  s.label = label;
  s.claims["measurement"] = std::string(96, measurement_digit[0]);
  s.provenance = "test";
  return s;
}

TEST(ReferenceStoreTest, AddListRemoveSaveLoad) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("veritee-refs-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "store.json").string();

  auto empty = ReferenceStore::Load(path, /*missing_ok=*/true);
  ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
  EXPECT_TRUE(empty->sets().empty());
  EXPECT_FALSE(ReferenceStore::Load(path).has_value());  // missing and not ok

  ReferenceStore store = *empty;
  ReferenceSet a = Set("ovmf-2026.09 + kernel 6.12", "a");
  a.valid_from = 1788220800;   // 2026-09-01
  a.valid_until = 1803859200;  // 2027-03-01
  a.added = 1795219200;
  ASSERT_TRUE(store.Add(a).has_value());
  ASSERT_TRUE(store.Add(Set("ovmf-2026.06", "b")).has_value());
  auto dup = store.Add(Set("ovmf-2026.06", "c"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("exists already"), std::string::npos);
  ASSERT_TRUE(store.Add(Set("ovmf-2026.06", "c"), /*replace=*/true).has_value());
  ReferenceSet tdx = Set("ovmf-2026.06", "d");
  tdx.tee = "tdx";
  ASSERT_TRUE(store.Add(tdx).has_value());  // same label, other TEE
  ASSERT_TRUE(store.Save(path).has_value());

  auto loaded = ReferenceStore::Load(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  ASSERT_EQ(loaded->sets().size(), 3u);
  EXPECT_EQ(loaded->sets()[0].label, "ovmf-2026.09 + kernel 6.12");
  EXPECT_EQ(loaded->sets()[0].valid_until, 1803859200);
  EXPECT_EQ(loaded->sets()[0].added, 1795219200);
  EXPECT_EQ(loaded->sets()[0].provenance, "test");
  EXPECT_EQ(loaded->sets()[1].claims["measurement"], std::string(96, 'c'));
  EXPECT_EQ(loaded->sets()[0].origin, path);
  EXPECT_EQ(loaded->ToJson(), store.ToJson());

  ReferenceStore edited = *loaded;
  ASSERT_TRUE(edited.Remove("ovmf-2026.06", "tdx").has_value());
  EXPECT_EQ(edited.sets().size(), 2u);
  auto none = edited.Remove("nope");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  fs::remove_all(dir);
}

void ExpectStoreError(const std::string& text, const std::string& field,
                      const std::string& phrase) {
  auto store = ReferenceStore::Parse(text, "s.json");
  ASSERT_FALSE(store.has_value()) << text;
  EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.error().field, field) << store.error().ToString();
  EXPECT_NE(store.error().message.find(phrase), std::string::npos)
      << store.error().ToString() << "\nexpected: " << phrase;
}

TEST(ReferenceStoreTest, BadStoresNameKeyAndLine) {
  ExpectStoreError("{\"sets\": []}", "(top level)", "not a reference-value store");
  ExpectStoreError("{\"veritee_reference_values\": 2}", "veritee_reference_values",
                   "from 0 to 1");
  ExpectStoreError("{\"veritee_reference_values\": 1,\n \"set\": []}", "set",
                   "unknown key (veritee_reference_values, sets) (s.json line 2)");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "sev-snp", "label": "x",
       "claims": {"measurement": "zz"}}]})",
                   "sets[0].claims.measurement", "is not hex");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "sgx2", "label": "x", "claims": {"m": "00"}}]})",
                   "sets[0].tee", "unknown TEE 'sgx2'");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"label": "x", "claims": {"m": "00"}}]})",
                   "sets[0].tee", "names its TEE");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "tdx", "label": "x", "claims": {"m": "00"}, "valid_from": "2027-01-01",
       "valid_until": "2026-01-01"}]})",
                   "sets[0].valid_until", "the validity period is empty");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "tdx", "label": "x", "claims": {"m": "00"}},
      {"tee": "tdx", "label": "x", "claims": {"m": "01"}}]})",
                   "sets[1].label", "used twice");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "tdx", "label": "x", "claims": {}}]})",
                   "sets[0].claims", "non-empty object");
  ExpectStoreError(R"({"veritee_reference_values": 1, "sets": [
      {"tee": "tdx", "label": "x", "claims": {"m": 1.5}}]})",
                   "sets[0].claims.m", "hex, an integer or true/false");
  auto syntax = ReferenceStore::Parse("{\n\n  \"sets\": [,]}", "s.json");
  ASSERT_FALSE(syntax.has_value());
  EXPECT_NE(syntax.error().message.find("line 3"), std::string::npos)
      << syntax.error().message;
}

}  // namespace
}  // namespace veritee::appraise
