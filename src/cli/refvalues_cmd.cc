// `veritee refvalues`: the reference-value store file (appraise/refvalues.h). `add` puts
// a labelled set of claim values with its provenance, `list` shows them, `remove` takes
// one out. A policy names the store in "reference_stores" and its sets by label.
#include <iostream>
#include <memory>

#include "appraise/refvalues.h"
#include "base/encoding.h"
#include "cli/appraise_commands.h"
#include "verify/policy_sections.h"

namespace veritee::cli {
namespace {

struct RefArgs {
  std::string store, tee, label, provenance, valid_from, valid_until;
  std::vector<std::string> claims;
  bool replace = false, json = false;
};

int Fail(const std::string& message, int rc) {
  std::cerr << "veritee: " << message << "\n";
  return rc;
}

int RunAdd(const RefArgs& a) {
  if (!IsTeeName(a.tee)) {
    return Fail("--tee: '" + a.tee + "' is not a TEE (sev-snp, tdx, sgx, nitro, tpm, nvidia-gpu)",
                2);
  }
  if (a.label.empty() || a.label.size() > 200) return Fail("--label: 1 to 200 characters", 2);
  if (a.claims.empty()) return Fail("--claim NAME=HEX is required (repeatable)", 2);
  appraise::ReferenceSet set;
  set.tee = a.tee;
  set.label = a.label;
  set.provenance = a.provenance;
  set.added = SystemClock().Now();
  for (const std::string& item : a.claims) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return Fail("--claim: '" + item + "' is not NAME=HEX", 2);
    auto bytes = FromHex(item.substr(eq + 1));
    if (!bytes || bytes->empty()) {
      return Fail("--claim " + item.substr(0, eq) + ": the value is not hex", 2);
    }
    set.claims[item.substr(0, eq)] = ToHex(*bytes);
  }
  for (auto [text, into] : {std::pair{&a.valid_from, &set.valid_from},
                            std::pair{&a.valid_until, &set.valid_until}}) {
    if (text->empty()) continue;
    auto t = ParseTime(*text);
    if (!t) return Fail(t.error().message, 2);
    *into = *t;
  }
  if (set.valid_from && set.valid_until && *set.valid_from >= *set.valid_until) {
    return Fail("--valid-until must be after --valid-from", 2);
  }
  auto store = appraise::ReferenceStore::Load(a.store, /*missing_ok=*/true);
  if (!store) return Fail(store.error().ToString(), 2);
  auto st = store->Add(set, a.replace);
  if (!st) return Fail(st.error().message, 1);
  auto saved = store->Save(a.store);
  if (!saved) return Fail(saved.error().ToString(), 2);
  std::cout << "added " << a.tee << " reference set '" << a.label << "' to " << a.store << "\n";
  return 0;
}

int RunList(const RefArgs& a) {
  auto store = appraise::ReferenceStore::Load(a.store);
  if (!store) return Fail(store.error().ToString(), 2);
  if (a.json) {
    Json sets = Json::array();
    for (const auto& s : store->sets()) {
      if (a.tee.empty() || s.tee == a.tee) sets.push_back(appraise::ReferenceSetToJson(s));
    }
    std::cout << sets.dump(2) << "\n";
    return 0;
  }
  for (const auto& s : store->sets()) {
    if (!a.tee.empty() && s.tee != a.tee) continue;
    std::cout << s.tee << "  " << s.label << "\n";
    for (auto it = s.claims.begin(); it != s.claims.end(); ++it) {
      std::cout << "    " << it.key() << ": " << appraise::Describe(it.value()) << "\n";
    }
    if (s.valid_from || s.valid_until) {
      std::cout << "    valid: " << (s.valid_from ? FormatTime(*s.valid_from) : "…") << " to "
                << (s.valid_until ? FormatTime(*s.valid_until) : "…") << "\n";
    }
    if (!s.provenance.empty()) std::cout << "    provenance: " << s.provenance << "\n";
    if (s.added) std::cout << "    added: " << FormatTime(*s.added) << "\n";
  }
  return 0;
}

int RunRemove(const RefArgs& a) {
  auto store = appraise::ReferenceStore::Load(a.store);
  if (!store) return Fail(store.error().ToString(), 2);
  auto st = store->Remove(a.label, a.tee);
  if (!st) return Fail(st.error().message + " in " + a.store, 1);
  auto saved = store->Save(a.store);
  if (!saved) return Fail(saved.error().ToString(), 2);
  std::cout << "removed '" << a.label << "' from " << a.store << "\n";
  return 0;
}

}  // namespace

void RegisterRefvalues(CLI::App& app, int* exit_code) {
  auto* ref = app.add_subcommand("refvalues", "the reference-value store (labelled sets of "
                                              "known-good claim values with provenance)");
  ref->require_subcommand(1);
  auto args = std::make_shared<RefArgs>();
  auto* add = ref->add_subcommand("add", "add a reference set (the store is created if absent)");
  add->add_option("STORE", args->store, "the store file (JSON)")->required();
  add->add_option("--tee", args->tee, "sev-snp, tdx, sgx, nitro, tpm or nvidia-gpu")->required();
  add->add_option("--label", args->label, "the set's name, e.g. \"ovmf-2026.09 + kernel 6.12\"")
      ->required();
  add->add_option("--claim", args->claims,
                  "NAME=HEX, e.g. measurement=…; a dotted NAME reaches into a claim object; "
                  "repeatable")
      ->required();
  add->add_option("--provenance", args->provenance, "where the values come from")->required();
  add->add_option("--valid-from", args->valid_from, "start of validity (RFC 3339)");
  add->add_option("--valid-until", args->valid_until, "end of validity (RFC 3339)");
  add->add_flag("--replace", args->replace, "replace a set with the same TEE and label");
  add->callback([args, exit_code] { *exit_code = RunAdd(*args); });
  auto* list = ref->add_subcommand("list", "print the sets");
  list->add_option("STORE", args->store, "the store file")->required();
  list->add_option("--tee", args->tee, "only this TEE's sets");
  list->add_flag("--json", args->json, "print JSON");
  list->callback([args, exit_code] { *exit_code = RunList(*args); });
  auto* remove = ref->add_subcommand("remove", "remove the set with a label");
  remove->add_option("STORE", args->store, "the store file")->required();
  remove->add_option("--label", args->label, "the set's label")->required();
  remove->add_option("--tee", args->tee, "only that TEE's set of this label");
  remove->callback([args, exit_code] { *exit_code = RunRemove(*args); });
}

}  // namespace veritee::cli
