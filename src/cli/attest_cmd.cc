// `veritee detect` and `veritee attest`.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "attest/attester.h"
#include "attest/detect.h"
#include "attest/sim/snp_attester.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/attest_commands.h"
#include "crypto/keys.h"
#include "crypto/x509.h"
#include "verify/verification.h"

namespace veritee::cli {
namespace {

struct DetectArgs {
  bool json = false;
};

int RunDetect(const DetectArgs& a) {
  attest::Detection d = attest::Detect();
  if (a.json) {
    Json out = {{"tee", d.tee}, {"summary", d.summary}, {"attesters", d.attesters},
                {"cpu_flags", d.cpu_flags}};
    Json ifs = Json::array();
    for (const auto& i : d.interfaces) {
      ifs.push_back({{"name", i.name}, {"path", i.path}, {"usable", i.usable},
                     {"detail", i.detail}});
    }
    out["interfaces"] = ifs;
    Json gpus = Json::array();
    for (const auto& g : d.gpus) {
      gpus.push_back({{"pci_address", g.pci_address}, {"device_id", g.device_id},
                      {"cc_mode", g.cc_mode}});
    }
    out["gpus"] = gpus;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << (d.tee == "none" ? "no TEE" : "TEE: " + d.tee) << "\n  " << d.summary << "\n";
  for (const auto& i : d.interfaces) {
    std::cout << "  " << (i.usable ? "✓ " : "– ") << i.name << " (" << i.path << "): " << i.detail
              << "\n";
  }
  for (const auto& g : d.gpus) {
    std::cout << "  NVIDIA GPU " << g.pci_address << " (" << g.device_id
              << "), confidential-computing mode: " << g.cc_mode << "\n";
  }
  return 0;
}

struct AttestArgs {
  std::string nonce, report_data, bind_key, out, sim, tcti = "device:/dev/tpmrm0";
  std::string pcrs = "sha256:0,1,2,3,4,5,6,7";
  uint32_t vmpl = 0;
  bool json = false;
};

int Usage(const std::string& message) {
  std::cerr << "veritee: " << message << "\n";
  return 2;
}

Result<attest::ReportData> BindingFromArgs(const AttestArgs& a) {
  attest::Binding b;
  if (!a.report_data.empty()) {
    VT_ASSIGN_OR_RETURN(b.report_data, FromHex(a.report_data));
  }
  if (!a.nonce.empty()) {
    VT_ASSIGN_OR_RETURN(b.nonce, FromHex(a.nonce));
  }
  if (!a.bind_key.empty()) {
    VT_ASSIGN_OR_RETURN(Bytes text, ReadFile(a.bind_key));
    // A public key (SPKI, PEM or DER), or a certificate whose key is meant.
    auto key = ParsePublicKey(text);
    if (key) {
      VT_ASSIGN_OR_RETURN(b.public_key_spki, PublicKeyToDer(key->get()));
    } else {
      auto certs = ParseCertificates(text);
      if (!certs || certs->empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "--bind-key: not a public key or certificate (PEM or DER)", a.bind_key);
      }
      VT_ASSIGN_OR_RETURN(b.public_key_spki, PublicKeyToDer((*certs)[0].PublicKey()));
    }
  }
  return attest::BindReportData(b);
}

int RunAttest(const AttestArgs& a) {
  auto rd = BindingFromArgs(a);
  if (!rd) return Usage(rd.error().ToString());
  std::unique_ptr<attest::Attester> attester;
  if (!a.sim.empty()) {
    sim::SnpAttesterOptions o;
    auto s = sim::SnpSimAttester::Open(a.sim, o, SystemClock().Now());
    if (!s) return Usage(s.error().ToString());
    attester = std::move(*s);
  } else {
    attest::AttesterOptions o;
    o.vmpl = a.vmpl;
    o.tcti = a.tcti;
    o.pcrs = a.pcrs;
    auto selected = attest::SelectAttester(attest::Detect(), o);
    if (!selected) {
      std::cerr << "veritee: cannot attest: " << selected.error().message << "\n";
      return 1;
    }
    attester = std::move(*selected);
  }
  auto e = attester->Attest(*rd);
  if (!e) {
    std::cerr << "veritee: " << attester->name() << ": " << e.error().ToString() << "\n";
    return e.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  Json files = Json::object();
  std::string verify = "veritee verify ";
  if (a.out.empty()) {
    // Evidence files may be base64 text, so `veritee attest > FILE` is verifiable too.
    if (!a.json) std::cout << ToBase64(e->evidence) << "\n";
    if (!e->endorsements.empty() || !e->parts.empty()) {
      std::cerr << "veritee: the certificates and other parts need --out FILE\n";
    }
  } else {
    if (auto st = WriteFile(a.out, e->evidence); !st) return Usage(st.error().ToString());
    files["evidence"] = a.out;
    verify += a.out;
    if (!e->endorsements.empty()) {
      const std::string certs = a.out + ".certs";
      if (auto st = WriteFile(certs, e->endorsements); !st) return Usage(st.error().ToString());
      files["certs"] = certs;
      verify += " --cert " + certs;
    }
    for (const auto& [name, bytes] : e->parts) {
      const std::string path = a.out + "." + name;
      if (auto st = WriteFile(path, bytes); !st) return Usage(st.error().ToString());
      files[name] = path;
    }
    if (e->tee == "tpm") {
      verify += " --signature " + a.out + ".sig --ak " + a.out + ".ak.pub --pcrs " + a.out +
                ".pcrs";
    }
    if (e->simulated) verify += " --trust-root " + a.sim + "/ark.pem";
  }
  verify += " --expect " + std::string(e->tee == "tpm" ? "nonce=" : "report_data=") + ToHex(*rd);
  if (a.json) {
    Json out = {{"tee", e->tee},           {"source", e->source},
                {"simulated", e->simulated}, {"report_data", ToHex(*rd)},
                {"files", files},           {"verify_command", verify}};
    if (!e->note.empty()) out["note"] = e->note;
    if (a.out.empty()) out["evidence_base64"] = ToBase64(e->evidence);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cerr << e->tee << " evidence from " << e->source
            << (e->simulated ? " (SIMULATED: verifies only with the simulator's root)" : "")
            << "\n  report data: " << ToHex(*rd) << "\n";
  for (const auto& [name, path] : files.items()) {
    std::cerr << "  " << name << ": " << path.get<std::string>() << "\n";
  }
  if (!e->note.empty()) std::cerr << "  note: " << e->note << "\n";
  if (!a.out.empty()) std::cerr << "verify with:\n  " << verify << "\n";
  return 0;
}

}  // namespace

void RegisterDetect(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DetectArgs>();
  auto* cmd = app.add_subcommand("detect", "which TEE this machine runs in, and its attestation "
                                           "interfaces (exit 0 also when there is none)");
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->callback([args, exit_code] { *exit_code = RunDetect(*args); });
}

void RegisterAttest(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AttestArgs>();
  auto* cmd = app.add_subcommand(
      "attest", "evidence from the TEE we run in, binding a nonce and/or a public key");
  auto* nonce = cmd->add_option("--nonce", args->nonce, "nonce to bind (hex, up to 64 bytes)");
  auto* rd = cmd->add_option("--report-data", args->report_data,
                             "exact report data (hex, up to 64 bytes, zero-padded)");
  auto* key = cmd->add_option("--bind-key", args->bind_key,
                              "bind SHA-512 of this public key's DER SubjectPublicKeyInfo "
                              "(with --nonce: SHA-512(SPKI || nonce))");
  rd->excludes(nonce)->excludes(key);
  cmd->add_option("--out", args->out,
                  "evidence file; certificates go to FILE.certs, TPM parts to FILE.sig, "
                  "FILE.pcrs, FILE.ak.pub, FILE.ak.pem (default: base64 on stdout)");
  cmd->add_option("--sim", args->sim,
                  "simulated SEV-SNP evidence with the simulator PKI in DIR (created if absent)");
  cmd->add_option("--vmpl", args->vmpl, "SEV-SNP VMPL to report (default 0)");
  cmd->add_option("--tcti", args->tcti, "TPM TCTI (default device:/dev/tpmrm0)");
  cmd->add_option("--pcrs", args->pcrs, "TPM PCRs to quote (default sha256:0,1,2,3,4,5,6,7)");
  cmd->add_flag("--json", args->json, "print what was written as JSON");
  cmd->callback([args, exit_code] { *exit_code = RunAttest(*args); });
}

}  // namespace veritee::cli
