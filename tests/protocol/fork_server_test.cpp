// The fork server's wire protocol: every message survives encoding and a real socket
// (with its descriptors), and malformed datagrams are refused.
#include "protocol/fork_server.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

extern char** environ;

namespace fk = racelab::protocol::fork;

namespace {

fk::Message Make(fk::Type t, std::int64_t a = 0, std::int64_t b = 0,
                 std::vector<std::string> settings = {}, std::int64_t c = 0) {
  fk::Message m;
  m.type = t;
  m.a = a;
  m.b = b;
  m.c = c;
  m.settings = std::move(settings);
  return m;
}

// A message of the run numbered seq.
fk::Message About(fk::Type t, std::int64_t seq, std::int64_t a = 0, std::int64_t b = 0,
                  std::int64_t c = 0, std::int64_t d = 0, std::int64_t e = 0) {
  fk::Message m = Make(t, a, b, {}, c);
  m.seq = seq;
  m.d = d;
  m.e = e;
  return m;
}

TEST(ForkServerProtocol, EveryMessageRoundTripsThroughItsEncoding) {
  const std::vector<fk::Message> all = {
      Make(fk::Type::kHello, fk::kVersion),
      Make(fk::Type::kRun, 0, 0,
           {"RACELAB_SEED=18446744073709551615", "RACELAB_FUZZ=pct:3:120", "RACELAB_SCHEDULE=1.2-3",
            "RACELAB_SCHEDULE_MODE=guide", "RACELAB_ITERATIONS=5", "RACELAB_EMPTY="}),
      Make(fk::Type::kRun),
      About(fk::Type::kStarted, 1, 4194303),
      About(fk::Type::kFailed, 2, 11),
      About(fk::Type::kKill, 3),
      About(fk::Type::kKill, INT64_MAX),
      About(fk::Type::kExited, 4, 4194303, 66 << 8, 1234, 5678, 987654321),
      About(fk::Type::kExited, 5, 1, 9, INT64_MIN, 0, 1),
      About(fk::Type::kExited, -1, -1, INT64_MAX, -1, INT64_MIN, INT64_MAX),
  };
  for (const fk::Message& m : all) {
    const auto back = fk::Decode(fk::Encode(m));
    ASSERT_TRUE(back.has_value()) << static_cast<char>(m.type);
    EXPECT_EQ(*back, m) << static_cast<char>(m.type);
  }
}

TEST(ForkServerProtocol, MalformedDatagramsAreRefused) {
  const std::string run = fk::Encode(Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=1"}));
  EXPECT_FALSE(fk::Decode(""));
  EXPECT_FALSE(fk::Decode("Z"));                            // unknown type
  EXPECT_FALSE(fk::Decode(run.substr(0, run.size() - 1)));  // truncated
  EXPECT_FALSE(fk::Decode(run + "x"));                      // trailing bytes
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kStarted)).substr(0, 9)));
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kExited)).substr(0, 17)));  // two fields
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kRun, 0, 0, {"NOEQUALS"}))));
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kRun, 0, 0, {"=value"}))));
  EXPECT_FALSE(fk::Decode(fk::Encode(About(fk::Type::kKill, 1)) + std::string(1, '\0')));
  EXPECT_FALSE(fk::Decode("K"));  // a kill names its run
  EXPECT_FALSE(fk::Decode(fk::Encode(About(fk::Type::kExited, 1)).substr(0, 41)));  // five fields
}

TEST(ForkServerProtocol, DescriptorsTravelWithTheRunRequest) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  const fk::Message sent = Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=7"});
  const int fds[2] = {p[1], p[1]};
  ASSERT_EQ(fk::Send(sv[0], sent, fds, 2), 0);
  fk::Message got;
  std::vector<int> received;
  ASSERT_EQ(fk::Receive(sv[1], &got, &received), 1);
  EXPECT_EQ(got, sent);
  ASSERT_EQ(received.size(), 2u);
  // The received descriptor is the pipe's write end: what it writes arrives at p[0].
  ASSERT_EQ(::write(received[0], "ok", 2), 2);
  char buf[2];
  ASSERT_EQ(::read(p[0], buf, 2), 2);
  EXPECT_EQ(std::memcmp(buf, "ok", 2), 0);
  for (int fd : received) ::close(fd);
  ::close(sv[0]);
  EXPECT_EQ(fk::Receive(sv[1], &got, &received), 0);  // end of file
  ::close(sv[1]);
  ::close(p[0]);
  ::close(p[1]);
}

