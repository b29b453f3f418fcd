#include "attest/sim/dcap_sim.h"

#include <atomic>
#include <filesystem>

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/keys.h"

namespace veritee::sim {
namespace {

constexpr UnixTime kDay = 86400;
constexpr UnixTime kYear = 365 * kDay;
// The simulated QE's MRSIGNER (not Intel's).
constexpr std::array<uint8_t, 32> kQeMrSigner = {
    0x5e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x5e};

std::vector<std::pair<std::string, std::string>> Name(const std::string& cn) {
  return {{"CN", cn},
          {"O", std::string(kDcapSimulatorOrganisation)},
          {"L", "Santa Clara"},
          {"ST", "CA"},
          {"C", "US"}};
}

Result<std::shared_ptr<EVP_PKEY>> NewKey() {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr k, GenerateEcKey("P-256"));
  return ShareKey(std::move(k));
}

Result<std::shared_ptr<EVP_PKEY>> LoadKey(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path));
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(pem));
  return ShareKey(std::move(key));
}

Result<Certificate> LoadCert(const std::string& path) {
  VT_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path));
  VT_ASSIGN_OR_RETURN(auto certs, ParseCertificates(pem));
  return certs.at(0);
}

// ECDSA P-256 over SHA-256(data) as raw r||s.
Result<std::array<uint8_t, 64>> SignRaw(EVP_PKEY* key, ByteSpan data) {
  auto digest = Sha256(data);
  VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(key, digest));
  VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, 32, false));
  std::array<uint8_t, 64> out{};
  std::copy(rs.first.begin(), rs.first.end(), out.begin());
  std::copy(rs.second.begin(), rs.second.end(), out.begin() + 32);
  return out;
}

// x||y of a P-256 public key: the last 64 bytes of its SubjectPublicKeyInfo.
Result<std::array<uint8_t, 64>> RawPublicKey(EVP_PKEY* key) {
  VT_ASSIGN_OR_RETURN(Bytes spki, PublicKeyToDer(key));
  if (spki.size() < 65 || spki[spki.size() - 65] != 0x04) {
    return MakeError(ErrorCode::kInternal, "unexpected P-256 public key encoding");
  }
  std::array<uint8_t, 64> out{};
  std::copy(spki.end() - 64, spki.end(), out.begin());
  return out;
}

Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }

uint64_t NextSerial() {
  static std::atomic<uint64_t> counter{0};
  return 0x5000000 + static_cast<uint64_t>(SystemClock().Now() % 1000000) * 1000 + ++counter;
}

}  // namespace

std::string_view DcapFaultName(DcapFault f) {
  switch (f) {
    case DcapFault::kNone: return "none";
    case DcapFault::kRevokedPck: return "revoked-pck";
    case DcapFault::kOutOfDateTcb: return "outofdate-tcb";
    case DcapFault::kWrongFmspc: return "wrong-fmspc";
    case DcapFault::kExpiredCollateral: return "expired-collateral";
    case DcapFault::kQeIdentityMismatch: return "qe-identity-mismatch";
  }
  return "?";
}

Result<DcapFault> DcapFaultFromName(std::string_view name) {
  for (DcapFault f : {DcapFault::kNone, DcapFault::kRevokedPck, DcapFault::kOutOfDateTcb,
                      DcapFault::kWrongFmspc, DcapFault::kExpiredCollateral,
                      DcapFault::kQeIdentityMismatch}) {
    if (DcapFaultName(f) == name) return f;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown fault '" + std::string(name) +
                       "' (none, revoked-pck, outofdate-tcb, wrong-fmspc, expired-collateral, "
                       "qe-identity-mismatch)");
}

Result<DcapSimulator> DcapSimulator::Create(UnixTime now) {
  DcapSimulator s;
  VT_ASSIGN_OR_RETURN(s.root_key_, NewKey());
  VT_ASSIGN_OR_RETURN(s.ca_key_, NewKey());
  VT_ASSIGN_OR_RETURN(s.tcb_key_, NewKey());
  const UnixTime from = now - kDay, to = now + 25 * kYear;
  CertSpec root{Name("veritee simulator SGX Root CA"), 1, from, to, true, 1, true, false, {}};
  VT_ASSIGN_OR_RETURN(s.root_, IssueCertificate(root, s.root_key_.get(), nullptr, s.root_key_.get()));
  CertSpec ca{Name("veritee simulator SGX PCK Platform CA"), 2, from, to - kYear, true, 0, true,
              false, {}};
  VT_ASSIGN_OR_RETURN(s.ca_, IssueCertificate(ca, s.ca_key_.get(), &s.root_, s.root_key_.get()));
  CertSpec tcb{Name("veritee simulator SGX TCB Signing"), 3, from, to - kYear, false,
               std::nullopt, true, false, {}};
  VT_ASSIGN_OR_RETURN(s.tcb_, IssueCertificate(tcb, s.tcb_key_.get(), &s.root_, s.root_key_.get()));
  return s;
}

