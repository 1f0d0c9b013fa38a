// Laws of the sum-sequence oracle, checked on random N and random damage to a correct output.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "judge/oracle.hpp"
#include "oracle_test_util.hpp"

namespace racelab {
namespace {

using testing::Assemble;
using testing::Equation;
using testing::kDashLine;
using testing::Names;
using testing::Pairs;

constexpr std::string_view kElapsed = "elapsed: 0.25 seconds";

std::uint64_t GenN(std::uint64_t min = 1) {
  return *rc::gen::inRange<std::uint64_t>(min, 301).as("N");
}

std::size_t GenIndex(std::size_t size, const char* name) {
  return *rc::gen::inRange<std::size_t>(0, size).as(name);
}

// Any elapsed line the oracle may skip (a mutation can edit the inserted one).
const std::regex kElapsedLine(R"(elapsed: [0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)? seconds)");

// The output's lines as the oracle splits them (a missing final '\n' is fine),
// without elapsed lines: what "equal to the expected output" means for the oracle.
std::vector<std::string> Normalized(std::string_view s) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) nl = s.size();
    const std::string line(s.substr(pos, nl - pos));
    if (!std::regex_match(line, kElapsedLine)) lines.push_back(line);
    pos = nl + 1;
  }
  return lines;
}

RC_GTEST_PROP(SumSequenceOracleLaws, EveryCorrectOutputIsOk, ()) {
  const std::uint64_t n = GenN();
  std::string out = ExpectedSumSequence(n);
  const int elapsed_lines = *rc::gen::inRange(0, 3).as("elapsed lines after DONE");
  for (int i = 0; i < elapsed_lines; ++i) out += std::string(kElapsed) + '\n';
  if (*rc::gen::arbitrary<bool>().as("drop final newline")) out.pop_back();

  const OracleVerdict v = CheckSumSequence(out, n);
  RC_ASSERT(Names(v.classes) == "");
  RC_ASSERT(!v.first_divergence.has_value());
}

RC_GTEST_PROP(SumSequenceOracleLaws, SwappingTwoPairsIsOutOfOrderAndNothingElse, ()) {
  const std::uint64_t n = GenN(2);
  std::vector<std::string> pairs = Pairs(n);
  const std::size_t i = GenIndex(pairs.size(), "i");
  const std::size_t j =
      *rc::gen::distinctFrom(rc::gen::inRange<std::size_t>(0, pairs.size()), i).as("j");
  std::swap(pairs[i], pairs[j]);

  const OracleVerdict v = CheckSumSequence(Assemble(pairs, n), n);
  RC_ASSERT(Names(v.classes) == "out-of-order");
  RC_ASSERT(v.first_divergence.has_value());
  RC_ASSERT(v.first_divergence->line == 2 * std::min(i, j) + 1);
}

// print's writes: the number and literal tokens of the equation, then its '\n'.
// Another thread's whole line can land after any of them.
std::vector<std::size_t> TokenBoundaries(const std::string& equation) {
  const std::size_t plus = equation.find(" + ");
  const std::size_t eq = equation.find(" = ");
  return {plus, plus + 3, eq, eq + 3, equation.size()};
}

RC_GTEST_PROP(SumSequenceOracleLaws, AnotherLineInsideAnEquationWriteTearsIt, ()) {
  const std::uint64_t n = GenN(2);
  std::vector<std::string> lines;  // without their '\n'
  for (std::uint64_t k = 1; k <= n; ++k) {
    lines.push_back(Equation(k));
    lines.push_back(kDashLine);
  }
  const std::size_t victim = 2 * GenIndex(n, "victim step - 1");
  const std::vector<std::size_t> cuts = TokenBoundaries(lines[victim]);
  const std::size_t cut = cuts[GenIndex(cuts.size(), "cut after token")];
  // Either a dash line of some step, copied (a thread printing its separator), or
  // another step's equation line, moved from its own place into the victim's.
  const bool intruder_is_equation = *rc::gen::arbitrary<bool>().as("intruder is an equation");
  std::string intruder = kDashLine;
  std::size_t victim_line = victim;
  if (intruder_is_equation) {
    const std::size_t other =
        2 * *rc::gen::distinctFrom(rc::gen::inRange<std::size_t>(0, n), victim / 2)
                 .as("intruder step - 1");
    intruder = lines[other];
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(other));
    if (other < victim) --victim_line;
  }
  const std::string text = lines[victim_line];
  lines[victim_line] = text.substr(0, cut) + intruder;
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(victim_line) + 1, text.substr(cut));

  std::string out;
  for (const std::string& l : lines) out += l + '\n';
  out += testing::Done(testing::S(n)) + '\n';

  const OracleVerdict v = CheckSumSequence(out, n);
  RC_ASSERT(v.classes.Has(FailureClass::kTornLine));
  RC_ASSERT(v.first_divergence.has_value());
  RC_ASSERT(v.first_divergence->line <= victim + 1);
}

