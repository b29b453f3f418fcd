// `veritee inspect`, `veritee verify` and `veritee bench verify`.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "appraise/appraisal.h"
#include "appraise/ear.h"
#include "base/encoding.h"
#include "cli/appraise_flags.h"
#include "cli/commands.h"
#include "cli/evidence.h"
#include "cli/render.h"
#include "cli/verify_flags.h"
#include "crypto/speed.h"

namespace veritee::cli {
namespace {

int UsageError(const Error& e) {
  std::cerr << "veritee: " << e.ToString() << "\n";
  return 2;
}

// Verification of one evidence file: a rejection (never an Error) for bad content; an
// Error only for a usage problem of the format's options.
Result<Verification> VerifyEvidence(const Evidence& e, const VerifyRequest& request) {
  if (e.handler != nullptr) return e.handler->Verify(e.bytes, request);
  Verification v{"unknown"};
  v.Add("format", false, UnrecognisedReason(e));
  return v;
}

struct InspectArgs {
  std::string path;
  bool json = false;
  std::string product;
};

int RunInspect(const InspectArgs& a) {
  auto e = LoadEvidence(a.path);
  if (!e) return UsageError(e.error());
  if (e->handler == nullptr) {
    std::cerr << "veritee: " << UnrecognisedReason(*e) << "\n";
    return 1;
  }
  auto out = e->handler->Inspect(e->bytes, a.product);
  if (!out) {
    if (out.error().code == ErrorCode::kInvalidArgument) return UsageError(out.error());
    std::cerr << "veritee: " << a.path << ": not valid " << e->handler->tee()
              << " evidence: " << out.error().ToString() << "\n";
    return 1;
  }
  if (a.json) {
    std::cout << out->dump(2) << "\n";
    return 0;
  }
  std::cout << a.path << ": " << (*out)["format"].get<std::string>()
            << " (decoded, not verified: use veritee verify)\n";
  Json rest = *out;
  rest.erase("format");
  rest.erase("tee");
  PrintTree(std::cout, rest, 1);
  return 0;
}

struct VerifyArgs {
  std::string path;
  bool json = false;
  VerifyFlags flags;
  AppraiseFlags appraise;
};

// The EAR of one appraisal, issued at `at`.
Result<std::string> SignedEar(AppraiseContext& ctx, appraise::Appraisal a, UnixTime at) {
  ctx.ear.issued_at = at;
  std::vector<appraise::Appraisal> one;
  one.push_back(std::move(a));
  return appraise::SignEar(appraise::EarClaims(std::move(one), ctx.ear), *ctx.key);
}

int RunVerify(const VerifyArgs& a) {
  auto e = LoadEvidence(a.path);
  if (!e) return UsageError(e.error());
  auto in = BuildRequest(a.flags);
  if (!in) return UsageError(in.error());
  auto ctx = PrepareAppraisal(a.flags, a.appraise);
  if (!ctx) return UsageError(ctx.error());
  auto result = VerifyEvidence(*e, *in);
  if (!result) return UsageError(result.error());
  const Verification& v = *result;
  if (!ctx->AppraisesTee(v.tee())) {
    if (a.json) {
      std::cout << v.ToJson().dump(2) << "\n";
    } else {
      PrintVerification(std::cout, v, a.path);
    }
    return v.accepted() ? 0 : 1;
  }
  // Appraisal over the claims, and the EAR when asked for.
  const appraise::Appraisal ap = appraise::Appraise(v, ctx->policy, in->at);
  std::string token;
  if (ctx->key) {
    auto signed_ear = SignedEar(*ctx, ap, in->at);
    if (!signed_ear) {
      std::cerr << "veritee: signing the EAR: " << signed_ear.error().ToString() << "\n";
      return 1;
    }
    token = std::move(*signed_ear);
  }
  if (a.json) {
    Json out = VerdictJson(v, ap);
    if (!token.empty()) out["token"] = token;
    std::cout << out.dump(2) << "\n";
  } else {
    std::ostream& report = token.empty() ? std::cout : std::cerr;
    PrintVerification(report, v, a.path);
    PrintAppraisal(report, ap);
    if (!token.empty()) std::cout << token << "\n";
  }
  return v.accepted() && ap.acceptable() ? 0 : 1;
}

struct BenchArgs {
  std::string path;
  bool json = false;
  double seconds = 5;
  int threads = 1;
  VerifyFlags flags;
  AppraiseFlags appraise;
};

// The vendor signature a verification of this evidence rests on, and how many of them it
// checks on every call (certificate chains are cached and not counted).
struct RawReference {
  RawSignature kind = RawSignature::kEcdsaP384;
  int per_verification = 1;
};

RawReference RawReferenceFor(const Verification& v) {
  const std::string& tee = v.tee();
  // DCAP: the QE report signature (PCK key) and the quote signature (attestation key).
  if (tee == "tdx" || tee == "sgx") return {RawSignature::kEcdsaP256, 2};
  if (tee == "tpm") {
    const Json* ak = v.claims.contains("ak") ? &v.claims["ak"] : nullptr;
    const std::string key = ak && ak->contains("key") && (*ak)["key"].is_string()
                                ? (*ak)["key"].get<std::string>()
                                : std::string();
    if (key.rfind("RSA", 0) == 0) return {RawSignature::kRsa2048Pkcs1, 1};
    if (key == "EC P-256") return {RawSignature::kEcdsaP256, 1};
  }
  return {RawSignature::kEcdsaP384, 1};
}

int RunBench(const BenchArgs& a) {
  if (a.seconds <= 0 || a.seconds > 3600 || a.threads < 1 || a.threads > 256) {
    std::cerr << "veritee: --seconds must be in (0, 3600] and --threads in [1, 256]\n";
    return 2;
  }
  auto e = LoadEvidence(a.path);
  if (!e) return UsageError(e.error());
  auto in = BuildRequest(a.flags);
  if (!in) return UsageError(in.error());
  auto prepared = PrepareAppraisal(a.flags, a.appraise);
  if (!prepared) return UsageError(prepared.error());
  const AppraiseContext& appraisal = *prepared;
  auto checked = VerifyEvidence(*e, *in);
  if (!checked) return UsageError(checked.error());
  const Verification& first = *checked;
  const bool appraises = appraisal.AppraisesTee(first.tee());
  const RawReference reference = RawReferenceFor(first);
  const std::string raw_name(RawSignatureName(reference.kind));
  if (!a.json) {
    std::cout << "evidence: " << a.path << " (" << first.tee() << ")\n"
              << "verdict: " << (first.accepted() ? "accepted" : "rejected — " + first.reason())
              << "\n";
    std::cerr << "measuring for " << (appraises ? 3 : 2) * a.seconds
              << " s, alternating veritee verify"
              << (appraises ? ", verify + appraisal" : "")
              << (appraisal.key ? " + EAR signing" : "") << " and raw " << raw_name << " verify…\n";
  }
  // Each thread alternates short slices of the full verification and of the raw signature
  // primitive, so that both rates see the same machine load; their ratio is what matters.
  std::atomic<bool> mismatch{false}, failed{false};
  struct Tally {
    uint64_t verify = 0, raw = 0, full = 0;
    double verify_s = 0, raw_s = 0, full_s = 0;
    // Inside the appraisal slice, each iteration's two parts timed apart, so the overhead
    // compares them under the same load.
    double full_verify_s = 0, full_appraise_s = 0;
  };
  std::vector<Tally> tallies(static_cast<size_t>(a.threads));
  const bool expected = first.accepted();
  using Clock = std::chrono::steady_clock;
  auto worker = [&](size_t index) {
    auto raw = RawSignatureBench::Create(reference.kind);
    if (!raw) {
      failed = true;
      return;
    }
    Tally& t = tallies[index];
    const auto end = Clock::now() + std::chrono::duration<double>(2 * a.seconds);
    const auto slice = std::chrono::milliseconds(50);
    while (Clock::now() < end) {
      auto s0 = Clock::now();
      do {
        // Every iteration runs the whole verification, signature included.
        auto v = VerifyEvidence(*e, *in);
        if (!v || v->accepted() != expected) mismatch = true;
        ++t.verify;
      } while (Clock::now() - s0 < slice);
      auto s1 = Clock::now();
      do {
        if (!(*raw)->Run(4)) failed = true;
        t.raw += 4;
      } while (Clock::now() - s1 < slice);
      auto s2 = Clock::now();
      t.verify_s += std::chrono::duration<double>(s1 - s0).count();
      t.raw_s += std::chrono::duration<double>(s2 - s1).count();
      if (appraises) {
        // With --policy/--token, a third slice: verification + appraisal (+ EAR signing).
        AppraiseContext ctx = appraisal;
        auto i0 = s2;
        do {
          auto v = VerifyEvidence(*e, *in);
          const auto i1 = Clock::now();
          if (!v || v->accepted() != expected) mismatch = true;
          if (v) {
            auto ap = appraise::Appraise(std::move(*v), ctx.policy, in->at);
            if (ctx.key && !SignedEar(ctx, std::move(ap), in->at)) failed = true;
          }
          const auto i2 = Clock::now();
          t.full_verify_s += std::chrono::duration<double>(i1 - i0).count();
          t.full_appraise_s += std::chrono::duration<double>(i2 - i1).count();
          i0 = i2;
          ++t.full;
        } while (i0 - s2 < slice);
        t.full_s += std::chrono::duration<double>(Clock::now() - s2).count();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < a.threads; ++t) pool.emplace_back(worker, static_cast<size_t>(t));
  for (auto& th : pool) th.join();
  if (failed) {
    std::cerr << "veritee: the raw signature benchmark failed\n";
    return 1;
  }
  uint64_t total = 0;
  double rate = 0, raw_rate = 0, elapsed = 0, full_rate = 0;
  double full_verify_s = 0, full_appraise_s = 0;
  for (const Tally& t : tallies) {
    total += t.verify;
    rate += static_cast<double>(t.verify) / t.verify_s;  // threads run side by side
    raw_rate += static_cast<double>(t.raw) / t.raw_s;
    if (t.full_s > 0) full_rate += static_cast<double>(t.full) / t.full_s;
    full_verify_s += t.full_verify_s;
    full_appraise_s += t.full_appraise_s;
    elapsed = std::max(elapsed, t.verify_s);
  }
  // With appraisal the headline rate is the whole path; verify alone is reported beside.
  const double verify_only_rate = rate;
  if (appraises) rate = full_rate;
  // Appraisal (+ signing) time over verification time, iteration by iteration.
  const double overhead =
      appraises && full_verify_s > 0 ? 100.0 * full_appraise_s / full_verify_s : 0;
  const std::string appraisal_kind =
      !appraises ? ""
      : appraisal.key    ? "policy + EAR " + std::string(JwsAlgName(appraisal.key->alg()))
                         : "policy";
  // Verifications per second over (raw verifications per second / signatures per
  // verification): 1.0 would mean the verifier costs nothing beyond its signatures.
  const double ratio_to_signatures = rate * reference.per_verification / raw_rate;
  if (mismatch) {
    std::cerr << "veritee: verdicts changed during the benchmark\n";
    return 1;
  }
  if (a.json) {
    Json out = {{"evidence", a.path},
                {"tee", first.tee()},
                {"verdict", first.accepted() ? "accepted" : "rejected"},
                {"threads", a.threads},
                {"seconds", elapsed},
                {"iterations", total},
                {"raw_signature", raw_name},
                {"raw_signatures_per_verification", reference.per_verification},
                {"raw_verify_per_second", raw_rate},
                {"ratio_to_raw_ecdsa", rate / raw_rate},
                {"ratio_to_raw_signatures", ratio_to_signatures}};
    // Kept for scripts written against the first SEV-SNP release.
    if (reference.kind == RawSignature::kEcdsaP384) out["raw_ecdsa_p384_verify_per_second"] = raw_rate;
    if (appraises) {
      out["appraisal"] = appraisal_kind;
      out["verify_only_per_second"] = verify_only_rate;
      out["appraisal_overhead_percent"] = overhead;
    }
    out["verifications_per_second"] = rate;
    std::cout << out.dump(2) << "\n";
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "threads: %d\nseconds: %.2f\niterations: %llu\n", a.threads,
                  elapsed, static_cast<unsigned long long>(total));
    std::cout << line << "raw_signature: " << raw_name << " (" << reference.per_verification
              << " per verification)\n";
    if (reference.kind == RawSignature::kEcdsaP384) {
      std::snprintf(line, sizeof line, "raw_ecdsa_p384_verify_per_second: %.1f\n", raw_rate);
    } else {
      std::string key = raw_name;
      std::replace(key.begin(), key.end(), '-', '_');
      std::snprintf(line, sizeof line, "raw_%s_verify_per_second: %.1f\n", key.c_str(), raw_rate);
    }
    std::cout << line;
    std::snprintf(line, sizeof line, "ratio_to_raw_ecdsa: %.3f\nratio_to_raw_signatures: %.3f\n",
                  rate / raw_rate, ratio_to_signatures);
    std::cout << line;
    if (appraises) {
      std::snprintf(line, sizeof line,
                    "verify_only_per_second: %.1f\nappraisal_overhead_percent: %.2f\n",
                    verify_only_rate, overhead);
      std::cout << "appraisal: " << appraisal_kind << "\n" << line;
    }
    std::snprintf(line, sizeof line, "verifications_per_second: %.1f\n", rate);
    std::cout << line;
  }
  return 0;
}

}  // namespace

void RegisterInspect(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand("inspect", "decode evidence and print every field (no verification)");
  cmd->add_option("EVIDENCE", args->path, "evidence file (raw, hex or base64)")->required();
  cmd->add_option("--product", args->product, "decode TCB values for this product (v2 reports)");
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->callback([args, exit_code] { *exit_code = RunInspect(*args); });
}

void RegisterVerify(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  auto* cmd = app.add_subcommand(
      "verify", "verify evidence against vendor roots and options; exit 0 accepted, 1 rejected, 2 usage");
  cmd->add_option("EVIDENCE", args->path, "evidence file (raw, hex or base64)")->required();
  cmd->add_flag("--json", args->json, "print the verification as JSON");
  AddVerifyFlags(*cmd, args->flags);
  AddAppraiseFlags(*cmd, args->appraise);
  cmd->callback([args, exit_code] { *exit_code = RunVerify(*args); });
}

void RegisterBench(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BenchArgs>();
  auto* bench = app.add_subcommand("bench", "measure throughput");
  bench->require_subcommand(1);
  auto* cmd = bench->add_subcommand(
      "verify", "verifications per second of one evidence file (printed last as "
                "\"verifications_per_second: X\"), beside the raw rate of the vendor's signature (ECDSA P-384 for "
                "SEV-SNP/Nitro/NVIDIA, two ECDSA P-256 for DCAP, the AK's for TPM)");
  cmd->add_option("EVIDENCE", args->path, "evidence file")->required();
  cmd->add_option("--seconds", args->seconds, "seconds of veritee verify and as many of the raw signature, alternating (default 5)");
  cmd->add_option("--threads", args->threads, "threads (default 1)");
  cmd->add_flag("--json", args->json, "print JSON");
  AddVerifyFlags(*cmd, args->flags);
  AddAppraiseFlags(*cmd, args->appraise);
  cmd->callback([args, exit_code] { *exit_code = RunBench(*args); });
}

}  // namespace veritee::cli
