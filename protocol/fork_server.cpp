// The fork server: message encoding, descriptor passing and the loop that forks a child
// per run (docs/launch.md).
#include "protocol/fork_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

// The server's loop and its child's set-up are not instrumented: they run before any
// thread of the program exists, and TSan's bookkeeping of their accesses (shadow, trace)
// would dirty pages the next fork must copy and every child would fault on.
#define RACELAB_SERVER_CODE __attribute__((no_sanitize("thread")))

// Every message but kRun: the type byte, then its six fields.
constexpr int kFields = 6;
constexpr std::size_t kFixedSize = 1 + 8 * kFields;

// The fields of every message but kRun, in their order on the wire.
struct Fixed {
  Type type = Type::kHello;
  std::int64_t seq = 0, a = 0, b = 0, c = 0, d = 0, e = 0;
};

RACELAB_SERVER_CODE void EncodeFixed(const Fixed& m, char* out) {
  out[0] = static_cast<char>(m.type);
  const std::int64_t fields[kFields] = {m.seq, m.a, m.b, m.c, m.d, m.e};
  for (int f = 0; f < kFields; ++f)
    for (int i = 0; i < 8; ++i)
      out[1 + 8 * f + i] =
          static_cast<char>((static_cast<std::uint64_t>(fields[f]) >> (8 * i)) & 0xff);
}

RACELAB_SERVER_CODE bool KnownType(std::uint8_t t) {
  switch (static_cast<Type>(t)) {
    case Type::kHello:
    case Type::kRun:
    case Type::kStarted:
    case Type::kFailed:
    case Type::kKill:
    case Type::kExited: return true;
  }
  return false;
}