// Set in a child by the fork handler StartServer registers.
bool g_child_handler_ran = false;

// A copy of this test process as a fork server, started as racelab starts one: with
// LD_BIND_NOW=1 and kEnvBindNow unless users_bind_now (then LD_BIND_NOW=1 is the user's).
// Each child it forks writes its RACELAB_* and LD_BIND_NOW environment, one entry a line,
// to its stdout and exits; one whose request sets RACELAB_TEST_HANG instead forks a
// grandchild (in its group, holding its stdout), writes "hanging" and waits for a signal. With a
// ForkCall, the server (started by _Fork, so that no fork handler of this process, such as TSan's
// which starts a thread, runs in it) forks that way and registers a pthread_atfork child handler; a
// child the handler ran in also writes "child fork handler ran", and one of a multi-threaded server
// "server multi-threaded".
pid_t StartServer(int* sock, bool users_bind_now = false,
                  std::optional<fk::ForkCall> call = std::nullopt) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return -1;
  const pid_t pid = call ? ::_Fork() : ::fork();
  if (pid == 0) {
    ::close(sv[0]);
    ::setenv(fk::kEnvForkServer, std::to_string(sv[1]).c_str(), 1);
    ::setenv("RACELAB_INHERITED", "from the server", 1);
    ::setenv("LD_BIND_NOW", "1", 1);
    if (!users_bind_now) ::setenv(fk::kEnvBindNow, "1", 1);
    if (call) ::pthread_atfork(nullptr, nullptr, [] { g_child_handler_ran = true; });
    const bool multi_threaded = __libc_single_threaded == 0;
    fk::ServeIfAsked(call.value_or(fk::ForkCall::kFork));
    if (std::getenv("RACELAB_TEST_HANG") != nullptr) {
      if (::fork() == 0)
        for (;;) ::pause();
      if (::write(1, "hanging\n", 8) != 8) ::_exit(1);
      for (;;) ::pause();
    }
    std::string out = g_child_handler_ran ? "child fork handler ran\n" : "";
    if (call && multi_threaded) out += "server multi-threaded\n";
    for (char** e = environ; *e != nullptr; ++e)
      if (std::strncmp(*e, "RACELAB_", 8) == 0 || std::strncmp(*e, "LD_BIND_NOW=", 12) == 0)
        out += std::string(*e) + "\n";
    const bool written = ::write(1, out.data(), out.size()) == static_cast<ssize_t>(out.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(sv[1]);
  *sock = sv[0];
  return pid;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

int ExitStatus(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

std::int64_t MonotonicMicros() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

// One run on the server, its request the seq-th the server gets: the lines its child
// wrote, sorted.
std::vector<std::string> RunOnce(int sock, std::int64_t seq, std::vector<std::string> settings) {
  int out[2];
  if (::pipe(out) != 0) return {"no pipe"};
  const int fds[2] = {out[1], out[1]};
  const std::int64_t sent_at = MonotonicMicros();
  if (fk::Send(sock, Make(fk::Type::kRun, 0, 0, std::move(settings)), fds, 2) != 0)
    return {"not sent"};
  ::close(out[1]);
  // kStarted comes only if the child outlives kStartedWithinMs; kExited always.
  fk::Message first, exited;
  if (fk::Receive(sock, &first, nullptr) != 1 || first.a <= 0 || first.seq != seq ||
      (first.type != fk::Type::kStarted && first.type != fk::Type::kExited))
    return {"neither started nor exited"};
  // Every copy of the pipe but the child's is closed by now: this ends when the child does.
  const std::string text = ReadAll(out[0]);
  ::close(out[0]);
  if (first.type == fk::Type::kExited)
    exited = first;
  else if (fk::Receive(sock, &exited, nullptr) != 1)
    return {"no exit after the start"};
  if (exited.type != fk::Type::kExited || exited.seq != seq || exited.a != first.a ||
      exited.b != 0 || exited.c < 0)
    return {"did not exit 0"};
  // The reaping's time on the clock racelab reads, and the wall time from fork to reaping.
  const std::int64_t received_at = MonotonicMicros();
  if (exited.e < sent_at || exited.e > received_at || exited.d <= 0 ||
      exited.d > received_at - sent_at)
    return {"times outside the run"};
  std::vector<std::string> lines;
  for (std::size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
    lines.push_back(text.substr(at, nl - at));
  std::sort(lines.begin(), lines.end());
  return lines;
}

// StartServer, and its greeting read: the server's pid, or -1 without a right greeting.
pid_t StartGreetedServer(int* sock) {
  const pid_t server = StartServer(sock);
  fk::Message hello;
  if (server <= 0 || fk::Receive(*sock, &hello, nullptr) != 1 ||
      !(hello == Make(fk::Type::kHello, fk::kVersion)))
    return -1;
  return server;
}

TEST(ForkServerLoop, EachChildHasExactlyItsRequestsSettingsTheLastOfANameCounting) {
  int sock = -1;
  const pid_t server = StartGreetedServer(&sock);
  ASSERT_GT(server, 0);
  EXPECT_EQ(RunOnce(sock, 1, {"RACELAB_SEED=7", "RACELAB_FUZZ=none", "RACELAB_SEED=9"}),
            (std::vector<std::string>{"RACELAB_FUZZ=none", "RACELAB_SEED=9"}));
  // Nothing of the previous request is left for the next.
  EXPECT_EQ(RunOnce(sock, 2, {"RACELAB_ITERATIONS=3", "RACELAB_EMPTY="}),
            (std::vector<std::string>{"RACELAB_EMPTY=", "RACELAB_ITERATIONS=3"}));
  EXPECT_EQ(RunOnce(sock, 3, {}), std::vector<std::string>{});
  ::close(sock);  // end of file: the server ends
  EXPECT_EQ(ExitStatus(server), 0);
}

// The support library's server forks without running fork handlers (when single-threaded);
// the preload's runs them, as a user's libraries may need.
TEST(ForkServerLoop, ForkRunsTheChildForkHandlersAndSkipHandlersDoesNot) {
  for (const fk::ForkCall call : {fk::ForkCall::kFork, fk::ForkCall::kSkipHandlers}) {
    const bool skip = call == fk::ForkCall::kSkipHandlers;
    int sock = -1;
    const pid_t server = StartServer(&sock, true, call);
    ASSERT_GT(server, 0);
    fk::Message hello;
    ASSERT_EQ(fk::Receive(sock, &hello, nullptr), 1);
    // Run alone (as ctest runs it) this test process has no thread but its main one.
    std::vector<std::string> expected = {"LD_BIND_NOW=1", "RACELAB_SEED=3"};
    if (!skip) expected.push_back("child fork handler ran");  // sorted: lower case last
    for (int run = 1; run <= 3; ++run)
      EXPECT_EQ(RunOnce(sock, run, {"RACELAB_SEED=3"}), expected) << skip;
    ::close(sock);
    EXPECT_EQ(ExitStatus(server), 0);
  }
}

TEST(ForkServerLoop, LdBindNowReachesTheChildOnlyIfItWasTheUsers) {
  for (const bool users : {false, true}) {
    int sock = -1;
    const pid_t server = StartServer(&sock, users);
    ASSERT_GT(server, 0);
    fk::Message hello;
    ASSERT_EQ(fk::Receive(sock, &hello, nullptr), 1);
    std::vector<std::string> expected = {"RACELAB_SEED=1"};
    if (users) expected.insert(expected.begin(), "LD_BIND_NOW=1");
    EXPECT_EQ(RunOnce(sock, 1, {"RACELAB_SEED=1"}), expected) << users;
    ::close(sock);
    EXPECT_EQ(ExitStatus(server), 0);
  }
}

// The server, the child's parent, kills a run on kKill: the child, with SIGKILL, and the
// grandchild in its group (whose end closes the pipe). A kKill that arrives between runs,
// as one that crossed its run's kExited does, kills nothing.
TEST(ForkServerLoop, AKillEndsTheRunAndItsGroupAndAStaleKillIsIgnored) {
  int sock = -1;
  const pid_t server = StartGreetedServer(&sock);
  ASSERT_GT(server, 0);
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const int fds[2] = {out[1], out[1]};
  ASSERT_EQ(fk::Send(sock, Make(fk::Type::kRun, 0, 0, {"RACELAB_TEST_HANG=1"}), fds, 2), 0);
  ::close(out[1]);
  char line[8];
  ASSERT_EQ(::read(out[0], line, sizeof line), 8);  // the child and its grandchild are up
  EXPECT_EQ(std::string(line, 8), "hanging\n");
  fk::Message started, exited;
  ASSERT_EQ(fk::Receive(sock, &started, nullptr), 1);  // it hangs: kStarted comes
  ASSERT_EQ(started.type, fk::Type::kStarted);
  ASSERT_EQ(started.seq, 1);
  ASSERT_GT(started.a, 0);
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 2)), 0);  // no such run: ignored
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 1)), 0);
  ASSERT_EQ(fk::Receive(sock, &exited, nullptr), 1);
  EXPECT_EQ(exited.type, fk::Type::kExited);
  EXPECT_EQ(exited.a, started.a);
  const int status = static_cast<int>(exited.b);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  // End of file: the grandchild, which held the pipe too, is gone with the group.
  EXPECT_EQ(ReadAll(out[0]), "");
  ::close(out[0]);
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 1)), 0);  // stale: the run is over
  EXPECT_EQ(RunOnce(sock, 2, {"RACELAB_SEED=5"}), std::vector<std::string>{"RACELAB_SEED=5"});
  ::close(sock);
  EXPECT_EQ(ExitStatus(server), 0);
}

