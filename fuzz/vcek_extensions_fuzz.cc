// Fuzz target: the VCEK/VLEK certificate-extension path. The input is a DER certificate;
// OpenSSL decodes it (crypto/x509), then AMD's extensions are decoded by
// parse/snp/amd_extensions and turned into a TCB for every layout, exactly as the SEV-SNP
// verifier does before comparing them with REPORTED_TCB and CHIP_ID.
//
// Beyond "does not crash": an accepted hwID has one of the two legal sizes, and every SPL
// that decoded is echoed by ExtensionTcb unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/x509.h"
#include "parse/snp/amd_extensions.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  auto cert = Certificate::FromDer(ByteSpan(data, size));
  if (!cert) return 0;
  std::vector<CertExtension> exts = cert->Extensions();
  std::vector<snp::RawExtension> raw;
  for (const CertExtension& e : exts) raw.push_back(snp::RawExtension{e.oid, e.value});
  auto parsed = snp::ParseAmdExtensions(raw);
  if (!parsed) return 0;
  if (parsed->hwid && parsed->hwid->size() != snp::kHwIdSize &&
      parsed->hwid->size() != snp::kTurinHwIdSize) {
    std::abort();
  }
  for (snp::TcbLayout layout : {snp::TcbLayout::kMilanGenoa, snp::TcbLayout::kTurin}) {
    auto tcb = snp::ExtensionTcb(*parsed, layout);
    if (tcb && (tcb->bootloader != *parsed->bl_spl || tcb->snp != *parsed->snp_spl ||
                tcb->microcode != *parsed->ucode_spl)) {
      std::abort();
    }
  }
  return 0;
}
