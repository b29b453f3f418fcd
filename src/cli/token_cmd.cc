// `veritee token verify TOKEN --jwks FILE`: checks an EAR's signature against a published
// JWK Set, its expiry and its profile (appraise/ear.h), and prints its claims. Exit 0
// valid, 1 invalid (bad signature, expired, wrong profile, malformed), 2 usage error.
#include <filesystem>
#include <iostream>
#include <memory>

#include "appraise/ear.h"
#include "base/file.h"
#include "cli/appraise_commands.h"
#include "cli/render.h"

namespace veritee::cli {
namespace {

struct TokenArgs {
  std::string token, jwks, at;
  bool json = false;
  int64_t leeway = 60;
};

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

int RunTokenVerify(const TokenArgs& a) {
  // TOKEN is the token itself, or a file holding it.
  std::string token = a.token;
  std::error_code ec;
  if (token.find('.') == std::string::npos || std::filesystem::is_regular_file(token, ec)) {
    auto bytes = ReadFile(token, 1 << 20);
    if (!bytes) {
      std::cerr << "veritee: " << bytes.error().ToString() << "\n";
      return 2;
    }
    token.assign(bytes->begin(), bytes->end());
  }
  token = Trim(token);
  auto jwks_bytes = ReadFile(a.jwks, 1 << 20);
  if (!jwks_bytes) {
    std::cerr << "veritee: " << jwks_bytes.error().ToString() << "\n";
    return 2;
  }
  JoseJson jwks;
  try {
    jwks = JoseJson::parse(jwks_bytes->begin(), jwks_bytes->end());
  } catch (const std::exception& e) {
    std::cerr << "veritee: " << a.jwks << ": not JSON: " << e.what() << "\n";
    return 2;
  }
  UnixTime now = SystemClock().Now();
  if (!a.at.empty()) {
    auto t = ParseTime(a.at);
    if (!t) {
      std::cerr << "veritee: --at: " << t.error().message << "\n";
      return 2;
    }
    now = *t;
  }
  if (a.leeway < 0 || a.leeway > 3600) {
    std::cerr << "veritee: --leeway is 0 to 3600 seconds\n";
    return 2;
  }
  auto ear = appraise::VerifyEar(token, jwks, now, a.leeway);
  if (!ear) {
    if (ear.error().code == ErrorCode::kInvalidArgument) {
      std::cerr << "veritee: --jwks: " << ear.error().message << "\n";
      return 2;
    }
    if (a.json) {
      std::cout << Json{{"valid", false}, {"reason", ear.error().message}}.dump(2) << "\n";
    } else {
      std::cout << "token: INVALID — " << ear.error().message << "\n";
    }
    return 1;
  }
  if (a.json) {
    std::cout << Json{{"valid", true},
                      {"kid", ear->kid},
                      {"alg", ear->header.value("alg", "")},
                      {"claims", ear->claims}}
                     .dump(2)
              << "\n";
    return 0;
  }
  const Json& c = ear->claims;
  std::cout << "token: VALID (" << ear->header.value("alg", "") << ", kid " << ear->kid
            << ")\n"
            << "profile: " << c["eat_profile"].get<std::string>() << "\n"
            << "issued: " << FormatTime(c["iat"].get<int64_t>())
            << "  expires: " << FormatTime(c["exp"].get<int64_t>()) << "\n";
  if (c.contains("eat_nonce")) std::cout << "nonce: " << c["eat_nonce"].dump() << "\n";
  for (auto it = c["submods"].begin(); it != c["submods"].end(); ++it) {
    const Json& s = it.value();
    std::cout << it.key() << ": " << s["ear.status"].get<std::string>();
    if (s.contains("ear.veritee.tee")) std::cout << " (" << s["ear.veritee.tee"].dump() << ")";
    std::cout << "\n";
    Json rest = s;
    rest.erase("ear.status");
    PrintTree(std::cout, rest, 1);
  }
  return 0;
}

}  // namespace

void RegisterToken(CLI::App& app, int* exit_code) {
  auto* token = app.add_subcommand("token", "attestation result tokens (EAR)");
  token->require_subcommand(1);
  auto args = std::make_shared<TokenArgs>();
  auto* cmd = token->add_subcommand(
      "verify", "check an EAR's signature (against a JWK Set), expiry and profile; print its "
                "claims. Exit 0 valid, 1 invalid, 2 usage error");
  cmd->add_option("TOKEN", args->token, "the token, or a file holding it")->required();
  cmd->add_option("--jwks", args->jwks, "the verifier's published JWK Set (veritee keys export)")
      ->required();
  cmd->add_option("--at", args->at, "check expiry at this time (RFC 3339 or Unix seconds)");
  cmd->add_option("--leeway", args->leeway, "clock skew allowed, seconds (default 60)");
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->callback([args, exit_code] { *exit_code = RunTokenVerify(*args); });
}

}  // namespace veritee::cli
