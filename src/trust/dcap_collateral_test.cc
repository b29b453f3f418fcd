#include "trust/dcap_collateral.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "parse/dcap/test_data.h"

namespace veritee::trust {
namespace {

TEST(DcapCollateral, FolderAndBundleAgree) {
  VT_DCAP_TESTDATA_OR_SKIP(dir, "tdx");
  auto folder = LoadDcapCollateral((dir / "tdx_v4_phala_b0c06f_uptodate").string());
  ASSERT_TRUE(folder) << folder.error().ToString();
  auto bundle_text = WriteCollateralBundle(*folder);
  ASSERT_TRUE(bundle_text) << bundle_text.error().ToString();
  auto bundle = ParseCollateralBundle(*bundle_text);
  ASSERT_TRUE(bundle) << bundle.error().ToString();
  // The signed bodies, chains and CRLs survive; the response wrapping is rebuilt.
  EXPECT_EQ(bundle->pck_crl, folder->pck_crl);
  EXPECT_EQ(bundle->root_ca_crl, folder->root_ca_crl);
  EXPECT_EQ(bundle->tcb_info, folder->tcb_info);
  EXPECT_EQ(bundle->qe_identity, folder->qe_identity);
  auto tmp = std::filesystem::temp_directory_path() / "veritee_dcap_collateral_test";
  ASSERT_TRUE(SaveCollateralFolder(*bundle, tmp.string()));
  auto again = LoadDcapCollateral(tmp.string());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bundle);
  std::filesystem::remove_all(tmp);
}

TEST(DcapCollateral, BundleErrorsNameTheKey) {
  auto e = ParseCollateralBundle(R"({"pck_crl_issuer_chain":"x","typo":1})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "collateral bundle.typo");
  e = ParseCollateralBundle(R"({"pck_crl_issuer_chain":"x"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "collateral bundle.root_ca_crl");
  EXPECT_EQ(LoadDcapCollateral("/nonexistent/veritee").error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace veritee::trust
