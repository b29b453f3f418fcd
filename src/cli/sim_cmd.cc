// `veritee sim snp`: simulated SEV-SNP evidence with its PKI.
#include <filesystem>
#include <iostream>
#include <memory>

#include "attest/sim/snp_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/commands.h"
#include "verify/snp/policy.h"
#include "verify/verification.h"

namespace veritee::cli {
namespace {

struct SimArgs {
  std::string out, product = "genoa", signer = "vcek", tcb, vek_tcb, vek_hwid;
  std::string report_data, measurement, host_data, family_id, image_id, chip_id, id_key_digest;
  std::string author_key_digest, policy, platform_info, vek_not_before, vek_not_after;
  uint32_t version = 5, vmpl = 0, guest_svn = 0;
  int rsa_bits = 4096;
  bool debug = false, json = false;
};

template <size_t N>
Status HexInto(const std::string& text, const char* option, std::array<uint8_t, N>& into) {
  if (text.empty()) return Ok();
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() > N) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(option) + ": expected up to " + std::to_string(N) +
                         " bytes of hex");
  }
  into.fill(0);
  std::copy(bytes->begin(), bytes->end(), into.begin());
  return Ok();
}

// "0x30000" or "30000": a hex u64 of up to 16 digits.
Result<uint64_t> HexU64Value(const std::string& text, const char* option) {
  std::string digits = text.rfind("0x", 0) == 0 ? text.substr(2) : text;
  if (digits.size() % 2 != 0) digits = "0" + digits;
  auto bytes = FromHex(digits);
  if (!bytes || bytes->empty() || bytes->size() > 8) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(option) + ": expected a hex u64");
  }
  uint64_t v = 0;
  for (uint8_t b : *bytes) v = v << 8 | b;
  return v;
}

Status RunSimSnp(const SimArgs& a) {
  VT_ASSIGN_OR_RETURN(snp::Product product, snp::ParseProduct(a.product));
  if (a.version < 2 || a.version > 5) {
    return MakeError(ErrorCode::kInvalidArgument, "--version must be 2, 3, 4 or 5");
  }
  if (a.signer != "vcek" && a.signer != "vlek") {
    return MakeError(ErrorCode::kInvalidArgument, "--signer is vcek or vlek");
  }
  if (a.vmpl > 3) return MakeError(ErrorCode::kInvalidArgument, "--vmpl is 0..3");
  const UnixTime now = SystemClock().Now();
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), a.out);

  std::optional<sim::SnpSimulator> simulator;
  if (std::filesystem::exists(a.out + "/keys/ark.key.pem")) {
    VT_ASSIGN_OR_RETURN(auto loaded, sim::SnpSimulator::Load(a.out));
    if (loaded.product() != product) {
      return MakeError(ErrorCode::kInvalidArgument,
                       a.out + " holds a " + std::string(snp::ProductName(loaded.product())) +
                           " simulator PKI; use another --out folder for " + a.product);
    }
    simulator = std::move(loaded);
  } else {
    if (!a.json) std::cerr << "generating a " << a.product << " simulator PKI (RSA-" << a.rsa_bits << ")…\n";
    VT_ASSIGN_OR_RETURN(auto created, sim::SnpSimulator::Create(product, now, a.rsa_bits));
    VT_RETURN_IF_ERROR(created.Save(a.out));
    simulator = std::move(created);
  }

  snp::TcbParts tcb{product == snp::Product::kTurin ? std::optional<uint8_t>(1) : std::nullopt,
                    4, 0, 24, 219};
  if (!a.tcb.empty()) {
    VT_ASSIGN_OR_RETURN(tcb, snp::ParseTcbSpec(a.tcb));
  }
  if (product == snp::Product::kTurin && !tcb.fmc) tcb.fmc = 0;
  snp::Report r = simulator->DefaultReport(a.version, tcb);
  r.vmpl = a.vmpl;
  r.guest_svn = a.guest_svn;
  if (!a.policy.empty()) {
    VT_ASSIGN_OR_RETURN(r.policy, HexU64Value(a.policy, "--policy"));
  }
  if (a.debug) r.policy |= uint64_t{1} << 19;
  if (!a.platform_info.empty()) {
    VT_ASSIGN_OR_RETURN(r.platform_info, HexU64Value(a.platform_info, "--platform-info"));
  }
  VT_RETURN_IF_ERROR(HexInto(a.report_data, "--report-data", r.report_data));
  VT_RETURN_IF_ERROR(HexInto(a.measurement, "--measurement", r.measurement));
  VT_RETURN_IF_ERROR(HexInto(a.host_data, "--host-data", r.host_data));
  VT_RETURN_IF_ERROR(HexInto(a.family_id, "--family-id", r.family_id));
  VT_RETURN_IF_ERROR(HexInto(a.image_id, "--image-id", r.image_id));
  VT_RETURN_IF_ERROR(HexInto(a.id_key_digest, "--id-key-digest", r.id_key_digest));
  VT_RETURN_IF_ERROR(HexInto(a.author_key_digest, "--author-key-digest", r.author_key_digest));
  if (!a.author_key_digest.empty()) r.key_info |= 1;
  if (a.measurement.empty()) {
    for (size_t i = 0; i < r.measurement.size(); ++i) r.measurement[i] = static_cast<uint8_t>(0xa0 + i);
  }
  const bool vlek = a.signer == "vlek";
  if (!vlek) {
    if (a.chip_id.empty()) {
      for (size_t i = 0; i < (product == snp::Product::kTurin ? 8u : 64u); ++i) {
        r.chip_id[i] = static_cast<uint8_t>(0x11 * (i % 15 + 1));
      }
    } else {
      VT_RETURN_IF_ERROR(HexInto(a.chip_id, "--chip-id", r.chip_id));
    }
  }
  sim::SnpVekSpec spec;
  spec.vlek = vlek;
  spec.chip_id = r.chip_id;
  spec.tcb = tcb;
  if (!a.vek_tcb.empty()) {
    VT_ASSIGN_OR_RETURN(spec.tcb, snp::ParseTcbSpec(a.vek_tcb));
  }
  if (!a.vek_hwid.empty()) {
    VT_ASSIGN_OR_RETURN(spec.hwid, FromHex(a.vek_hwid));
  }
  if (!a.vek_not_before.empty()) {
    VT_ASSIGN_OR_RETURN(spec.not_before, ParseTime(a.vek_not_before));
  }
  if (!a.vek_not_after.empty()) {
    VT_ASSIGN_OR_RETURN(spec.not_after, ParseTime(a.vek_not_after));
  }
  VT_ASSIGN_OR_RETURN(sim::SnpVek vek, simulator->IssueVek(spec));
  VT_ASSIGN_OR_RETURN(Bytes report, simulator->Sign(r, vek));

  const std::string report_path = a.out + "/report.bin";
  const std::string vek_path = a.out + (vlek ? "/vlek.pem" : "/vcek.pem");
  const std::string chain_path = a.out + (vlek ? "/vlek_cert_chain.pem" : "/cert_chain.pem");
  VT_RETURN_IF_ERROR(WriteFile(report_path, report));
  VT_RETURN_IF_ERROR(WriteFile(vek_path, vek.cert.ToPem()));
  const std::string verify = "veritee verify " + report_path + " --cert " + vek_path +
                             " --cert " + chain_path + " --trust-root " + a.out + "/ark.pem";
  if (a.json) {
    Json out = {{"tee", "sev-snp"},        {"simulated", true},
                {"product", a.product},    {"version", a.version},
                {"signer", a.signer},      {"report", report_path},
                {"vek", vek_path},         {"cert_chain", chain_path},
                {"trust_root", a.out + "/ark.pem"},
                {"verify_command", verify}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "simulated SEV-SNP evidence (" << a.product << ", report v" << a.version << ", "
              << a.signer << ") in " << a.out << ":\n"
              << "  report:      " << report_path << "\n"
              << "  " << (vlek ? "VLEK" : "VCEK") << ":        " << vek_path << "\n"
              << "  chain:       " << chain_path << "\n"
              << "  trust root:  " << a.out << "/ark.pem (simulator: never built in)\n"
              << "verify with:\n  " << verify << "\n";
  }
  return Ok();
}

}  // namespace

