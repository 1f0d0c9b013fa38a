// Output oracles: judge one run's stdout against the Problem 1 and Problem 2 formats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "judge/failure_class.hpp"

namespace racelab {

// The first line where a run's output departs from the expected output.
struct Divergence {
  // 1-based line number in the actual output (elapsed lines count as lines).
  std::size_t line = 0;
  // The line the oracle expected there; "" when missing_expected.
  std::string expected;
  // The line as printed (raw bytes, a '\r' included); "" when missing_actual.
  std::string actual;
  // The output ended before this expected line: `line` is one past its last line.
  bool missing_actual = false;
  // The output has a line here where nothing more was expected.
  bool missing_expected = false;
};

// What an oracle says about one run's stdout. An empty `classes` means the output
// is correct (the caller finalizes it to `ok` together with exit status and
// sanitizer findings); first_divergence is then empty as well.
struct OracleVerdict {
  ClassSet classes;
  std::optional<Divergence> first_divergence;
};

// Judges a Problem 1 output for N = n: for k = 1..n the line `S(k-1) + k = S(k)`
// and a line of 20 dashes, then `DONE: solution = S(n)`, S(k) = k(k+1)/2.
// One pass, O(size) time (about 1.3 GB/s); memory n bits, or, when n is out of
// all proportion to the output, a sorted list of the steps printed: no n given
// by a user can exhaust memory.
//
// Lines. Split at '\n'; a final line without '\n' is accepted as a line (the only
// leniency); "...\n" ends with no empty line after it, but "...\n\n" has an empty
// line. Each line is exactly one of:
//   equation  `a + b = c`: single spaces, canonical unsigned decimals (no sign,
//             no leading zero unless the number is "0", value < 2^64);
//   dash      exactly 20 '-';
//   DONE      `DONE: solution = v`, v a canonical unsigned decimal as above;
//   elapsed   `elapsed: x seconds`, x a non-negative decimal such as 0.123456
//             (an exponent, as `1e-05`, is accepted: default ostream formatting);
//   torn      anything else: an empty line, a line with a '\r' (CRLF output is
//             torn: the contract's lines end in '\n' alone), a number with a
//             leading zero or one that overflows (two number writes glued
//             together), 40 dashes, an equation with a DONE glued to it, ...
// Elapsed lines are timing, never a failure: they are skipped wherever they
// appear, for every rule below and for the divergence. The other three kinds are
// "well-formed". The step of an equation is its middle operand b; b is valid when
// 1 <= b <= n.
//
// Classes (every one that applies):
//   torn-line            some line is torn.
//   misplaced-separator  judged on adjacent lines, elapsed lines skipped, the
//                        output's start and end counting as neighbours: an
//                        equation whose next line is not a dash (another
//                        equation, a DONE, the end of output), or a dash whose
//                        previous line is not an equation (a dash, a DONE, the
//                        start of output). A torn neighbour excuses either: its
//                        fragments may well be the missing partner, so only the
//                        torn-line class speaks for it. `E D D` is misplaced
//                        whatever surrounds it; `E torn D` is not.
//   bad-arithmetic       an equation with a + b != c (computed without overflow).
//   stale-read           an equation with a valid step and a != S(b-1), or with
//                        an invalid step (b == 0 or b > n): no state of this run
//                        can print a step that does not exist, so its operands
//                        were read from a state that never was. Such an
//                        equation covers no step and takes no part in the order.
//   out-of-order         among the individually right equations (valid step,
//                        a == S(b-1), a + b == c), in output order, some step is
//                        lower than an earlier one. An equal step (a repeat) is
//                        duplicate-step, not out-of-order.
//   missing-step         some step 1..n is printed by no well-formed equation
//                        (whatever its arithmetic). A torn line's fragments are
//                        not parsed, so a step whose equation was torn counts as
//                        missing as well.
//   duplicate-step       some step 1..n is printed by two or more well-formed
//                        equations (whatever their arithmetic).
//   wrong-result         no DONE line; more than one DONE line; its value is not
//                        S(n); or an equation after the (first) DONE line.
// Empty output: missing-step (unless n == 0) and wrong-result, no torn-line.
//
// first_divergence: the first non-elapsed line that differs from the
// corresponding line of ExpectedSumSequence(n) (the i-th non-elapsed line is
// compared with the i-th expected line; `line` is its number in the actual
// output). If the output ends early: the next expected line, missing_actual and
// `line` = actual line count + 1. If the output goes on after DONE:
// missing_expected. Absent exactly when `classes` is empty.
OracleVerdict CheckSumSequence(std::string_view out, std::uint64_t n);

// Renders the expected output of a sum-sequence run (for diffs/replay views):
// lines k = 1..n and their dash lines, then DONE, every line ending in '\n'.
// About 50 bytes a step: the caller keeps n to what it can hold.
std::string ExpectedSumSequence(std::uint64_t n);

// Judges a Problem 2 output: a header `integral of 4/(1+x^2) over [0, 1]: {n}
// rectangles, {T} threads`, `result: {double}`, `elapsed: {x} seconds`.
// Only the result line is judged: a line starting with `result:`, then optional
// spaces, then a number that std::from_chars reads to the line's end (so a
// trailing '\r' or text is garbage). Every other line is ignored (header and
// elapsed lines included; their absence is no failure): their wording is the
// variant's business and nothing in them can be wrong in a way that matters.
//
// wrong-result when: no result line; more than one; a value that is garbage,
// nan or inf; or |value - exact| > tolerance (tolerance >= 0; a nan exact or
// tolerance makes every value wrong). first_divergence names the first result
// line that is bad or a repeat (a repeat has missing_expected: nothing more was
// expected), or, with no result line, one past the last line with
// missing_actual; the expected text is `result: {exact} ± {tolerance}` (shortest
// round-trip form, e.g. `result: 3.141592653589793 ± 1e-06`).
OracleVerdict CheckRiemann(std::string_view out, double exact, double tolerance);

}  // namespace racelab
