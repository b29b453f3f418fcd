#include "attest/sim/snp_sim.h"

#include <filesystem>

#include "base/file.h"
#include "crypto/keys.h"
#include "parse/snp/tcb.h"

namespace veritee::sim {
namespace {

using snp::Product;

constexpr UnixTime kDay = 86400;
constexpr UnixTime kYear = 365 * kDay;
constexpr std::string_view kAmdArc = "1.3.6.1.4.1.3704.1.";

std::string Capital(Product p) {
  std::string name(snp::ProductName(p));
  if (!name.empty()) name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

std::vector<std::pair<std::string, std::string>> Name(const std::string& cn) {
  return {{"OU", "Engineering"},
          {"C", "US"},
          {"L", "Santa Clara"},
          {"ST", "CA"},
          {"O", std::string(kSimulatorOrganisation)},
          {"CN", cn}};
}

// DER INTEGER for a small non-negative value.
Bytes DerInteger(unsigned v) {
  if (v < 0x80) return {0x02, 0x01, static_cast<uint8_t>(v)};
  return {0x02, 0x02, 0x00, static_cast<uint8_t>(v)};
}

Bytes DerIa5(const std::string& s) {
  Bytes out = {0x16, static_cast<uint8_t>(s.size())};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

CertExtension Ext(const std::string& suffix, Bytes value) {
  return CertExtension{std::string(kAmdArc) + suffix, false, std::move(value)};
}

std::shared_ptr<EVP_PKEY> Share(EvpPkeyPtr k) { return ShareKey(std::move(k)); }

Result<std::shared_ptr<EVP_PKEY>> LoadKey(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(pem));
  return Share(std::move(key));
}

Result<Certificate> LoadCert(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  return certs.at(0);
}

}  // namespace

Result<SnpSimulator> SnpSimulator::Create(Product product, UnixTime now, int rsa_bits) {
  if (product == Product::kUnknown) {
    return MakeError(ErrorCode::kInvalidArgument, "simulator needs a product");
  }
  SnpSimulator sim;
  sim.product_ = product;
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr ark_key, GenerateRsaKey(rsa_bits));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr ask_key, GenerateRsaKey(rsa_bits));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr asvk_key, GenerateRsaKey(rsa_bits));
  sim.ark_key_ = Share(std::move(ark_key));
  sim.ask_key_ = Share(std::move(ask_key));
  sim.asvk_key_ = Share(std::move(asvk_key));
  const std::string p = Capital(product);
  const uint64_t base = 0x10000u * (static_cast<uint64_t>(product));
  UnixTime from = now - kDay, to = now + 25 * kYear;
  CertSpec ark{Name("ARK-" + p), base, from, to, true, std::nullopt, true, true, {}};
  VT_ASSIGN_OR_RETURN(sim.ark_, IssueCertificate(ark, sim.ark_key_.get(), nullptr,
                                                 sim.ark_key_.get()));
  CertSpec ask{Name("SEV-" + p), base + 1, from, to, true, 0, true, true, {}};
  VT_ASSIGN_OR_RETURN(sim.ask_, IssueCertificate(ask, sim.ask_key_.get(), &sim.ark_,
                                                 sim.ark_key_.get()));
  CertSpec asvk{Name("SEV-VLEK-" + p), base + 0x101, from, to, true, 0, true, true, {}};
  VT_ASSIGN_OR_RETURN(sim.asvk_, IssueCertificate(asvk, sim.asvk_key_.get(), &sim.ark_,
                                                  sim.ark_key_.get()));
  return sim;
}

Status SnpSimulator::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/keys", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), dir + "/keys");
  const std::pair<const char*, EVP_PKEY*> keys[] = {
      {"ark", ark_key_.get()}, {"ask", ask_key_.get()}, {"asvk", asvk_key_.get()}};
  for (const auto& [name, key] : keys) {
    VT_ASSIGN_OR_RETURN(std::string pem, PrivateKeyToPem(key));
    VT_RETURN_IF_ERROR(WriteFile(dir + "/keys/" + name + ".key.pem", pem));
  }
  VT_RETURN_IF_ERROR(WriteFile(dir + "/ark.pem", ark_.ToPem()));
  VT_RETURN_IF_ERROR(WriteFile(dir + "/ask.pem", ask_.ToPem()));
  VT_RETURN_IF_ERROR(WriteFile(dir + "/asvk.pem", asvk_.ToPem()));
  VT_RETURN_IF_ERROR(WriteFile(dir + "/cert_chain.pem", ask_.ToPem() + ark_.ToPem()));
  VT_RETURN_IF_ERROR(WriteFile(dir + "/vlek_cert_chain.pem", asvk_.ToPem() + ark_.ToPem()));
  return Ok();
}

Result<SnpSimulator> SnpSimulator::Load(const std::string& dir) {
  SnpSimulator sim;
  VT_ASSIGN_OR_RETURN(sim.ark_key_, LoadKey(dir + "/keys/ark.key.pem"));
  VT_ASSIGN_OR_RETURN(sim.ask_key_, LoadKey(dir + "/keys/ask.key.pem"));
  VT_ASSIGN_OR_RETURN(sim.asvk_key_, LoadKey(dir + "/keys/asvk.key.pem"));
  VT_ASSIGN_OR_RETURN(sim.ark_, LoadCert(dir + "/ark.pem"));
  VT_ASSIGN_OR_RETURN(sim.ask_, LoadCert(dir + "/ask.pem"));
  VT_ASSIGN_OR_RETURN(sim.asvk_, LoadCert(dir + "/asvk.pem"));
  std::string cn = sim.ark_.SubjectCn();
  sim.product_ = cn.rfind("ARK-", 0) == 0 ? snp::ProductFromName(cn.substr(4)) : Product::kUnknown;
  if (sim.product_ == Product::kUnknown) {
    return MakeError(ErrorCode::kMalformed, "simulator ARK has an unexpected name: " + cn, dir);
  }
  return sim;
}

