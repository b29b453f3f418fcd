#include "parse/tpm/event_data.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "base/encoding.h"

namespace veritee::tpm {
namespace {

constexpr char kGlobalVariableGuid[] = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
constexpr char kImageSecurityDbGuid[] = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";
constexpr uint32_t kLinuxInitrdTag = 0x8F3B22EC;       // Linux efi-stub: the initrd
constexpr uint32_t kLinuxLoadOptionsTag = 0x8F3B22ED;  // Linux efi-stub: LoadOptions
constexpr size_t kMaxHexData = 256;                    // undecoded data shown as hex, capped

Json Digests(const Event& e) {
  Json out = Json::object();
  for (const EventDigest& d : e.digests) out[AlgName(d.alg)] = ToHex(d.digest);
  return out;
}

std::string Hex32(uint32_t v) { return HexU64(v, 4); }

bool IsPrintableAscii(ByteSpan b) {
  return !b.empty() && std::all_of(b.begin(), b.end(), [](uint8_t c) {
    return c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c < 0x7f);
  });
}

// ASCII text with an optional terminating NUL, else nullopt.
std::optional<std::string> AsciiText(ByteSpan b) {
  if (!b.empty() && b.back() == 0) b = b.first(b.size() - 1);
  if (!IsPrintableAscii(b)) return std::nullopt;
  return std::string(b.begin(), b.end());
}

// UTF-16LE text (even length, mostly ASCII code units), else nullopt.
std::optional<std::string> Utf16Text(ByteSpan b) {
  if (b.size() < 2 || b.size() % 2 != 0) return std::nullopt;
  size_t ascii = 0;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    if (b[i + 1] == 0 && b[i] != 0) ++ascii;
  }
  if (ascii * 2 < b.size() / 2) return std::nullopt;
  return Utf16LeToUtf8(b, true);
}

// ASCII or UTF-16 text, whichever the bytes are.
std::optional<std::string> AnyText(ByteSpan b) {
  if (auto t = AsciiText(b)) return t;
  return Utf16Text(b);
}

void PutHexData(Json& out, ByteSpan data) {
  out["data"] = ToHex(data.first(std::min(data.size(), kMaxHexData)));
  if (data.size() > kMaxHexData) out["data_truncated"] = true;
}

struct Variable {
  std::string guid;
  std::string name;
  ByteSpan data;
};

// UEFI_VARIABLE_DATA: VariableName (GUID), UnicodeNameLength (u64, in characters),
// VariableDataLength (u64), UnicodeName, VariableData.
Result<Variable> ReadVariable(ByteSpan bytes) {
  ByteReader r(bytes);
  Variable v;
  VT_ASSIGN_OR_RETURN(ByteSpan guid, r.Take(16, "VariableName"));
  v.guid = FormatGuid(guid);
  VT_ASSIGN_OR_RETURN(uint64_t name_chars, r.U64Le("UnicodeNameLength"));
  VT_ASSIGN_OR_RETURN(uint64_t data_len, r.U64Le("VariableDataLength"));
  if (name_chars > r.remaining() / 2) {
    return MakeError(ErrorCode::kMalformed, "name longer than the event", "UnicodeNameLength");
  }
  VT_ASSIGN_OR_RETURN(ByteSpan name, r.Take(static_cast<size_t>(name_chars) * 2, "UnicodeName"));
  v.name = Utf16LeToUtf8(name, false);
  if (data_len > r.remaining()) {
    return MakeError(ErrorCode::kMalformed, "data longer than the event", "VariableDataLength");
  }
  VT_ASSIGN_OR_RETURN(v.data, r.Take(static_cast<size_t>(data_len), "VariableData"));
  // Some firmware measures a trailing byte after the data; tolerated, not decoded.
  return v;
}

// EFI_SIGNATURE_LISTs: [{type, count}].
Json SignatureLists(ByteSpan bytes) {
  Json lists = Json::array();
  ByteReader r(bytes);
  while (r.remaining() > 0) {
    auto type = r.Take(16, "SignatureType");
    auto list_size = r.U32Le("SignatureListSize");
    auto header_size = r.U32Le("SignatureHeaderSize");
    auto sig_size = r.U32Le("SignatureSize");
    if (!type || !list_size || !header_size || !sig_size || *list_size < 28 ||
        *sig_size < 16 || *list_size - 28 < *header_size ||
        (*list_size - 28 - *header_size) % *sig_size != 0 ||
        !r.Skip(*list_size - 28, "Signatures")) {
      lists.push_back(Json{{"decode_error", "malformed EFI_SIGNATURE_LIST"}});
      break;
    }
    std::string guid = FormatGuid(*type);
    std::string name = guid == "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"   ? "x509"
                       : guid == "c1c41626-504c-4092-aca9-41f936934328" ? "sha256"
                       : guid == "3c5766e8-269c-4e34-aa14-ed776e85b3b6" ? "rsa2048"
                       : guid == "826ca512-cf10-4ac9-b187-be01496631bd" ? "sha1"
                                                                        : guid;
    lists.push_back(Json{{"type", name}, {"count", (*list_size - 28 - *header_size) / *sig_size}});
  }
  return lists;
}

