// Constructors of the format handlers (one per TEE), used by registry.cc only.
#pragma once

#include "cli/format.h"

namespace veritee::cli {

FormatHandler* NewSnpHandler();
FormatHandler* NewTpmHandler();
FormatHandler* NewNitroHandler();
FormatHandler* NewNvgpuHandler();
FormatHandler* NewTdxHandler();
FormatHandler* NewSgxHandler();

}  // namespace veritee::cli
