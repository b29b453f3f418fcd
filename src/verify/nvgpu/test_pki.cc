#include "verify/nvgpu/test_pki.h"

#include "crypto/digest.h"

namespace veritee::nvgpu::testing {
namespace {

Bytes Tlv(uint8_t tag, const Bytes& c) {
  Bytes out{tag};
  if (c.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(c.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(c.size()));
  }
  out.insert(out.end(), c.begin(), c.end());
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes FwidExtension(const Bytes& fwid, const Bytes& spki, bool blackwell) {
  const Bytes sha384 = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
  Bytes one = Tlv(0x30, Cat({Tlv(0x06, sha384), Tlv(0x04, fwid)}));
  if (!blackwell) return Tlv(0x30, Cat({Tlv(0x02, {0x01}), spki, one}));
  Bytes zero = Tlv(0x30, Cat({Tlv(0x06, sha384), Tlv(0x04, Bytes(48, 0))}));
  return Tlv(0x30, Cat({Tlv(0x80, {'N', 'V', 'I', 'D', 'I', 'A'}), Tlv(0x83, {0x01}),
                        Tlv(0xA6, Cat({one, zero})), Tlv(0x89, {0x00})}));
}

constexpr UnixTime kNotBefore = 1600000000;   // 2020-09-13
constexpr UnixTime kNotAfter = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

Result<TestGpuPki> TestGpuPki::Create(const Bytes& fwid, bool blackwell,
                                      std::string_view leaf_curve) {
  const std::string chip = blackwell ? "GB100" : "GH100";
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr root_key, GenerateEcKey("P-384"));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr ica_key, GenerateEcKey("P-384"));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr brom_key, GenerateEcKey("P-384"));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr leaf_key, GenerateEcKey(leaf_curve));
  auto spec = [](std::string cn, uint64_t serial, bool ca) {
    CertSpec s;
    s.subject = {{"O", "veritee test GPU PKI (not NVIDIA)"}, {"CN", std::move(cn)}};
    s.serial = serial;
    s.not_before = kNotBefore;
    s.not_after = kNotAfter;
    s.ca = ca;
    s.key_usage = true;
    s.rsa_pss = false;
    return s;
  };
  VT_ASSIGN_OR_RETURN(Certificate root,
                      IssueCertificate(spec("Test Device Identity CA", 1, true), root_key.get(),
                                       nullptr, root_key.get()));
  VT_ASSIGN_OR_RETURN(Certificate ica, IssueCertificate(spec("Test " + chip + " Identity", 2, true),
                                                        ica_key.get(), &root, root_key.get()));
  CertSpec brom_spec = spec(chip + " A01 GSP BROM", 3, true);
  brom_spec.subject.insert(brom_spec.subject.begin(), {"serialNumber", "41TESTDEVICE0001"});
  VT_ASSIGN_OR_RETURN(Certificate brom,
                      IssueCertificate(brom_spec, brom_key.get(), &ica, ica_key.get()));
  CertSpec leaf_spec = spec(chip + " A01 GSP FMC LF", 4, false);
  if (!fwid.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes spki, PublicKeyToDer(leaf_key.get()));
    leaf_spec.extensions.push_back(
        {blackwell ? "2.23.133.5.4.1.1" : "2.23.133.5.4.1", false,
         FwidExtension(fwid, spki, blackwell)});
  }
  VT_ASSIGN_OR_RETURN(Certificate leaf,
                      IssueCertificate(leaf_spec, leaf_key.get(), &brom, brom_key.get()));
  TestGpuPki pki;
  pki.chain_ = {leaf, brom, ica, root};
  pki.leaf_key_ = ShareKey(std::move(leaf_key));
  return pki;
}

Result<Bytes> TestGpuPki::Sign(const AttestationReport& report) const {
  Bytes bytes = WriteAttestationReport(report);
  auto digest = Sha384(SignedPart(bytes));
  VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(leaf_key_.get(), digest));
  VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, 48, false));
  std::copy(rs.first.begin(), rs.first.end(), bytes.end() - 96);
  std::copy(rs.second.begin(), rs.second.end(), bytes.end() - 48);
  return bytes;
}

}  // namespace veritee::nvgpu::testing
