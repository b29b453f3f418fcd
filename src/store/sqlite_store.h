// The SQLite backend of store.h: one database file in WAL mode with synchronous=FULL, so
// a commit is on disk (the WAL fsync'd) before Put* returns.
//
// Writes go through one writer connection and thread that groups the writes queued while
// the previous commit was syncing into one transaction ("group commit"): each write runs in
// its own SAVEPOINT, so one failing write does not undo the others, and each caller is
// answered only after the COMMIT that contains its write has been synced. One fsync then
// serves many requests, which is what lets the key broker sustain its handshake rate on a
// disk whose fsync takes milliseconds. Reads use a small pool of reader connections, which
// WAL lets run beside the writer. Other processes may open the same file (busy_timeout).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace veritee::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, int readers);

}  // namespace veritee::store
