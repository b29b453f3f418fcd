#include "verify/snp/policy.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/json_path.h"
#include "parse/snp/flags.h"
#include "verify/policy_sections.h"
#include "verify/policy_text.h"

namespace veritee::snp {
namespace {

using nlohmann::json;

tl::unexpected<Error> KeyError(const std::string& path, const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, message, path);
}

Result<uint64_t> UnsignedAt(const json& v, const std::string& path, uint64_t max) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max) {
    return KeyError(path, "must be an integer from 0 to " + std::to_string(max));
  }
  return v.get<uint64_t>();
}

Result<bool> BoolAt(const json& v, const std::string& path) {
  if (!v.is_boolean()) return KeyError(path, "must be true or false");
  return v.get<bool>();
}

Result<std::string> StringAt(const json& v, const std::string& path) {
  if (!v.is_string()) return KeyError(path, "must be a string");
  return v.get<std::string>();
}

Result<TcbParts> TcbAt(const json& v, const std::string& path) {
  if (v.is_string()) {
    auto spec = ParseTcbSpec(v.get<std::string>());
    if (!spec) return KeyError(path, spec.error().message);
    return spec;
  }
  if (!v.is_object()) return KeyError(path, "must be an object of TCB components");
  TcbParts t;
  bool seen[4] = {false, false, false, false};
  for (const auto& [key, value] : v.items()) {
    VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, path + "." + key, 255));
    uint8_t b = static_cast<uint8_t>(n);
    if (key == "bootloader") { t.bootloader = b; seen[0] = true; }
    else if (key == "tee") { t.tee = b; seen[1] = true; }
    else if (key == "snp") { t.snp = b; seen[2] = true; }
    else if (key == "microcode") { t.microcode = b; seen[3] = true; }
    else if (key == "fmc") { t.fmc = b; }
    else return KeyError(path + "." + key, "unknown TCB component (bootloader, tee, snp, microcode, fmc)");
  }
  if (!(seen[0] && seen[1] && seen[2] && seen[3])) {
    return KeyError(path, "needs bootloader, tee, snp and microcode");
  }
  return t;
}

Result<uint64_t> FlagList(const json& v, const std::string& path, bool policy) {
  if (!v.is_array()) return KeyError(path, "must be a list of flag names");
  uint64_t mask = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    VT_ASSIGN_OR_RETURN(std::string name, StringAt(v[i], item_path));
    auto bit = policy ? PolicyMaskByName(name) : PlatformInfoMaskByName(name, Product::kTurin);
    if (!bit) return KeyError(item_path, bit.error().message);
    mask |= *bit;
  }
  return mask;
}

Result<std::vector<Bytes>> DigestList(const json& v, const std::string& path) {
  if (!v.is_array()) return KeyError(path, "must be a list of hex digests");
  std::vector<Bytes> out;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    VT_ASSIGN_OR_RETURN(std::string hex, StringAt(v[i], item_path));
    auto bytes = FromHex(hex);
    if (!bytes || bytes->size() != 48) {
      return KeyError(item_path, "must be 48 bytes of hex (a SHA-384 digest)");
    }
    out.push_back(std::move(*bytes));
  }
  return out;
}

Status LoadFlags(const json& v, const std::string& path, bool policy, ValidationOptions& o) {
  if (!v.is_object()) return KeyError(path, "must be an object");
  for (const auto& [key, value] : v.items()) {
    std::string p = path + "." + key;
    if (key == "require") {
      VT_ASSIGN_OR_RETURN(uint64_t m, FlagList(value, p, policy));
      (policy ? o.require_policy : o.require_platform) |= m;
    } else if (key == "forbid") {
      VT_ASSIGN_OR_RETURN(uint64_t m, FlagList(value, p, policy));
      (policy ? o.forbid_policy : o.forbid_platform) |= m;
    } else if (policy && key == "min_abi") {
      VT_ASSIGN_OR_RETURN(std::string s, StringAt(value, p));
      auto ver = ParseFirmwareVersion(s);
      if (!ver) return KeyError(p, ver.error().message);
      o.min_abi = *ver;
    } else if (!policy && key == "forbid_unknown_bits") {
      VT_ASSIGN_OR_RETURN(o.forbid_unknown_platform_bits, BoolAt(value, p));
    } else {
      return KeyError(p, policy ? "unknown key (require, forbid, min_abi)"
                                : "unknown key (require, forbid, forbid_unknown_bits)");
    }
  }
  return Ok();
}

