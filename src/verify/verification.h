// Verification: the outcome of verifying one piece of evidence, for every TEE.
//
// A verifier records each check it performs, in order, as {name, ok, detail}. The verdict
// is derived, never stored: "accepted" only when the verifier marked the run complete (it
// reached the end of its pipeline) and every recorded check passed. A verifier that stops
// early leaves `complete` false, so a check that did not run can never yield "accepted".
// ToJson() emits the object of DESIGN.md ("verify --json").
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace veritee {

using Json = nlohmann::ordered_json;

struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

class Verification {
 public:
  explicit Verification(std::string tee) : tee_(std::move(tee)) {}

  // Records a check; returns `ok` so a pipeline can stop at a failure that makes later
  // checks meaningless.
  bool Add(std::string name, bool ok, std::string detail);
  void MarkComplete() { complete_ = true; }
  void Note(std::string note) { notes_.push_back(std::move(note)); }

  bool accepted() const;
  bool complete() const { return complete_; }
  // The first failed check as "name: detail", or why the run is not complete.
  std::string reason() const;

  const std::string& tee() const { return tee_; }
  const std::vector<Check>& checks() const { return checks_; }
  const std::vector<std::string>& notes() const { return notes_; }

  bool simulated = false;
  std::string trust_anchor;
  Json claims = Json::object();
  Json collateral = Json::object();
  // Parts of the collateral description that a verifier caches and shares between
  // verifications (read-only): KEY -> object; an empty KEY merges the object's members at
  // the top level. Copying them on every call cost a DCAP verification as much as its
  // parsing and checks together. CollateralJson() is the whole description (members set in
  // `collateral` win); ToJson() uses it.
  std::vector<std::pair<std::string, std::shared_ptr<const Json>>> shared_collateral;

  Json CollateralJson() const;
  Json ToJson() const;

 private:
  std::string tee_;
  std::vector<Check> checks_;
  std::vector<std::string> notes_;
  bool complete_ = false;
};

}  // namespace veritee
