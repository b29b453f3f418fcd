#include "attest/tpm.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "base/encoding.h"
#include "crypto/aead.h"

namespace veritee::attest {
namespace {

constexpr char kBlobMagic[] = "VTPMSEAL";
constexpr uint16_t kBlobVersion = 1;

Error TssError(ErrorCode code, const std::string& what, TSS2_RC rc) {
  return Error{code, what + ": " + Tss2_RC_Decode(rc) + " (" + HexU64(rc, 4) + ")", "tpm",
               std::nullopt};
}

// Esys_* outputs are freed with Esys_Free.
template <typename T>
struct EsysFree {
  void operator()(T* p) const { Esys_Free(p); }
};
template <typename T>
using EsysPtr = std::unique_ptr<T, EsysFree<T>>;

// One ESYS context over one TCTI, finalised in reverse order.
class Esys {
 public:
  static Result<std::unique_ptr<Esys>> Open(const std::string& tcti_conf) {
    // tpm2-tss logs expected refusals (a failed policy) to stderr; we report them
    // ourselves. TSS2_LOG set by the user still wins.
    ::setenv("TSS2_LOG", "all+none", 0);
    auto e = std::unique_ptr<Esys>(new Esys());
    TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti_conf.c_str(), &e->tcti_);
    if (rc != TSS2_RC_SUCCESS) {
      return tl::unexpected(TssError(ErrorCode::kIo, "TCTI \"" + tcti_conf + "\"", rc));
    }
    rc = Esys_Initialize(&e->ctx_, e->tcti_, nullptr);
    if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "Esys_Initialize", rc));
    return e;
  }
  ~Esys() {
    for (ESYS_TR h : flush_) Esys_FlushContext(ctx_, h);
    if (ctx_ != nullptr) Esys_Finalize(&ctx_);
    if (tcti_ != nullptr) Tss2_TctiLdr_Finalize(&tcti_);
  }
  Esys(const Esys&) = delete;
  Esys& operator=(const Esys&) = delete;
  ESYS_CONTEXT* get() const { return ctx_; }
  void FlushLater(ESYS_TR h) { flush_.push_back(h); }

 private:
  Esys() = default;
  TSS2_TCTI_CONTEXT* tcti_ = nullptr;
  ESYS_CONTEXT* ctx_ = nullptr;
  std::vector<ESYS_TR> flush_;
};

Result<TPMI_ALG_HASH> BankAlg(const std::string& bank) {
  if (bank == "sha1") return TPM2_ALG_SHA1;
  if (bank == "sha256") return TPM2_ALG_SHA256;
  if (bank == "sha384") return TPM2_ALG_SHA384;
  return MakeError(ErrorCode::kInvalidArgument, "PCR bank is sha1, sha256 or sha384");
}

Result<TPML_PCR_SELECTION> ToTss(const PcrSelectionSpec& s) {
  TPML_PCR_SELECTION sel{};
  sel.count = 1;
  VT_ASSIGN_OR_RETURN(sel.pcrSelections[0].hash, BankAlg(s.bank));
  sel.pcrSelections[0].sizeofSelect = 3;
  for (uint32_t pcr : s.pcrs) {
    sel.pcrSelections[0].pcrSelect[pcr / 8] = static_cast<BYTE>(sel.pcrSelections[0].pcrSelect[pcr / 8] | (1u << (pcr % 8)));
  }
  return sel;
}

TPM2B_PUBLIC AkTemplate() {
  TPM2B_PUBLIC t{};
  TPMT_PUBLIC& p = t.publicArea;
  p.type = TPM2_ALG_ECC;
  p.nameAlg = TPM2_ALG_SHA256;
  p.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                       TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                       TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
  p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
  p.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
  p.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
  p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
  p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  return t;
}

TPM2B_PUBLIC SrkTemplate() {
  TPM2B_PUBLIC t{};
  TPMT_PUBLIC& p = t.publicArea;
  p.type = TPM2_ALG_ECC;
  p.nameAlg = TPM2_ALG_SHA256;
  p.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                       TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                       TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT | TPMA_OBJECT_NODA;
  p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
  p.parameters.eccDetail.symmetric.keyBits.aes = 128;
  p.parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
  p.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
  p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
  p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  return t;
}

