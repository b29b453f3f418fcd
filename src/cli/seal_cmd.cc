// `veritee seal` and `veritee unseal`: AES-256-GCM boxes under a key only this TEE (or
// this TPM state) can derive again (attest/seal.h).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "attest/seal.h"
#include "attest/tpm.h"
#include "base/file.h"
#include "cli/attest_commands.h"

namespace veritee::cli {
namespace {

struct SealArgs {
  std::string key_id, in, out, sim, tpm, tcti = "device:/dev/tpmrm0";
  std::string pcrs = "sha256:0,1,2,3,4,5,6,7", bind = "measurement,policy", root = "vcek";
  bool snp = false;
  uint32_t vmpl = 0, guest_svn = 0;
  uint64_t tcb_version = 0;
};

Result<Bytes> ReadInput(const std::string& path) {
  if (!path.empty() && path != "-") return ReadFile(path);
  Bytes out;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0) return MakeError(ErrorCode::kIo, "cannot read stdin");
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > kMaxInputFileBytes) {
      return MakeError(ErrorCode::kIo, "stdin is larger than 64 MiB");
    }
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

Status WriteOutput(const std::string& path, ByteSpan data) {
  if (!path.empty() && path != "-") return WriteFile(path, data);
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0) {
    return MakeError(ErrorCode::kIo, "cannot write stdout");
  }
  return Ok();
}

Result<std::unique_ptr<attest::SealRoot>> Root(const SealArgs& a, bool sealing) {
  const int sources = (a.sim.empty() ? 0 : 1) + (a.snp ? 1 : 0) + (a.tpm.empty() ? 0 : 1);
  if (sources != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "choose one key source: --snp (SEV-SNP derived key), --tpm BLOB (TPM-sealed "
                     "key bound to PCRs) or --sim DIR (simulator, not hardware-protected)");
  }
  if (!a.sim.empty()) {
    std::cerr << "veritee: SIMULATOR sealing key (" << a.sim
              << "/seal-root.sim): not hardware-protected, for development only\n";
    VT_ASSIGN_OR_RETURN(auto r, attest::SimulatorSealRoot::LoadOrCreate(a.sim));
    return std::unique_ptr<attest::SealRoot>(std::move(r));
  }
  if (a.snp) {
    attest::sevguest::DerivedKeyRequest req;
    if (a.root != "vcek" && a.root != "vmrk") {
      return MakeError(ErrorCode::kInvalidArgument, "--root is vcek or vmrk");
    }
    req.root_key_select = a.root == "vmrk" ? 1 : 0;
    VT_ASSIGN_OR_RETURN(req.guest_field_select, attest::sevguest::ParseGuestFields(a.bind));
    req.vmpl = a.vmpl;
    req.guest_svn = a.guest_svn;
    req.tcb_version = a.tcb_version;
    return std::unique_ptr<attest::SealRoot>(std::make_unique<attest::SnpSealRoot>(req));
  }
  std::error_code ec;
  if (!std::filesystem::exists(a.tpm, ec)) {
    if (!sealing) return MakeError(ErrorCode::kIo, "no such sealed TPM key blob", a.tpm);
    VT_ASSIGN_OR_RETURN(auto sel, attest::ParsePcrSelection(a.pcrs));
    VT_ASSIGN_OR_RETURN(Bytes blob, attest::TpmSealRoot::CreateBlob(a.tcti, sel));
    VT_RETURN_IF_ERROR(WriteFile(a.tpm, blob));
    std::cerr << "veritee: sealed a new root key to " << a.pcrs << " in " << a.tpm << "\n";
  }
  VT_ASSIGN_OR_RETURN(Bytes blob, ReadFile(a.tpm, 64 * 1024));
  return std::unique_ptr<attest::SealRoot>(std::make_unique<attest::TpmSealRoot>(a.tcti, blob));
}

int Run(const SealArgs& a, bool sealing) {
  auto root = Root(a, sealing);
  if (!root) {
    std::cerr << "veritee: " << root.error().ToString() << "\n";
    return 2;
  }
  auto input = ReadInput(a.in);
  if (!input) {
    std::cerr << "veritee: " << input.error().ToString() << "\n";
    return 2;
  }
  if (sealing) {
    auto box = attest::Seal(**root, a.key_id, *input);
    if (!box) {
      std::cerr << "veritee: cannot seal: " << box.error().ToString() << "\n";
      return box.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    if (auto st = WriteOutput(a.out, *box); !st) {
      std::cerr << "veritee: " << st.error().ToString() << "\n";
      return 2;
    }
    return 0;
  }
  auto plain = attest::Unseal(**root, a.key_id, *input);
  if (!plain) {
    std::cerr << "veritee: cannot unseal: " << plain.error().ToString() << "\n";
    return plain.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (auto st = WriteOutput(a.out, plain->span()); !st) {
    std::cerr << "veritee: " << st.error().ToString() << "\n";
    return 2;
  }
  return 0;
}

void AddFlags(CLI::App* cmd, SealArgs& a) {
  cmd->add_option("--key-id", a.key_id, "key id (1..256 bytes): the HKDF salt")->required();
  cmd->add_option("--in", a.in, "input file (default stdin)");
  cmd->add_option("--out", a.out, "output file (default stdout)");
  cmd->add_option("--sim", a.sim, "simulator key in DIR/seal-root.sim (NOT hardware-protected)");
  cmd->add_flag("--snp", a.snp, "SEV-SNP derived key (SNP_GET_DERIVED_KEY on /dev/sev-guest)");
  cmd->add_option("--bind", a.bind,
                  "--snp: guest fields the key is bound to (policy, image_id, family_id, "
                  "measurement, guest_svn, tcb; default measurement,policy)");
  cmd->add_option("--root", a.root, "--snp: root key, vcek (default) or vmrk");
  cmd->add_option("--vmpl", a.vmpl, "--snp: VMPL mixed into the key (default 0)");
  cmd->add_option("--guest-svn", a.guest_svn, "--snp: GUEST_SVN mixed in (with --bind guest_svn)");
  cmd->add_option("--tcb-version", a.tcb_version, "--snp: TCB_VERSION mixed in (with --bind tcb)");
  cmd->add_option("--tpm", a.tpm,
                  "TPM-sealed root key blob (created on first seal, bound to --pcrs)");
  cmd->add_option("--tcti", a.tcti, "--tpm: TCTI (default device:/dev/tpmrm0)");
  cmd->add_option("--pcrs", a.pcrs, "--tpm: PCRs the new root is bound to (default sha256:0-7)");
}

}  // namespace

void RegisterSeal(CLI::App& app, int* exit_code) {
  auto seal = std::make_shared<SealArgs>();
  auto* s = app.add_subcommand(
      "seal", "encrypt under a key derived from this TEE (AES-256-GCM: nonce || ciphertext || tag)");
  AddFlags(s, *seal);
  s->callback([seal, exit_code] { *exit_code = Run(*seal, true); });
  auto unseal = std::make_shared<SealArgs>();
  auto* u = app.add_subcommand(
      "unseal", "decrypt a sealed box; exit 1 when it does not open (altered, other key id, "
                "other TEE or binding, PCRs changed)");
  AddFlags(u, *unseal);
  u->callback([unseal, exit_code] { *exit_code = Run(*unseal, false); });
}

}  // namespace veritee::cli
