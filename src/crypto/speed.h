// The raw cost of one ECDSA P-384 verification, measured the way `openssl speed ecdsap384`
// does (one key, one precomputed digest and DER signature, one EVP_PKEY_CTX reused), so
// `veritee bench` can report its throughput as a ratio to the signature primitive on the
// same machine in the same run.
#pragma once

#include "base/result.h"

namespace veritee {

// Verifications per second over about `seconds`, on each of `threads` threads (summed).
Result<double> RawEcdsaP384VerifiesPerSecond(double seconds, int threads);

}  // namespace veritee
