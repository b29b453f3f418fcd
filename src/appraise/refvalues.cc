#include "appraise/refvalues.h"

#include <cstdio>
#include <filesystem>

#include "base/file.h"
#include "verify/policy_sections.h"

namespace veritee::appraise {
namespace {

constexpr size_t kMaxLabel = 200;
constexpr size_t kMaxProvenance = 4000;

}  // namespace

Result<ReferenceSet> ParseReferenceSet(const Json& v, const KeyPath& path, const Source& source,
                                       const std::string& tee) {
  if (!v.is_object()) return source.KeyError(path, "a reference set is an object");
  ReferenceSet set;
  set.tee = tee;
  bool have_claims = false;
  for (const auto& [key, value] : v.items()) {
    KeyPath p = path.Key(key);
    if (key == "label") {
      VT_ASSIGN_OR_RETURN(set.label, StringAt(value, p, source));
    } else if (key == "tee" && tee.empty()) {
      VT_ASSIGN_OR_RETURN(set.tee, StringAt(value, p, source));
      if (!IsTeeName(set.tee)) {
        return source.KeyError(p, "unknown TEE '" + set.tee +
                                      "' (sev-snp, tdx, sgx, nitro, tpm, nvidia-gpu)");
      }
    } else if (key == "claims") {
      if (!value.is_object() || value.empty()) {
        return source.KeyError(p, "must be a non-empty object of claim: value");
      }
      for (const auto& [name, expected] : value.items()) {
        KeyPath cp = p.Key(name);
        if (name.empty()) return source.KeyError(cp, "a claim name is empty");
        if (expected.is_string()) {
          VT_ASSIGN_OR_RETURN(std::string hex, HexAt(expected, cp, source));
          set.claims[name] = hex;
        } else if (expected.is_number_integer() || expected.is_boolean()) {
          set.claims[name] = expected;
        } else {
          return source.KeyError(cp, "must be hex, an integer or true/false");
        }
      }
      have_claims = true;
    } else if (key == "valid_from") {
      VT_ASSIGN_OR_RETURN(set.valid_from, TimeAt(value, p, source));
    } else if (key == "valid_until") {
      VT_ASSIGN_OR_RETURN(set.valid_until, TimeAt(value, p, source));
    } else if (key == "provenance") {
      VT_ASSIGN_OR_RETURN(set.provenance, StringAt(value, p, source));
      if (set.provenance.size() > kMaxProvenance) {
        return source.KeyError(p, "is longer than " + std::to_string(kMaxProvenance) + " bytes");
      }
    } else if (key == "added" && tee.empty()) {
      VT_ASSIGN_OR_RETURN(set.added, TimeAt(value, p, source));
    } else {
      return source.KeyError(p, tee.empty()
                                    ? "unknown key (tee, label, claims, valid_from, "
                                      "valid_until, provenance, added)"
                                    : "unknown key (label, claims, valid_from, valid_until, "
                                      "provenance)");
    }
  }
  if (set.label.empty() || set.label.size() > kMaxLabel) {
    return source.KeyError(path.Key("label"), "a reference set needs a label of 1 to " +
                                                  std::to_string(kMaxLabel) + " characters");
  }
  if (set.tee.empty()) return source.KeyError(path.Key("tee"), "a stored set names its TEE");
  if (!have_claims) return source.KeyError(path.Key("claims"), "a reference set needs claims");
  if (set.valid_from && set.valid_until && *set.valid_from >= *set.valid_until) {
    return source.KeyError(path.Key("valid_until"),
                           "contradicts valid_from: the validity period is empty");
  }
  return set;
}

Json ReferenceSetToJson(const ReferenceSet& set) {
  Json out = Json::object();
  out["tee"] = set.tee;
  out["label"] = set.label;
  out["claims"] = set.claims;
  if (set.valid_from) out["valid_from"] = FormatTime(*set.valid_from);
  if (set.valid_until) out["valid_until"] = FormatTime(*set.valid_until);
  if (!set.provenance.empty()) out["provenance"] = set.provenance;
  if (set.added) out["added"] = FormatTime(*set.added);
  return out;
}

Result<ReferenceStore> ReferenceStore::Load(const std::string& path, bool missing_ok) {
  std::error_code ec;
  if (missing_ok && !std::filesystem::exists(path, ec)) return ReferenceStore{};
  VT_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 16 * 1024 * 1024));
  return Parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
}

Result<ReferenceStore> ReferenceStore::Parse(std::string_view text, const std::string& name) {
  VT_ASSIGN_OR_RETURN(Json doc, ParseJsonText(text, name));
  Source source(text, name);
  const KeyPath top;
  if (!doc.is_object()) return source.KeyError(top, "a reference-value store is a JSON object");
  ReferenceStore store;
  bool versioned = false;
  for (const auto& [key, value] : doc.items()) {
    KeyPath p = top.Key(key);
    if (key == "veritee_reference_values") {
      VT_ASSIGN_OR_RETURN(uint64_t version, UnsignedAt(value, p, source, 1));
      if (version != 1) return source.KeyError(p, "this version reads store format 1");
      versioned = true;
    } else if (key == "sets") {
      if (!value.is_array()) return source.KeyError(p, "must be a list of reference sets");
      for (size_t i = 0; i < value.size(); ++i) {
        VT_ASSIGN_OR_RETURN(ReferenceSet set, ParseReferenceSet(value[i], p.Index(i), source, ""));
        set.origin = name;
        for (const ReferenceSet& other : store.sets_) {
          if (other.tee == set.tee && other.label == set.label) {
            return source.KeyError(p.Index(i).Key("label"),
                                   "label '" + set.label + "' is used twice for " + set.tee);
          }
        }
        store.sets_.push_back(std::move(set));
      }
    } else {
      return source.KeyError(p, "unknown key (veritee_reference_values, sets)");
    }
  }
  if (!versioned) {
    return source.KeyError(top, "not a reference-value store (no \"veritee_reference_values\": 1)");
  }
  return store;
}

Status ReferenceStore::Save(const std::string& path) const {
  std::string text = ToJson().dump(2) + "\n";
  std::string tmp = path + ".tmp";
  VT_RETURN_IF_ERROR(WriteFile(tmp, text));
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return MakeError(ErrorCode::kIo, "cannot replace " + path);
  }
  return Ok();
}

Status ReferenceStore::Add(ReferenceSet set, bool replace) {
  for (ReferenceSet& other : sets_) {
    if (other.tee == set.tee && other.label == set.label) {
      if (!replace) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a " + set.tee + " reference set labelled '" + set.label +
                             "' exists already (remove it first, or replace it)");
      }
      other = std::move(set);
      return Ok();
    }
  }
  sets_.push_back(std::move(set));
  return Ok();
}

Status ReferenceStore::Remove(const std::string& label, const std::string& tee) {
  size_t before = sets_.size();
  std::erase_if(sets_, [&](const ReferenceSet& s) {
    return s.label == label && (tee.empty() || s.tee == tee);
  });
  if (sets_.size() == before) {
    return MakeError(ErrorCode::kInvalidArgument, "no reference set labelled '" + label + "'");
  }
  return Ok();
}

Json ReferenceStore::ToJson() const {
  Json sets = Json::array();
  for (const ReferenceSet& s : sets_) sets.push_back(ReferenceSetToJson(s));
  return Json{{"veritee_reference_values", 1}, {"sets", std::move(sets)}};
}

}  // namespace veritee::appraise