Status DcapSimulator::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/keys", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), dir);
  struct Item {
    const char* name;
    const std::shared_ptr<EVP_PKEY>& key;
    const Certificate& cert;
  };
  for (const Item& i : {Item{"root", root_key_, root_}, Item{"pck_ca", ca_key_, ca_},
                        Item{"tcb_signing", tcb_key_, tcb_}}) {
    VT_ASSIGN_OR_RETURN(std::string pem, PrivateKeyToPem(i.key.get()));
    VT_RETURN_IF_ERROR(WriteFile(dir + "/keys/" + i.name + ".key.pem", pem));
    VT_RETURN_IF_ERROR(WriteFile(dir + "/keys/" + i.name + ".pem", i.cert.ToPem()));
  }
  return WriteFile(dir + "/root.pem", root_.ToPem());
}

Result<DcapSimulator> DcapSimulator::Load(const std::string& dir) {
  DcapSimulator s;
  VT_ASSIGN_OR_RETURN(s.root_key_, LoadKey(dir + "/keys/root.key.pem"));
  VT_ASSIGN_OR_RETURN(s.ca_key_, LoadKey(dir + "/keys/pck_ca.key.pem"));
  VT_ASSIGN_OR_RETURN(s.tcb_key_, LoadKey(dir + "/keys/tcb_signing.key.pem"));
  VT_ASSIGN_OR_RETURN(s.root_, LoadCert(dir + "/keys/root.pem"));
  VT_ASSIGN_OR_RETURN(s.ca_, LoadCert(dir + "/keys/pck_ca.pem"));
  VT_ASSIGN_OR_RETURN(s.tcb_, LoadCert(dir + "/keys/tcb_signing.pem"));
  return s;
}

