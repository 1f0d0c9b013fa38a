// Reading a run's stdout and stderr pipes (output_pipes.hpp).
#include "run/output_pipes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace racelab {

OutputPipes::OutputPipes(Fd* out, Fd* err, std::string* out_sink, std::string* err_sink,
                         std::size_t cap, Overflow overflow)
    : pipes_{out, err}, sinks_{out_sink, err_sink}, cap_(cap), overflow_(overflow) {}

void OutputPipes::Pace(Clock::duration pace, Clock::time_point now) {
  pace_ = pace;
  rest_until_ = now + pace;
}

void OutputPipes::Watch(pollfd* pfds, int* n) {
  for (int k = 0; k < 2; ++k) {
    slot_[k] = -1;
    if (pipes_[k]->get() < 0) continue;
    slot_[k] = *n;
    pfds[(*n)++] = {pipes_[k]->get(), POLLIN, 0};
  }
}

OutputPipes::Clock::time_point OutputPipes::WatchPaced(pollfd* pfds, int* n,
                                                       Clock::time_point now) {
  if (pace_ == Clock::duration::zero() || now >= rest_until_) {
    Watch(pfds, n);
    return Clock::time_point::max();
  }
  slot_[0] = slot_[1] = -1;
  return rest_until_;
}

bool OutputPipes::ReadReady(const pollfd* pfds,
                            const std::function<void(std::string_view)>& on_stdout) {
  bool overflow = false, read_any = false, large = false;
  char buf[1 << 16];
  for (int k = 0; k < 2; ++k) {
    if (slot_[k] < 0 || pfds[slot_[k]].revents == 0 || pipes_[k]->get() < 0) continue;
    // POLLHUP: no writer was left at the poll, and none can come back. Without POLLIN the
    // pipe is empty; with it, a read that does not fill buf takes all there is. Either way
    // the pipe is at its end without another poll and read.
    const short revents = pfds[slot_[k]].revents;
    const bool hung_up = (revents & POLLHUP) != 0;
    if (hung_up && (revents & POLLIN) == 0) {
      pipes_[k]->Close();
      continue;
    }
    const ssize_t got = ::read(pipes_[k]->get(), buf, sizeof buf);
    if (got > 0) {
      const auto size = static_cast<std::size_t>(got);
      read_any = true;
      large = large || size >= kLargeRead;
      std::string& sink = *sinks_[k];
      const std::size_t room = cap_ - std::min(cap_, sink.size());
      sink.append(buf, std::min(room, size));
      if (k == 0 && on_stdout) on_stdout(std::string_view(buf, size));
      if (size > room) {
        overflow = true;
        if (overflow_ == Overflow::kClose) pipes_[k]->Close();
      }
      if (hung_up && size < sizeof buf) pipes_[k]->Close();
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      pipes_[k]->Close();
    }
  }
  if (pace_ != Clock::duration::zero() && read_any)
    rest_until_ = large ? Clock::time_point{} : Clock::now() + pace_;
  return overflow;
}

}  // namespace racelab