struct LoadOption {
  uint32_t attributes = 0;
  std::string description;
  std::string device_path;
};

// EFI_LOAD_OPTION: Attributes u32, FilePathListLength u16, Description (UTF-16, NUL),
// FilePathList, OptionalData.
Result<LoadOption> ReadLoadOption(ByteSpan bytes) {
  ByteReader r(bytes);
  LoadOption o;
  VT_ASSIGN_OR_RETURN(o.attributes, r.U32Le("Attributes"));
  VT_ASSIGN_OR_RETURN(uint16_t path_len, r.U16Le("FilePathListLength"));
  ByteSpan rest = r.Rest();
  size_t end = 0;
  while (end + 1 < rest.size() && (rest[end] != 0 || rest[end + 1] != 0)) end += 2;
  if (end + 1 >= rest.size()) {
    return MakeError(ErrorCode::kMalformed, "description not terminated", "Description");
  }
  o.description = Utf16LeToUtf8(rest.first(end), false);
  VT_RETURN_IF_ERROR(r.Skip(end + 2, "Description"));
  VT_ASSIGN_OR_RETURN(ByteSpan path, r.Take(path_len, "FilePathList"));
  o.device_path = DevicePathText(path);
  return o;
}

void DecodeVariable(Json& out, const Event& e) {
  auto v = ReadVariable(e.data);
  if (!v) {
    out["decode_error"] = v.error().ToString();
    PutHexData(out, e.data);
    return;
  }
  out["variable_guid"] = v->guid;
  out["variable_name"] = v->name;
  out["variable_data_size"] = v->data.size();
  const bool global = v->guid == kGlobalVariableGuid;
  const bool secdb = v->guid == kImageSecurityDbGuid;
  if (global && (v->name == "SecureBoot" || v->name == "SetupMode" || v->name == "AuditMode" ||
                 v->name == "DeployedMode")) {
    if (v->data.size() == 1) {
      out["value"] = v->data[0];
    } else if (v->data.empty()) {
      out["value"] = nullptr;  // measured while absent
    } else {
      PutHexData(out, v->data);
    }
  } else if ((global && (v->name == "PK" || v->name == "KEK")) ||
             (secdb && (v->name == "db" || v->name == "dbx" || v->name == "dbt"))) {
    out["signature_lists"] = SignatureLists(v->data);
  } else if (global && v->name == "BootOrder" && v->data.size() % 2 == 0) {
    Json order = Json::array();
    for (size_t i = 0; i + 1 < v->data.size(); i += 2) {
      order.push_back("Boot" + HexU64(uint16_t(v->data[i] | v->data[i + 1] << 8), 2).substr(2));
    }
    out["boot_order"] = order;
  } else if (global && v->name.size() == 8 && v->name.rfind("Boot", 0) == 0) {
    auto o = ReadLoadOption(v->data);
    if (o) {
      out["description"] = o->description;
      out["device_path"] = o->device_path;
      out["attributes"] = Hex32(o->attributes);
    } else {
      out["decode_error"] = o.error().ToString();
      PutHexData(out, v->data);
    }
  } else if (e.type == kEvEfiVariableAuthority && v->data.size() >= 16) {
    out["signature_owner"] = FormatGuid(v->data.first(16));
  } else if (!v->data.empty()) {
    PutHexData(out, v->data);
  }
}

// UEFI_IMAGE_LOAD_EVENT: ImageLocationInMemory, ImageLengthInMemory, ImageLinkTimeAddress,
// LengthOfDevicePath (u64 each), DevicePath.
void DecodeImageLoad(Json& out, const Event& e) {
  ByteReader r(e.data);
  auto location = r.U64Le("ImageLocationInMemory");
  auto length = r.U64Le("ImageLengthInMemory");
  auto link = r.U64Le("ImageLinkTimeAddress");
  auto path_len = r.U64Le("LengthOfDevicePath");
  if (!location || !length || !link || !path_len || *path_len > r.remaining()) {
    out["decode_error"] = "not a UEFI_IMAGE_LOAD_EVENT";
    PutHexData(out, e.data);
    return;
  }
  out["image_location"] = HexU64(*location);
  out["image_length"] = *length;
  auto path = r.Take(static_cast<size_t>(*path_len), "DevicePath");
  out["device_path"] = path ? DevicePathText(*path) : "";
}