Result<ESYS_TR> CreatePrimary(Esys& e, ESYS_TR hierarchy, const TPM2B_PUBLIC& tmpl,
                              EsysPtr<TPM2B_PUBLIC>* out_public) {
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcr{};
  ESYS_TR handle = ESYS_TR_NONE;
  TPM2B_PUBLIC* pub = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  TSS2_RC rc = Esys_CreatePrimary(e.get(), hierarchy, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                  ESYS_TR_NONE, &sensitive, &tmpl, &outside, &creation_pcr,
                                  &handle, &pub, &creation_data, &creation_hash, &ticket);
  EsysPtr<TPM2B_PUBLIC> pub_owned(pub);
  EsysPtr<TPM2B_CREATION_DATA> cd(creation_data);
  EsysPtr<TPM2B_DIGEST> ch(creation_hash);
  EsysPtr<TPMT_TK_CREATION> tk(ticket);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "CreatePrimary", rc));
  e.FlushLater(handle);
  if (out_public) *out_public = std::move(pub_owned);
  return handle;
}

// PolicyPCR over the selection in a session of `type` (trial or policy).
Result<ESYS_TR> PcrPolicySession(Esys& e, TPM2_SE type, const TPML_PCR_SELECTION& sel) {
  TPMT_SYM_DEF symmetric{};
  symmetric.algorithm = TPM2_ALG_NULL;
  ESYS_TR session = ESYS_TR_NONE;
  TSS2_RC rc = Esys_StartAuthSession(e.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     ESYS_TR_NONE, ESYS_TR_NONE, nullptr, type, &symmetric,
                                     TPM2_ALG_SHA256, &session);
  if (rc != TSS2_RC_SUCCESS) {
    return tl::unexpected(TssError(ErrorCode::kIo, "StartAuthSession", rc));
  }
  e.FlushLater(session);
  TPM2B_DIGEST empty{};  // the TPM uses the current PCR values
  rc = Esys_PolicyPCR(e.get(), session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &empty, &sel);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "PolicyPCR", rc));
  return session;
}

// The tpm2-tools PCR file: the little-endian memory image of TPML_PCR_SELECTION, a u32
// count and that many TPML_DIGEST (see parse/tpm/pcr_values.h for the reader).
Bytes PcrFile(const TPML_PCR_SELECTION& sel, const std::vector<TPML_DIGEST>& lists) {
  ByteWriter w;
  w.U32Le(sel.count);
  for (size_t i = 0; i < TPM2_NUM_PCR_BANKS; ++i) {
    const TPMS_PCR_SELECTION& s = sel.pcrSelections[i];
    w.U16Le(s.hash);
    w.U8(s.sizeofSelect);
    w.Append(ByteSpan(s.pcrSelect, sizeof s.pcrSelect));
    w.Zeros(1);
  }
  w.U32Le(static_cast<uint32_t>(lists.size()));
  for (const TPML_DIGEST& l : lists) {
    w.U32Le(l.count);
    for (size_t i = 0; i < 8; ++i) {
      w.U16Le(l.digests[i].size);
      w.Append(ByteSpan(l.digests[i].buffer, sizeof l.digests[i].buffer));
    }
  }
  return w.Take();
}

std::string EcP256Pem(const TPMS_ECC_POINT& point) {
  // SubjectPublicKeyInfo for id-ecPublicKey / prime256v1 with an uncompressed point.
  static const uint8_t kPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
  Bytes der(std::begin(kPrefix), std::end(kPrefix));
  auto pad32 = [&](const TPM2B_ECC_PARAMETER& v) {
    der.insert(der.end(), 32 - std::min<size_t>(v.size, 32), 0);
    der.insert(der.end(), v.buffer, v.buffer + std::min<size_t>(v.size, 32));
  };
  pad32(point.x);
  pad32(point.y);
  std::string b64 = ToBase64(der);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

template <typename T, typename F>
Status Marshal(F fn, const T& value, ByteWriter& w, const char* what) {
  uint8_t buf[sizeof(T) + 16];
  size_t off = 0;
  TSS2_RC rc = fn(&value, buf, sizeof buf, &off);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kInternal, what, rc));
  w.Append(ByteSpan(buf, off));
  return Ok();
}