// Sends a run request whose stdout and stderr are one new pipe: its read end, or -1.
int Request(int sock, std::vector<std::string> settings) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return -1;
  const int fds[2] = {out[1], out[1]};
  const int sent = fk::Send(sock, Make(fk::Type::kRun, 0, 0, std::move(settings)), fds, 2);
  ::close(out[1]);
  if (sent == 0) return out[0];
  ::close(out[0]);
  return -1;
}

bool HasData(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

// Whether the process holds a descriptor of the pipe whose read end is `fd`.
bool HoldsPipe(pid_t pid, int fd) {
  struct stat ours {};
  if (::fstat(fd, &ours) != 0) return true;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return true;
  bool holds = false;
  while (const dirent* e = ::readdir(d)) {
    struct stat st {};
    if (e->d_name[0] != '.' && ::stat((dir + "/" + e->d_name).c_str(), &st) == 0 &&
        st.st_dev == ours.st_dev && st.st_ino == ours.st_ino)
      holds = true;
  }
  ::closedir(d);
  return holds;
}

// The next message, which must be of `type` about run `seq`.
fk::Message Expect(int sock, fk::Type type, std::int64_t seq) {
  fk::Message m;
  EXPECT_EQ(fk::Receive(sock, &m, nullptr), 1);
  EXPECT_EQ(m.type, type) << static_cast<char>(m.type);
  EXPECT_EQ(m.seq, seq);
  return m;
}

bool KilledBySigkill(const fk::Message& exited) {
  const int status = static_cast<int>(exited.b);
  return exited.type == fk::Type::kExited && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// A greeted server whose run 1 hangs, its child and grandchild up: the server's pid (or -1),
// and in *first the read end of run 1's output.
pid_t StartHanging(int* sock, int* first) {
  const pid_t server = StartGreetedServer(sock);
  if (server <= 0) return -1;
  *first = Request(*sock, {"RACELAB_TEST_HANG=1"});
  char line[8];
  if (*first < 0 || ::read(*first, line, sizeof line) != 8) return -1;
  return server;
}

// The next message but a kStarted (which comes only for a run that outlived
// kStartedWithinMs).
fk::Message AfterStart(int sock) {
  fk::Message m;
  EXPECT_EQ(fk::Receive(sock, &m, nullptr), 1);
  if (m.type == fk::Type::kStarted) EXPECT_EQ(fk::Receive(sock, &m, nullptr), 1);
  return m;
}

// Requests sent while a child runs wait in their order, and the server forks each the
// moment the child before it ends. A child holds no descriptor of a request waiting
// behind it (or that request's output would stay open while the child lives).
TEST(ForkServerLoop, RequestsWaitBehindTheRunningChildWhichHoldsNoneOfTheirPipes) {
  int sock = -1, first = -1;
  const pid_t server = StartHanging(&sock, &first);
  ASSERT_GT(server, 0);
  char line[8];
  const int second = Request(sock, {"RACELAB_TEST_HANG=1"});
  const int third = Request(sock, {"RACELAB_SEED=3"});
  ASSERT_GE(second, 0);
  ASSERT_GE(third, 0);
  Expect(sock, fk::Type::kStarted, 1);
  // Run 1 hangs until killed: nothing of runs 2 and 3 can have begun.
  EXPECT_FALSE(HasData(second));
  EXPECT_FALSE(HasData(third));
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 1)), 0);
  EXPECT_TRUE(KilledBySigkill(Expect(sock, fk::Type::kExited, 1)));
  EXPECT_EQ(ReadAll(first), "");
  ASSERT_EQ(::read(second, line, sizeof line), 8);  // run 2 is up, run 3 waits
  const fk::Message started = Expect(sock, fk::Type::kStarted, 2);
  ASSERT_GT(started.a, 0);
  EXPECT_FALSE(HoldsPipe(static_cast<pid_t>(started.a), third));
  EXPECT_FALSE(HasData(third));
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 2)), 0);
  EXPECT_TRUE(KilledBySigkill(Expect(sock, fk::Type::kExited, 2)));
  EXPECT_EQ(ReadAll(second), "");
  EXPECT_EQ(ReadAll(third), "RACELAB_SEED=3\n");
  const fk::Message last = AfterStart(sock);
  EXPECT_EQ(last.type, fk::Type::kExited);
  EXPECT_EQ(last.seq, 3);
  EXPECT_EQ(last.b, 0);
  for (const int fd : {first, second, third}) ::close(fd);
  ::close(sock);
  EXPECT_EQ(ExitStatus(server), 0);
}

