#include "crypto/speed.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "crypto/digest.h"
#include "crypto/keys.h"

namespace veritee {

Result<double> RawEcdsaP384VerifiesPerSecond(double seconds, int threads) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey("P-384"));
  const Bytes msg(672, 0x5a);
  auto digest = Sha384(msg);
  VT_ASSIGN_OR_RETURN(Bytes sig, SignEcdsaDigest(key.get(), digest));
  std::atomic<bool> failed{false};
  std::vector<uint64_t> counts(static_cast<size_t>(threads), 0);
  auto worker = [&](size_t index) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
      failed = true;
      return;
    }
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    uint64_t n = 0;
    while (std::chrono::steady_clock::now() < end) {
      for (int i = 0; i < 16; ++i) {
        if (EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digest.data(), digest.size()) != 1) {
          failed = true;
          return;
        }
      }
      n += 16;
    }
    counts[index] = n;
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, static_cast<size_t>(t));
  for (auto& th : pool) th.join();
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed) return OpenSslFailure(ErrorCode::kCrypto, "raw ECDSA P-384 benchmark");
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  return static_cast<double>(total) / elapsed;
}

}  // namespace veritee