template <typename T, typename F>
Result<T> Unmarshal(F fn, ByteSpan bytes, size_t& off, const char* what) {
  T value{};
  TSS2_RC rc = fn(bytes.data(), bytes.size(), &off, &value);
  if (rc != TSS2_RC_SUCCESS) {
    return MakeError(ErrorCode::kMalformed, std::string("sealed blob: bad ") + what, what, off);
  }
  return value;
}

}  // namespace

Result<PcrSelectionSpec> ParsePcrSelection(std::string_view text) {
  PcrSelectionSpec s;
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "PCR selection is BANK:LIST, e.g. sha256:0,7");
  }
  s.bank = std::string(text.substr(0, colon));
  VT_RETURN_IF_ERROR(BankAlg(s.bank).map([](TPMI_ALG_HASH) {}));
  std::string_view list = text.substr(colon + 1);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    uint32_t v = 0;
    if (item.empty() || item.size() > 2) {
      return MakeError(ErrorCode::kInvalidArgument, "PCR index is 0..23");
    }
    for (char c : item) {
      if (c < '0' || c > '9') return MakeError(ErrorCode::kInvalidArgument, "PCR index is 0..23");
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v > 23) return MakeError(ErrorCode::kInvalidArgument, "PCR index is 0..23");
    if (std::find(s.pcrs.begin(), s.pcrs.end(), v) == s.pcrs.end()) s.pcrs.push_back(v);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (s.pcrs.empty()) return MakeError(ErrorCode::kInvalidArgument, "no PCR selected");
  std::sort(s.pcrs.begin(), s.pcrs.end());
  return s;
}

Result<TpmQuote> TpmQuoteWithAk(const std::string& tcti, const ReportData& qualifying_data,
                                const PcrSelectionSpec& selection) {
  VT_ASSIGN_OR_RETURN(auto e, Esys::Open(tcti));
  VT_ASSIGN_OR_RETURN(TPML_PCR_SELECTION sel, ToTss(selection));
  EsysPtr<TPM2B_PUBLIC> ak_public;
  VT_ASSIGN_OR_RETURN(ESYS_TR ak,
                      CreatePrimary(*e, ESYS_TR_RH_ENDORSEMENT, AkTemplate(), &ak_public));

  TPM2B_DATA qd{};
  qd.size = static_cast<UINT16>(qualifying_data.size());
  std::copy(qualifying_data.begin(), qualifying_data.end(), qd.buffer);
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;  // the AK's own: ECDSA-SHA256
  TPM2B_ATTEST* quoted = nullptr;
  TPMT_SIGNATURE* signature = nullptr;
  TSS2_RC rc = Esys_Quote(e->get(), ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qd,
                          &scheme, &sel, &quoted, &signature);
  EsysPtr<TPM2B_ATTEST> quoted_owned(quoted);
  EsysPtr<TPMT_SIGNATURE> signature_owned(signature);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "Quote", rc));

  TpmQuote out;
  out.attest.assign(quoted->attestationData, quoted->attestationData + quoted->size);
  ByteWriter sig;
  VT_RETURN_IF_ERROR(Marshal(Tss2_MU_TPMT_SIGNATURE_Marshal, *signature, sig, "TPMT_SIGNATURE"));
  out.signature = sig.Take();
  ByteWriter pub;
  VT_RETURN_IF_ERROR(Marshal(Tss2_MU_TPM2B_PUBLIC_Marshal, *ak_public, pub, "TPM2B_PUBLIC"));
  out.ak_public = pub.Take();
  out.ak_pem = EcP256Pem(ak_public->publicArea.unique.ecc);

  // The PCR values the quote covers, read after it. A PCR extended in between makes the
  // quote's digest disagree with them, which the verifier reports.
  std::vector<TPML_DIGEST> lists;
  TPML_PCR_SELECTION remaining = sel;
  for (int round = 0; round < 4; ++round) {
    bool any = false;
    for (BYTE b : remaining.pcrSelections[0].pcrSelect) any = any || b != 0;
    if (!any) break;
    UINT32 counter = 0;
    TPML_PCR_SELECTION* read_sel = nullptr;
    TPML_DIGEST* values = nullptr;
    rc = Esys_PCR_Read(e->get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &remaining, &counter,
                       &read_sel, &values);
    EsysPtr<TPML_PCR_SELECTION> read_owned(read_sel);
    EsysPtr<TPML_DIGEST> values_owned(values);
    if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "PCR_Read", rc));
    if (values->count == 0) break;
    lists.push_back(*values);
    for (size_t i = 0; i < 3; ++i) {
      remaining.pcrSelections[0].pcrSelect[i] =
          static_cast<BYTE>(remaining.pcrSelections[0].pcrSelect[i] &
                            ~read_sel->pcrSelections[0].pcrSelect[i]);
    }
  }
  out.pcrs = PcrFile(sel, lists);
  return out;
}

