// A line of an excerpt of a run's output, as data and as the text reports show.
#pragma once

#include <cstdint>
#include <string>

namespace racelab {

// One line of an excerpt of a run's output. A numbered line is line `line`
// (1-based) of stdout; an unnumbered one (line 0) is other text, such as the
// head of a sanitizer report or the tail of stderr.
struct ExcerptLine {
  std::uint64_t line = 0;
  bool at = false;   // the line an excerpt is centred on (the first divergence)
  std::string text;  // printable, cut as below
  friend bool operator==(const ExcerptLine& a, const ExcerptLine& b) {
    return a.line == b.line && a.at == b.at && a.text == b.text;
  }
};
// A numbered line as "> 41 | text" ('>' marking the centre, the number right-
// aligned in six columns); an unnumbered line as its text.
std::string FormatExcerptLine(const ExcerptLine& l);
// The inverse of FormatExcerptLine: text in that numbered form is a numbered
// line, anything else an unnumbered one.
ExcerptLine ParseExcerptLine(const std::string& s);

}  // namespace racelab