void DecodeNoAction(Json& out, const Event& e) {
  if (auto locality = ParseStartupLocality(e.data)) {
    out["startup_locality"] = *locality;
  } else if (e.data.size() >= 16 && std::memcmp(e.data.data(), "Spec ID Event03", 16) == 0) {
    auto spec = ParseSpecIdEvent(e.data);
    if (spec) {
      Json algs = Json::array();
      for (const SpecIdAlgorithm& a : spec->algorithms) {
        algs.push_back(Json{{"algorithm", AlgName(a.alg)}, {"digest_size", a.digest_size}});
      }
      out["spec_id"] = Json{{"platform_class", spec->platform_class},
                            {"spec_version", std::to_string(spec->spec_version_major) + "." +
                                                 std::to_string(spec->spec_version_minor)},
                            {"errata", spec->spec_errata},
                            {"uintn_size", spec->uintn_size},
                            {"algorithms", algs}};
    }
  } else if (e.data.size() >= 16) {
    std::string sig(e.data.begin(), e.data.begin() + 16);
    sig = sig.substr(0, sig.find('\0'));
    if (IsPrintableAscii(ByteSpan(reinterpret_cast<const uint8_t*>(sig.data()), sig.size()))) {
      out["signature"] = sig;  // e.g. "SP800-155 Event3", "NvIndexInstance"
    }
    PutHexData(out, e.data);
  } else {
    PutHexData(out, e.data);
  }
}

void DecodeTagged(Json& out, const Event& e) {
  ByteReader r(e.data);
  auto id = r.U32Le("taggedEventID");
  auto size = r.U32Le("taggedEventDataSize");
  if (!id || !size || *size != r.remaining()) {
    out["decode_error"] = "not a TCG_PCClientTaggedEvent";
    PutHexData(out, e.data);
    return;
  }
  out["tag_id"] = Hex32(*id);
  if (*id == kLinuxInitrdTag) out["tag_name"] = "linux_initrd";
  if (*id == kLinuxLoadOptionsTag) out["tag_name"] = "linux_load_options";
  if (auto text = AnyText(r.Rest())) {
    out["text"] = *text;
  } else {
    PutHexData(out, r.Rest());
  }
}

void DecodeFirmwareBlob(Json& out, const Event& e) {
  ByteReader r(e.data);
  if (e.type == kEvEfiPlatformFirmwareBlob2) {
    auto n = r.U8("BlobDescriptionSize");
    if (n) {
      auto desc = r.Take(*n, "BlobDescription");
      if (desc) {
        if (auto text = AsciiText(*desc)) out["description"] = *text;
      }
    }
  }
  auto base = r.U64Le("BlobBase");
  auto length = r.U64Le("BlobLength");
  if (base && length && r.remaining() == 0) {
    out["blob_base"] = HexU64(*base);
    out["blob_length"] = *length;
  } else {
    out["decode_error"] = "not a UEFI_PLATFORM_FIRMWARE_BLOB";
    PutHexData(out, e.data);
  }
}

// UEFI_GPT_DATA: the 92-byte GPT header, NumberOfPartitions (u64), the entries.
void DecodeGpt(Json& out, const Event& e) {
  ByteReader r(e.data);
  auto sig = r.Take(8, "Signature");
  bool ok = sig && std::memcmp(sig->data(), "EFI PART", 8) == 0 && r.Skip(48, "header").has_value();
  auto disk_guid = ok ? r.Take(16, "DiskGUID") : Result<ByteSpan>(ByteSpan{});
  ok = ok && disk_guid && r.Skip(20, "header").has_value();
  auto parts = ok ? r.U64Le("NumberOfPartitions") : Result<uint64_t>(0);
  if (!ok || !parts) {
    out["decode_error"] = "not a UEFI_GPT_DATA";
    PutHexData(out, e.data);
    return;
  }
  out["disk_guid"] = FormatGuid(*disk_guid);
  out["partitions"] = *parts;
}

}  // namespace