RC_GTEST_PROP(SumSequenceOracleLaws, DeletingAPairIsMissingStepAndNothingElse, ()) {
  const std::uint64_t n = GenN();
  std::vector<std::string> pairs = Pairs(n);
  const std::size_t i = GenIndex(pairs.size(), "deleted pair");
  pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));

  const OracleVerdict v = CheckSumSequence(Assemble(pairs, n), n);
  RC_ASSERT(Names(v.classes) == "missing-step");
  RC_ASSERT(v.first_divergence.has_value());
  RC_ASSERT(v.first_divergence->line == 2 * i + 1);
}

RC_GTEST_PROP(SumSequenceOracleLaws, DuplicatingAPairIsDuplicateStep, ()) {
  const std::uint64_t n = GenN();
  std::vector<std::string> pairs = Pairs(n);
  const std::size_t i = GenIndex(pairs.size(), "duplicated pair");
  const std::size_t at = GenIndex(pairs.size() + 1, "copy inserted before pair");
  pairs.insert(pairs.begin() + static_cast<std::ptrdiff_t>(at), pairs[i]);

  const OracleVerdict v = CheckSumSequence(Assemble(pairs, n), n);
  // Next to its original the copy breaks no order; anywhere else it does.
  const bool adjacent = at == i || at == i + 1;
  RC_ASSERT(Names(v.classes) == (adjacent ? "duplicate-step" : "out-of-order,duplicate-step"));
}

// One random edit of the output text, biased towards the bytes the format uses.
void Mutate(std::string& out) {
  static const std::string kAlphabet = "0123456789 +=-\n\rDONE:solution=elapsed";
  const int kind = *rc::gen::inRange(0, 7).as("mutation");
  const std::size_t at = GenIndex(out.size() + 1, "at");
  const std::size_t len = *rc::gen::inRange<std::size_t>(0, 24).as("length");
  switch (kind) {
    case 0: out.erase(at, len); break;
    case 1: {
      const auto bytes =
          *rc::gen::container<std::string>(rc::gen::elementOf(kAlphabet)).as("inserted");
      out.insert(at, bytes);
      break;
    }
    case 2:
      if (at < out.size()) out[at] = *rc::gen::elementOf(kAlphabet).as("replacement");
      break;
    case 3: out.resize(at); break;
    case 4: out.insert(at, out.substr(at, len)); break;
    case 5: {
      const std::size_t from = GenIndex(out.size() + 1, "moved from");
      const std::string piece = out.substr(from, len);
      out.erase(from, len);
      out.insert(std::min(at, out.size()), piece);
      break;
    }
    case 6: out.insert(at, std::string(kElapsed) + '\n'); break;
  }
}

RC_GTEST_PROP(SumSequenceOracleLaws, RandomDamageIsNeverOkUnlessTheOutputIsStillExpected, ()) {
  const std::uint64_t n = GenN();
  const std::string expected = ExpectedSumSequence(n);
  std::string out = expected;
  const int edits = *rc::gen::inRange(1, 4).as("edits");
  for (int e = 0; e < edits; ++e) Mutate(out);

  const OracleVerdict v = CheckSumSequence(out, n);
  const bool unchanged = Normalized(out) == Normalized(expected);
  RC_CLASSIFY(unchanged, "output still as expected");
  RC_ASSERT(v.classes.Empty() == unchanged);
  RC_ASSERT(v.first_divergence.has_value() == !unchanged);
}

