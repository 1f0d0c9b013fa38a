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

TEST(OutputPipes, PacedPipesRestAfterASmallReadAndAreWatchedAgainWhenDue) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 1 << 20);
  const auto start = OutputPipes::Clock::now();
  pipes.Pace(kHour, start);
  pollfd pfds[2];
  int n = 0;
  pipes.WatchPaced(pfds, &n, start);  // a run's first pace: its output waits in the pipes
  EXPECT_EQ(n, 0);
  EXPECT_EQ(pipes.resume_at(), start + kHour);
  const auto later = start + 2 * kHour;
  pipes.WatchPaced(pfds, &n, later);
  ASSERT_EQ(n, 2);
  EXPECT_EQ(pipes.resume_at(), OutputPipes::Clock::time_point::max());
  out.Write("one line\n");
  ASSERT_EQ(::poll(pfds, 2, 1000), 1);
  pipes.ReadReady(pfds);
  EXPECT_EQ(o, "one line\n");
  // A small read: the pipes rest for the pace from the read on.
  n = 0;
  pipes.WatchPaced(pfds, &n, OutputPipes::Clock::now());
  EXPECT_EQ(n, 0);
  EXPECT_GE(pipes.resume_at(), start + kHour);
  // Unpaced watching (after the run exited) ignores the rest.
  pipes.Watch(pfds, &n);
  EXPECT_EQ(n, 2);
}

TEST(OutputPipes, ALargeReadEndsTheRestAtOnce) {
  Pipe out, err;
  std::string o, e;
  OutputPipes pipes(&out.r, &err.r, &o, &e, 1 << 20);
  const auto start = OutputPipes::Clock::now();
  pipes.Pace(kHour, start);
  pollfd pfds[2];
  int n = 0;
  pipes.WatchPaced(pfds, &n, start + 2 * kHour);
  ASSERT_EQ(n, 2);
  out.Write(std::string(OutputPipes::kLargeRead, 'x'));  // a fast writer: 16 KiB at once
  ASSERT_EQ(::poll(pfds, 2, 1000), 1);
  pipes.ReadReady(pfds);
  EXPECT_EQ(o.size(), OutputPipes::kLargeRead);
  n = 0;
  pipes.WatchPaced(pfds, &n, OutputPipes::Clock::now());
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace racelab
