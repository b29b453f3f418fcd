#include "testing/swtpm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

namespace veritee::testing {
namespace {

bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::unique_ptr<Swtpm> Swtpm::Start(std::string* why) {
  if (std::system("command -v swtpm >/dev/null 2>&1") != 0) {
    *why = "swtpm is not installed (apt-get install swtpm swtpm-tools)";
    return nullptr;
  }
  auto t = std::unique_ptr<Swtpm>(new Swtpm());
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<int> dist(20000, 60000);
  for (int i = 0; i < 50 && t->port_ == 0; ++i) {
    int p = dist(gen) & ~1;
    if (PortFree(p) && PortFree(p + 1)) t->port_ = p;
  }
  if (t->port_ == 0) {
    *why = "no free loopback port pair";
    return nullptr;
  }
  t->dir_ = (std::filesystem::temp_directory_path() /
             ("veritee-swtpm-" + std::to_string(::getpid()) + "-" + std::to_string(t->port_)))
                .string();
  std::filesystem::create_directories(t->dir_);
  const std::string server = "type=tcp,port=" + std::to_string(t->port_) + ",bindaddr=127.0.0.1";
  const std::string ctrl = "type=tcp,port=" + std::to_string(t->port_ + 1) + ",bindaddr=127.0.0.1";
  const std::string state = "dir=" + t->dir_;
  pid_t pid = ::fork();
  if (pid < 0) {
    *why = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    std::vector<const char*> argv = {"swtpm", "socket", "--tpm2", "--tpmstate", state.c_str(),
                                     "--server", server.c_str(), "--ctrl", ctrl.c_str(),
                                     "--flags", "not-need-init,startup-clear", nullptr};
    ::execvp("swtpm", const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  t->pid_ = pid;
  for (int i = 0; i < 200; ++i) {
    if (CanConnect(t->port_)) return t;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      t->pid_ = -1;
      *why = "swtpm exited at start";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *why = "swtpm did not listen within 4 s";
  return nullptr;
}

Swtpm::~Swtpm() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string Swtpm::tcti() const {
  return "swtpm:host=127.0.0.1,port=" + std::to_string(port_);
}

int Swtpm::Tool(const std::string& args) const {
  const std::string cmd = "TPM2TOOLS_TCTI='" + tcti() + "' tpm2_" + args + " >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace veritee::testing
