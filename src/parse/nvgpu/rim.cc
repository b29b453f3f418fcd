#include "parse/nvgpu/rim.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cctype>
#include <mutex>
#include <set>

#include "base/encoding.h"

namespace veritee::nvgpu {
namespace {

std::string_view Str(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// An attribute value, copied; xmlGet*Prop allocate.
struct XmlString {
  xmlChar* p = nullptr;
  XmlString(const XmlString&) = delete;
  XmlString& operator=(const XmlString&) = delete;
  explicit XmlString(xmlChar* s) : p(s) {}
  ~XmlString() { xmlFree(p); }
};

std::optional<std::string> Attr(const xmlNode* node, const char* name,
                                std::string_view ns = {}) {
  XmlString v(ns.empty()
                  ? xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name))
                  : xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name),
                                 reinterpret_cast<const xmlChar*>(std::string(ns).c_str())));
  if (v.p == nullptr) return std::nullopt;
  return std::string(Str(v.p));
}

std::string Where(const xmlNode* node) {
  return std::string(Str(node->name)) + " (line " + std::to_string(xmlGetLineNo(node)) + ")";
}

Result<std::string> Required(const xmlNode* node, const char* name) {
  auto v = Attr(node, name);
  if (!v) {
    return MakeError(ErrorCode::kMalformed, std::string("attribute ") + name + " is missing",
                     Where(node));
  }
  return *v;
}

bool Is(const xmlNode* node, std::string_view ns, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && node->ns != nullptr && Str(node->ns->href) == ns &&
         Str(node->name) == name;
}

bool IsBlank(const xmlNode* node) {
  if (node->type == XML_COMMENT_NODE) return true;
  if (node->type != XML_TEXT_NODE) return false;
  for (char c : Str(node->content)) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The element children of `node`; text other than whitespace, CDATA, processing
// instructions and entity references are refused.
Result<std::vector<const xmlNode*>> Elements(const xmlNode* node) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      out.push_back(c);
    } else if (!IsBlank(c)) {
      return MakeError(ErrorCode::kMalformed, "unexpected content", Where(node));
    }
  }
  return out;
}

std::string Text(const xmlNode* node) {
  XmlString v(xmlNodeGetContent(node));
  return std::string(Str(v.p));
}

Result<uint32_t> Decimal(const std::string& text, uint32_t max, const std::string& field) {
  if (text.empty() || text.size() > 5) {
    return MakeError(ErrorCode::kMalformed, "'" + text + "' is not a small number", field);
  }
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return MakeError(ErrorCode::kMalformed, "'" + text + "' is not a number", field);
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) {
    return MakeError(ErrorCode::kMalformed, text + " exceeds " + std::to_string(max), field);
  }
  return v;
}

Result<RimMeasurement> ReadResource(const xmlNode* node) {
  const std::string where = Where(node);
  VT_ASSIGN_OR_RETURN(std::string type, Required(node, "type"));
  if (type != "Measurement") {
    return MakeError(ErrorCode::kUnsupported, "Resource type '" + type + "' is not Measurement",
                     where);
  }
  RimMeasurement m;
  VT_ASSIGN_OR_RETURN(std::string index, Required(node, "index"));
  VT_ASSIGN_OR_RETURN(m.index, Decimal(index, 254, where + " index"));
  VT_ASSIGN_OR_RETURN(std::string active, Required(node, "active"));
  if (active != "True" && active != "False") {
    return MakeError(ErrorCode::kMalformed, "active is '" + active + "', not True or False",
                     where);
  }
  m.active = active == "True";
  VT_ASSIGN_OR_RETURN(std::string alternatives, Required(node, "alternatives"));
  VT_ASSIGN_OR_RETURN(uint32_t n, Decimal(alternatives, kMaxRimAlternatives,
                                          where + " alternatives"));
  if (n == 0) return MakeError(ErrorCode::kMalformed, "no alternatives", where);
  VT_ASSIGN_OR_RETURN(std::string size, Required(node, "size"));
  if (size != "48") {
    return MakeError(ErrorCode::kUnsupported, "measurement size " + size + " is not 48 (SHA-384)",
                     where);
  }
  m.name = Attr(node, "name").value_or("");
  // Every attribute in the hash namespace must be one of Hash0..Hash{n-1}.
  size_t hash_attrs = 0;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr || Str(a->ns->href) != kSha384HashNamespace) continue;
    ++hash_attrs;
    std::string_view name = Str(a->name);
    bool ok = name.size() > 4 && name.substr(0, 4) == "Hash";
    if (ok) {
      auto k = Decimal(std::string(name.substr(4)), kMaxRimAlternatives, where);
      ok = k.has_value() && *k < n && std::to_string(*k) == name.substr(4);
    }
    if (!ok) {
      return MakeError(ErrorCode::kMalformed,
                       "attribute " + std::string(name) + " is not Hash0..Hash" +
                           std::to_string(n - 1),
                       where);
    }
  }
  if (hash_attrs != n) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(hash_attrs) + " hash attributes for " + std::to_string(n) +
                         " alternatives",
                     where);
  }
  for (uint32_t k = 0; k < n; ++k) {
    const std::string attr = "Hash" + std::to_string(k);
    auto hex = Attr(node, attr.c_str(), kSha384HashNamespace);
    auto bytes = hex ? FromHex(*hex) : Result<Bytes>(MakeError(ErrorCode::kMalformed, ""));
    if (!bytes || bytes->size() != 48) {
      return MakeError(ErrorCode::kMalformed, attr + " is not 96 hex digits", where);
    }
    std::array<uint8_t, 48> value{};
    std::copy(bytes->begin(), bytes->end(), value.begin());
    m.alternatives.push_back(value);
  }
  return m;
}

