// `veritee sim nitro`: a simulated AWS Nitro Enclaves attestation document with its PKI.
#include <filesystem>
#include <iostream>
#include <memory>

#include "attest/sim/nitro_sim.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/commands.h"
#include "verify/verification.h"

namespace veritee::cli {
namespace {

struct SimNitroArgs {
  std::string out, user_data, nonce, public_key, at;
  std::vector<std::string> pcrs;  // INDEX=HEX
  bool debug = false, indefinite = false, json = false;
};

Result<std::optional<Bytes>> OptionalHex(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Bytes>();
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() > nitro::kMaxFieldSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(option) + ": expected up to 1024 bytes of hex");
  }
  return std::optional<Bytes>(std::move(*bytes));
}

Status RunSimNitro(const SimNitroArgs& a) {
  UnixTime now = SystemClock().Now();
  if (!a.at.empty()) {
    VT_ASSIGN_OR_RETURN(now, ParseTime(a.at));
  }
  VT_ASSIGN_OR_RETURN(auto sim, sim::NitroSimulator::Create(now));
  VT_ASSIGN_OR_RETURN(auto leaf, sim.IssueLeaf());
  nitro::AttestationDocument doc = sim.DefaultDocument();
  doc.indefinite_map = a.indefinite;
  VT_ASSIGN_OR_RETURN(doc.user_data, OptionalHex(a.user_data, "--user-data"));
  VT_ASSIGN_OR_RETURN(doc.nonce, OptionalHex(a.nonce, "--nonce"));
  VT_ASSIGN_OR_RETURN(doc.public_key, OptionalHex(a.public_key, "--public-key"));
  if (doc.public_key && doc.public_key->empty()) doc.public_key.reset();
  if (a.debug) {
    for (nitro::Pcr& p : doc.pcrs) {
      if (p.index <= 2 || p.index == 8) p.value.assign(48, 0);
    }
  }
  for (const std::string& item : a.pcrs) {
    size_t eq = item.find('=');
    int index = -1;
    if (eq != std::string::npos && eq > 0 && eq <= 2) {
      index = std::atoi(item.substr(0, eq).c_str());
    }
    auto value = eq == std::string::npos ? Result<Bytes>(Bytes{}) : FromHex(item.substr(eq + 1));
    if (index < 0 || index > 15 || !value || value->size() != 48) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--pcr wants INDEX=HEX with INDEX 0..15 and 48 bytes, got '" + item + "'");
    }
    doc.pcrs[static_cast<size_t>(index)].value = std::move(*value);
  }
  VT_ASSIGN_OR_RETURN(Bytes cose, sim.Sign(doc, leaf));

  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), a.out);
  const std::string doc_path = a.out + "/attestation.cose";
  const std::string root_path = a.out + "/root.pem";
  VT_RETURN_IF_ERROR(WriteFile(doc_path, cose));
  VT_RETURN_IF_ERROR(WriteFile(root_path, sim.root().ToPem()));
  const std::string verify = "veritee verify " + doc_path + " --trust-root " + root_path +
                             (a.debug ? " --allow-debug" : "");
  if (a.json) {
    Json out = {{"tee", "nitro"},
                {"simulated", true},
                {"document", doc_path},
                {"trust_root", root_path},
                {"timestamp", doc.timestamp_ms},
                {"verify_command", verify}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "simulated AWS Nitro Enclaves attestation document in " << a.out << ":\n"
              << "  document:    " << doc_path << " (" << cose.size() << " bytes)\n"
              << "  trust root:  " << root_path << " (simulator: never built in)\n"
              << "verify with:\n  " << verify << "\n";
  }
  return Ok();
}

}  // namespace

void RegisterSimNitro(CLI::App& sim, int* exit_code) {
  auto args = std::make_shared<SimNitroArgs>();
  auto* cmd = sim.add_subcommand(
      "nitro", "a simulated AWS Nitro Enclaves attestation document (COSE_Sign1) and its root");
  cmd->add_option("--out", args->out, "output folder")->required();
  cmd->add_option("--user-data", args->user_data, "user_data hex (up to 1024 bytes)");
  cmd->add_option("--nonce", args->nonce, "nonce hex (up to 1024 bytes)");
  cmd->add_option("--public-key", args->public_key, "public_key hex (up to 1024 bytes)");
  cmd->add_option("--pcr", args->pcrs, "INDEX=HEX: a PCR value (48 bytes); repeatable");
  cmd->add_flag("--debug", args->debug, "debug-mode enclave: PCR0, 1, 2 and 8 all zero");
  cmd->add_flag("--indefinite", args->indefinite,
                "indefinite-length payload map, as current AWS documents");
  cmd->add_option("--at", args->at, "document time, RFC 3339 or Unix seconds (default: now)");
  cmd->add_flag("--json", args->json, "print the written paths as JSON");
  cmd->callback([args, exit_code] {
    auto st = RunSimNitro(*args);
    if (!st) {
      std::cerr << "veritee: " << st.error().ToString() << "\n";
      *exit_code = 2;
    } else {
      *exit_code = 0;
    }
  });
}

}  // namespace veritee::cli
