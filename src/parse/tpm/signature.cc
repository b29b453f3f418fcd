#include "parse/tpm/signature.h"

#include "parse/tpm/attest.h"

namespace veritee::tpm {

Result<Signature> ParseSignature(ByteSpan bytes) {
  ByteReader r(bytes);
  Signature s;
  VT_ASSIGN_OR_RETURN(s.sig_alg, r.U16Be("sigAlg"));
  if (s.sig_alg != kAlgRsaSsa && s.sig_alg != kAlgRsaPss && s.sig_alg != kAlgEcdsa) {
    return MakeError(ErrorCode::kUnsupported,
                     "signature scheme " + AlgName(s.sig_alg) +
                         " (rsassa, rsapss and ecdsa are supported)",
                     "sigAlg", 0);
  }
  VT_ASSIGN_OR_RETURN(s.hash, r.U16Be("signature.hash"));
  if (!HashSize(s.hash)) {
    return MakeError(ErrorCode::kUnsupported, AlgName(s.hash) + " is not a hash algorithm",
                     "signature.hash", 2);
  }
  if (s.sig_alg == kAlgEcdsa) {
    VT_ASSIGN_OR_RETURN(s.ecc_r, ReadTpm2b(r, kMaxEccParameterSize, "signatureR"));
    VT_ASSIGN_OR_RETURN(s.ecc_s, ReadTpm2b(r, kMaxEccParameterSize, "signatureS"));
  } else {
    VT_ASSIGN_OR_RETURN(s.rsa, ReadTpm2b(r, kMaxRsaSignatureSize, "sig"));
  }
  VT_RETURN_IF_ERROR(r.Finish("TPMT_SIGNATURE"));
  return s;
}

Bytes WriteSignature(const Signature& s) {
  ByteWriter w;
  w.U16Be(s.sig_alg);
  w.U16Be(s.hash);
  if (s.sig_alg == kAlgEcdsa) {
    WriteTpm2b(w, s.ecc_r);
    WriteTpm2b(w, s.ecc_s);
  } else {
    WriteTpm2b(w, s.rsa);
  }
  return w.Take();
}

std::string DescribeSignature(const Signature& s) {
  std::string scheme = s.sig_alg == kAlgRsaSsa   ? "RSASSA-PKCS1-v1_5"
                       : s.sig_alg == kAlgRsaPss ? "RSASSA-PSS"
                       : s.sig_alg == kAlgEcdsa  ? "ECDSA"
                                                 : AlgName(s.sig_alg);
  return scheme + " with " + AlgName(s.hash);
}

}  // namespace veritee::tpm
