#include "crypto/ossl.h"

#include <openssl/err.h>

namespace veritee {

SharedPkey ShareKey(EvpPkeyPtr key) { return SharedPkey(key.release(), EVP_PKEY_free); }

Error OpenSslError(ErrorCode code, std::string_view what) {
  std::string message(what);
  const char* file = nullptr;
  const char* func = nullptr;
  const char* data = nullptr;
  int line = 0, flags = 0;
  bool first = true;
  while (unsigned long e = ERR_get_error_all(&file, &line, &func, &data, &flags)) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    message += first ? ": " : "; ";
    message += buf;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && data[0] != '\0') {
      message += " (";
      message += data;
      message += ")";
    }
    first = false;
  }
  return Error{code, message, {}, std::nullopt};
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace veritee
