// Excerpt lines to and from the "> 41 | text" form.
#include "util/excerpt_line.hpp"

#include <fmt/core.h>

namespace racelab {

std::string FormatExcerptLine(const ExcerptLine& l) {
  if (l.line == 0) return l.text;
  return fmt::format("{}{:>6} | {}", l.at ? '>' : ' ', l.line, l.text);
}

ExcerptLine ParseExcerptLine(const std::string& s) {
  ExcerptLine l;
  const std::size_t bar = s.find(" | ");
  if (bar != std::string::npos && bar >= 2 && (s[0] == '>' || s[0] == ' ')) {
    std::uint64_t n = 0;
    std::size_t i = 1;
    while (i < bar && s[i] == ' ') ++i;
    bool digits = i < bar && bar - i <= 19;  // fits a 64-bit line number
    for (; i < bar && digits; ++i) {
      if (s[i] < '0' || s[i] > '9')
        digits = false;
      else
        n = n * 10 + static_cast<std::uint64_t>(s[i] - '0');
    }
    const ExcerptLine numbered{n, s[0] == '>', s.substr(bar + 3)};
    // Only the exact form: anything else stays text, so formatting gives it back.
    if (digits && n > 0 && FormatExcerptLine(numbered) == s) return numbered;
  }
  l.text = s;
  return l;
}

}  // namespace racelab