Status ReadPayload(const xmlNode* payload, Rim& rim) {
  VT_ASSIGN_OR_RETURN(auto children, Elements(payload));
  std::set<uint32_t> seen;
  for (const xmlNode* c : children) {
    if (!Is(c, kSwidNamespace, "Resource")) {
      return MakeError(ErrorCode::kMalformed, "unexpected element in Payload", Where(c));
    }
    VT_ASSIGN_OR_RETURN(RimMeasurement m, ReadResource(c));
    if (!seen.insert(m.index).second) {
      return MakeError(ErrorCode::kMalformed,
                       "measurement index " + std::to_string(m.index) + " appears twice",
                       Where(c));
    }
    rim.measurements.push_back(std::move(m));
  }
  if (rim.measurements.empty()) {
    return MakeError(ErrorCode::kMalformed, "no measurements", Where(payload));
  }
  return Ok();
}

Result<std::string> Algorithm(const xmlNode* node) { return Required(node, "Algorithm"); }

Result<const xmlNode*> Only(const std::vector<const xmlNode*>& nodes, std::string_view name,
                            const xmlNode* parent) {
  const xmlNode* found = nullptr;
  for (const xmlNode* n : nodes) {
    if (!Is(n, kXmlDsigNamespace, name)) continue;
    if (found != nullptr) {
      return MakeError(ErrorCode::kMalformed, "two " + std::string(name) + " elements",
                       Where(parent));
    }
    found = n;
  }
  if (found == nullptr) {
    return MakeError(ErrorCode::kMalformed, "no " + std::string(name), Where(parent));
  }
  return found;
}

Status ReadSignature(const xmlNode* sig, RimSignatureInfo& out) {
  VT_ASSIGN_OR_RETURN(auto parts, Elements(sig));
  VT_ASSIGN_OR_RETURN(const xmlNode* signed_info, Only(parts, "SignedInfo", sig));
  VT_ASSIGN_OR_RETURN(auto si, Elements(signed_info));
  VT_ASSIGN_OR_RETURN(const xmlNode* c14n, Only(si, "CanonicalizationMethod", signed_info));
  VT_ASSIGN_OR_RETURN(out.canonicalization, Algorithm(c14n));
  VT_ASSIGN_OR_RETURN(const xmlNode* method, Only(si, "SignatureMethod", signed_info));
  VT_ASSIGN_OR_RETURN(out.signature_method, Algorithm(method));
  for (const xmlNode* n : si) {
    if (!Is(n, kXmlDsigNamespace, "Reference")) continue;
    RimReference ref;
    auto uri = Attr(n, "URI");
    ref.uri = uri.value_or("(absent)");
    VT_ASSIGN_OR_RETURN(auto rc, Elements(n));
    for (const xmlNode* r : rc) {
      if (Is(r, kXmlDsigNamespace, "Transforms")) {
        VT_ASSIGN_OR_RETURN(auto transforms, Elements(r));
        for (const xmlNode* t : transforms) {
          VT_ASSIGN_OR_RETURN(std::string alg, Algorithm(t));
          ref.transforms.push_back(std::move(alg));
        }
      } else if (Is(r, kXmlDsigNamespace, "DigestMethod")) {
        VT_ASSIGN_OR_RETURN(ref.digest_method, Algorithm(r));
      }
    }
    out.references.push_back(std::move(ref));
  }
  VT_RETURN_IF_ERROR(Only(parts, "SignatureValue", sig));
  for (const xmlNode* n : parts) {
    if (!Is(n, kXmlDsigNamespace, "KeyInfo")) continue;
    VT_ASSIGN_OR_RETURN(auto key_info, Elements(n));
    for (const xmlNode* data : key_info) {
      if (!Is(data, kXmlDsigNamespace, "X509Data")) continue;
      VT_ASSIGN_OR_RETURN(auto certs, Elements(data));
      for (const xmlNode* cert : certs) {
        if (!Is(cert, kXmlDsigNamespace, "X509Certificate")) continue;
        auto der = FromBase64(Text(cert));
        if (!der || der->empty()) {
          return MakeError(ErrorCode::kMalformed, "X509Certificate is not base64", Where(cert));
        }
        out.certificates.push_back(std::move(*der));
      }
    }
  }
  return Ok();
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

void XmlDocFree::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }

