#include "trust/dcap_collateral.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "parse/dcap/collateral.h"

namespace veritee::trust {
namespace {

using Json = nlohmann::ordered_json;

struct Slot {
  const char* file;
  Bytes DcapCollateral::*member;
};
constexpr Slot kSlots[] = {
    {"pck_crl.der", &DcapCollateral::pck_crl},
    {"pck_crl_issuer_chain.pem", &DcapCollateral::pck_crl_issuer_chain},
    {"root_ca_crl.der", &DcapCollateral::root_ca_crl},
    {"tcb_info.json", &DcapCollateral::tcb_info},
    {"tcb_info_issuer_chain.pem", &DcapCollateral::tcb_info_issuer_chain},
    {"qe_identity.json", &DcapCollateral::qe_identity},
    {"qe_identity_issuer_chain.pem", &DcapCollateral::qe_identity_issuer_chain},
};

tl::unexpected<Error> Bad(const std::string& key, const std::string& message) {
  return MakeError(ErrorCode::kMalformed, message, "collateral bundle." + key);
}

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

Result<std::string> StringMember(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Bad(key, "missing or not a string");
  }
  return it->get<std::string>();
}

// A CRL given as hex DER, or as PEM text.
Result<Bytes> CrlMember(const Json& j, const char* key) {
  VT_ASSIGN_OR_RETURN(std::string text, StringMember(j, key));
  if (text.find("-----BEGIN") != std::string::npos) return ToBytes(text);
  auto der = FromHex(text);
  if (!der) return Bad(key, "neither hex DER nor PEM");
  return *der;
}

// The signed body of `member` with its signature, as a PCS response body.
Result<Bytes> SignedMember(const Json& j, const char* key, const char* sig_key,
                           const char* member) {
  VT_ASSIGN_OR_RETURN(std::string text, StringMember(j, key));
  auto sig_it = j.find(sig_key);
  if (sig_it == j.end()) {
    // A whole PCS response body in one string.
    auto sliced = dcap::SliceSignedBody(text, member);
    if (!sliced) return Bad(key, "neither signed JSON text with " + std::string(sig_key) +
                                     " nor a PCS response body: " + sliced.error().message);
    return ToBytes(text);
  }
  if (!sig_it->is_string()) return Bad(sig_key, "not a string");
  auto sig = FromHex(sig_it->get<std::string>());
  if (!sig || sig->size() != 64) return Bad(sig_key, "must be 64 bytes of hex");
  std::array<uint8_t, 64> s{};
  std::copy(sig->begin(), sig->end(), s.begin());
  return ToBytes(dcap::WrapSignedBody(member, text, s));
}

}  // namespace

Result<DcapCollateral> ParseCollateralBundle(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kMalformed, "not a JSON object", "collateral bundle");
  }
  if (j.contains("collateral") && j["collateral"].is_object()) j = j["collateral"];
  static const char* kKnown[] = {
      "pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info",
      "tcb_info_signature", "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature",
      "pck_certificate_chain", "version"};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return Bad(key, "unknown member");
  }
  DcapCollateral c;
  VT_ASSIGN_OR_RETURN(std::string pck_chain, StringMember(j, "pck_crl_issuer_chain"));
  c.pck_crl_issuer_chain = ToBytes(pck_chain);
  VT_ASSIGN_OR_RETURN(c.root_ca_crl, CrlMember(j, "root_ca_crl"));
  VT_ASSIGN_OR_RETURN(c.pck_crl, CrlMember(j, "pck_crl"));
  VT_ASSIGN_OR_RETURN(std::string tcb_chain, StringMember(j, "tcb_info_issuer_chain"));
  c.tcb_info_issuer_chain = ToBytes(tcb_chain);
  VT_ASSIGN_OR_RETURN(c.tcb_info, SignedMember(j, "tcb_info", "tcb_info_signature", "tcbInfo"));
  VT_ASSIGN_OR_RETURN(std::string qe_chain, StringMember(j, "qe_identity_issuer_chain"));
  c.qe_identity_issuer_chain = ToBytes(qe_chain);
  VT_ASSIGN_OR_RETURN(c.qe_identity, SignedMember(j, "qe_identity", "qe_identity_signature",
                                                  "enclaveIdentity"));
  return c;
}

Result<DcapCollateral> LoadDcapCollateral(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    DcapCollateral c;
    for (const Slot& s : kSlots) {
      const std::string file = (std::filesystem::path(path) / s.file).string();
      auto bytes = ReadFile(file, 16 * 1024 * 1024);
      if (!bytes) {
        return MakeError(ErrorCode::kIo,
                         "collateral folder lacks " + std::string(s.file) + " (" +
                             bytes.error().message + ")",
                         path);
      }
      c.*(s.member) = std::move(*bytes);
    }
    c.source = path;
    return c;
  }
  VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 16 * 1024 * 1024));
  auto c = ParseCollateralBundle(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                                  bytes.size()));
  if (!c) {
    Error e = c.error();
    e.message = path + ": " + e.message;
    return tl::unexpected(std::move(e));
  }
  c->source = path;
  return c;
}

Result<std::string> WriteCollateralBundle(const DcapCollateral& c) {
  auto text = [](const Bytes& b) {
    std::string s(b.begin(), b.end());
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  };
  auto crl_hex = [&](const Bytes& b) {
    return b.size() > 10 && b[0] == '-' ? text(b) : ToHex(b);
  };
  std::string tcb_text = text(c.tcb_info), qe_text = text(c.qe_identity);
  VT_ASSIGN_OR_RETURN(auto tcb, dcap::SliceSignedBody(tcb_text, "tcbInfo"));
  VT_ASSIGN_OR_RETURN(auto qe, dcap::SliceSignedBody(qe_text, "enclaveIdentity"));
  Json j = Json::object();
  j["pck_crl_issuer_chain"] = text(c.pck_crl_issuer_chain);
  j["root_ca_crl"] = crl_hex(c.root_ca_crl);
  j["pck_crl"] = crl_hex(c.pck_crl);
  j["tcb_info_issuer_chain"] = text(c.tcb_info_issuer_chain);
  j["tcb_info"] = std::string(tcb.body);
  j["tcb_info_signature"] = ToHex(tcb.signature);
  j["qe_identity_issuer_chain"] = text(c.qe_identity_issuer_chain);
  j["qe_identity"] = std::string(qe.body);
  j["qe_identity_signature"] = ToHex(qe.signature);
  return j.dump(2) + "\n";
}

Status SaveCollateralFolder(const DcapCollateral& c, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create: " + ec.message(), dir);
  for (const Slot& s : kSlots) {
    VT_RETURN_IF_ERROR(WriteFile((std::filesystem::path(dir) / s.file).string(), c.*(s.member)));
  }
  return Ok();
}

}  // namespace veritee::trust
