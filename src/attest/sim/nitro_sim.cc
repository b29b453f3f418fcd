#include "attest/sim/nitro_sim.h"

#include "crypto/digest.h"
#include "crypto/keys.h"
#include "parse/nitro/cose.h"

namespace veritee::sim {
namespace {

std::vector<std::pair<std::string, std::string>> Subject(const std::string& cn) {
  return {{"C", "US"}, {"O", std::string(kNitroSimulatorOrganisation)}, {"OU", "AWS"}, {"CN", cn}};
}

Result<NitroSigner> Issue(const CertSpec& spec, const NitroSigner* issuer) {
  VT_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcKey("P-384"));
  SharedPkey shared = ShareKey(std::move(key));
  VT_ASSIGN_OR_RETURN(Certificate cert,
                      IssueCertificate(spec, shared.get(), issuer ? &issuer->cert : nullptr,
                                       issuer ? issuer->key.get() : shared.get()));
  return NitroSigner{std::move(cert), std::move(shared)};
}

}  // namespace

Result<NitroSimulator> NitroSimulator::Create(UnixTime now) {
  NitroSimulator sim;
  sim.now_ = now;
  struct Level {
    const char* cn;
    UnixTime from, to;
    std::optional<int> path_len;
  };
  const Level levels[] = {
      {"simulated.aws.nitro-enclaves", now - 86400, now + 30LL * 365 * 86400, std::nullopt},
      {"0123456789abcdef.us-east-1.aws.nitro-enclaves", now - 86400, now + 20 * 86400, 2},
      {"fedcba9876543210.zonal.us-east-1.aws.nitro-enclaves", now - 43200, now + 5 * 86400, 1},
      {"i-0123456789abcdef0.us-east-1.aws.nitro-enclaves", now - 7200, now + 86400, 0},
  };
  uint64_t serial = 1;
  for (const Level& l : levels) {
    CertSpec spec;
    spec.subject = Subject(l.cn);
    spec.serial = serial++;
    spec.not_before = l.from;
    spec.not_after = l.to;
    spec.ca = true;
    spec.path_len = l.path_len;
    spec.key_usage = true;
    spec.rsa_pss = false;
    VT_ASSIGN_OR_RETURN(NitroSigner s,
                        Issue(spec, sim.chain_.empty() ? nullptr : &sim.chain_.back()));
    sim.chain_.push_back(std::move(s));
  }
  return sim;
}

std::vector<Certificate> NitroSimulator::cabundle() const {
  std::vector<Certificate> out;
  for (const NitroSigner& s : chain_) out.push_back(s.cert);
  return out;
}

Result<NitroSigner> NitroSimulator::IssueLeaf(UnixTime not_before, UnixTime not_after) const {
  CertSpec spec;
  spec.subject = Subject("i-0123456789abcdef0-enc0123456789abcdef.us-east-1.aws");
  spec.serial = static_cast<uint64_t>(not_before) ^ 0x5a5a5a5aULL;
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.key_usage = true;
  spec.rsa_pss = false;
  return Issue(spec, &chain_[3]);
}

nitro::AttestationDocument NitroSimulator::DefaultDocument() const {
  nitro::AttestationDocument d;
  d.module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  d.digest = "SHA384";
  d.timestamp_ms = static_cast<uint64_t>(now_) * 1000 + 123;
  for (uint32_t i = 0; i < 16; ++i) {
    Bytes value(48, 0);
    if (i <= 4) {
      for (size_t k = 0; k < value.size(); ++k) value[k] = static_cast<uint8_t>(0x10 * (i + 1) + k);
    }
    d.pcrs.push_back(nitro::Pcr{i, std::move(value)});
  }
  return d;
}

Result<Bytes> SignNitroDocument(const nitro::AttestationDocument& doc, EVP_PKEY* key) {
  nitro::CoseSign1 cose;
  cose.protected_header = nitro::EncodeProtectedHeader(nitro::kCoseAlgEs384);
  cose.alg = nitro::kCoseAlgEs384;
  cose.unprotected_header = {0xa0};
  cose.payload = nitro::WriteDocument(doc);
  auto digest = Sha384(nitro::SigStructure(cose.protected_header, cose.payload));
  VT_ASSIGN_OR_RETURN(Bytes der, SignEcdsaDigest(key, digest));
  VT_ASSIGN_OR_RETURN(auto rs, EcdsaDerToRS(der, 48, false));
  cose.signature = rs.first;
  cose.signature.insert(cose.signature.end(), rs.second.begin(), rs.second.end());
  return nitro::WriteCoseSign1(cose);
}

Result<Bytes> NitroSimulator::Sign(nitro::AttestationDocument doc, const NitroSigner& leaf) const {
  doc.certificate = leaf.cert.der();
  if (doc.cabundle.empty()) {
    for (const NitroSigner& s : chain_) doc.cabundle.push_back(s.cert.der());
  }
  return SignNitroDocument(doc, leaf.key.get());
}

}  // namespace veritee::sim
