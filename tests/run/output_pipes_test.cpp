// OutputPipes over real pipes: what fits the cap is kept, an overflow is reported once the
// sink is full, the two overflow policies close or keep draining the pipe, and paced pipes
// rest after a small read.
#include "run/output_pipes.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace racelab {
namespace {

struct Pipe {
  Fd r, w;
  Pipe() {
    int p[2];
    EXPECT_EQ(::pipe(p), 0);
    r = Fd(p[0]);
    w = Fd(p[1]);
  }
  void Write(const std::string& s) {
    ASSERT_EQ(::write(w.get(), s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
};

// Polls what the pipes watch and reads once; returns ReadReady's answer.
bool PollOnce(OutputPipes& o, std::string* stdout_seen = nullptr) {
  pollfd pfds[2];
  int n = 0;
  o.Watch(pfds, &n);
  EXPECT_GT(::poll(pfds, static_cast<nfds_t>(n), 1000), 0);
  if (stdout_seen == nullptr) return o.ReadReady(pfds);
  return o.ReadReady(pfds, [&](std::string_view chunk) { stdout_seen->append(chunk); });
}

TEST(OutputPipes, KeepsEachStreamApartAndClosesAtEndOfFile) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 100);
  out.Write("to stdout\n");
  err.Write("to stderr\n");
  out.w.Close();
  err.w.Close();
  while (pipes.open()) EXPECT_FALSE(PollOnce(pipes));
  EXPECT_EQ(o, "to stdout\n");
  EXPECT_EQ(e, "to stderr\n");
  EXPECT_LT(out.r.get(), 0);
  EXPECT_LT(err.r.get(), 0);
}

// A hang-up (no writer left) ends a pipe at the read that empties it, or at once if it is
// empty: one poll, not a second one for the end of file.
TEST(OutputPipes, AHangUpEndsEachPipeWithinOnePoll) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 100);
  out.Write("last words\n");
  out.w.Close();
  err.w.Close();
  EXPECT_FALSE(PollOnce(pipes));
  EXPECT_FALSE(pipes.open());
  EXPECT_EQ(o, "last words\n");
  EXPECT_EQ(e, "");
}

TEST(OutputPipes, AnOverflowKeepsWhatFitsAndClosesThatPipe) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 8);
  out.Write("0123456789");
  std::string seen;
  EXPECT_TRUE(PollOnce(pipes, &seen));
  EXPECT_EQ(o, "01234567");
  EXPECT_EQ(seen, "0123456789");  // the stdout observer sees the chunk whole
  EXPECT_LT(out.r.get(), 0);      // closed: the writer would now get EPIPE
  EXPECT_GE(err.r.get(), 0);
  EXPECT_TRUE(pipes.open());
}

TEST(OutputPipes, TheDropPolicyDrainsPastTheCap) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 4, OutputPipes::Overflow::kDrop);
  err.Write("abcdef");
  EXPECT_TRUE(PollOnce(pipes));
  EXPECT_EQ(e, "abcd");
  ASSERT_GE(err.r.get(), 0);  // still read, so the writer never blocks
  err.Write("ghij");
  EXPECT_TRUE(PollOnce(pipes));
  EXPECT_EQ(e, "abcd");
  err.w.Close();
  out.w.Close();
  while (pipes.open()) PollOnce(pipes);
  EXPECT_EQ(o, "");
}

// Paced reading. The pace is an hour, and "later" is a time point two hours on, so no
// verdict depends on how fast this machine is.
constexpr auto kHour = std::chrono::hours(1);

// Two pipes read with a pace of an hour from `start` on.
struct PacedPipes {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes{&out.r, &err.r, &o, &e, 1 << 20};
  const OutputPipes::Clock::time_point start = OutputPipes::Clock::now();
  pollfd pfds[2] = {};
  PacedPipes() { pipes.Pace(kHour, start); }
  OutputPipes::Clock::time_point resume{};  // what the last WatchPaced returned
  // How many pipes WatchPaced puts in at `now`.
  int Watched(OutputPipes::Clock::time_point now) {
    int n = 0;
    resume = pipes.WatchPaced(pfds, &n, now);
    return n;
  }
};

TEST(OutputPipes, PacedPipesRestAfterASmallReadAndAreWatchedAgainWhenDue) {
  PacedPipes p;
  EXPECT_EQ(p.Watched(p.start), 0);  // a run's first pace: its output waits in the pipes
  EXPECT_EQ(p.resume, p.start + kHour);
  ASSERT_EQ(p.Watched(p.start + 2 * kHour), 2);
  EXPECT_EQ(p.resume, OutputPipes::Clock::time_point::max());
  p.out.Write("one line\n");
  ASSERT_EQ(::poll(p.pfds, 2, 1000), 1);
  p.pipes.ReadReady(p.pfds);
  EXPECT_EQ(p.o, "one line\n");
  // A small read: the pipes rest for the pace from the read on.
  EXPECT_EQ(p.Watched(OutputPipes::Clock::now()), 0);
  EXPECT_GE(p.resume, p.start + kHour);
  // Unpaced watching (after the run exited) ignores the rest.
  int n = 0;
  p.pipes.Watch(p.pfds, &n);
  EXPECT_EQ(n, 2);
}

TEST(OutputPipes, ALargeReadEndsTheRestAtOnce) {
  PacedPipes p;
  ASSERT_EQ(p.Watched(p.start + 2 * kHour), 2);
  p.out.Write(std::string(OutputPipes::kLargeRead, 'x'));  // a fast writer: 16 KiB at once
  ASSERT_EQ(::poll(p.pfds, 2, 1000), 1);
  p.pipes.ReadReady(p.pfds);
  EXPECT_EQ(p.o.size(), OutputPipes::kLargeRead);
  EXPECT_EQ(p.Watched(OutputPipes::Clock::now()), 2);
}

}  // namespace
}  // namespace racelab