Result<Bytes> TpmSealRoot::CreateBlob(const std::string& tcti, const PcrSelectionSpec& selection) {
  VT_ASSIGN_OR_RETURN(auto e, Esys::Open(tcti));
  VT_ASSIGN_OR_RETURN(TPML_PCR_SELECTION sel, ToTss(selection));
  VT_ASSIGN_OR_RETURN(ESYS_TR srk, CreatePrimary(*e, ESYS_TR_RH_OWNER, SrkTemplate(), nullptr));
  VT_ASSIGN_OR_RETURN(ESYS_TR trial, PcrPolicySession(*e, TPM2_SE_TRIAL, sel));
  TPM2B_DIGEST* digest = nullptr;
  TSS2_RC rc = Esys_PolicyGetDigest(e->get(), trial, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    &digest);
  EsysPtr<TPM2B_DIGEST> digest_owned(digest);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "PolicyGetDigest", rc));

  TPM2B_PUBLIC tmpl{};
  tmpl.publicArea.type = TPM2_ALG_KEYEDHASH;
  tmpl.publicArea.nameAlg = TPM2_ALG_SHA256;
  // No USERWITHAUTH: only the PCR policy can authorise TPM2_Unseal.
  tmpl.publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
  tmpl.publicArea.authPolicy = *digest;
  tmpl.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
  TPM2B_SENSITIVE_CREATE sensitive{};
  VT_ASSIGN_OR_RETURN(Bytes root, RandomBytes(32));
  sensitive.sensitive.data.size = 32;
  std::copy(root.begin(), root.end(), sensitive.sensitive.data.buffer);
  SecureWipe(root);
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcr{};
  TPM2B_PRIVATE* priv = nullptr;
  TPM2B_PUBLIC* pub = nullptr;
  TPM2B_CREATION_DATA* cd = nullptr;
  TPM2B_DIGEST* ch = nullptr;
  TPMT_TK_CREATION* tk = nullptr;
  rc = Esys_Create(e->get(), srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &tmpl,
                   &outside, &creation_pcr, &priv, &pub, &cd, &ch, &tk);
  SecureWipe(std::span<uint8_t>(sensitive.sensitive.data.buffer, 32));
  EsysPtr<TPM2B_PRIVATE> priv_owned(priv);
  EsysPtr<TPM2B_PUBLIC> pub_owned(pub);
  EsysPtr<TPM2B_CREATION_DATA> cd_owned(cd);
  EsysPtr<TPM2B_DIGEST> ch_owned(ch);
  EsysPtr<TPMT_TK_CREATION> tk_owned(tk);
  if (rc != TSS2_RC_SUCCESS) return tl::unexpected(TssError(ErrorCode::kIo, "Create (seal)", rc));

  ByteWriter w;
  w.Append(ByteSpan(reinterpret_cast<const uint8_t*>(kBlobMagic), 8));
  w.U16Be(kBlobVersion);
  VT_RETURN_IF_ERROR(Marshal(Tss2_MU_TPML_PCR_SELECTION_Marshal, sel, w, "TPML_PCR_SELECTION"));
  VT_RETURN_IF_ERROR(Marshal(Tss2_MU_TPM2B_PUBLIC_Marshal, *pub, w, "TPM2B_PUBLIC"));
  VT_RETURN_IF_ERROR(Marshal(Tss2_MU_TPM2B_PRIVATE_Marshal, *priv, w, "TPM2B_PRIVATE"));
  return w.Take();
}

