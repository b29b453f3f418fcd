// Attesters: one interface over every way this machine can produce evidence, so that
// `veritee attest` and RA-TLS certificates do not care whether the report came from
// configfs-tsm, /dev/sev-guest, /dev/tdx_guest, /dev/nsm, a TPM or the simulator.
//
// Evidence is what a verifier needs: the primary bytes (report, quote, document, TPM
// quote), endorsements sent along (the SEV-SNP certificate table or PEM chain), and named
// extra parts (the TPM's signature, PCR values and AK). A simulated attester says so in
// `simulated`, and its evidence chains to a simulator root that is never built in.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "attest/binding.h"
#include "attest/detect.h"

namespace veritee::attest {

struct Evidence {
  std::string tee;     // "sev-snp", "tdx", "nitro", "tpm"; "tdx-tdreport" (local only)
  std::string source;  // "configfs-tsm", "sev-guest", "tdx-guest", "nsm", "tpm", "simulator"
  Bytes evidence;
  Bytes endorsements;  // SEV-SNP: GHCB certificate table or PEM certificates; else empty
  std::map<std::string, Bytes> parts;  // TPM: "sig", "pcrs", "ak.pub", "ak.pem"
  bool simulated = false;
  std::string note;    // e.g. why a TDREPORT is not remotely verifiable
};

class Attester {
 public:
  virtual ~Attester() = default;
  virtual std::string_view name() const = 0;  // the source
  virtual Result<Evidence> Attest(const ReportData& report_data) = 0;
};

struct AttesterOptions {
  std::string root;                       // path prefix (tests)
  uint32_t vmpl = 0;                      // SEV-SNP privilege level of the report
  std::string tcti = "device:/dev/tpmrm0";
  std::string pcrs = "sha256:0,1,2,3,4,5,6,7";
  bool allow_tpm = true;                  // fall back to a TPM quote when no TEE answers
};

// The best attester the detection found: configfs-tsm, then the TEE's own device, then a
// TPM. kUnsupported ("no TEE ...") when there is none.
Result<std::unique_ptr<Attester>> SelectAttester(const Detection& detection,
                                                 const AttesterOptions& options);

}  // namespace veritee::attest
