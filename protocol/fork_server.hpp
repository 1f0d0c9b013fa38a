// The fork server's wire protocol and its server loop (docs/launch.md): a program started
// once serves many runs, forking one child per request. Standard library and POSIX only,
// so racelab, the specimens' support library and racelab_preload.so all link it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racelab::protocol::fork {

// Set by racelab in the environment it starts a server with: the descriptor number of
// the control socket (an AF_UNIX SOCK_SEQPACKET socket). Whoever serves removes it.
inline constexpr const char* kEnvForkServer = "RACELAB_FORK_SERVER";
// Set by racelab, with LD_BIND_NOW=1, when the program's own environment has no
// LD_BIND_NOW: the dynamic loader then resolves every symbol once in the server instead
// of lazily in each child (a write to a page the fork shares, per symbol, per run). The
// server removes both before anything of the program reads its environment.
inline constexpr const char* kEnvBindNow = "RACELAB_FORK_BIND_NOW";
// The descriptor racelab puts the control socket on.
inline constexpr int kControlFd = 3;
// The preload library's file name; the server takes it out of LD_PRELOAD.
inline constexpr std::string_view kPreloadName = "racelab_preload.so";
inline constexpr std::uint32_t kVersion = 3;
// How long the server holds kStarted back while the child runs: a run that ends sooner has
// no kStarted, only its kExited, and racelab wakes once for it.
inline constexpr int kStartedWithinMs = 50;
// Requests the server holds beyond the one whose child runs: racelab may send the next
// run's request while a run goes on, and the server forks it the moment the run ends.
inline constexpr std::size_t kMaxAhead = 8;
// Largest message either side accepts (one SOCK_SEQPACKET datagram).
inline constexpr std::size_t kMaxMessage = 64 * 1024;

// Each message is one datagram: its type, then its fields. Runs are numbered in the order
// the server receives their requests, from 1: `seq` names the run a message is about.
//   racelab -> server  kRun     settings; SCM_RIGHTS carries the run's stdout and stderr.
//                               At most kMaxAhead of them may wait behind a running child.
//   server  -> racelab kStarted seq, a = child pid, sent kStartedWithinMs after the fork if
//                               the child still runs
//   server  -> racelab kFailed  seq, a = errno: fork failed (ECANCELED: the run was killed
//                               before it began); nothing more comes about the run
//   racelab -> server  kKill    seq: kill that run (SIGKILL to the child and its group),
//                               or drop it if it waits; any other seq is ignored
//   server  -> racelab kExited  seq, a = child pid, b = its wait status (as waitpid gives
//                               it), c = its user + system CPU and d = its wall time from
//                               fork to reaping, both in microseconds, e = CLOCK_MONOTONIC
//                               at the reaping in microseconds (the next waiting run is
//                               forked right after: racelab times it from there)
// The server sends kHello (a = kVersion) once, before the first request, and answers the
// runs in their order. It is the child's parent, so it alone signals the child (on kKill)
// and its group (kKill, and just before reaping, as racelab's exec launch does): while the
// child is unreaped its pid and group id cannot have been reused. A kKill that crosses its
// run's kExited names a run that is over, and is ignored.
enum class Type : std::uint8_t {
  kHello = 'H',
  kRun = 'R',
  kStarted = 'S',
  kFailed = 'F',
  kKill = 'K',
  kExited = 'X',
};

struct Message {
  Type type = Type::kHello;
  std::int64_t seq = 0;
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t c = 0;
  std::int64_t d = 0;
  std::int64_t e = 0;
  // kRun only: "NAME=value" for each RACELAB_* setting of the run (seed, fuzz setting,
  // schedule, schedule mode, iterations, threads, step limit). The child removes every
  // RACELAB_* variable it inherited and sets exactly these before main reads them.
  std::vector<std::string> settings;

  bool operator==(const Message& o) const {
    return type == o.type && seq == o.seq && a == o.a && b == o.b && c == o.c && d == o.d &&
           e == o.e && settings == o.settings;
  }
};

// The datagram of a message, and back; Decode is nullopt for anything malformed
// (unknown type, truncated, trailing bytes, a kRun setting without '=').
// Every message but kRun is the type byte and its six fields, seq to e, each 8 bytes.
std::string Encode(const Message& m);
// The datagram of a kRun message with these settings (what Encode makes of it, without a
// Message's copies of the strings).
std::string EncodeRun(const std::vector<std::string_view>& settings);
std::optional<Message> Decode(std::string_view bytes);

// Sends one message with up to two descriptors (SCM_RIGHTS). Returns 0 or an errno.
int Send(int sock, const Message& m, const int* fds = nullptr, int nfds = 0);
// Sends `bytes` as one datagram, framed as Send frames a message (a test's malformed request).
int SendDatagram(int sock, std::string_view bytes, const int* fds = nullptr, int nfds = 0);
// Receives one message and the descriptors that came with it (at most two; any more are
// closed). Returns 1 with a message, 0 at end of file, -1 with errno set (EBADMSG for a
// malformed message).
int Receive(int sock, Message* m, std::vector<int>* fds);

// How the server forks each child.
//  kFork: fork(), which runs every pthread_atfork handler the process has registered.
//  kSkipHandlers: glibc's _Fork(), which runs none, taken only while the process is
//    single-threaded (otherwise fork()); there the rest of fork() only resets locks that
//    another thread could have held. For a host that knows every handler registered before
//    its server starts, and that none is needed in a child: the support library, whose
//    only ones are a sanitizer runtime's. TSan's child handler starts a runtime thread in
//    every child, which an exec'd run has only once it starts a thread of its own
//    (docs/launch.md has what that costs).
enum class ForkCall { kFork, kSkipHandlers };

// Called before the program's main (the support library's constructor, the preload
// library's __libc_start_main wrapper). Without kEnvForkServer it returns at once.
// With it, this process becomes the server: it never returns, except in each child it
// forks, which has by then joined its own process group, taken the request's stdout and
// stderr, closed the control socket and set the request's settings.
void ServeIfAsked(ForkCall call = ForkCall::kFork);

}  // namespace racelab::protocol::fork
