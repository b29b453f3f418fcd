// The EAR signing key on disk: where it lives, and loading it (or generating and
// persisting it on first use) with owner-only permissions.
//
// The path is --signing-key, else $VERITEE_SIGNING_KEY, else
// $XDG_CONFIG_HOME/veritee/ear-signing-key.pem, else ~/.config/veritee/ear-signing-key.pem.
// A new key is written with mode 0600 (folder 0700), created exclusively so that a
// racing writer or a planted symlink is never followed; an existing key that group or
// others can read is refused, as ssh refuses such identity files.
#pragma once

#include <string>

#include "crypto/jose.h"

namespace veritee::cli {

std::string DefaultSigningKeyPath();

// Loads the key at `path`. kIo when it is missing or unreadable, kInvalidArgument when its
// permissions are too open or it is not an EC P-256/P-384 key.
Result<JwsKey> LoadSigningKey(const std::string& path);

// Generates a key for `alg` and writes it to `path` (0600; fails if the file exists).
Result<JwsKey> CreateSigningKey(const std::string& path, JwsAlg alg);

// LoadSigningKey, or CreateSigningKey when the file does not exist; *created says which.
Result<JwsKey> LoadOrCreateSigningKey(const std::string& path, JwsAlg alg, bool* created);

}  // namespace veritee::cli