RACELAB_SERVER_CODE bool StartsWith(const char* s, std::string_view p) {
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

RACELAB_SERVER_CODE bool SameName(const char* x, const char* y) {
  while (*x != '=' && *x == *y) ++x, ++y;
  return *x == '=' && *y == '=';
}

[[noreturn]] void Quit(int code) {
  ::_exit(code);
}

RACELAB_SERVER_CODE std::int64_t CpuMicros(const rusage& u) {
  return (static_cast<std::int64_t>(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1000000 +
         u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

// A request the server holds until the running child ends.
struct Waiting {
  std::int64_t seq = 0;
  std::size_t size = 0;  // of its datagram
  int fds[2] = {-1, -1};
  bool dropped = false;  // killed before it began
};

// What the server keeps between runs, static so that a run allocates nothing: the
// datagram just received, the requests waiting (a ring), the settings of the run being
// forked as NUL-terminated strings, and the environment a child gets. Pages of it that are
// never touched cost neither the fork nor the child.
struct ServerState {
  char datagram[kMaxMessage];
  char waiting_datagram[kMaxAhead][kMaxMessage];
  Waiting waiting[kMaxAhead];
  std::size_t first = 0;      // the oldest waiting request's slot
  std::size_t count = 0;      // requests waiting
  std::int64_t received = 0;  // requests received: the last one's seq
  char strings[kMaxMessage];
  char* settings[kMaxMessage / 6];  // a setting takes at least 6 bytes: length and "a="
  char* environment[8192 + kMaxMessage / 6 + 1];
};
ServerState g_server;

RACELAB_SERVER_CODE bool SendFixed(int sock, const Fixed& m) {
  char bytes[kFixedSize];
  EncodeFixed(m, bytes);
  while (::send(sock, bytes, kFixedSize, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) return false;
  return true;
}

// One datagram into buf; the descriptors that came with it into fds (at most max_fds;
// *nfds counts them all, any beyond max_fds closed). Returns its length, 0 at end of file,
// or -1 with errno set. *cut is whether the datagram or its descriptors were truncated.
// Both sides receive through it: the server into g_server, racelab on its stack.
RACELAB_SERVER_CODE ssize_t ReceiveRaw(int sock, char* buf, std::size_t cap, int* fds, int max_fds,
                                       int* nfds, bool* cut) {
  iovec iov{buf, cap};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t got;
  while ((got = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) return -1;
  *nfds = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (*nfds < max_fds)
        fds[*nfds] = fd;
      else
        ::close(fd);
      ++*nfds;
    }
  }
  *cut = (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
  return got;
}

RACELAB_SERVER_CODE std::uint32_t GetU32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

RACELAB_SERVER_CODE std::int64_t GetI64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<std::int64_t>(v);
}

// The one reading of every message but kRun, used by Decode and by the server's loop:
// a known type, then its six fields, then the end of the datagram.
RACELAB_SERVER_CODE bool DecodeFixed(const char* p, std::size_t size, Fixed* m) {
  if (size != kFixedSize || !KnownType(static_cast<std::uint8_t>(p[0])) ||
      static_cast<Type>(p[0]) == Type::kRun)
    return false;
  m->type = static_cast<Type>(p[0]);
  std::int64_t* fields[kFields] = {&m->seq, &m->a, &m->b, &m->c, &m->d, &m->e};
  for (int f = 0; f < kFields; ++f) *fields[f] = GetI64(p + 1 + 8 * f);
  return true;
}

// The one reading of a kRun datagram (type, count, then each setting's length and text),
// used by Decode and by the server's loop, which must not allocate: calls
// visit(text, length) for each setting in order, each checked as the protocol requires
// (non-empty, a '=' after a non-empty name, no NUL). Returns false for anything malformed,
// trailing bytes included, or when visit returns false; visit may have seen the settings
// before the fault.
template <class Visit>
RACELAB_SERVER_CODE bool WalkRun(const char* p, std::size_t size, Visit& visit) {
  if (size < 5 || p[0] != static_cast<char>(Type::kRun)) return false;
  const std::uint32_t n = GetU32(p + 1);
  std::size_t pos = 5;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (size - pos < 4) return false;
    const std::uint32_t len = GetU32(p + pos);
    pos += 4;
    const char* text = p + pos;
    if (size - pos < len || len == 0 || text[0] == '=' || std::memchr(text, '=', len) == nullptr ||
        std::memchr(text, '\0', len) != nullptr)
      return false;
    if (!visit(text, len)) return false;
    pos += len;
  }
  return pos == size;
}

// WalkRun's visitor in the server: each setting as a NUL-terminated string in g_server.
struct KeepSetting {
  std::size_t count = 0;
  std::size_t used = 0;
  RACELAB_SERVER_CODE bool operator()(const char* text, std::uint32_t len) {
    if (count == sizeof g_server.settings / sizeof g_server.settings[0]) return false;
    g_server.settings[count++] = g_server.strings + used;
    std::memcpy(g_server.strings + used, text, len);
    used += len;
    g_server.strings[used++] = '\0';
    return true;
  }
};

// WalkRun's visitor that only checks.
struct CheckSetting {
  std::size_t count = 0;
  RACELAB_SERVER_CODE bool operator()(const char*, std::uint32_t) {
    return ++count <= sizeof g_server.settings / sizeof g_server.settings[0];
  }
};

RACELAB_SERVER_CODE void CloseWaiting(const Waiting& w) {
  ::close(w.fds[0]);
  ::close(w.fds[1]);
}

// What a message from racelab was.
enum class Got { kMessage, kEnd, kBad };

// Reads one message from racelab. A kRun joins the waiting requests (more than kMaxAhead of
// them is a fault); a kKill kills the running child (`running`, whose run is `seq`) and its
// group if it names that run, marks a waiting request dropped if it names one, and is
// ignored otherwise. Anything else, or a datagram the protocol does not allow, is kBad (every
// descriptor that came with it closed).
RACELAB_SERVER_CODE Got ReceiveOne(int sock, std::int64_t seq, pid_t running) {
  int fds[2];
  int nfds = 0;
  bool cut = false;
  const ssize_t got =
      ReceiveRaw(sock, g_server.datagram, sizeof g_server.datagram, fds, 2, &nfds, &cut);
  if (got == 0 && nfds == 0) return Got::kEnd;
  const std::size_t size = got > 0 ? static_cast<std::size_t>(got) : 0;
  Fixed kill;
  if (got > 0 && !cut && nfds == 0 && DecodeFixed(g_server.datagram, size, &kill) &&
      kill.type == Type::kKill) {
    if (running > 0 && kill.seq == seq) {
      ::kill(running, SIGKILL);
      ::kill(-running, SIGKILL);
    }
    for (std::size_t i = 0; i < g_server.count; ++i) {
      Waiting& w = g_server.waiting[(g_server.first + i) % kMaxAhead];
      if (w.seq == kill.seq) w.dropped = true;
    }
    return Got::kMessage;
  }
  CheckSetting check;
  if (got <= 0 || cut || nfds != 2 || g_server.count == kMaxAhead ||
      !WalkRun(g_server.datagram, size, check)) {
    for (int i = 0; i < nfds && i < 2; ++i) ::close(fds[i]);
    return Got::kBad;
  }
  const std::size_t slot = (g_server.first + g_server.count) % kMaxAhead;
  std::memcpy(g_server.waiting_datagram[slot], g_server.datagram, size);
  g_server.waiting[slot] = Waiting{++g_server.received, size, {fds[0], fds[1]}, false};
  ++g_server.count;
  return Got::kMessage;
}

RACELAB_SERVER_CODE std::int64_t NowMicros() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

// Whether the child has ended, without reaping it.
RACELAB_SERVER_CODE bool HasEnded(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Run seq's child, from its fork (at forked_at) to its reaping: sends kStarted if it
// outlives kStartedWithinMs, takes racelab's messages meanwhile (a kKill of the run kills
// it and its group; requests wait), kills what is left of its group once it ended, reaps
// it and sends kExited. Returns -1 to serve on, or the status to end the server with: 0
// if racelab is gone, 3 if it broke the protocol (the child is then killed and reaped all
// the same).
RACELAB_SERVER_CODE int SupervisePid(int control, std::int64_t seq, pid_t pid,
                                     std::int64_t forked_at) {
  // A pidfd is readable once the child ends; where the kernel has none, a look every 5 ms.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  constexpr int kLookMs = 5;
  const std::int64_t started_at = forked_at + std::int64_t{kStartedWithinMs} * 1000;
  bool started_sent = false;
  int quit = -1;
  for (;;) {
    pollfd p[2] = {{pidfd, POLLIN, 0}, {control, POLLIN, 0}};
    int wait_ms = -1;
    if (!started_sent) {
      const std::int64_t left = started_at - NowMicros();
      wait_ms = left > 0 ? static_cast<int>((left + 999) / 1000) : 0;
    }
    if (pidfd < 0 && (wait_ms < 0 || wait_ms > kLookMs)) wait_ms = kLookMs;
    const int n = ::poll(p, 2, wait_ms);
    if (n < 0 && errno != EINTR) break;  // cannot wait: end the run
    // racelab's messages first: a kKill of a waiting run that came with this one's end
    // drops it before it is forked.
    if (n > 0 && p[1].revents != 0) {
      const Got got = ReceiveOne(control, seq, pid);
      if (got != Got::kMessage) {
        quit = got == Got::kEnd ? 0 : 3;
        break;
      }
      continue;
    }
    if (p[0].revents != 0 || (pidfd < 0 && HasEnded(pid))) break;
    if (!started_sent && NowMicros() >= started_at) {
      started_sent = true;
      if (!SendFixed(control, Fixed{Type::kStarted, seq, pid})) {
        quit = 0;
        break;
      }
    }
  }
  if (quit >= 0) ::kill(pid, SIGKILL);
  ::kill(-pid, SIGKILL);  // what is left of its group, as racelab's exec launch does
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  const std::int64_t reaped_at = NowMicros();
  if (pidfd >= 0) ::close(pidfd);
  if (quit < 0 && !SendFixed(control, Fixed{Type::kExited, seq, pid, status, CpuMicros(usage),
                                            reaped_at - forked_at, reaped_at}))
    quit = 0;
  return quit;
}

// In the child: the run's RACELAB_* settings replace the inherited ones. The new
// environment is g_server's array (its strings in g_server too), so the child allocates
// nothing; a later setenv copies it, as glibc does with any environ a program assigns.
// Of two settings of one name the last counts, as with setenv.
RACELAB_SERVER_CODE void ApplySettings(char* const* settings, std::size_t n) {
  constexpr std::size_t kSlots = sizeof g_server.environment / sizeof g_server.environment[0];
  std::size_t k = 0;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (!StartsWith(*e, "RACELAB_") && k + n + 1 < kSlots) g_server.environment[k++] = *e;
  for (std::size_t i = 0; i < n; ++i) {
    bool later = false;
    for (std::size_t j = i + 1; j < n && !later; ++j) later = SameName(settings[i], settings[j]);
    if (!later) g_server.environment[k++] = settings[i];
  }
  g_server.environment[k] = nullptr;
  environ = g_server.environment;
}

}  // namespace

std::string EncodeRun(const std::vector<std::string_view>& settings) {
  std::size_t size = 5;
  for (const std::string_view s : settings) size += 4 + s.size();
  std::string out;
  out.reserve(size);
  out.push_back(static_cast<char>(Type::kRun));
  PutU32(out, static_cast<std::uint32_t>(settings.size()));
  for (const std::string_view s : settings) {
    PutU32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
  }
  return out;
}

std::string Encode(const Message& m) {
  if (m.type != Type::kRun) {
    char fixed[kFixedSize];
    EncodeFixed(Fixed{m.type, m.seq, m.a, m.b, m.c, m.d, m.e}, fixed);
    return std::string(fixed, kFixedSize);
  }
  return EncodeRun(std::vector<std::string_view>(m.settings.begin(), m.settings.end()));
}

std::optional<Message> Decode(std::string_view bytes) {
  Message m;
  if (!bytes.empty() && bytes[0] == static_cast<char>(Type::kRun)) {
    m.type = Type::kRun;
    auto keep = [&m](const char* text, std::uint32_t len) {
      m.settings.emplace_back(text, len);
      return true;
    };
    if (!WalkRun(bytes.data(), bytes.size(), keep)) return std::nullopt;
    return m;
  }
  Fixed f;
  if (!DecodeFixed(bytes.data(), bytes.size(), &f)) return std::nullopt;
  m.type = f.type;
  m.seq = f.seq;
  m.a = f.a;
  m.b = f.b;
  m.c = f.c;
  m.d = f.d;
  m.e = f.e;
  return m;
}

int Send(int sock, const Message& m, const int* fds, int nfds) {
  return SendDatagram(sock, Encode(m), fds, nfds);
}

int SendDatagram(int sock, std::string_view bytes, const int* fds, int nfds) {
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
  int received[2];
  int nfds = 0;
  bool cut = false;
  const ssize_t got = ReceiveRaw(sock, buf, sizeof buf, received, 2, &nfds, &cut);
  if (got < 0) return -1;
  if (got == 0 && nfds == 0) return 0;
  const int kept = nfds < 2 ? nfds : 2;
  auto drop = [&] {
    for (int i = 0; i < kept; ++i) ::close(received[i]);
  };
  std::optional<Message> decoded;
  if (!cut && nfds <= 2) decoded = Decode(std::string_view(buf, static_cast<std::size_t>(got)));
  if (!decoded) {
    drop();
    errno = EBADMSG;
    return -1;
  }
  *m = std::move(*decoded);
  if (fds != nullptr)
    fds->assign(received, received + kept);
  else
    drop();
  return 1;
}

namespace {
RACELAB_SERVER_CODE pid_t ForkChild(ForkCall call) {
  if (call == ForkCall::kSkipHandlers && __libc_single_threaded != 0) return ::_Fork();
  return ::fork();
}
}  // namespace

RACELAB_SERVER_CODE void ServeIfAsked(ForkCall call) {
  if (std::getenv(kEnvBindNow) != nullptr) {
    ::unsetenv(kEnvBindNow);
    ::unsetenv("LD_BIND_NOW");
  }
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
  if (!SendFixed(control, Fixed{Type::kHello, 0, kVersion})) Quit(0);
  for (;;) {
    while (g_server.count == 0) {
      const Got got = ReceiveOne(control, 0, 0);
      if (got == Got::kEnd) Quit(0);  // racelab is done with this server
      if (got == Got::kBad) Quit(3);
    }
    const std::size_t slot = g_server.first;
    const Waiting run = g_server.waiting[slot];
    g_server.first = (slot + 1) % kMaxAhead;
    --g_server.count;
    if (run.dropped) {
      CloseWaiting(run);
      if (!SendFixed(control, Fixed{Type::kFailed, run.seq, ECANCELED})) Quit(0);
      continue;
    }
    // Its settings leave the slot, which the next request may take while the child runs.
    KeepSetting keep;
    if (!WalkRun(g_server.waiting_datagram[slot], run.size, keep)) Quit(3);  // checked before
    const std::int64_t forked_at = NowMicros();
    const pid_t pid = ForkChild(call);
    if (pid == 0) {
      ::setpgid(0, 0);
      ::close(control);
      for (std::size_t i = 0; i < g_server.count; ++i)
        CloseWaiting(g_server.waiting[(g_server.first + i) % kMaxAhead]);
      ::dup2(run.fds[0], 1);
      ::dup2(run.fds[1], 2);
      CloseWaiting(run);
      ApplySettings(g_server.settings, keep.count);
      return;  // into the program's main
    }
    const int fork_error = errno;
    CloseWaiting(run);
    if (pid < 0) {
      if (!SendFixed(control, Fixed{Type::kFailed, run.seq, fork_error})) Quit(0);
      continue;
    }
    // Also here, so that a kKill finds the group however early it comes.
    ::setpgid(pid, pid);
    if (const int quit = SupervisePid(control, run.seq, pid, forked_at); quit >= 0) Quit(quit);
  }
}

}  // namespace racelab::protocol::fork
