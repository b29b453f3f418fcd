// Reference values: named sets of known-good claim values, and the reference-value store
// file that keeps them with their provenance.
//
// A reference set is what an operator approves, e.g. "ovmf-2026.09 + kernel 6.12": a
// label, the TEE it is for, the claim values it allows (normally a launch measurement;
// any claim of the normalised claims may be named, by dotted path), an optional validity
// period and free text saying where the values came from. Sets live inline in a policy or
// in store files that a policy names (appraise/policy.h).
//
// Store file (JSON; unknown keys are errors that name the key and the line):
//   {"veritee_reference_values": 1,
//    "sets": [{"tee": "sev-snp", "label": "ovmf-2026.09 + kernel 6.12",
//              "claims": {"measurement": "HEX"},
//              "valid_from": "2026-09-01", "valid_until": "2027-03-01",
//              "provenance": "built by CI run 812 from commit 3f2a…",
//              "added": "2026-11-21T10:00:00Z"}]}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appraise/json_util.h"
#include "base/time.h"

namespace veritee::appraise {

struct ReferenceSet {
  std::string tee;
  std::string label;
  Json claims = Json::object();  // dotted claim path -> value (hex strings in lower case)
  std::optional<UnixTime> valid_from;
  std::optional<UnixTime> valid_until;
  std::string provenance;
  std::optional<UnixTime> added;
  std::string origin;  // "inline" or the store file it came from (not serialised)
};

// Reads one set object. `tee` is the section the set appears in ("" inside a store, where
// the set names its TEE).
Result<ReferenceSet> ParseReferenceSet(const Json& v, const KeyPath& path, const Source& source,
                                       const std::string& tee);
Json ReferenceSetToJson(const ReferenceSet& set);

class ReferenceStore {
 public:
  // Loads a store file; a file that does not exist is an empty store when `missing_ok`.
  static Result<ReferenceStore> Load(const std::string& path, bool missing_ok = false);
  static Result<ReferenceStore> Parse(std::string_view text, const std::string& name);
  // Writes atomically (temporary file + rename).
  Status Save(const std::string& path) const;

  // Adds a set; a set with the same TEE and label is an error unless `replace`.
  Status Add(ReferenceSet set, bool replace = false);
  // Removes the set(s) with this label (of this TEE when `tee` is not empty); kInvalidArgument
  // when none matched.
  Status Remove(const std::string& label, const std::string& tee = {});

  const std::vector<ReferenceSet>& sets() const { return sets_; }
  Json ToJson() const;

 private:
  std::vector<ReferenceSet> sets_;
};

}  // namespace veritee::appraise
