#include "attest/attester.h"

#include <algorithm>

#include "attest/configfs_tsm.h"
#include "attest/nsm.h"
#include "attest/sev_guest.h"
#include "attest/tdx_guest.h"
#include "attest/tpm.h"

namespace veritee::attest {
namespace {

class TsmAttester final : public Attester {
 public:
  TsmAttester(std::string root, std::string tee, uint32_t vmpl)
      : root_(std::move(root)), tee_(std::move(tee)), vmpl_(vmpl) {}
  std::string_view name() const override { return "configfs-tsm"; }
  Result<Evidence> Attest(const ReportData& rd) override {
    TsmOptions o;
    o.root = root_;
    if (tee_ == "sev-snp") o.privlevel = vmpl_;
    VT_ASSIGN_OR_RETURN(TsmReport r, GetTsmReport(rd, o));
    Evidence e;
    e.tee = r.provider == "tdx_guest" ? "tdx" : r.provider == "sev_guest" ? "sev-snp" : tee_;
    e.source = "configfs-tsm";
    e.evidence = std::move(r.outblob);
    e.endorsements = std::move(r.auxblob);
    return e;
  }

 private:
  std::string root_, tee_;
  uint32_t vmpl_;
};

class SevGuestAttester final : public Attester {
 public:
  SevGuestAttester(std::string path, uint32_t vmpl) : path_(std::move(path)), vmpl_(vmpl) {}
  std::string_view name() const override { return "sev-guest"; }
  Result<Evidence> Attest(const ReportData& rd) override {
    VT_ASSIGN_OR_RETURN(auto dev, sevguest::SevGuestDevice::Open(path_));
    Evidence e;
    e.tee = "sev-snp";
    e.source = "sev-guest";
    // The extended report brings the host's certificate table; a host that has none (or
    // a kernel without the extended request) still gives the plain report.
    auto ext = dev.GetExtReport(rd, vmpl_);
    if (ext) {
      e.evidence = std::move(ext->report);
      e.endorsements = std::move(ext->certs);
    } else {
      VT_ASSIGN_OR_RETURN(e.evidence, dev.GetReport(rd, vmpl_));
      e.note = "no certificate table from the host (" + ext.error().message +
               "): fetch the VCEK from AMD KDS";
    }
    return e;
  }

 private:
  std::string path_;
  uint32_t vmpl_;
};

class TdxGuestAttester final : public Attester {
 public:
  explicit TdxGuestAttester(std::string path) : path_(std::move(path)) {}
  std::string_view name() const override { return "tdx-guest"; }
  Result<Evidence> Attest(const ReportData& rd) override {
    Evidence e;
    e.tee = "tdx-tdreport";
    e.source = "tdx-guest";
    VT_ASSIGN_OR_RETURN(e.evidence, tdxguest::GetTdReport(rd, path_));
    e.note = "a TDREPORT is MACed for this platform only; a remotely verifiable quote needs "
             "configfs-tsm (Linux 6.7+) and a quoting enclave";
    return e;
  }

 private:
  std::string path_;
};

class NsmAttester final : public Attester {
 public:
  explicit NsmAttester(std::string path) : path_(std::move(path)) {}
  std::string_view name() const override { return "nsm"; }
  Result<Evidence> Attest(const ReportData& rd) override {
    nsm::AttestationRequest req;
    req.user_data = Bytes(rd.begin(), rd.end());
    Evidence e;
    e.tee = "nitro";
    e.source = "nsm";
    VT_ASSIGN_OR_RETURN(e.evidence, nsm::GetAttestationDocument(req, path_));
    return e;
  }

 private:
  std::string path_;
};

class TpmAttester final : public Attester {
 public:
  TpmAttester(std::string tcti, PcrSelectionSpec pcrs)
      : tcti_(std::move(tcti)), pcrs_(std::move(pcrs)) {}
  std::string_view name() const override { return "tpm"; }
  Result<Evidence> Attest(const ReportData& rd) override {
    VT_ASSIGN_OR_RETURN(TpmQuote q, TpmQuoteWithAk(tcti_, rd, pcrs_));
    Evidence e;
    e.tee = "tpm";
    e.source = "tpm";
    e.evidence = std::move(q.attest);
    e.parts["sig"] = std::move(q.signature);
    e.parts["pcrs"] = std::move(q.pcrs);
    e.parts["ak.pub"] = std::move(q.ak_public);
    e.parts["ak.pem"] = Bytes(q.ak_pem.begin(), q.ak_pem.end());
    return e;
  }

 private:
  std::string tcti_;
  PcrSelectionSpec pcrs_;
};

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<std::unique_ptr<Attester>> SelectAttester(const Detection& d, const AttesterOptions& o) {
  if (d.tee == "sev-snp" || d.tee == "tdx") {
    if (Has(d.attesters, "configfs-tsm")) {
      return std::make_unique<TsmAttester>(o.root + kConfigfsTsmRoot, d.tee, o.vmpl);
    }
    if (d.tee == "sev-snp" && Has(d.attesters, "sev-guest")) {
      return std::make_unique<SevGuestAttester>(o.root + "/dev/sev-guest", o.vmpl);
    }
    if (d.tee == "tdx" && Has(d.attesters, "tdx-guest")) {
      return std::make_unique<TdxGuestAttester>(o.root + "/dev/tdx_guest");
    }
  }
  if (d.tee == "nitro" && Has(d.attesters, "nsm")) {
    return std::make_unique<NsmAttester>(o.root + "/dev/nsm");
  }
  if (o.allow_tpm && Has(d.attesters, "tpm")) {
    VT_ASSIGN_OR_RETURN(PcrSelectionSpec pcrs, ParsePcrSelection(o.pcrs));
    return std::make_unique<TpmAttester>(o.tcti, std::move(pcrs));
  }
  if (d.tee != "none") {
    return MakeError(ErrorCode::kUnsupported,
                     d.tee + " guest, but no attestation interface is usable by this user: " +
                         d.summary);
  }
  return MakeError(ErrorCode::kUnsupported, d.summary + " (use --sim DIR for simulated evidence)");
}

}  // namespace veritee::attest
