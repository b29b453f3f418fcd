#include "parse/snp/test_data.h"

namespace veritee::snp::testing {

namespace {
template <size_t N>
void Fill(std::array<uint8_t, N>& a, uint8_t seed) {
  for (size_t i = 0; i < N; ++i) a[i] = static_cast<uint8_t>(seed + i);
}
}  // namespace

Report SampleReport(uint32_t version) {
  Report r;
  r.version = version;
  r.guest_svn = 0x10009;
  r.policy = 0x0000'0000'0103'001FULL;  // ABI 0.31, SMT, bit 17, ciphertext hiding
  Fill(r.family_id, 0x10);
  Fill(r.image_id, 0x20);
  r.vmpl = 1;
  r.signature_algo = 1;
  r.current_tcb = 0xdb18'0000'0000'0004ULL;
  r.platform_info = 0x25;
  r.key_info = 0x07;  // author_key_en, mask_chip_key, signing key VLEK
  Fill(r.report_data, 0x50);
  Fill(r.measurement, 0x90);
  Fill(r.host_data, 0xC0);
  Fill(r.id_key_digest, 0xE0);
  Fill(r.author_key_digest, 0x11);
  Fill(r.report_id, 0x40);
  Fill(r.report_id_ma, 0x60);
  r.reported_tcb = 0x5417'0000'0000'000AULL;
  if (version >= 3) {
    r.cpuid_fam_id = 0x19;
    r.cpuid_mod_id = 0x11;
    r.cpuid_step = 0x01;
  }
  Fill(r.chip_id, 0xA0);
  r.committed_tcb = 0x4405'0000'0000'0002ULL;
  r.current_build = 40;
  r.current_minor = 55;
  r.current_major = 1;
  r.committed_build = 39;
  r.committed_minor = 55;
  r.committed_major = 1;
  r.launch_tcb = 0x5100'0000'0401'0101ULL;
  if (version >= 5) {
    r.launch_mit_vector = 0x3f;
    r.current_mit_vector = 0x1'0000'003fULL;
  }
  Fill(r.signature_r, 0xA1);
  Fill(r.signature_s, 0xE8);
  return r;
}

}  // namespace veritee::snp::testing