namespace {

Result<SnpVek> IssueVekWith(const SnpVekSpec& spec, Product product, const Certificate& issuer,
                            EVP_PKEY* issuer_key, UnixTime default_from) {
  const bool turin = product == Product::kTurin;
  std::vector<CertExtension> exts;
  exts.push_back(Ext("1", DerInteger(turin && !spec.vlek ? 1 : 0)));
  std::string name = spec.product_name.value_or(
      product == Product::kMilan ? (spec.vlek ? "Milan" : "Milan-B0") : Capital(product));
  exts.push_back(Ext("2", DerIa5(name)));
  exts.push_back(Ext("3.1", DerInteger(spec.tcb.bootloader)));
  exts.push_back(Ext("3.2", DerInteger(spec.tcb.tee)));
  for (int i = 4; i <= 7; ++i) {
    if (turin && i == 4) continue;  // Turin VCEKs omit spl_4
    exts.push_back(Ext("3." + std::to_string(i), DerInteger(0)));
  }
  exts.push_back(Ext("3.3", DerInteger(spec.tcb.snp)));
  exts.push_back(Ext("3.8", DerInteger(spec.tcb.microcode)));
  if (turin) exts.push_back(Ext("3.9", DerInteger(spec.tcb.fmc.value_or(0))));
  if (spec.vlek) {
    exts.push_back(Ext("5", DerIa5("veritee-sim-csp")));
  } else {
    Bytes hwid = spec.hwid.value_or(
        Bytes(spec.chip_id.begin(), spec.chip_id.begin() + (turin ? 8 : 64)));
    exts.push_back(Ext("4", hwid));
  }
  UnixTime from = spec.not_before != 0 ? spec.not_before : default_from;
  UnixTime to = spec.not_after != 0 ? spec.not_after : from + 7 * kYear;
  CertSpec cs{Name(spec.vlek ? "SEV-VLEK" : "SEV-VCEK"), 0, from, to, false, std::nullopt,
              false, true, std::move(exts)};
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey("P-384"));
  VT_ASSIGN_OR_RETURN(Certificate cert, IssueCertificate(cs, key.get(), &issuer, issuer_key));
  return SnpVek{std::move(cert), Share(std::move(key))};
}

}  // namespace

Result<SnpVek> SnpSimulator::IssueVek(const SnpVekSpec& spec) const {
  return IssueVekWith(spec, product_, spec.vlek ? asvk_ : ask_,
                      spec.vlek ? asvk_key_.get() : ask_key_.get(), ark_.NotBefore());
}

Result<SnpVek> SnpSimulator::IssueVekFromRogueAsk(const SnpVekSpec& spec) const {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr rogue, GenerateRsaKey(2048));
  return IssueVekWith(spec, product_, spec.vlek ? asvk_ : ask_, rogue.get(), ark_.NotBefore());
}

snp::Report SnpSimulator::DefaultReport(uint32_t version, const snp::TcbParts& tcb) const {
  snp::Report r;
  r.version = version;
  r.policy = 0x30000;  // SMT allowed, reserved bit 17
  r.signature_algo = snp::kSignatureAlgoEcdsaP384Sha384;
  const snp::TcbLayout layout = snp::TcbLayoutFor(product_);
  uint64_t raw = snp::EncodeTcb(tcb, layout);
  r.current_tcb = r.reported_tcb = r.committed_tcb = r.launch_tcb = raw;
  r.platform_info = 0x1;  // SMT enabled
  if (version >= 3) {
    switch (product_) {
      case Product::kMilan: r.cpuid_fam_id = 0x19; r.cpuid_mod_id = 0x01; break;
      case Product::kGenoa: r.cpuid_fam_id = 0x19; r.cpuid_mod_id = 0x11; break;
      case Product::kTurin: r.cpuid_fam_id = 0x1a; r.cpuid_mod_id = 0x02; break;
      case Product::kUnknown: break;
    }
    r.cpuid_step = 1;
  }
  r.current_major = r.committed_major = 1;
  r.current_minor = r.committed_minor = 55;
  r.current_build = r.committed_build = 21;
  for (size_t i = 0; i < r.report_id.size(); ++i) r.report_id[i] = static_cast<uint8_t>(i + 1);
  r.report_id_ma.fill(0xff);
  return r;
}

Result<Bytes> SnpSimulator::Sign(snp::Report report, const SnpVek& vek) const {
  bool vlek = vek.cert.SubjectCn() == "SEV-VLEK";
  report.signature_algo = snp::kSignatureAlgoEcdsaP384Sha384;
  report.key_info = (report.key_info & ~uint32_t{0x1c}) | ((vlek ? 1u : 0u) << 2);
  report.signature_r.fill(0);
  report.signature_s.fill(0);
  Bytes bytes = snp::WriteReport(report);
  auto digest = Sha384(snp::SignedPart(bytes));
  VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(vek.key.get(), digest));
  VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, snp::kSignatureComponentSize, true));
  std::copy(rs.first.begin(), rs.first.end(), report.signature_r.begin());
  std::copy(rs.second.begin(), rs.second.end(), report.signature_s.begin());
  return snp::WriteReport(report);
}

}  // namespace veritee::sim
