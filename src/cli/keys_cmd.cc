// `veritee keys`: the EAR signing key. `generate` makes one (mode 0600), `show` prints
// its kid and public JWK, `export` writes the JWK Set that relying parties verify EARs
// with (`veritee token verify --jwks`, or any JOSE implementation).
#include <iostream>
#include <memory>

#include "base/file.h"
#include "cli/appraise_commands.h"
#include "cli/signing_key.h"

namespace veritee::cli {
namespace {

struct KeysArgs {
  std::string key, alg = "ES256", out;
  bool json = false;
};

std::string KeyPath(const KeysArgs& a) {
  return a.key.empty() ? DefaultSigningKeyPath() : a.key;
}

int Fail(const Error& e, int rc) {
  std::cerr << "veritee: " << e.ToString() << "\n";
  return rc;
}

int RunGenerate(const KeysArgs& a) {
  auto alg = ParseJwsAlg(a.alg);
  if (!alg) return Fail(alg.error(), 2);
  const std::string path = KeyPath(a);
  auto key = CreateSigningKey(path, *alg);
  if (!key) return Fail(key.error(), key.error().code == ErrorCode::kIo ? 1 : 2);
  if (a.json) {
    std::cout << JoseJson{{"path", path}, {"kid", key->kid()}, {"jwk", key->PublicJwk()}}.dump(2)
              << "\n";
  } else {
    std::cout << "generated " << JwsAlgName(key->alg()) << " key " << path << " (mode 0600)\n"
              << "kid: " << key->kid() << "\n";
  }
  return 0;
}

int RunShow(const KeysArgs& a) {
  const std::string path = KeyPath(a);
  auto key = LoadSigningKey(path);
  if (!key) return Fail(key.error(), 2);
  if (a.json) {
    std::cout << JoseJson{{"path", path}, {"kid", key->kid()}, {"alg", JwsAlgName(key->alg())},
                      {"jwk", key->PublicJwk()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "key: " << path << "\nalg: " << JwsAlgName(key->alg()) << "\nkid: "
              << key->kid() << "\njwk: " << key->PublicJwk().dump() << "\n";
  }
  return 0;
}

int RunExport(const KeysArgs& a) {
  auto key = LoadSigningKey(KeyPath(a));
  if (!key) return Fail(key.error(), 2);
  const std::string jwks = key->Jwks().dump(2) + "\n";
  if (a.out.empty()) {
    std::cout << jwks;
    return 0;
  }
  auto st = WriteFile(a.out, jwks);
  if (!st) return Fail(st.error(), 2);
  return 0;
}

}  // namespace

void RegisterKeys(CLI::App& app, int* exit_code) {
  auto* keys = app.add_subcommand(
      "keys", "the EAR signing key (default $VERITEE_SIGNING_KEY or "
              "~/.config/veritee/ear-signing-key.pem)");
  keys->require_subcommand(1);
  auto args = std::make_shared<KeysArgs>();
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--key", args->key, "the key file (PEM)");
    cmd->add_flag("--json", args->json, "print JSON");
  };
  auto* gen = keys->add_subcommand("generate", "make a new key, written with mode 0600");
  add_common(gen);
  gen->add_option("--alg", args->alg, "ES256 (default) or ES384");
  gen->callback([args, exit_code] { *exit_code = RunGenerate(*args); });
  auto* show = keys->add_subcommand("show", "print the key's kid and public JWK");
  add_common(show);
  show->callback([args, exit_code] { *exit_code = RunShow(*args); });
  auto* exp = keys->add_subcommand("export", "print (or write) the public JWK Set");
  exp->add_option("--key", args->key, "the key file (PEM)");
  exp->add_option("--out", args->out, "write the JWK Set to this file");
  exp->callback([args, exit_code] { *exit_code = RunExport(*args); });
}

}  // namespace veritee::cli
