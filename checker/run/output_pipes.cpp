// Reading a run's stdout and stderr pipes (output_pipes.hpp).
#include "run/output_pipes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace racelab {

OutputPipes::OutputPipes(Fd* out, Fd* err, std::string* out_sink, std::string* err_sink,
                         std::size_t cap, Overflow overflow)
    : pipes_{out, err}, sinks_{out_sink, err_sink}, cap_(cap), overflow_(overflow) {}

void OutputPipes::Watch(pollfd* pfds, int* n) {
  for (int k = 0; k < 2; ++k) {
    slot_[k] = -1;
    if (pipes_[k]->get() < 0) continue;
    slot_[k] = *n;
    pfds[(*n)++] = {pipes_[k]->get(), POLLIN, 0};
  }
}

bool OutputPipes::ReadReady(const pollfd* pfds,
                            const std::function<void(std::string_view)>& on_stdout) {
  bool overflow = false;
  char buf[1 << 16];
  for (int k = 0; k < 2; ++k) {
    if (slot_[k] < 0 || pfds[slot_[k]].revents == 0 || pipes_[k]->get() < 0) continue;
    const ssize_t got = ::read(pipes_[k]->get(), buf, sizeof buf);
    if (got > 0) {
      const auto size = static_cast<std::size_t>(got);
      std::string& sink = *sinks_[k];
      const std::size_t room = cap_ - std::min(cap_, sink.size());
      sink.append(buf, std::min(room, size));
      if (k == 0 && on_stdout) on_stdout(std::string_view(buf, size));
      if (size > room) {
        overflow = true;
        if (overflow_ == Overflow::kClose) pipes_[k]->Close();
      }
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      pipes_[k]->Close();
    }
  }
  return overflow;
}

}  // namespace racelab
