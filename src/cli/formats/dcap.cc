// The Intel DCAP format handlers: "tdx" (quote v4/v5 with a TD report body) and "sgx"
// (quote v3, or v4/v5 with an SGX report body). Both share one verifier, so collateral and
// PCK chains verified once stay cached across `bench` iterations, and one collateral cache:
// a --collateral path is read once per process.
#include <mutex>

#include "base/encoding.h"
#include "base/file.h"
#include "cli/formats/handlers.h"
#include "parse/dcap/quote.h"
#include "parse/dcap/quote_claims.h"
#include "verify/dcap/policy.h"
#include "verify/dcap/verifier.h"

namespace veritee::cli {
namespace {

struct Shared {
  dcap::DcapVerifier verifier;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const trust::DcapCollateral>> collateral;

  Result<std::shared_ptr<const trust::DcapCollateral>> Collateral(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = collateral.find(path); it != collateral.end()) return it->second;
    auto loaded = trust::LoadDcapCollateral(path);
    if (!loaded) return tl::unexpected(WithOption(loaded.error(), "--collateral"));
    auto shared = std::make_shared<const trust::DcapCollateral>(std::move(*loaded));
    collateral.emplace(path, shared);
    return shared;
  }
};

Shared& State() {
  static Shared* shared = new Shared();
  return *shared;
}

Result<dcap::VerifyInputs> Inputs(const VerifyRequest& request, bool tdx) {
  const VerifyFlags& f = *request.flags;
  dcap::VerifyInputs in;
  in.at = request.at;
  in.certs = request.certs;
  in.extra_roots = request.extra_roots;
  if (!request.crls.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--crl: DCAP CRLs (PCK CRL, Root CA CRL) come with --collateral");
  }
  if (!f.collateral.empty()) {
    VT_ASSIGN_OR_RETURN(in.collateral, State().Collateral(f.collateral));
  }
  dcap::ValidationOptions& o = in.validation;
  VT_ASSIGN_OR_RETURN(const std::string* policy, PolicyText(request));
  if (policy != nullptr) {
    auto st = dcap::LoadPolicyText(*policy, tdx, o);
    if (!st) return tl::unexpected(WithOption(st.error(), f.policy));
  }
  VT_ASSIGN_OR_RETURN(auto expects, SplitExpects(f));
  for (const auto& [name, hex] : expects) {
    auto value = dcap::ParseExpectValue(tdx, name, hex);
    if (!value) return tl::unexpected(WithOption(value.error(), "--expect"));
    o.expect[name] = std::move(*value);
  }
  if (!f.allow_tcb_status.empty()) {
    auto list = dcap::ParseStatusList(f.allow_tcb_status);
    if (!list) return tl::unexpected(WithOption(list.error(), "--allow-tcb-status"));
    o.allowed_statuses.insert(list->begin(), list->end());
  }
  for (const std::string& id : SplitAll(f.forbid_advisories)) o.forbidden_advisories.insert(id);
  if (f.allow_debug) o.allow_debug = true;
  if (f.allow_stale_crl) o.allow_stale_crl = true;
  auto le64 = [](const std::string& text, const char* option,
                 std::optional<uint64_t>& into) -> Status {
    if (text.empty()) return Ok();
    auto v = dcap::ParseLe64Hex(text);
    if (!v) return tl::unexpected(WithOption(v.error(), option));
    into = *v;
    return Ok();
  };
  if (tdx) {
    VT_RETURN_IF_ERROR(le64(f.td_attributes, "--td-attributes", o.td_attributes));
    VT_RETURN_IF_ERROR(le64(f.xfam, "--xfam", o.xfam));
    if (!f.min_tee_tcb_svn.empty()) {
      auto bytes = FromHex(f.min_tee_tcb_svn);
      if (!bytes || bytes->size() != 16) {
        return MakeError(ErrorCode::kInvalidArgument, "--min-tee-tcb-svn: 16 bytes of hex");
      }
      std::array<uint8_t, 16> a{};
      std::copy(bytes->begin(), bytes->end(), a.begin());
      o.min_tee_tcb_svn = a;
    }
    if (f.require_sept_ve_disable) o.require_sept_ve_disable = true;
  } else {
    if (f.isv_prod_id >= 0) {
      if (f.isv_prod_id > 0xffff) {
        return MakeError(ErrorCode::kInvalidArgument, "--isv-prod-id is a 16-bit value");
      }
      o.isv_prod_id = static_cast<uint16_t>(f.isv_prod_id);
    }
    if (f.min_isv_svn >= 0) {
      if (f.min_isv_svn > 0xffff) {
        return MakeError(ErrorCode::kInvalidArgument, "--min-isv-svn is a 16-bit value");
      }
      o.min_isv_svn = static_cast<uint16_t>(f.min_isv_svn);
    }
  }
  return in;
}

Json InspectQuote(ByteSpan evidence, const dcap::Quote& q) {
  using dcap::Json;
  Json out = Json{{"tee", std::string(dcap::TeeName(q.is_tdx()))},
                  {"format", std::string("Intel DCAP quote v") + std::to_string(q.header.version) +
                                 " (" + std::string(dcap::BodyTypeName(q.body_type)) + ")"}};
  out["header"] = Json{{"version", q.header.version},
                       {"att_key_type", q.header.att_key_type},
                       {"tee_type", HexU64(q.header.tee_type, 4)},
                       {"qe_vendor_id", ToHex(q.header.qe_vendor_id)},
                       {"user_data", ToHex(q.header.user_data)}};
  if (q.header.version == 3) {
    out["header"]["qe_svn"] = q.header.qe_svn;
    out["header"]["pce_svn"] = q.header.pce_svn;
  }
  if (q.body_descriptor) {
    out["body_descriptor"] = Json{{"type", static_cast<int>(*q.body_descriptor)},
                                  {"size", q.signed_size - dcap::kHeaderSize - 6}};
  }
  out["claims"] = dcap::QuoteClaims(q);
  Json sig = Json{{"size", q.sig_data_len},
                  {"signature", ToHex(q.signature)},
                  {"attestation_key", ToHex(q.attest_key)}};
  if (q.qe) {
    sig["qe_report"] = dcap::SgxReportJson(q.qe->qe_report);
    sig["qe_report_signature"] = ToHex(q.qe->qe_report_signature);
    sig["qe_auth_data"] = ToHex(q.qe->qe_auth_data);
    Json cert = Json{{"type", q.qe->inner.type},
                     {"type_name", dcap::CertDataTypeName(q.qe->inner.type)},
                     {"size", q.qe->inner.data.size()}};
    if (auto certs = ParseCertificates(q.qe->inner.data); certs) {
      Json list = Json::array();
      for (const Certificate& c : *certs) {
        list.push_back(Json{{"subject", c.SubjectCn()},
                            {"serial", c.SerialHex()},
                            {"not_before", FormatTime(c.NotBefore())},
                            {"not_after", FormatTime(c.NotAfter())},
                            {"sha256", c.Sha256Hex()}});
      }
      cert["certificates"] = std::move(list);
    }
    sig["certification_data"] = std::move(cert);
  } else {
    sig["certification_data"] = Json{{"type", q.outer.type},
                                     {"type_name", dcap::CertDataTypeName(q.outer.type)},
                                     {"size", q.outer.data.size()}};
  }
  out["signature_data"] = std::move(sig);
  out["trailing_bytes"] = Json{{"count", q.trailing.size()}, {"all_zero", q.trailing_all_zero()}};
  out["signed_bytes"] = dcap::SignedPart(evidence, q).size();
  return out;
}

class DcapHandler final : public FormatHandler {
 public:
  explicit DcapHandler(bool tdx) : tdx_(tdx) {}
  std::string_view tee() const override { return dcap::TeeName(tdx_); }

  // A DCAP quote header: version 3-5, ECDSA key type, TEE type 0 or 0x81 (a v3 quote is
  // SGX), Intel's QE vendor ID for "certain".
  int Detect(ByteSpan bytes) const override {
    int score = dcap::DetectQuote(bytes);
    if (score == 0) return 0;
    const bool tdx = bytes[4] == 0x81;
    return tdx == tdx_ ? score + 1 : 0;  // above a plausible SEV-SNP size match
  }

  Result<Verification> Verify(ByteSpan evidence, const VerifyRequest& request) override {
    VT_ASSIGN_OR_RETURN(dcap::VerifyInputs in, Inputs(request, tdx_));
    return State().verifier.Verify(evidence, in);
  }

  Result<Json> Inspect(ByteSpan evidence, const std::string&) override {
    VT_ASSIGN_OR_RETURN(dcap::Quote q, dcap::ParseQuoteKeepTrailing(evidence));
    return InspectQuote(evidence, q);
  }

 private:
  bool tdx_;
};

}  // namespace

FormatHandler* NewTdxHandler() {
  static DcapHandler handler(true);
  return &handler;
}

FormatHandler* NewSgxHandler() {
  static DcapHandler handler(false);
  return &handler;
}

}  // namespace veritee::cli
