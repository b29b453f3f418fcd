// NVIDIA Reference Integrity Manifests (RIMs) for GPU driver and VBIOS: the golden
// measurements, as an ISO/IEC 19770-2:2015 SWID tag with the TCG RIM attributes (TCG
// "Reference Integrity Manifest (RIM) Information Model" 1.01, PC Client RIM 1.0
// "Base RIM" SWID form), signed with an enveloped XML-DSig. Parsed with libxml2; no
// crypto here (verify/nvgpu/rim_signature.h checks the signature on the same document).
//
// What NVIDIA's RIMs hold (../shared/testdata/nvidia/SPDM_LAYOUT.md section 5):
//   SoftwareIdentity@name ("GH100"), @tagId, @version
//   Meta@colloquialVersion: the driver version ("545.00") or VBIOS version ("96.00.5E.00.01")
//   Payload/Resource[@type="Measurement"] with @index (0-based; compared with SPDM block
//     index + 1), @active ("True"/"False"), @alternatives (n), @size (48) and the golden
//     values Hash0..Hash{n-1} in the namespace http://www.w3.org/2001/04/xmlenc#sha384
//   ds:Signature (a child of the root): SignedInfo, SignatureValue, KeyInfo/X509Data with
//     the signing chain leaf first.
// Strict: the root must be a SWID SoftwareIdentity; Entity, Link, Meta, Payload and exactly
// one ds:Signature are the only children; one Meta and one Payload; every Resource is a
// Measurement with a unique index 0..254, 1..16 alternatives of exactly `size` = 48 bytes
// of hex, no Hash attribute beyond the alternatives; no DTD; no network access; 1 MiB at
// most. The XML signature's structure (algorithms, references, certificates) is read
// here; whether it verifies is the verifier's question.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

struct _xmlDoc;  // libxml2's xmlDoc

namespace veritee::nvgpu {

inline constexpr size_t kMaxRimBytes = 1024 * 1024;
inline constexpr size_t kMaxRimAlternatives = 16;

inline constexpr std::string_view kSwidNamespace =
    "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
inline constexpr std::string_view kXmlDsigNamespace = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view kSha384HashNamespace = "http://www.w3.org/2001/04/xmlenc#sha384";

struct RimMeasurement {
  uint32_t index = 0;  // 0-based: SPDM block index - 1
  bool active = false;
  std::string name;
  std::vector<std::array<uint8_t, 48>> alternatives;

  bool operator==(const RimMeasurement&) const = default;
};

struct RimReference {
  std::string uri;
  std::vector<std::string> transforms;  // Algorithm URIs, in order
  std::string digest_method;

  bool operator==(const RimReference&) const = default;
};

// The ds:Signature as written (not verified).
struct RimSignatureInfo {
  std::string canonicalization;
  std::string signature_method;
  std::vector<RimReference> references;
  std::vector<Bytes> certificates;  // KeyInfo/X509Data/X509Certificate, DER, in order

  bool operator==(const RimSignatureInfo&) const = default;
};

struct Rim {
  std::string name;                // SoftwareIdentity@name, e.g. "GH100"
  std::string tag_id;
  std::string tag_version;         // SoftwareIdentity@version
  std::string colloquial_version;  // Meta@colloquialVersion
  std::string product;             // Meta@product
  std::vector<RimMeasurement> measurements;
  RimSignatureInfo signature;

  // Indices of the active measurements, ascending.
  std::vector<uint32_t> ActiveIndices() const;
  bool operator==(const Rim&) const = default;
};

struct XmlDocFree {
  void operator()(_xmlDoc* doc) const;
};
using XmlDocument = std::unique_ptr<_xmlDoc, XmlDocFree>;

// Parses XML without network access and refuses documents with a DTD. kMalformed with
// libxml2's message (and line) when the text is not well-formed XML.
Result<XmlDocument> ParseXmlDocument(ByteSpan xml);

// The RIM in a parsed document (the document is only read). kMalformed/kUnsupported with
// the element or attribute in `field`.
Result<Rim> RimFromDocument(_xmlDoc* doc);

// Both steps.
Result<Rim> ParseRim(ByteSpan xml);

// Whether a colloquialVersion is a VBIOS version ("96.00.5E.00.01": five groups of two hex
// digits) rather than a driver version ("545.00", "550.90.07").
bool IsVbiosVersion(std::string_view colloquial_version);

}  // namespace veritee::nvgpu