Result<SecretBytes> TpmSealRoot::Material() {
  ByteReader r(blob_);
  VT_ASSIGN_OR_RETURN(ByteSpan magic, r.Take(8, "magic"));
  if (!std::equal(magic.begin(), magic.end(), kBlobMagic)) {
    return MakeError(ErrorCode::kMalformed, "not a veritee TPM sealed blob", "magic", 0);
  }
  VT_ASSIGN_OR_RETURN(uint16_t version, r.U16Be("version"));
  if (version != kBlobVersion) {
    return MakeError(ErrorCode::kUnsupported, "sealed blob version " + std::to_string(version),
                     "version", 8);
  }
  ByteSpan rest = r.Rest();
  size_t off = 0;
  VT_ASSIGN_OR_RETURN(auto sel, Unmarshal<TPML_PCR_SELECTION>(Tss2_MU_TPML_PCR_SELECTION_Unmarshal,
                                                             rest, off, "TPML_PCR_SELECTION"));
  VT_ASSIGN_OR_RETURN(auto pub, Unmarshal<TPM2B_PUBLIC>(Tss2_MU_TPM2B_PUBLIC_Unmarshal, rest, off,
                                                       "TPM2B_PUBLIC"));
  VT_ASSIGN_OR_RETURN(auto priv, Unmarshal<TPM2B_PRIVATE>(Tss2_MU_TPM2B_PRIVATE_Unmarshal, rest,
                                                         off, "TPM2B_PRIVATE"));
  if (off != rest.size()) {
    return MakeError(ErrorCode::kTrailingData, "bytes after the sealed blob", "blob", 10 + off);
  }

  VT_ASSIGN_OR_RETURN(auto e, Esys::Open(tcti_));
  VT_ASSIGN_OR_RETURN(ESYS_TR srk, CreatePrimary(*e, ESYS_TR_RH_OWNER, SrkTemplate(), nullptr));
  ESYS_TR object = ESYS_TR_NONE;
  TSS2_RC rc = Esys_Load(e->get(), srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &priv, &pub,
                         &object);
  if (rc != TSS2_RC_SUCCESS) {
    return tl::unexpected(TssError(ErrorCode::kMismatch,
                                   "Load: the blob was not sealed by this TPM's storage key", rc));
  }
  e->FlushLater(object);
  VT_ASSIGN_OR_RETURN(ESYS_TR session, PcrPolicySession(*e, TPM2_SE_POLICY, sel));
  TPM2B_SENSITIVE_DATA* data = nullptr;
  rc = Esys_Unseal(e->get(), object, session, ESYS_TR_NONE, ESYS_TR_NONE, &data);
  EsysPtr<TPM2B_SENSITIVE_DATA> data_owned(data);
  if (rc != TSS2_RC_SUCCESS) {
    // Format-one codes carry the session number in bits 8-11: compare the error number.
    if ((rc & 0xffff0000u) == 0 && (rc & TPM2_RC_FMT1) != 0 &&
        (rc & 0x3fu) == (TPM2_RC_POLICY_FAIL & 0x3fu)) {
      return tl::unexpected(TssError(
          ErrorCode::kBadSignature,
          "the TPM refused to unseal: PCR policy not satisfied (a selected PCR changed since "
          "sealing)",
          rc));
    }
    return tl::unexpected(TssError(ErrorCode::kIo, "Unseal", rc));
  }
  SecretBytes out(ByteSpan(data->buffer, data->size));
  SecureWipe(std::span<uint8_t>(data->buffer, data->size));
  return out;
}

std::string TpmSealRoot::Describe() const {
  return "TPM-sealed root (" + tcti_ + ") bound to a PCR policy";
}

}  // namespace veritee::attest