Status LoadSection(const json& s, ValidationOptions& o) {
  const std::string base = "sev-snp";
  if (!s.is_object()) return KeyError(base, "must be an object");
  for (const auto& [key, value] : s.items()) {
    std::string p = base + "." + key;
    if (key == "expect") {
      if (!value.is_object()) return KeyError(p, "must be an object of field: hex");
      for (const auto& [field, hex] : value.items()) {
        VT_ASSIGN_OR_RETURN(std::string text, StringAt(hex, p + "." + field));
        auto bytes = ParseExpectValue(field, text);
        if (!bytes) return KeyError(p + "." + field, bytes.error().message);
        o.expect[field] = std::move(*bytes);
      }
    } else if (key == "min_guest_svn") {
      VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, p, 0xffffffffu));
      o.min_guest_svn = static_cast<uint32_t>(n);
    } else if (key == "min_tcb") {
      VT_ASSIGN_OR_RETURN(o.min_tcb, TcbAt(value, p));
    } else if (key == "min_launch_tcb") {
      VT_ASSIGN_OR_RETURN(o.min_launch_tcb, TcbAt(value, p));
    } else if (key == "vmpl") {
      VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, p, 3));
      o.vmpl = static_cast<uint32_t>(n);
    } else if (key == "policy") {
      VT_RETURN_IF_ERROR(LoadFlags(value, p, true, o));
    } else if (key == "platform_info") {
      VT_RETURN_IF_ERROR(LoadFlags(value, p, false, o));
    } else if (key == "allow_debug") {
      VT_ASSIGN_OR_RETURN(o.allow_debug, BoolAt(value, p));
    } else if (key == "min_firmware") {
      VT_ASSIGN_OR_RETURN(std::string text, StringAt(value, p));
      auto ver = ParseFirmwareVersion(text);
      if (!ver) return KeyError(p, ver.error().message);
      o.min_firmware = *ver;
    } else if (key == "min_build") {
      VT_ASSIGN_OR_RETURN(uint64_t n, UnsignedAt(value, p, 255));
      o.min_build = static_cast<uint8_t>(n);
    } else if (key == "forbid_provisional_firmware") {
      VT_ASSIGN_OR_RETURN(o.forbid_provisional_firmware, BoolAt(value, p));
    } else if (key == "require_id_block") {
      VT_ASSIGN_OR_RETURN(o.require_id_block, BoolAt(value, p));
    } else if (key == "require_author_key") {
      VT_ASSIGN_OR_RETURN(o.require_author_key, BoolAt(value, p));
    } else if (key == "trusted_id_key_digests") {
      VT_ASSIGN_OR_RETURN(o.trusted_id_keys, DigestList(value, p));
    } else if (key == "trusted_author_key_digests") {
      VT_ASSIGN_OR_RETURN(o.trusted_author_keys, DigestList(value, p));
    } else if (key == "product") {
      VT_ASSIGN_OR_RETURN(std::string text, StringAt(value, p));
      auto product = ParseProduct(text);
      if (!product) return KeyError(p, product.error().message);
      o.product = *product;
    } else if (key == "require_crl") {
      VT_ASSIGN_OR_RETURN(o.require_crl, BoolAt(value, p));
    } else if (key == "allow_stale_crl") {
      VT_ASSIGN_OR_RETURN(o.allow_stale_crl, BoolAt(value, p));
    } else if (key == kAppraisalKey) {
      continue;  // the appraisal stage's rules (appraise/policy.h) check it
    } else {
      return KeyError(p, "unknown key");
    }
  }
  if ((o.require_policy & o.forbid_policy) != 0) {
    return KeyError(base + ".policy", "a flag is both required and forbidden");
  }
  if ((o.require_platform & o.forbid_platform) != 0) {
    return KeyError(base + ".platform_info", "a flag is both required and forbidden");
  }
  return Ok();
}

}  // namespace

