#include "base/json_path.h"

#include <algorithm>

namespace veritee {
namespace {

// A forward-only scanner over JSON text that keeps the current line. Every read checks
// the bounds; on anything unexpected the scan gives up (returns false).
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  std::optional<size_t> Find(const std::vector<JsonPathStep>& path) {
    path_ = &path;
    found_.reset();
    Walk(0, true, 0);
    return found_;
  }

 private:
  static constexpr size_t kMaxDepth = 256;

  bool AtEnd() const { return i_ >= t_.size(); }
  char Peek() const { return AtEnd() ? '\0' : t_[i_]; }

  void Advance() {
    if (AtEnd()) return;
    if (t_[i_] == '\n') ++line_;
    ++i_;
  }

  void Ws() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      Advance();
    }
  }

  // A string token; *raw gets its content without the quotes (escapes kept as written).
  bool String(std::string* raw) {
    if (Peek() != '"') return false;
    Advance();
    size_t start = i_;
    while (!AtEnd() && Peek() != '"') {
      if (Peek() == '\\') Advance();
      Advance();
    }
    if (AtEnd()) return false;
    if (raw != nullptr) *raw = std::string(t_.substr(start, i_ - start));
    Advance();
    return true;
  }

  // Scans one value. `match` path steps are matched so far (when `matching`); `nesting`
  // bounds the recursion. Returns false on bad text, too deep nesting, or once the target
  // is found (to stop the scan).
  bool Walk(size_t match, bool matching, size_t nesting) {
    if (nesting > kMaxDepth) return false;
    Ws();
    char c = Peek();
    if (c == '{' || c == '[') {
      const bool object = c == '{';
      Advance();
      size_t index = 0;
      Ws();
      if (Peek() == (object ? '}' : ']')) {
        Advance();
        return true;
      }
      while (true) {
        Ws();
        bool hit = false;
        size_t line = line_;
        if (object) {
          std::string key;
          if (!String(&key)) return false;
          Ws();
          if (Peek() != ':') return false;
          Advance();
          hit = matching && match < path_->size() &&
                std::holds_alternative<std::string>((*path_)[match]) &&
                std::get<std::string>((*path_)[match]) == key;
        } else {
          Ws();
          line = line_;
          hit = matching && match < path_->size() &&
                std::holds_alternative<size_t>((*path_)[match]) &&
                std::get<size_t>((*path_)[match]) == index;
        }
        if (hit && match + 1 == path_->size()) {
          found_ = line;
          return false;
        }
        bool ok = Walk(match + 1, hit, nesting + 1);
        if (!ok) return false;
        ++index;
        Ws();
        if (Peek() == ',') {
          Advance();
          continue;
        }
        if (Peek() == (object ? '}' : ']')) {
          Advance();
          return true;
        }
        return false;
      }
    }
    if (c == '"') return String(nullptr);
    if (AtEnd()) return false;
    // Number, true, false, null: up to the next delimiter.
    while (!AtEnd() && Peek() != ',' && Peek() != '}' && Peek() != ']' && Peek() != ' ' &&
           Peek() != '\n' && Peek() != '\r' && Peek() != '\t') {
      Advance();
    }
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
  size_t line_ = 1;
  const std::vector<JsonPathStep>* path_ = nullptr;
  std::optional<size_t> found_;
};

std::optional<std::vector<JsonPathStep>> ParseDotted(std::string_view dotted) {
  std::vector<JsonPathStep> steps;
  std::string key;
  bool have_key = false;
  for (size_t i = 0; i < dotted.size(); ++i) {
    char c = dotted[i];
    if (c == '.') {
      if (have_key) steps.emplace_back(key);
      key.clear();
      have_key = false;
    } else if (c == '[') {
      if (have_key) steps.emplace_back(key);
      key.clear();
      have_key = false;
      size_t close = dotted.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      size_t n = 0;
      for (size_t j = i + 1; j < close; ++j) {
        if (dotted[j] < '0' || dotted[j] > '9' || n > 100000000) return std::nullopt;
        n = n * 10 + static_cast<size_t>(dotted[j] - '0');
      }
      steps.emplace_back(n);
      i = close;
    } else {
      key += c;
      have_key = true;
    }
  }
  if (have_key) steps.emplace_back(key);
  return steps;
}

}  // namespace

std::optional<size_t> JsonPathLine(std::string_view text, const std::vector<JsonPathStep>& path) {
  if (path.empty()) return 1;
  return Scanner(text).Find(path);
}

std::optional<size_t> JsonPathLine(std::string_view text, std::string_view dotted_path) {
  if (dotted_path.empty() || dotted_path == "(top level)") return 1;
  auto steps = ParseDotted(dotted_path);
  if (!steps) return std::nullopt;
  return JsonPathLine(text, *steps);
}

size_t LineOfOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace veritee