void RegisterSim(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SimArgs>();
  auto* sim = app.add_subcommand("sim", "make simulated evidence with a test PKI (never trusted by default)");
  sim->require_subcommand(1);
  RegisterSimNitro(*sim, exit_code);
  auto* cmd = sim->add_subcommand("snp", "a simulated AMD SEV-SNP report, VCEK/VLEK and ARK/ASK/ASVK");
  cmd->add_option("--out", args->out, "output folder (its PKI is reused on later runs)")->required();
  cmd->add_option("--product", args->product, "milan, genoa or turin (default genoa)");
  cmd->add_option("--version", args->version, "report version 2..5 (default 5)");
  cmd->add_option("--signer", args->signer, "vcek or vlek (default vcek)");
  cmd->add_option("--report-data", args->report_data, "REPORT_DATA hex (up to 64 bytes)");
  cmd->add_option("--measurement", args->measurement, "MEASUREMENT hex (48 bytes)");
  cmd->add_option("--host-data", args->host_data, "HOST_DATA hex (32 bytes)");
  cmd->add_option("--family-id", args->family_id, "FAMILY_ID hex (16 bytes)");
  cmd->add_option("--image-id", args->image_id, "IMAGE_ID hex (16 bytes)");
  cmd->add_option("--id-key-digest", args->id_key_digest, "ID_KEY_DIGEST hex (48 bytes)");
  cmd->add_option("--author-key-digest", args->author_key_digest,
                  "AUTHOR_KEY_DIGEST hex (48 bytes); sets AUTHOR_KEY_EN");
  cmd->add_option("--chip-id", args->chip_id, "CHIP_ID hex (64 bytes)");
  cmd->add_option("--policy", args->policy, "guest POLICY as hex u64 (default 0x30000)");
  cmd->add_flag("--debug", args->debug, "set POLICY.DEBUG");
  cmd->add_option("--platform-info", args->platform_info, "PLATFORM_INFO as hex u64 (default 0x1)");
  cmd->add_option("--tcb", args->tcb, "TCB of the report, e.g. bootloader=4,tee=0,snp=24,microcode=219");
  cmd->add_option("--vmpl", args->vmpl, "VMPL 0..3");
  cmd->add_option("--guest-svn", args->guest_svn, "GUEST_SVN");
  cmd->add_option("--vek-tcb", args->vek_tcb, "TCB written into the VEK (default: the report's)");
  cmd->add_option("--vek-hwid", args->vek_hwid, "hwID written into the VCEK (default: CHIP_ID)");
  cmd->add_option("--vek-not-before", args->vek_not_before, "VEK notBefore (RFC 3339)");
  cmd->add_option("--vek-not-after", args->vek_not_after, "VEK notAfter (RFC 3339)");
  cmd->add_option("--rsa-bits", args->rsa_bits, "simulator CA key size (default 4096, as AMD)");
  cmd->add_flag("--json", args->json, "print the written paths as JSON");
  cmd->callback([args, exit_code] {
    auto st = RunSimSnp(*args);
    if (!st) {
      std::cerr << "veritee: " << st.error().ToString() << "\n";
      *exit_code = 2;
    } else {
      *exit_code = 0;
    }
  });
}

}  // namespace veritee::cli