Result<TcbParts> ParseTcbSpec(std::string_view spec) {
  TcbParts t;
  bool seen[4] = {false, false, false, false};
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    if (comma != std::string_view::npos && comma + 1 == spec.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "TCB spec ends with a comma");
    }
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "TCB spec item '" + std::string(item) + "' is not NAME=VALUE");
    }
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    unsigned n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || n > 255) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "TCB component " + std::string(name) + " must be 0..255");
    }
    uint8_t b = static_cast<uint8_t>(n);
    if (name == "bootloader" || name == "bl") { t.bootloader = b; seen[0] = true; }
    else if (name == "tee") { t.tee = b; seen[1] = true; }
    else if (name == "snp") { t.snp = b; seen[2] = true; }
    else if (name == "microcode" || name == "ucode") { t.microcode = b; seen[3] = true; }
    else if (name == "fmc") { t.fmc = b; }
    else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown TCB component '" + std::string(name) +
                           "' (bootloader, tee, snp, microcode, fmc)");
    }
  }
  if (!(seen[0] && seen[1] && seen[2] && seen[3])) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a TCB spec needs bootloader, tee, snp and microcode, e.g. "
                     "bootloader=3,tee=0,snp=8,microcode=115");
  }
  return t;
}

Result<FirmwareVersion> ParseFirmwareVersion(std::string_view text) {
  size_t dot = text.find('.');
  unsigned major = 0, minor = 0;
  if (dot == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not MAJOR.MINOR");
  }
  auto a = std::from_chars(text.data(), text.data() + dot, major);
  auto b = std::from_chars(text.data() + dot + 1, text.data() + text.size(), minor);
  if (a.ec != std::errc() || a.ptr != text.data() + dot || b.ec != std::errc() ||
      b.ptr != text.data() + text.size() || major > 255 || minor > 255 || dot == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not MAJOR.MINOR");
  }
  return FirmwareVersion{static_cast<uint8_t>(major), static_cast<uint8_t>(minor)};
}

Result<Bytes> ParseExpectValue(std::string_view name, std::string_view hex) {
  const auto& fields = ExpectableFields();
  auto it = fields.find(std::string(name));
  if (it == fields.end()) {
    std::string names;
    for (const auto& [n, size] : fields) names += (names.empty() ? "" : ", ") + n;
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown SEV-SNP field '" + std::string(name) + "' (one of " + names + ")");
  }
  VT_ASSIGN_OR_RETURN(Bytes bytes, FromHex(hex));
  bool ok = name == "report_data" ? !bytes.empty() && bytes.size() <= it->second
                                  : bytes.size() == it->second;
  if (!ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(name) + " is " + std::to_string(it->second) + " bytes (" +
                         std::to_string(2 * it->second) + " hex digits), got " +
                         std::to_string(bytes.size()));
  }
  return bytes;
}

Result<Product> ParseProduct(std::string_view name) {
  Product p = ProductFromName(name);
  if (p == Product::kUnknown) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown product '" + std::string(name) + "' (milan, genoa, turin)");
  }
  return p;
}

Status LoadPolicyText(std::string_view text, ValidationOptions& options) {
  VT_ASSIGN_OR_RETURN(json doc, ParsePolicyJson(text));
  if (!doc.is_object()) return KeyError("(top level)", "a policy is a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key == "sev-snp") {
      Status st = LoadSection(value, options);
      // Name the line of the offending key, as for syntax errors.
      if (!st) return tl::unexpected(WithKeyLine(text, std::move(st).error()));
    } else if (IsPolicyDocumentKey(key) || IsTeeName(key)) {
      continue;  // the document's description, or another TEE's section
    } else {
      return KeyError(key, "unknown key (this version reads the TEE sections \"sev-snp\", "
                           "\"tdx\", \"sgx\", \"nitro\", \"tpm\", \"nvidia-gpu\" and "
                           "\"version\", \"description\", \"policy_id\") (line " +
                               std::to_string(JsonPathLine(text, key).value_or(1)) + ")");
    }
  }
  return Ok();
}

}  // namespace veritee::snp
