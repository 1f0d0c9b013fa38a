// A run's stdout and stderr pipes as racelab reads them, the same in the exec launch, the
// fork launch and the bench's spawner: each pipe read as it becomes ready and appended to
// its sink up to a cap, closed at end of file, on a read error or when its sink overflows.
//
// Paced reading (Pace, WatchPaced): while a run lives, racelab need not wake for every
// write. A program that writes line by line from many threads (p1s2 under TSan: about 170
// writes a run) would otherwise cost racelab a wake-up, a poll and a read per line. A pipe
// holds 64 KiB, so its writer does not block while racelab rests; after a read that brought
// less than kLargeRead bytes, the pipes are left alone for the pace. A read that brought
// kLargeRead or more ends the rest at once, so a fast writer is never held up for long; once
// the run has exited, the caller turns pacing off and reads the pipes to the end of file.
#pragma once

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util/fd.hpp"

namespace racelab {

// The pace of a run's pipes in the exec and fork launches (OutputPipes::Pace).
inline constexpr std::chrono::milliseconds kOutputPace{5};

class OutputPipes {
 public:
  using Clock = std::chrono::steady_clock;

  // What becomes of a pipe whose sink is full: closed (racelab then kills the run), or read
  // on and dropped (the bench's peers, whose output only has to be drained).
  enum class Overflow { kClose, kDrop };

  // A read of at least this many bytes ends a rest at once: the writer is fast.
  static constexpr std::size_t kLargeRead = 16 << 10;

  // Reads out into *out_sink and err into *err_sink, each up to cap bytes. Keeps pointers:
  // all four must outlive this object.
  OutputPipes(Fd* out, Fd* err, std::string* out_sink, std::string* err_sink, std::size_t cap,
              Overflow overflow = Overflow::kClose);

  // Whether either pipe is still open.
  bool open() const { return pipes_[0]->get() >= 0 || pipes_[1]->get() >= 0; }

  // Turns paced reading on: the pipes rest until now + pace (a short run's output waits in
  // the pipes until it exits), and again for `pace` after every small read. A zero pace
  // turns it off (once the run has exited, its pipes are read to the end at once).
  void Pace(Clock::duration pace, Clock::time_point now);

  // Puts each open pipe into pfds from index *n on, and advances *n.
  void Watch(pollfd* pfds, int* n);
  // Watch, but puts nothing in while the pipes rest at `now`. Returns when the pipes are
  // due to be watched again (a poll must wake by then): Clock::time_point::max() when it
  // put them in.
  Clock::time_point WatchPaced(pollfd* pfds, int* n, Clock::time_point now);

  // After poll over what Watch filled in: reads each ready pipe once. Returns true if a
  // pipe brought more than its sink had room for; what fitted is kept, and with
  // Overflow::kClose that pipe is closed. on_stdout, when given, sees every chunk read
  // from stdout, cut or not.
  bool ReadReady(const pollfd* pfds, const std::function<void(std::string_view)>& on_stdout = {});

 private:
  Fd* pipes_[2];
  std::string* sinks_[2];
  std::size_t cap_;
  Overflow overflow_;
  int slot_[2] = {-1, -1};  // each pipe's index in the last Watch, or -1
  Clock::duration pace_{};  // zero: unpaced
  Clock::time_point rest_until_{};
};

}  // namespace racelab
