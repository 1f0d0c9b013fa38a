// The fork server: message encoding, descriptor passing and the loop that forks a child
// per run (docs/launch.md).
#include "protocol/fork_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace racelab::protocol::fork {
namespace {

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutI64(std::string& out, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool U32(std::uint32_t* v) {
    if (b_.size() - pos_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i)
      *v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool I64(std::int64_t* v) {
    if (b_.size() - pos_ < 8) return false;
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i)
      u |= static_cast<std::uint64_t>(static_cast<unsigned char>(b_[pos_ + i])) << (8 * i);
    pos_ += 8;
    *v = static_cast<std::int64_t>(u);
    return true;
  }
  bool Bytes(std::size_t n, std::string* s) {
    if (b_.size() - pos_ < n) return false;
    s->assign(b_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == b_.size(); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

bool KnownType(std::uint8_t t) {
  switch (static_cast<Type>(t)) {
    case Type::kHello:
    case Type::kRun:
    case Type::kStarted:
    case Type::kFailed:
    case Type::kExited:
    case Type::kReap:
    case Type::kReaped: return true;
  }
  return false;
}

bool StartsWith(const char* s, std::string_view p) {
  return std::strncmp(s, p.data(), p.size()) == 0;
}

// LD_PRELOAD without racelab's preload library, so nothing the program starts (TSan's
// llvm-symbolizer, a shell) is itself made a server.
void DropPreload() {
  const char* value = std::getenv("LD_PRELOAD");
  if (value == nullptr) return;
  std::string kept;
  std::string_view rest(value);
  while (!rest.empty()) {
    const std::size_t end = rest.find_first_of(": ");
    const std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const std::size_t slash = item.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? item : item.substr(slash + 1);
    if (item.empty() || base == kPreloadName) continue;
    if (!kept.empty()) kept += ':';
    kept += item;
  }
  if (kept.empty())
    ::unsetenv("LD_PRELOAD");
  else
    ::setenv("LD_PRELOAD", kept.c_str(), 1);
}

// In the child: the run's RACELAB_* settings replace the inherited ones.
void ApplySettings(const std::vector<std::string>& settings) {
  std::vector<std::string> inherited;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (StartsWith(*e, "RACELAB_")) {
      const char* eq = std::strchr(*e, '=');
      inherited.emplace_back(*e,
                             eq == nullptr ? std::strlen(*e) : static_cast<std::size_t>(eq - *e));
    }
  for (const std::string& name : inherited) ::unsetenv(name.c_str());
  for (const std::string& kv : settings) {
    const std::size_t eq = kv.find('=');
    ::setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
  }
}

[[noreturn]] void Quit(int code) {
  ::_exit(code);
}

// Waits for the child to end without reaping it; fills kind/value of a kExited message.
bool AwaitExit(pid_t pid, Message* exited) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0)
    if (errno != EINTR) return false;
  exited->type = Type::kExited;
  if (info.si_code == CLD_EXITED) {
    exited->a = 0;
    exited->b = info.si_status;
  } else {
    exited->a = 1;
    exited->b = info.si_status;
  }
  return true;
}

std::int64_t CpuMicros(const rusage& u) {
  return (static_cast<std::int64_t>(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1000000 +
         u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

}  // namespace

std::string Encode(const Message& m) {
  std::string out;
  out.push_back(static_cast<char>(m.type));
  if (m.type == Type::kRun) {
    PutU32(out, static_cast<std::uint32_t>(m.settings.size()));
    for (const std::string& s : m.settings) {
      PutU32(out, static_cast<std::uint32_t>(s.size()));
      out += s;
    }
  } else if (m.type != Type::kReap) {
    PutI64(out, m.a);
    PutI64(out, m.b);
  }
  return out;
}

std::optional<Message> Decode(std::string_view bytes) {
  if (bytes.empty() || !KnownType(static_cast<std::uint8_t>(bytes[0]))) return std::nullopt;
  Message m;
  m.type = static_cast<Type>(bytes[0]);
  Reader r(bytes.substr(1));
  if (m.type == Type::kRun) {
    std::uint32_t n = 0;
    if (!r.U32(&n)) return std::nullopt;
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t len = 0;
      std::string s;
      if (!r.U32(&len) || !r.Bytes(len, &s)) return std::nullopt;
      if (s.find('=') == std::string::npos || s.front() == '=' || s.find('\0') != std::string::npos)
        return std::nullopt;
      m.settings.push_back(std::move(s));
    }
  } else if (m.type != Type::kReap) {
    if (!r.I64(&m.a) || !r.I64(&m.b)) return std::nullopt;
  }
  if (!r.AtEnd()) return std::nullopt;
  return m;
}

int Send(int sock, const Message& m, const int* fds, int nfds) {
  const std::string bytes = Encode(m);
  if (bytes.size() > kMaxMessage) return EMSGSIZE;
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  if (nfds > 0) {
    nfds = nfds > 2 ? 2 : nfds;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(static_cast<std::size_t>(nfds) * sizeof(int));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(static_cast<std::size_t>(nfds) * sizeof(int));
    std::memcpy(CMSG_DATA(c), fds, static_cast<std::size_t>(nfds) * sizeof(int));
  }
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) return errno;
  return 0;
}

int Receive(int sock, Message* m, std::vector<int>* fds) {
  // On the stack and uninitialised: a heap buffer cleared for every message costs the
  // server a 64 KiB allocation, memset and (under TSan) shadow update per run, and grows the
  // address space every fork copies.
  char buf[kMaxMessage];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t got;
  while ((got = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) return -1;
  std::vector<int> received;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      received.push_back(fd);
    }
  }
  auto drop = [&received] {
    for (int fd : received) ::close(fd);
  };
  if (got == 0 && received.empty()) return 0;
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || received.size() > 2) {
    drop();
    errno = EBADMSG;
    return -1;
  }
  std::optional<Message> decoded = Decode(std::string_view(buf, static_cast<std::size_t>(got)));
  if (!decoded) {
    drop();
    errno = EBADMSG;
    return -1;
  }
  *m = std::move(*decoded);
  if (fds != nullptr)
    *fds = std::move(received);
  else
    drop();
  return 1;
}

