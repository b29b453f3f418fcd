#include "crypto/x509.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"

namespace veritee {
namespace {

constexpr UnixTime kT0 = 1700000000;
constexpr UnixTime kYear = 365 * 86400;

struct Pki {
  EvpPkeyPtr root_key, inter_key, leaf_key;
  Certificate root, inter, leaf;
};

Pki MakePki() {
  Pki p;
  p.root_key = std::move(*GenerateRsaKey(2048));
  p.inter_key = std::move(*GenerateRsaKey(2048));
  p.leaf_key = std::move(*GenerateEcKey("P-384"));
  CertSpec root{{{"CN", "Root"}}, 1, kT0, kT0 + 10 * kYear, true, std::nullopt, true, true, {}};
  p.root = *IssueCertificate(root, p.root_key.get(), nullptr, p.root_key.get());
  CertSpec inter{{{"CN", "Inter"}}, 2, kT0, kT0 + 10 * kYear, true, 0, true, true, {}};
  p.inter = *IssueCertificate(inter, p.inter_key.get(), &p.root, p.root_key.get());
  CertSpec leaf{{{"CN", "Leaf"}}, 0, kT0 + kYear, kT0 + 2 * kYear, false, std::nullopt, false,
                true, {{"1.3.6.1.4.1.3704.1.3.8", false, {0x02, 0x02, 0x00, 0xdb}}}};
  p.leaf = *IssueCertificate(leaf, p.leaf_key.get(), &p.inter, p.inter_key.get());
  return p;
}

const Pki& SharedPki() {
  static const Pki* pki = new Pki(MakePki());
  return *pki;
}

TEST(X509, BuildsAChainLeafFirst) {
  const Pki& p = SharedPki();
  std::vector<Certificate> inters = {p.inter}, anchors = {p.root};
  auto chain = BuildChain(p.leaf, inters, anchors);
  ASSERT_TRUE(chain) << chain.error().ToString();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].SubjectCn(), "Leaf");
  EXPECT_EQ((*chain)[2].sha256(), p.root.sha256());
  EXPECT_EQ(p.leaf.SerialHex(), "0");
  EXPECT_EQ(p.leaf.IssuerCn(), "Inter");
}

TEST(X509, MissingIntermediateOrWrongRootFails) {
  const Pki& p = SharedPki();
  std::vector<Certificate> none, anchors = {p.root};
  auto chain = BuildChain(p.leaf, none, anchors);
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().code, ErrorCode::kChainInvalid);
  Pki other = MakePki();
  std::vector<Certificate> inters = {p.inter}, wrong = {other.root};
  EXPECT_FALSE(BuildChain(p.leaf, inters, wrong));
  // An intermediate with the right name but another key does not chain.
  std::vector<Certificate> forged = {other.inter};
  EXPECT_FALSE(BuildChain(p.leaf, forged, anchors));
}

TEST(X509, ValidityWindow) {
  const Pki& p = SharedPki();
  EXPECT_TRUE(CheckValidAt(p.leaf, kT0 + kYear, "leaf"));
  EXPECT_TRUE(CheckValidAt(p.leaf, kT0 + 2 * kYear, "leaf"));
  auto early = CheckValidAt(p.leaf, kT0 + kYear - 1, "VCEK");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kExpired);
  EXPECT_NE(early.error().message.find("VCEK certificate is not valid yet"), std::string::npos);
  EXPECT_FALSE(CheckValidAt(p.leaf, kT0 + 2 * kYear + 1, "leaf"));
}

TEST(X509, ExtensionsAndPem) {
  const Pki& p = SharedPki();
  auto exts = p.leaf.Extensions();
  ASSERT_EQ(exts.size(), 1u);
  EXPECT_EQ(exts[0].oid, "1.3.6.1.4.1.3704.1.3.8");
  EXPECT_EQ(exts[0].value, (Bytes{0x02, 0x02, 0x00, 0xdb}));
  std::string pem = p.leaf.ToPem() + p.inter.ToPem();
  pem.push_back('\0');
  auto certs = ParseCertificates(Bytes(pem.begin(), pem.end()));
  ASSERT_TRUE(certs);
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ((*certs)[1].der(), p.inter.der());
  Bytes der = p.leaf.der();
  der.push_back(0);
  EXPECT_EQ(ParseCertificates(der).error().code, ErrorCode::kTrailingData);
  EXPECT_FALSE(ParseCertificates(Bytes{0x30, 0x03, 0x01}));
}

TEST(X509, RevocationFreshnessAndSignature) {
  const Pki& p = SharedPki();
  std::vector<Certificate> inters = {p.inter}, anchors = {p.root};
  auto chain = *BuildChain(p.leaf, inters, anchors);
  uint64_t revoked[] = {2};
  auto der = IssueCrlDer(p.root, p.root_key.get(), kT0, kT0 + kYear, revoked, true);
  ASSERT_TRUE(der);
  auto crl = Crl::Parse(*der);
  ASSERT_TRUE(crl);
  EXPECT_EQ(crl->RevokedSerialsHex(), std::vector<std::string>{"2"});
  std::vector<Crl> crls = {*crl};
  auto st = CheckRevocation(chain, crls, kT0 + 10, {});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kRevoked);

  auto clean = *Crl::Parse(*IssueCrlDer(p.root, p.root_key.get(), kT0, kT0 + kYear, {}, true));
  crls = {clean};
  EXPECT_TRUE(CheckRevocation(chain, crls, kT0 + 10, {}));
  auto stale = CheckRevocation(chain, crls, kT0 + 2 * kYear, {});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kExpired);
  EXPECT_TRUE(CheckRevocation(chain, crls, kT0 + 2 * kYear, {.allow_stale = true}));
  EXPECT_EQ(CheckRevocation(chain, crls, kT0 - 1, {}).error().code, ErrorCode::kExpired);

  // Signed by a key that is not the issuer's.
  Pki other = MakePki();
  auto forged = *Crl::Parse(*IssueCrlDer(p.root, other.root_key.get(), kT0, kT0 + kYear, {}, true));
  crls = {forged};
  EXPECT_EQ(CheckRevocation(chain, crls, kT0 + 10, {}).error().code, ErrorCode::kBadSignature);
  // Issued by a CA with the same name outside the chain: its signature does not verify.
  auto foreign =
      *Crl::Parse(*IssueCrlDer(other.inter, other.inter_key.get(), kT0, kT0 + kYear, {}, true));
  crls = {foreign};
  EXPECT_EQ(CheckRevocation(chain, crls, kT0 + 10, {}).error().code, ErrorCode::kBadSignature);
  // A CRL of a name that is not in the chain at all.
  auto lone_key = *GenerateRsaKey(2048);
  CertSpec lone{{{"CN", "Elsewhere"}}, 9, kT0, kT0 + kYear, true, 0, true, true, {}};
  auto lone_ca = *IssueCertificate(lone, lone_key.get(), nullptr, lone_key.get());
  crls = {*Crl::Parse(*IssueCrlDer(lone_ca, lone_key.get(), kT0, kT0 + kYear, {}, true))};
  EXPECT_EQ(CheckRevocation(chain, crls, kT0 + 10, {}).error().code, ErrorCode::kMismatch);
}

}  // namespace
}  // namespace veritee
