#include "cli/format.h"
#include "cli/formats/handlers.h"

namespace veritee::cli {

const std::vector<FormatHandler*>& Formats() {
  // One line per TEE.
  static const std::vector<FormatHandler*> handlers = {
      NewSnpHandler(),
      NewTpmHandler(),
      NewNitroHandler(),
      NewNvgpuHandler(),
      NewTdxHandler(),
      NewSgxHandler(),
  };
  return handlers;
}

FormatHandler* DetectFormat(ByteSpan evidence) {
  FormatHandler* best = nullptr;
  int best_score = 0;
  for (FormatHandler* h : Formats()) {
    int score = h->Detect(evidence);
    if (score > best_score) {
      best = h;
      best_score = score;
    }
  }
  return best;
}

}  // namespace veritee::cli