void ServeIfAsked() {
  const char* value = std::getenv(kEnvForkServer);
  if (value == nullptr) return;
  char* end = nullptr;
  const long sock = std::strtol(value, &end, 10);
  ::unsetenv(kEnvForkServer);
  DropPreload();
  if (end == value || *end != '\0' || sock < 0 || ::fcntl(static_cast<int>(sock), F_GETFD) < 0)
    return;  // not racelab's socket: run the program as usual
  const int control = static_cast<int>(sock);
  ::fcntl(control, F_SETFD, FD_CLOEXEC);
  Message hello;
  hello.type = Type::kHello;
  hello.a = kVersion;
  if (Send(control, hello) != 0) Quit(0);
  for (;;) {
    Message request;
    std::vector<int> fds;
    const int got = Receive(control, &request, &fds);
    if (got == 0) Quit(0);  // racelab is done with this server
    if (got < 0 || request.type != Type::kRun || fds.size() != 2) Quit(3);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      ::close(control);
      ::dup2(fds[0], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      ApplySettings(request.settings);
      return;  // into the program's main
    }
    const int fork_error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    Message reply;
    if (pid < 0) {
      reply.type = Type::kFailed;
      reply.a = fork_error;
      if (Send(control, reply) != 0) Quit(0);
      continue;
    }
    // Also here, so racelab can kill the group as soon as it learns the pid.
    ::setpgid(pid, pid);
    reply.type = Type::kStarted;
    reply.a = pid;
    bool talking = Send(control, reply) == 0;
    if (!AwaitExit(pid, &reply)) Quit(3);
    ::kill(-pid, SIGKILL);  // what is left of its group, as racelab's exec launch does
    if (talking) talking = Send(control, reply) == 0;
    Message reap;
    if (talking) talking = Receive(control, &reap, nullptr) == 1 && reap.type == Type::kReap;
    rusage usage{};
    while (::wait4(pid, nullptr, 0, &usage) < 0 && errno == EINTR) {
    }
    if (!talking) Quit(0);
    reply = Message{};
    reply.type = Type::kReaped;
    reply.a = CpuMicros(usage);
    if (Send(control, reply) != 0) Quit(0);
  }
}

}  // namespace racelab::protocol::fork
