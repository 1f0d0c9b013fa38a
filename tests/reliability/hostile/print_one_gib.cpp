// MEANT TO FAIL. Writes 1 GiB to stdout as fast as it can.
// racelab must conclude: output-overflow (its default cap is 16 MiB; it kills the run
// there instead of reading the rest).
#include <unistd.h>

#include <string>

int main() {
  const std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 1024; ++i)
    for (std::size_t done = 0; done < chunk.size();) {
      const ssize_t n = ::write(1, chunk.data() + done, chunk.size() - done);
      if (n <= 0) return 3;
      done += static_cast<std::size_t>(n);
    }
  return 0;
}
