// Fuzz target: TPM2B_PUBLIC / TPMT_PUBLIC (src/parse/tpm/public_area.h) and the OpenSSL key
// built from it (src/verify/tpm/tpm_crypto.h).
//
// An accepted public area round-trips byte for byte; turning it into a key either fails
// cleanly or yields a key of the public area's type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <openssl/evp.h>

#include "parse/tpm/public_area.h"
#include "verify/tpm/tpm_crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace veritee;
  using namespace veritee::tpm;
  const ByteSpan input(data, size);
  for (bool sized : {true, false}) {
    auto pub = sized ? ParseTpm2bPublic(input) : ParseTpmtPublic(input);
    if (!pub) continue;
    const Bytes written = sized ? WriteTpm2bPublic(*pub) : WriteTpmtPublic(*pub);
    if (written.size() != size) std::abort();
    for (size_t i = 0; i < size; ++i) {
      if (written[i] != data[i]) std::abort();
    }
    auto key = PublicKeyFromTpm(*pub);
    if (key) {
      int type = EVP_PKEY_get_base_id(key->get());
      if (type != (pub->type == kAlgRsa ? EVP_PKEY_RSA : EVP_PKEY_EC)) std::abort();
    }
  }
  return 0;
}