// A slow, literal reading of the rules in oracle.hpp (regexes, a map, whole-list
// passes), to check the one-pass oracle against on damaged outputs.
ClassSet ReferenceClasses(std::string_view out, std::uint64_t n) {
  enum class K { kEquation, kDash, kDone, kTorn };
  struct L {
    K kind;
    unsigned long long a = 0, b = 0, c = 0;
  };
  static const std::regex kEq(R"((0|[1-9][0-9]*) \+ (0|[1-9][0-9]*) = (0|[1-9][0-9]*))");
  static const std::regex kDone(R"(DONE: solution = (0|[1-9][0-9]*))");
  const auto fits = [](const std::string& digits, unsigned long long& v) {
    try {
      v = std::stoull(digits);
      return true;
    } catch (const std::out_of_range&) {
      return false;
    }
  };
  std::vector<L> lines;  // elapsed lines left out
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    if (nl == std::string_view::npos) nl = out.size();
    const std::string text(out.substr(pos, nl - pos));
    pos = nl + 1;
    std::smatch m;
    L l{K::kTorn};
    if (std::regex_match(text, kElapsedLine)) continue;
    if (text == kDashLine) l.kind = K::kDash;
    if (std::regex_match(text, m, kEq) && fits(m[1], l.a) && fits(m[2], l.b) && fits(m[3], l.c))
      l.kind = K::kEquation;
    if (std::regex_match(text, m, kDone) && fits(m[1], l.a)) l.kind = K::kDone;
    lines.push_back(l);
  }
  using U128 = unsigned __int128;
  const auto sum = [](U128 k) { return k * (k + 1) / 2; };
  ClassSet classes;
  std::map<unsigned long long, int> printed;
  std::vector<unsigned long long> right_steps;
  int dones = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const L& l = lines[i];
    const bool next_ok =
        i + 1 < lines.size() && (lines[i + 1].kind == K::kDash || lines[i + 1].kind == K::kTorn);
    const bool prev_ok =
        i > 0 && (lines[i - 1].kind == K::kEquation || lines[i - 1].kind == K::kTorn);
    if ((l.kind == K::kEquation && !next_ok) || (l.kind == K::kDash && !prev_ok))
      classes.Add(FailureClass::kMisplacedSeparator);
    if (l.kind == K::kTorn) classes.Add(FailureClass::kTornLine);
    if (l.kind == K::kDone) {
      ++dones;
      if (l.a != sum(n)) classes.Add(FailureClass::kWrongResult);
    }
    if (l.kind != K::kEquation) continue;
    if (dones > 0) classes.Add(FailureClass::kWrongResult);
    const bool arithmetic = U128{l.a} + l.b == l.c;
    const bool valid = l.b >= 1 && l.b <= n;
    if (!arithmetic) classes.Add(FailureClass::kBadArithmetic);
    if (!valid || l.a != sum(l.b - 1)) classes.Add(FailureClass::kStaleRead);
    if (valid) ++printed[l.b];
    if (valid && arithmetic && l.a == sum(l.b - 1)) right_steps.push_back(l.b);
  }
  if (!std::is_sorted(right_steps.begin(), right_steps.end()))
    classes.Add(FailureClass::kOutOfOrder);
  if (printed.size() < n) classes.Add(FailureClass::kMissingStep);
  for (const auto& [step, times] : printed)
    if (times > 1) classes.Add(FailureClass::kDuplicateStep);
  if (dones != 1) classes.Add(FailureClass::kWrongResult);
  return classes;
}

RC_GTEST_PROP(SumSequenceOracleLaws, RandomDamageIsClassedAsTheRulesSay, ()) {
  const std::uint64_t n = GenN();
  std::string out = ExpectedSumSequence(n);
  const int edits = *rc::gen::inRange(1, 4).as("edits");
  for (int e = 0; e < edits; ++e) Mutate(out);
  RC_ASSERT(Names(CheckSumSequence(out, n).classes) == Names(ReferenceClasses(out, n)));
}

RC_GTEST_PROP(SumSequenceOracleLaws, ACorrectOutputForAnotherNIsNeverOk, ()) {
  const std::uint64_t n = GenN(0);
  const std::uint64_t judged_as =
      *rc::gen::distinctFrom(rc::gen::inRange<std::uint64_t>(0, 301), n).as("judged as N");
  const OracleVerdict v = CheckSumSequence(ExpectedSumSequence(n), judged_as);
  RC_ASSERT(!v.classes.Empty());
  RC_ASSERT(v.first_divergence.has_value());
}

}  // namespace
}  // namespace racelab