std::string Utf16LeToUtf8(ByteSpan b, bool stop_at_nul) {
  std::string out;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t c = uint32_t{b[i]} | uint32_t{b[i + 1]} << 8;
    if (c == 0 && stop_at_nul) break;
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < b.size()) {
      uint32_t low = uint32_t{b[i + 2]} | uint32_t{b[i + 3]} << 8;
      if (low >= 0xDC00 && low < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c < 0xE000) {
      c = 0xFFFD;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string FormatGuid(ByteSpan g) {
  if (g.size() != 16) return ToHex(g);
  auto hex = [&](std::initializer_list<size_t> idx) {
    std::string s;
    for (size_t i : idx) s += ToHex(g.subspan(i, 1));
    return s;
  };
  return hex({3, 2, 1, 0}) + "-" + hex({5, 4}) + "-" + hex({7, 6}) + "-" + hex({8, 9}) + "-" +
         hex({10, 11, 12, 13, 14, 15});
}

std::string DevicePathText(ByteSpan path) {
  std::string out;
  ByteReader r(path);
  // Each node: Type u8, SubType u8, Length u16 (including the 4-byte header).
  for (int guard = 0; r.remaining() > 0 && guard < 64; ++guard) {
    auto type = r.U8("Type");
    auto sub = r.U8("SubType");
    auto len = r.U16Le("Length");
    if (!type || !sub || !len || *len < 4 || *len - 4u > r.remaining()) {
      return out + (out.empty() ? "" : "/") + "<malformed device path>";
    }
    ByteSpan body = *r.Take(*len - 4u, "node");
    if (*type == 0x7F) break;  // end of the path (instance or entire)
    std::string node;
    ByteReader b(body);
    if (*type == 0x04 && *sub == 0x04) {
      node = Utf16LeToUtf8(body, true);
    } else if (*type == 0x04 && *sub == 0x01 && body.size() >= 38) {
      uint32_t part = *b.U32Le("PartitionNumber");
      (void)b.Skip(16, "start+size");
      ByteSpan sig = *b.Take(16, "Signature");
      uint8_t format = body[36];
      node = "HD(" + std::to_string(part) + "," + (format == 2 ? "GPT," + FormatGuid(sig) : "MBR") +
             ")";
    } else if (*type == 0x01 && *sub == 0x01 && body.size() == 2) {
      node = "Pci(" + HexU64(body[1], 1) + "," + HexU64(body[0], 1) + ")";
    } else if (*type == 0x02 && *sub == 0x01 && body.size() == 8) {
      uint32_t hid = *b.U32Le("HID");
      uint32_t uid = *b.U32Le("UID");
      node = hid == 0x0A0341D0 ? "PciRoot(" + HexU64(uid, 1) + ")"
                               : "Acpi(" + Hex32(hid) + "," + HexU64(uid, 1) + ")";
    } else if (*type == 0x03 && *sub == 0x17 && body.size() >= 4) {
      node = "NVMe(" + HexU64(*b.U32Le("NamespaceId"), 1) + ")";
    } else if (*type == 0x04 && (*sub == 0x06 || *sub == 0x07) && body.size() == 16) {
      node = std::string(*sub == 0x06 ? "FvFile(" : "Fv(") + FormatGuid(body) + ")";
    } else {
      node = "Path(" + std::to_string(*type) + "," + std::to_string(*sub) + ")";
    }
    out += (out.empty() ? "" : "/") + node;
  }
  return out;
}

Json DecodeEvent(const Event& e) {
  Json out = Json::object();
  out["pcr"] = e.pcr;
  out["type"] = EventTypeName(e.type);
  out["digests"] = Digests(e);
  out["data_size"] = e.data.size();
  switch (e.type) {
    case kEvNoAction:
      DecodeNoAction(out, e);
      break;
    case kEvSeparator:
      if (e.data.size() == 4) {
        uint32_t v = uint32_t{e.data[0]} | uint32_t{e.data[1]} << 8 |
                     uint32_t{e.data[2]} << 16 | uint32_t{e.data[3]} << 24;
        out["value"] = Hex32(v);
        if (v == 1 || v == 0xFFFFFFFF) out["error"] = true;  // PFP: an error separator
      } else {
        PutHexData(out, e.data);
      }
      break;
    case kEvEfiVariableDriverConfig:
    case kEvEfiVariableBoot:
    case kEvEfiVariableBoot2:
    case kEvEfiVariableAuthority:
      DecodeVariable(out, e);
      break;
    case kEvEfiBootServicesApplication:
    case kEvEfiBootServicesDriver:
    case kEvEfiRuntimeServicesDriver:
      DecodeImageLoad(out, e);
      break;
    case kEvEventTag:
      DecodeTagged(out, e);
      break;
    case kEvEfiPlatformFirmwareBlob:
    case kEvEfiPlatformFirmwareBlob2:
      DecodeFirmwareBlob(out, e);
      break;
    case kEvEfiGptEvent:
      DecodeGpt(out, e);
      break;
    case kEvEfiAction:
    case kEvAction:
    case kEvIpl:
    case kEvSCrtmVersion:
    case kEvSCrtmContents:
    case kEvPostCode:
    case kEvOmitBootDeviceEvents:
      if (auto text = AnyText(e.data)) {
        out["text"] = *text;
      } else {
        PutHexData(out, e.data);
      }
      break;
    default:
      if (!e.data.empty()) PutHexData(out, e.data);
      break;
  }
  return out;
}

namespace {

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of("/\\)");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool StartsWithAny(const std::string& s, std::initializer_list<const char*> prefixes) {
  for (const char* p : prefixes) {
    if (s.rfind(p, 0) == 0) return true;
  }
  return false;
}

Json Component(const Event& e, const std::string& what, const std::string& source) {
  return Json{{"path", what}, {"digests", Digests(e)}, {"pcr", e.pcr}, {"source", source}};
}

}  // namespace

Json BootSummary(const EventLog& log) {
  Json out = Json::object();
  Json secure = Json::object();
  Json entries = Json::array();
  Json apps = Json::array();
  for (const Event& e : log.events) {
    if (e.type == kEvEfiVariableDriverConfig && e.pcr == 7) {
      Json d = DecodeEvent(e);
      if (!d.contains("variable_name")) continue;
      const std::string name = d["variable_name"];
      if (name == "SecureBoot" || name == "SetupMode" || name == "AuditMode" ||
          name == "DeployedMode") {
        std::string key = name == "SecureBoot"  ? "enabled"
                          : name == "SetupMode" ? "setup_mode"
                          : name == "AuditMode" ? "audit_mode"
                                                : "deployed_mode";
        if (d.contains("value") && d["value"].is_number()) {
          secure[key] = d["value"].get<int>() == 1;
        } else if (d.contains("value")) {
          secure[key] = false;  // the variable was absent: Secure Boot is off
        }
      } else if (d.contains("signature_lists")) {
        std::string key = name;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](char c) { return static_cast<char>(std::tolower(c)); });
        secure[key] = d["signature_lists"];
      }
    } else if ((e.type == kEvEfiVariableBoot || e.type == kEvEfiVariableBoot2) && e.pcr == 1) {
      Json d = DecodeEvent(e);
      if (d.contains("boot_order")) out["boot_order"] = d["boot_order"];
      if (d.contains("description")) {
        entries.push_back(Json{{"variable", d["variable_name"]},
                               {"description", d["description"]},
                               {"device_path", d["device_path"]}});
      }
    } else if (e.type == kEvEfiBootServicesApplication && e.pcr == 4) {
      Json d = DecodeEvent(e);
      std::string path = d.value("device_path", "");
      Json app = Component(e, path, "EV_EFI_BOOT_SERVICES_APPLICATION in PCR 4");
      apps.push_back(app);
      if (!out.contains("boot_loader")) out["boot_loader"] = app;
    } else if (e.type == kEvIpl && (e.pcr == 8 || e.pcr == 9 || e.pcr == 12)) {
      auto text = AnyText(e.data);
      if (!text) continue;
      const std::string base = Basename(*text);
      if (e.pcr == 9 && StartsWithAny(base, {"vmlinuz", "vmlinux", "bzImage", "Image"})) {
        out["kernel"] = Component(e, *text, "EV_IPL in PCR 9 (GRUB)");
      } else if (e.pcr == 9 && StartsWithAny(base, {"initrd", "initramfs"})) {
        out["initrd"] = Component(e, *text, "EV_IPL in PCR 9 (GRUB)");
      } else if (e.pcr == 8 && text->rfind("kernel_cmdline: ", 0) == 0) {
        out["kernel_cmdline"] = text->substr(16);
      } else if (e.pcr == 12 && !out.contains("kernel_cmdline") && !AsciiText(e.data)) {
        out["kernel_cmdline"] = *text;  // systemd-boot: the UTF-16 command line
      }
    } else if (e.type == kEvEventTag && e.pcr == 9) {
      Json d = DecodeEvent(e);
      if (d.value("tag_name", "") == "linux_initrd") {
        out["initrd"] = Component(e, d.value("text", ""), "EV_EVENT_TAG in PCR 9 (Linux)");
      }
    }
  }
  if (!secure.empty()) out["secure_boot"] = secure;
  if (!entries.empty()) out["boot_entries"] = entries;
  if (!apps.empty()) out["boot_applications"] = apps;
  return out;
}

}  // namespace veritee::tpm