Result<DcapEvidence> DcapSimulator::Make(const DcapQuoteSpec& spec, const DcapPlatformSpec& platform,
                                         DcapFault fault, UnixTime now) const {
  if (spec.version < 3 || spec.version > 5 || (spec.version == 3 && spec.tdx)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "quote version 3 is SGX only; TDX quotes are version 4 or 5");
  }
  DcapEvidence out;
  // PCK certificate with the SGX extension.
  dcap::PckExtensions ext;
  for (size_t i = 0; i < 16; ++i) ext.ppid[i] = static_cast<uint8_t>(0xa0 + i);
  ext.tcb_comp_svn = platform.tcb_comp_svn;
  ext.pcesvn = platform.pcesvn;
  ext.cpusvn = platform.tcb_comp_svn;
  ext.fmspc = platform.fmspc;
  ext.sgx_type = dcap::SgxType::kScalable;
  VT_ASSIGN_OR_RETURN(auto pck_key, NewKey());
  const uint64_t pck_serial = NextSerial();
  CertSpec pck{Name("veritee simulator SGX PCK Certificate"), pck_serial, now - kDay,
               now + 7 * kYear, false, std::nullopt, true, false,
               {CertExtension{std::string(dcap::kSgxExtensionOid), false,
                              dcap::WritePckExtensions(ext)}}};
  VT_ASSIGN_OR_RETURN(out.pck, IssueCertificate(pck, pck_key.get(), &ca_, ca_key_.get()));

  // The quote.
  dcap::Quote q;
  q.header.version = spec.version;
  q.header.att_key_type = dcap::kAttKeyEcdsaP256;
  q.header.tee_type = spec.tdx ? dcap::kTeeTdx : dcap::kTeeSgx;
  if (spec.version == 3) {
    q.header.qe_svn = spec.qe_isv_svn;
    q.header.pce_svn = platform.pcesvn;
  }
  q.header.qe_vendor_id = dcap::kIntelQeVendorId;
  for (size_t i = 0; i < 16; ++i) q.header.user_data[i] = static_cast<uint8_t>(0x30 + i);
  if (spec.tdx) {
    q.body_type = spec.version == 5 ? spec.v5_body : dcap::BodyType::kTd10;
    q.td.tee_tcb_svn = spec.tee_tcb_svn;
    q.td.mr_seam = spec.mr_seam;
    q.td.td_attributes = spec.td_attributes | (spec.debug ? 1u : 0u);
    q.td.xfam = spec.xfam;
    q.td.mr_td = spec.mr_td;
    q.td.mr_config_id = spec.mr_config_id;
    q.td.mr_owner = spec.mr_owner;
    q.td.mr_owner_config = spec.mr_owner_config;
    q.td.rtmr = spec.rtmr;
    q.td.report_data = spec.report_data;
    if (q.body_type == dcap::BodyType::kTd15) {
      q.td.tee_tcb_svn2 = spec.tee_tcb_svn;
    }
  } else {
    q.body_type = dcap::BodyType::kSgx;
    q.sgx.cpu_svn = platform.tcb_comp_svn;
    q.sgx.attributes[0] = static_cast<uint8_t>(0x05 | (spec.debug ? 0x02 : 0));
    q.sgx.attributes[8] = 0xe7;
    q.sgx.mr_enclave = spec.mr_enclave;
    q.sgx.mr_signer = spec.mr_signer;
    q.sgx.isv_prod_id = spec.isv_prod_id;
    q.sgx.isv_svn = spec.isv_svn;
    q.sgx.report_data = spec.report_data;
  }
  if (spec.version == 5) q.body_descriptor = q.body_type;
  VT_ASSIGN_OR_RETURN(auto ak, NewKey());
  VT_ASSIGN_OR_RETURN(q.attest_key, RawPublicKey(ak.get()));
  dcap::QeReportCertData qe;
  qe.qe_report.cpu_svn = platform.tcb_comp_svn;
  qe.qe_report.attributes = {0x11, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < 32; ++i) qe.qe_report.mr_enclave[i] = static_cast<uint8_t>(0xe0 + i % 16);
  qe.qe_report.mr_signer = kQeMrSigner;
  qe.qe_report.isv_prod_id = spec.tdx ? 2 : 1;
  qe.qe_report.isv_svn = spec.qe_isv_svn;
  qe.qe_auth_data.resize(32);
  for (size_t i = 0; i < 32; ++i) qe.qe_auth_data[i] = static_cast<uint8_t>(i);
  Bytes binding(q.attest_key.begin(), q.attest_key.end());
  binding.insert(binding.end(), qe.qe_auth_data.begin(), qe.qe_auth_data.end());
  auto bind = Sha256(binding);
  std::copy(bind.begin(), bind.end(), qe.qe_report.report_data.begin());
  ByteWriter qe_bytes;
  dcap::WriteSgxReportBody(qe_bytes, qe.qe_report);
  VT_ASSIGN_OR_RETURN(qe.qe_report_signature, SignRaw(pck_key.get(), qe_bytes.data()));
  qe.inner.type = static_cast<uint16_t>(dcap::CertDataType::kPckCertChain);
  qe.inner.data = Text(out.pck.ToPem() + ca_.ToPem() + root_.ToPem());
  qe.inner.data.push_back(0);  // Intel's QE ends the chain with a NUL
  q.qe = std::move(qe);
  q.trailing.assign(spec.trailing_zeros, 0);
  dcap::UpdateLayout(q);
  Bytes unsigned_quote = dcap::WriteQuote(q);
  VT_ASSIGN_OR_RETURN(q.signature, SignRaw(ak.get(), ByteSpan(unsigned_quote).first(q.signed_size)));
  out.quote = dcap::WriteQuote(q);

  // Collateral.
  UnixTime issue = now - 3600, next = now + 30 * kDay;
  if (fault == DcapFault::kExpiredCollateral) {
    issue = now - 60 * kDay;
    next = now - kDay;
  }
  dcap::TcbInfo info;
  info.id = spec.tdx ? "TDX" : "SGX";
  info.version = 3;
  info.issue_date = issue;
  info.next_update = next;
  info.fmspc = platform.fmspc;
  if (fault == DcapFault::kWrongFmspc) info.fmspc[5] ^= 0x01;
  info.tcb_evaluation_data_number = 17;
  const uint8_t module_major = spec.tee_tcb_svn[1];
  if (spec.tdx) {
    info.tdx_module = dcap::TdxModule{};
    info.tdx_module->attributes_mask.fill(0xff);
    if (module_major > 0) {
      dcap::TdxModuleIdentity id;
      char name[8];
      std::snprintf(name, sizeof name, "TDX_%02X", module_major);
      id.id = name;
      id.module = *info.tdx_module;
      id.tcb_levels.push_back({spec.tee_tcb_svn[0], now - 100 * kDay, "", dcap::TcbStatus::kUpToDate, {}});
      info.tdx_module_identities.push_back(std::move(id));
    }
  }
  auto level = [&](std::array<uint8_t, 16> sgx, dcap::TcbStatus status, UnixTime date,
                   std::vector<std::string> advisories) {
    dcap::TcbLevel l;
    for (size_t i = 0; i < 16; ++i) l.sgx[i].svn = sgx[i];
    l.pcesvn = platform.pcesvn;
    if (spec.tdx) {
      l.tdx = std::array<dcap::TcbComponent, 16>{};
      for (size_t i = 0; i < 16; ++i) (*l.tdx)[i].svn = spec.tee_tcb_svn[i];
      if (module_major > 0) (*l.tdx)[1].svn = 0;
    }
    l.tcb_date = date;
    l.status = status;
    l.advisory_ids = std::move(advisories);
    return l;
  };
  auto newer = platform.tcb_comp_svn;
  newer[0] = static_cast<uint8_t>(newer[0] + 1);
  if (fault == DcapFault::kOutOfDateTcb) {
    info.tcb_levels.push_back(level(newer, dcap::TcbStatus::kUpToDate, now - 10 * kDay, {}));
    info.tcb_levels.push_back(level(platform.tcb_comp_svn, dcap::TcbStatus::kOutOfDate,
                                    now - 200 * kDay, {"INTEL-SA-00837"}));
  } else {
    info.tcb_levels.push_back(
        level(platform.tcb_comp_svn, dcap::TcbStatus::kUpToDate, now - 100 * kDay, {}));
  }
  auto older = platform.tcb_comp_svn;
  older[0] = 0;
  info.tcb_levels.push_back(
      level(older, dcap::TcbStatus::kOutOfDate, now - 900 * kDay, {"INTEL-SA-00615"}));
  for (auto& l : info.tcb_levels) l.tcb_date_text = FormatTime(l.tcb_date);
  for (auto& m : info.tdx_module_identities) {
    for (auto& l : m.tcb_levels) l.tcb_date_text = FormatTime(l.tcb_date);
  }
  const std::string tcb_body = dcap::WriteTcbInfo(info);
  VT_ASSIGN_OR_RETURN(auto tcb_sig, SignRaw(tcb_key_.get(), Text(tcb_body)));

  dcap::QeIdentity qi;
  qi.id = spec.tdx ? "TD_QE" : "QE";
  qi.version = 2;
  qi.issue_date = issue;
  qi.next_update = next;
  qi.tcb_evaluation_data_number = 17;
  qi.miscselect_mask = 0xffffffff;
  qi.attributes = {0x11};
  qi.attributes_mask = {0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  qi.mrsigner = kQeMrSigner;
  if (fault == DcapFault::kQeIdentityMismatch) qi.mrsigner[0] ^= 0xff;
  qi.isvprodid = spec.tdx ? 2 : 1;
  qi.tcb_levels.push_back({spec.qe_isv_svn, now - 100 * kDay, FormatTime(now - 100 * kDay),
                           dcap::TcbStatus::kUpToDate, {}});
  const std::string qe_body = dcap::WriteQeIdentity(qi);
  VT_ASSIGN_OR_RETURN(auto qe_sig, SignRaw(tcb_key_.get(), Text(qe_body)));

  std::vector<uint64_t> revoked;
  if (fault == DcapFault::kRevokedPck) revoked.push_back(pck_serial);
  VT_ASSIGN_OR_RETURN(Bytes pck_crl, IssueCrlDer(ca_, ca_key_.get(), issue, next, revoked, false));
  VT_ASSIGN_OR_RETURN(Bytes root_crl,
                      IssueCrlDer(root_, root_key_.get(), issue, now + 365 * kDay, {}, false));
  trust::DcapCollateral& c = out.collateral;
  c.pck_crl = std::move(pck_crl);
  c.pck_crl_issuer_chain = Text(ca_.ToPem() + root_.ToPem());
  c.root_ca_crl = std::move(root_crl);
  c.tcb_info = Text(dcap::WrapSignedBody("tcbInfo", tcb_body, tcb_sig));
  c.tcb_info_issuer_chain = Text(tcb_.ToPem() + root_.ToPem());
  c.qe_identity = Text(dcap::WrapSignedBody("enclaveIdentity", qe_body, qe_sig));
  c.qe_identity_issuer_chain = c.tcb_info_issuer_chain;
  c.source = "simulator";
  return out;
}

}  // namespace veritee::sim