// A kill of a waiting request drops it: it is answered kFailed (ECANCELED), no child is
// forked for it, and its pipes are closed.
TEST(ForkServerLoop, AKilledWaitingRequestIsAnsweredCancelledWithoutAChild) {
  int sock = -1, first = -1;
  const pid_t server = StartHanging(&sock, &first);
  ASSERT_GT(server, 0);
  const int second = Request(sock, {"RACELAB_SEED=2"});
  ASSERT_GE(second, 0);
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 2)), 0);
  ASSERT_EQ(fk::Send(sock, About(fk::Type::kKill, 1)), 0);
  const fk::Message m = AfterStart(sock);
  EXPECT_EQ(m.seq, 1);
  EXPECT_TRUE(KilledBySigkill(m));
  const fk::Message dropped = Expect(sock, fk::Type::kFailed, 2);
  EXPECT_EQ(dropped.a, ECANCELED);
  EXPECT_EQ(ReadAll(second), "");  // no child wrote to it
  EXPECT_EQ(RunOnce(sock, 3, {"RACELAB_SEED=4"}), std::vector<std::string>{"RACELAB_SEED=4"});
  for (const int fd : {first, second}) ::close(fd);
  ::close(sock);
  EXPECT_EQ(ExitStatus(server), 0);
}

