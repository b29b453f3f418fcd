// A software TPM (swtpm) for tests: started on free loopback ports with a fresh state
// folder, manufactured and started up, and killed (by its own pid) when the object dies.
//
// tcti() is tpm2-tss's "swtpm:host=127.0.0.1,port=P" (the control channel is P+1, as the
// swtpm TCTI expects); Tool() runs a tpm2-tools command against it. Tests skip when swtpm
// is not installed, except under CI=true, where they fail.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace veritee::testing {

class Swtpm {
 public:
  // nullptr with *why set when swtpm cannot be started.
  static std::unique_ptr<Swtpm> Start(std::string* why);
  ~Swtpm();
  Swtpm(const Swtpm&) = delete;
  Swtpm& operator=(const Swtpm&) = delete;

  std::string tcti() const;
  int port() const { return port_; }
  // Runs `tpm2_<args>` against this TPM; returns the exit status.
  int Tool(const std::string& args) const;

 private:
  Swtpm() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace veritee::testing
