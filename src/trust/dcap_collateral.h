// DCAP collateral as received from Intel PCS (or a PCCS), loaded from a folder or a bundle
// file, kept byte-exact for the verifier (the signed JSON bodies are verified over the
// bytes as they arrived).
//
// Folder layout (DESIGN.md "--collateral"; the layout of ../shared/testdata/tdx/<vector>/):
//   pck_crl.der (DER or PEM)          pck_crl_issuer_chain.pem
//   root_ca_crl.der (DER or PEM)      tcb_info.json + tcb_info_issuer_chain.pem
//   qe_identity.json + qe_identity_issuer_chain.pem
// tcb_info.json / qe_identity.json are PCS response bodies ({"tcbInfo":…,"signature":…}).
//
// Bundle file: one JSON object in the "QuoteCollateralV3" layout that Phala's dcap-qvl
// writes (`dcap-qvl get-collateral`): pck_crl_issuer_chain, tcb_info_issuer_chain,
// qe_identity_issuer_chain (PEM text), root_ca_crl and pck_crl (hex DER, or PEM text),
// tcb_info / qe_identity (the exact signed JSON text) with tcb_info_signature /
// qe_identity_signature (hex r||s), or tcb_info / qe_identity holding a whole PCS
// response body. Unknown members are an error (a misspelt key must not silently drop
// collateral); "pck_certificate_chain" and "version" are accepted and ignored.
// Nothing here fetches anything: the caller chooses the source (DESIGN.md invariant 7).
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace veritee::trust {

struct DcapCollateral {
  Bytes pck_crl;
  Bytes pck_crl_issuer_chain;
  Bytes root_ca_crl;
  Bytes tcb_info;  // PCS response body
  Bytes tcb_info_issuer_chain;
  Bytes qe_identity;  // PCS response body
  Bytes qe_identity_issuer_chain;
  std::string source;  // the path it was loaded from, for messages

  bool operator==(const DcapCollateral& o) const {
    return pck_crl == o.pck_crl && pck_crl_issuer_chain == o.pck_crl_issuer_chain &&
           root_ca_crl == o.root_ca_crl && tcb_info == o.tcb_info &&
           tcb_info_issuer_chain == o.tcb_info_issuer_chain && qe_identity == o.qe_identity &&
           qe_identity_issuer_chain == o.qe_identity_issuer_chain;
  }
};

// A folder (file names above) or a bundle file. kIo when a file is missing/unreadable,
// kMalformed for a bundle that is not in the layout above.
Result<DcapCollateral> LoadDcapCollateral(const std::string& path);
Result<DcapCollateral> ParseCollateralBundle(std::string_view json_text);
// The bundle layout (signed bodies as text + hex signatures, CRLs as hex DER).
Result<std::string> WriteCollateralBundle(const DcapCollateral& collateral);
// Writes the folder layout.
Status SaveCollateralFolder(const DcapCollateral& collateral, const std::string& dir);

}  // namespace veritee::trust
