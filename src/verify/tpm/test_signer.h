// Tests and benchmarks only: a software attestation key that produces TPM-shaped evidence.
//
// It holds an OpenSSL key, its TPMT_PUBLIC (an AK template: fixedTPM, fixedParent,
// sensitiveDataOrigin, userWithAuth, restricted, sign) and signs TPMS_ATTEST bytes into a
// TPMT_SIGNATURE the way a TPM does (RSASSA, RSAPSS or ECDSA over H(message)). It lets the
// verifier's tests change one field at a time; the real TPM path is the swtpm test.
#pragma once

#include "crypto/ossl.h"
#include "parse/tpm/attest.h"
#include "parse/tpm/pcr_values.h"
#include "parse/tpm/public_area.h"
#include "parse/tpm/signature.h"

namespace veritee::tpm::testing {

class SoftAk {
 public:
  static Result<SoftAk> Rsa(int bits = 2048, AlgId scheme = kAlgRsaSsa, AlgId hash = kAlgSha256);
  static Result<SoftAk> Ecc(uint16_t curve = kEccNistP256, AlgId hash = kAlgSha256);

  const Public& pub() const { return pub_; }
  Public& mutable_pub() { return pub_; }
  Bytes Tpm2bPublic() const { return WriteTpm2bPublic(pub_); }
  Result<std::string> PublicPem() const;
  EVP_PKEY* key() const { return key_.get(); }

  // A TPMT_SIGNATURE over `message` with the key's scheme (or the given one).
  Result<Bytes> Sign(ByteSpan message) const;
  Result<Bytes> Sign(ByteSpan message, AlgId scheme, AlgId hash) const;

 private:
  SharedPkey key_;
  Public pub_;
};

// A quote of `values` (bank -> index -> digest) with `nonce`, pcrDigest computed with
// `hash`; selection order: banks as in `values`, indices ascending.
Result<Attest> MakeQuote(const PcrMap& values, ByteSpan nonce, AlgId hash);

}  // namespace veritee::tpm::testing
