// A run's stdout and stderr pipes as racelab reads them, the same in the exec launch, the
// fork launch and the bench's spawner: each pipe read as it becomes ready and appended to
// its sink up to a cap, closed at end of file, on a read error or when its sink overflows.
#pragma once

#include <poll.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util/fd.hpp"

namespace racelab {

class OutputPipes {
 public:
  // What becomes of a pipe whose sink is full: closed (racelab then kills the run), or read
  // on and dropped (the bench's peers, whose output only has to be drained).
  enum class Overflow { kClose, kDrop };

  // Reads out into *out_sink and err into *err_sink, each up to cap bytes. Keeps pointers:
  // all four must outlive this object.
  OutputPipes(Fd* out, Fd* err, std::string* out_sink, std::string* err_sink, std::size_t cap,
              Overflow overflow = Overflow::kClose);

  // Whether either pipe is still open.
  bool open() const { return pipes_[0]->get() >= 0 || pipes_[1]->get() >= 0; }

  // Puts each open pipe into pfds from index *n on, and advances *n.
  void Watch(pollfd* pfds, int* n);

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
};

}  // namespace racelab