std::vector<uint32_t> Rim::ActiveIndices() const {
  std::set<uint32_t> active;
  for (const RimMeasurement& m : measurements) {
    if (m.active) active.insert(m.index);
  }
  return {active.begin(), active.end()};
}

bool IsVbiosVersion(std::string_view v) {
  if (v.size() != 14) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i % 3 == 2) {
      if (v[i] != '.') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(v[i]))) {
      return false;
    }
  }
  return true;
}

Result<XmlDocument> ParseXmlDocument(ByteSpan xml) {
  if (xml.size() > kMaxRimBytes) {
    return MakeError(ErrorCode::kMalformed,
                     std::to_string(xml.size()) + " bytes; a RIM is at most " +
                         std::to_string(kMaxRimBytes),
                     "RIM");
  }
  InitLibxml();
  using CtxtPtr = std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)>;
  CtxtPtr ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
  if (!ctxt) return MakeError(ErrorCode::kInternal, "xmlNewParserCtxt failed", "RIM");
  // No network, no error printing; entities are not substituted and DTDs are refused below.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  XmlDocument doc(xmlCtxtReadMemory(ctxt.get(), reinterpret_cast<const char*>(xml.data()),
                                    static_cast<int>(xml.size()), "rim.xml", nullptr, options));
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string message = e != nullptr && e->message != nullptr ? e->message : "parse error";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return MakeError(ErrorCode::kMalformed,
                     "not well-formed XML: " + message +
                         (e != nullptr ? " (line " + std::to_string(e->line) + ")" : ""),
                     "RIM");
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return MakeError(ErrorCode::kMalformed, "a document type declaration is not allowed", "RIM");
  }
  return doc;
}

Result<Rim> RimFromDocument(_xmlDoc* doc) {
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr || !Is(root, kSwidNamespace, "SoftwareIdentity")) {
    return MakeError(ErrorCode::kMalformed, "the root is not a SWID SoftwareIdentity", "RIM");
  }
  Rim rim;
  VT_ASSIGN_OR_RETURN(rim.name, Required(root, "name"));
  VT_ASSIGN_OR_RETURN(rim.tag_id, Required(root, "tagId"));
  rim.tag_version = Attr(root, "version").value_or("");
  VT_ASSIGN_OR_RETURN(auto children, Elements(root));
  const xmlNode* meta = nullptr;
  const xmlNode* payload = nullptr;
  const xmlNode* signature = nullptr;
  for (const xmlNode* c : children) {
    const xmlNode** slot = nullptr;
    if (Is(c, kSwidNamespace, "Meta")) {
      slot = &meta;
    } else if (Is(c, kSwidNamespace, "Payload")) {
      slot = &payload;
    } else if (Is(c, kXmlDsigNamespace, "Signature")) {
      slot = &signature;
    } else if (Is(c, kSwidNamespace, "Entity") || Is(c, kSwidNamespace, "Link")) {
      continue;
    } else {
      return MakeError(ErrorCode::kMalformed, "unexpected element", Where(c));
    }
    if (*slot != nullptr) return MakeError(ErrorCode::kMalformed, "appears twice", Where(c));
    *slot = c;
  }
  if (meta == nullptr) return MakeError(ErrorCode::kMalformed, "no Meta element", "RIM");
  if (payload == nullptr) return MakeError(ErrorCode::kMalformed, "no Payload element", "RIM");
  if (signature == nullptr) {
    return MakeError(ErrorCode::kMalformed, "no ds:Signature element: the RIM is unsigned",
                     "RIM");
  }
  VT_ASSIGN_OR_RETURN(rim.colloquial_version, Required(meta, "colloquialVersion"));
  rim.product = Attr(meta, "product").value_or("");
  VT_RETURN_IF_ERROR(ReadPayload(payload, rim));
  VT_RETURN_IF_ERROR(ReadSignature(signature, rim.signature));
  return rim;
}

Result<Rim> ParseRim(ByteSpan xml) {
  VT_ASSIGN_OR_RETURN(XmlDocument doc, ParseXmlDocument(xml));
  return RimFromDocument(doc.get());
}

}  // namespace veritee::nvgpu
