// `veritee sim tdx` and `veritee sim sgx`: simulated Intel DCAP quotes with their PKI and
// collateral (attest/sim/dcap_sim.h), written as the folder layout `verify --collateral`
// reads, plus a one-file bundle.
#include <filesystem>
#include <iostream>
#include <memory>

#include "attest/sim/dcap_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/commands.h"
#include "verify/verification.h"

namespace veritee::cli {
namespace {

struct SimDcapArgs {
  std::string out, report_data, mr_td, mr_enclave, mr_signer, tee_tcb_svn, fmspc, fault = "none",
                                                                                 at, body = "1.5";
  uint16_t version = 0, isv_prod_id = 0, isv_svn = 0, qe_svn = 7;
  size_t padding = 0;
  bool debug = false, json = false;
};

template <size_t N>
Status HexInto(const std::string& text, const char* option, std::array<uint8_t, N>& into,
               bool exact) {
  if (text.empty()) return Ok();
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() > N || (exact && bytes->size() != N)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(option) + ": expected " + (exact ? "" : "up to ") +
                         std::to_string(N) + " bytes of hex");
  }
  into.fill(0);
  std::copy(bytes->begin(), bytes->end(), into.begin());
  return Ok();
}

Status RunSimDcap(const SimDcapArgs& a, bool tdx) {
  const UnixTime now = a.at.empty() ? SystemClock().Now() : ParseTime(a.at).value_or(0);
  if (now == 0) return MakeError(ErrorCode::kInvalidArgument, "--at: not a time");
  VT_ASSIGN_OR_RETURN(sim::DcapFault fault, sim::DcapFaultFromName(a.fault));
  sim::DcapQuoteSpec spec;
  spec.tdx = tdx;
  spec.version = a.version != 0 ? a.version : (tdx ? 4 : 3);
  if (a.body != "1.5" && a.body != "1.0") {
    return MakeError(ErrorCode::kInvalidArgument, "--body is 1.0 or 1.5 (TD report of a v5 quote)");
  }
  spec.v5_body = a.body == "1.0" ? dcap::BodyType::kTd10 : dcap::BodyType::kTd15;
  VT_RETURN_IF_ERROR(HexInto(a.report_data, "--report-data", spec.report_data, false));
  VT_RETURN_IF_ERROR(HexInto(a.mr_td, "--mr-td", spec.mr_td, true));
  VT_RETURN_IF_ERROR(HexInto(a.tee_tcb_svn, "--tee-tcb-svn", spec.tee_tcb_svn, true));
  VT_RETURN_IF_ERROR(HexInto(a.mr_enclave, "--mr-enclave", spec.mr_enclave, true));
  VT_RETURN_IF_ERROR(HexInto(a.mr_signer, "--mr-signer", spec.mr_signer, true));
  if (a.mr_td.empty()) {
    for (size_t i = 0; i < 48; ++i) spec.mr_td[i] = static_cast<uint8_t>(0x70 + i);
  }
  if (a.mr_enclave.empty()) {
    for (size_t i = 0; i < 32; ++i) spec.mr_enclave[i] = static_cast<uint8_t>(0x90 + i);
  }
  spec.isv_prod_id = a.isv_prod_id;
  spec.isv_svn = a.isv_svn;
  spec.qe_isv_svn = a.qe_svn;
  spec.debug = a.debug;
  spec.trailing_zeros = a.padding;
  sim::DcapPlatformSpec platform;
  VT_RETURN_IF_ERROR(HexInto(a.fmspc, "--fmspc", platform.fmspc, true));

  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), a.out);
  std::optional<sim::DcapSimulator> simulator;
  if (std::filesystem::exists(a.out + "/keys/tcb_signing.key.pem")) {
    VT_ASSIGN_OR_RETURN(auto loaded, sim::DcapSimulator::Load(a.out));
    simulator = std::move(loaded);
  } else {
    VT_ASSIGN_OR_RETURN(auto created, sim::DcapSimulator::Create(now));
    VT_RETURN_IF_ERROR(created.Save(a.out));
    simulator = std::move(created);
  }
  VT_ASSIGN_OR_RETURN(sim::DcapEvidence ev, simulator->Make(spec, platform, fault, now));
  const std::string quote_path = a.out + "/quote.bin";
  VT_RETURN_IF_ERROR(WriteFile(quote_path, ev.quote));
  VT_RETURN_IF_ERROR(trust::SaveCollateralFolder(ev.collateral, a.out));
  VT_ASSIGN_OR_RETURN(std::string bundle, trust::WriteCollateralBundle(ev.collateral));
  VT_RETURN_IF_ERROR(WriteFile(a.out + "/collateral.json", bundle));
  const std::string root = a.out + "/root.pem";
  const std::string verify = "veritee verify " + quote_path + " --collateral " + a.out +
                             " --trust-root " + root + " --at " + FormatTime(now);
  const char* tee = tdx ? "tdx" : "sgx";
  if (a.json) {
    Json out = {{"tee", tee},
                {"simulated", true},
                {"quote_version", spec.version},
                {"fault", a.fault},
                {"quote", quote_path},
                {"collateral", a.out},
                {"collateral_bundle", a.out + "/collateral.json"},
                {"trust_root", root},
                {"at", FormatTime(now)},
                {"verify_command", verify}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "simulated " << (tdx ? "TDX" : "SGX") << " quote v" << spec.version
              << (a.fault == "none" ? "" : " (fault: " + a.fault + ")") << " in " << a.out << ":\n"
              << "  quote:       " << quote_path << "\n"
              << "  collateral:  " << a.out << " (folder) and " << a.out << "/collateral.json\n"
              << "  trust root:  " << root << " (simulator: never built in)\n"
              << "verify with:\n  " << verify << "\n";
  }
  return Ok();
}

