// The built-in AMD SEV-SNP trust anchors (ARK, ASK, ASVK per product), parsed once and
// checked against their pinned SHA-256 fingerprints.
//
// The ARK is the root of trust; ASK (signs VCEKs) and ASVK (signs VLEKs) are intermediates
// that AMD publishes beside it. Building them in means a report can be verified with the
// VCEK alone, offline. A simulator root is never among these.
#pragma once

#include <string>
#include <vector>

#include "crypto/x509.h"
#include "parse/snp/tcb.h"

namespace veritee::trust {

struct AmdProductCerts {
  snp::Product product;
  Certificate ark;
  Certificate ask;
  Certificate asvk;
};

// All products. The first call parses and pins; a fingerprint mismatch is a kInternal error
// on every call (the binary is corrupt and must not verify anything).
Result<const std::vector<AmdProductCerts>*> BuiltinAmdCerts();

// "ARK-Milan (built-in, SHA-256 69d0…)" style name for an anchor.
std::string AnchorName(const Certificate& anchor, bool builtin);

}  // namespace veritee::trust
