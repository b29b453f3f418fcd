// Reading and writing whole files, with a size cap so that a hostile path (a device, a
// huge file) cannot make us allocate without bound.
#pragma once

#include <string>

#include "base/bytes.h"

namespace veritee {

inline constexpr size_t kMaxInputFileBytes = 64 * 1024 * 1024;

Result<Bytes> ReadFile(const std::string& path, size_t max_bytes = kMaxInputFileBytes);
Status WriteFile(const std::string& path, ByteSpan data);
Status WriteFile(const std::string& path, std::string_view text);

}  // namespace veritee