void AddDcap(CLI::App& sim, bool tdx, int* exit_code) {
  auto args = std::make_shared<SimDcapArgs>();
  auto* cmd = sim.add_subcommand(
      tdx ? "tdx" : "sgx",
      tdx ? "a simulated Intel TDX quote (v4/v5) with its PKI and collateral"
          : "a simulated Intel SGX quote (v3/v4/v5) with its PKI and collateral");
  cmd->add_option("--out", args->out, "output folder (its PKI is reused on later runs)")->required();
  cmd->add_option("--version", args->version,
                  tdx ? "quote version 4 or 5 (default 4)" : "quote version 3, 4 or 5 (default 3)");
  cmd->add_option("--report-data", args->report_data, "REPORTDATA hex (up to 64 bytes)");
  if (tdx) {
    cmd->add_option("--body", args->body, "TD report of a v5 quote: 1.0 or 1.5 (default 1.5)");
    cmd->add_option("--mr-td", args->mr_td, "MRTD hex (48 bytes)");
    cmd->add_option("--tee-tcb-svn", args->tee_tcb_svn,
                    "TEE_TCB_SVN hex (16 bytes; default 05010200…: module SVN 5, major 1)");
    cmd->add_flag("--debug", args->debug, "set TDATTRIBUTES.DEBUG");
  } else {
    cmd->add_option("--mr-enclave", args->mr_enclave, "MRENCLAVE hex (32 bytes)");
    cmd->add_option("--mr-signer", args->mr_signer, "MRSIGNER hex (32 bytes)");
    cmd->add_option("--isv-prod-id", args->isv_prod_id, "ISVPRODID");
    cmd->add_option("--isv-svn", args->isv_svn, "ISVSVN");
    cmd->add_flag("--debug", args->debug, "set ATTRIBUTES.DEBUG");
  }
  cmd->add_option("--fmspc", args->fmspc, "FMSPC hex (6 bytes)");
  cmd->add_option("--qe-svn", args->qe_svn, "the QE's ISVSVN (default 7)");
  cmd->add_option("--padding", args->padding, "zero bytes appended after the signature data");
  cmd->add_option("--fault", args->fault,
                  "none, revoked-pck, outofdate-tcb, wrong-fmspc, expired-collateral, "
                  "qe-identity-mismatch");
  cmd->add_option("--at", args->at, "simulated time (RFC 3339 or Unix seconds; default now)");
  cmd->add_flag("--json", args->json, "print the written paths as JSON");
  cmd->callback([args, exit_code, tdx] {
    auto st = RunSimDcap(*args, tdx);
    if (!st) {
      std::cerr << "veritee: " << st.error().ToString() << "\n";
      *exit_code = 2;
    } else {
      *exit_code = 0;
    }
  });
}

}  // namespace

void RegisterSimDcap(CLI::App& app, int* exit_code) {
  CLI::App* sim = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return s->get_name() == "sim"; })) {
    sim = sub;
  }
  if (sim == nullptr) {
    sim = app.add_subcommand("sim", "make simulated evidence with a test PKI (never trusted by default)");
    sim->require_subcommand(1);
  }
  AddDcap(*sim, true, exit_code);
  AddDcap(*sim, false, exit_code);
}

}  // namespace veritee::cli