// More requests than kMaxAhead waiting is racelab breaking the protocol: the server kills
// its child and ends with status 3.
TEST(ForkServerLoop, MoreRequestsAheadThanAllowedEndTheServerWithStatus3) {
  int sock = -1, first = -1;
  const pid_t server = StartHanging(&sock, &first);
  ASSERT_GT(server, 0);
  std::vector<int> waiting;
  for (std::size_t i = 0; i <= fk::kMaxAhead; ++i) waiting.push_back(Request(sock, {"A=1"}));
  EXPECT_EQ(ExitStatus(server), 3);
  EXPECT_EQ(ReadAll(first), "");  // the child and its group are gone
  for (const int fd : waiting) {
    EXPECT_EQ(ReadAll(fd), "");
    ::close(fd);
  }
  ::close(first);
  ::close(sock);
}

TEST(ForkServerLoop, AMalformedRunRequestEndsTheServerWithStatus3AndNoChild) {
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(null, 0);
  const int two[2] = {null, null};
  const std::vector<std::pair<std::string, int>> bad = {
      {fk::Encode(Make(fk::Type::kRun, 0, 0, {"NOEQUALS"})), 2},
      {fk::Encode(Make(fk::Type::kRun, 0, 0, {"=value"})), 2},
      {fk::Encode(Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=1"})) + "x", 2},
      {fk::Encode(Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=1"})).substr(0, 8), 2},
      {fk::Encode(Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=1"})), 1},  // one pipe only
      {fk::Encode(About(fk::Type::kKill, 1)), 2},                       // a kill with descriptors
      {fk::Encode(About(fk::Type::kExited, 1, 1)), 2},
      {"K", 0},  // a kill without its run's number
  };
  for (const auto& [bytes, nfds] : bad) {
    int sock = -1;
    const pid_t server = StartServer(&sock);
    ASSERT_GT(server, 0);
    fk::Message hello;
    ASSERT_EQ(fk::Receive(sock, &hello, nullptr), 1);
    // The raw datagram, framed as Send frames a message.
    ASSERT_EQ(fk::SendDatagram(sock, bytes, two, nfds), 0);
    EXPECT_EQ(ExitStatus(server), 3) << bytes.size() << " bytes, " << nfds << " descriptors";
    fk::Message reply;
    EXPECT_EQ(fk::Receive(sock, &reply, nullptr), 0) << "a reply to a malformed request";
    ::close(sock);
  }
  ::close(null);
}

}  // namespace
