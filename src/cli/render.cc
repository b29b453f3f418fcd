#include "cli/render.h"

#include <algorithm>

namespace veritee::cli {
namespace {

std::string Scalar(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

void PrintTree(std::ostream& out, const Json& value, int indent) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (!value.is_object()) {
    out << pad << Scalar(value) << "\n";
    return;
  }
  size_t width = 0;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it.value().is_structured()) width = std::max(width, it.key().size());
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const Json& v = it.value();
    if (v.is_object()) {
      out << pad << it.key() << ":\n";
      PrintTree(out, v, indent + 1);
    } else if (v.is_array()) {
      out << pad << it.key() << ": [";
      for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << Scalar(v[i]);
      out << "]\n";
    } else {
      out << pad << it.key() << ": " << std::string(width - it.key().size(), ' ') << Scalar(v)
          << "\n";
    }
  }
}

void PrintVerification(std::ostream& out, const Verification& v, const std::string& source) {
  out << source << " (" << v.tee() << (v.simulated ? ", SIMULATED evidence" : "") << ")\n";
  size_t width = 0;
  for (const Check& c : v.checks()) width = std::max(width, c.name.size());
  for (const Check& c : v.checks()) {
    out << "  " << (c.ok ? "✓" : "✗") << " " << c.name << std::string(width - c.name.size(), ' ')
        << "  " << c.detail << "\n";
  }
  for (const std::string& note : v.notes()) out << "  – " << note << "\n";
  if (!v.trust_anchor.empty()) out << "trust anchor: " << v.trust_anchor << "\n";
  const Json& c = v.claims;
  for (const char* key : {"product", "measurement", "report_data", "host_data"}) {
    if (c.contains(key)) out << key << ": " << Scalar(c[key]) << "\n";
  }
  if (v.accepted()) {
    out << "verdict: ACCEPTED" << (v.simulated ? " (simulated evidence: not a real TEE)" : "")
        << "\n";
  } else {
    out << "verdict: REJECTED — " << v.reason() << "\n";
  }
}

}  // namespace veritee::cli
