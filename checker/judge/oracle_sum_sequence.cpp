// The Problem 1 oracle: classifies a sum-sequence output in one pass (rules in oracle.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <vector>

#include "judge/oracle.hpp"

namespace racelab {
namespace {

// S(k) for any 64-bit k without overflow: compares stay exact even for an n whose
// S(n) no longer fits the 64 bits a variant prints.
using U128 = unsigned __int128;

U128 S(std::uint64_t k) {
  return static_cast<U128>(k) * (static_cast<U128>(k) + 1) / 2;
}

constexpr std::string_view kDash = "--------------------";
constexpr std::string_view kDonePrefix = "DONE: solution = ";
constexpr std::string_view kElapsedPrefix = "elapsed: ";
constexpr std::string_view kElapsedSuffix = " seconds";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

void AppendDecimal(std::string& s, U128 v) {
  char buf[40];
  char* end = buf + sizeof buf;
  char* p = end;
  if (v <= std::numeric_limits<std::uint64_t>::max()) {
    auto r = std::to_chars(buf, end, static_cast<std::uint64_t>(v));
    s.append(buf, r.ptr);
    return;
  }
  while (v != 0) {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  s.append(p, end);
}

// Reads a canonical unsigned decimal at s[pos..]: digits only, no leading zero
// unless it is "0", < 2^64. Anything else cannot come from one number write.
// Hand-rolled rather than std::from_chars: this loop is the oracle's hot spot.
bool ReadNumber(std::string_view s, std::size_t& pos, std::uint64_t& v) {
  std::size_t i = pos;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  if (s[i] == '0') {
    v = 0;
    pos = i + 1;
    return pos >= s.size() || !IsDigit(s[pos]);
  }
  // 19 digits always fit in 64 bits; only a 20th needs an overflow check.
  const std::size_t safe_end = std::min(s.size(), i + 19);
  std::uint64_t x = 0;
  for (; i < safe_end && IsDigit(s[i]); ++i) x = x * 10 + static_cast<unsigned>(s[i] - '0');
  if (i < s.size() && IsDigit(s[i])) {
    if (__builtin_mul_overflow(x, 10u, &x) ||
        __builtin_add_overflow(x, static_cast<unsigned>(s[i] - '0'), &x))
      return false;
    ++i;
    if (i < s.size() && IsDigit(s[i])) return false;
  }
  v = x;
  pos = i;
  return true;
}

// Byte loop, not memcmp: the literals are three bytes long.
bool ReadLiteral(std::string_view s, std::size_t& pos, std::string_view lit) {
  if (s.size() - pos < lit.size()) return false;
  for (std::size_t k = 0; k < lit.size(); ++k)
    if (s[pos + k] != lit[k]) return false;
  pos += lit.size();
  return true;
}

enum class Kind { kBegin, kEquation, kDash, kDone, kElapsed, kTorn };

struct Line {
  Kind kind = Kind::kTorn;
  std::uint64_t a = 0;  // equation: left operand; DONE: its value
  std::uint64_t b = 0;
  std::uint64_t c = 0;
};

bool IsElapsedValue(std::string_view x) {
  // Default ostream formatting prints e.g. 0.123456 or 1e-05; both are decimals.
  if (x.empty() || !IsDigit(x.front())) return false;
  double d = 0;
  auto r = std::from_chars(x.data(), x.data() + x.size(), d);
  return r.ec == std::errc() && r.ptr == x.data() + x.size() && std::isfinite(d);
}

// Reads `a + b = c` at s[pos..], stopping after c.
bool ReadEquation(std::string_view s, std::size_t& pos, Line& l) {
  return ReadNumber(s, pos, l.a) && ReadLiteral(s, pos, " + ") && ReadNumber(s, pos, l.b) &&
         ReadLiteral(s, pos, " = ") && ReadNumber(s, pos, l.c);
}

bool IsDashes(std::string_view s, std::size_t pos) {
  if (s.size() - pos < kDash.size()) return false;
  return std::all_of(s.begin() + pos, s.begin() + pos + kDash.size(),
                     [](char c) { return c == '-'; });
}

// Classifies one line, without its '\n'.
Line Classify(std::string_view s) {
  Line l;
  std::size_t pos = 0;
  if (s.empty()) return l;
  switch (s.front()) {
    case '-':
      if (s.size() == kDash.size() && IsDashes(s, 0)) l.kind = Kind::kDash;
      break;
    case 'D':
      if (ReadLiteral(s, pos, kDonePrefix) && ReadNumber(s, pos, l.a) && pos == s.size())
        l.kind = Kind::kDone;
      break;
    case 'e':
      if (s.size() > kElapsedPrefix.size() + kElapsedSuffix.size() &&
          s.compare(0, kElapsedPrefix.size(), kElapsedPrefix) == 0 &&
          s.compare(s.size() - kElapsedSuffix.size(), kElapsedSuffix.size(), kElapsedSuffix) == 0 &&
          IsElapsedValue(s.substr(kElapsedPrefix.size(),
                                  s.size() - kElapsedPrefix.size() - kElapsedSuffix.size())))
        l.kind = Kind::kElapsed;
      break;
    default:
      if (ReadEquation(s, pos, l) && pos == s.size()) l.kind = Kind::kEquation;
      break;
  }
  return l;
}

// Which steps 1..n were printed, and whether any twice. A bitset of n bits,
// unless n is out of all proportion to the output (a user's huge --iterations
// against a run that printed little): then the steps themselves, sorted at the
// end, so memory stays bounded by the output either way.
class StepTracker {
 public:
  StepTracker(std::uint64_t n, std::size_t out_size) : n_(n), dense_(n / 8 <= out_size + 4096) {
    if (dense_) seen_.assign(static_cast<std::size_t>(n / 64 + 1), 0);
  }

  void Add(std::uint64_t step) {
    if (!dense_) {
      sparse_.push_back(step);
      return;
    }
    std::uint64_t& word = seen_[static_cast<std::size_t>(step / 64)];
    const std::uint64_t bit = std::uint64_t{1} << (step % 64);
    if (word & bit) {
      duplicate_ = true;
    } else {
      word |= bit;
      ++distinct_;
    }
  }

  void Finish(ClassSet& classes) {
    if (!dense_) {
      std::sort(sparse_.begin(), sparse_.end());
      auto last = std::unique(sparse_.begin(), sparse_.end());
      duplicate_ = last != sparse_.end();
      distinct_ = static_cast<std::uint64_t>(last - sparse_.begin());
    }
    if (distinct_ < n_) classes.Add(FailureClass::kMissingStep);
    if (duplicate_) classes.Add(FailureClass::kDuplicateStep);
  }

 private:
  std::uint64_t n_;
  bool dense_;
  std::vector<std::uint64_t> seen_;
  std::vector<std::uint64_t> sparse_;
  std::uint64_t distinct_ = 0;
  bool duplicate_ = false;
};

// Expected line j (0-based, elapsed lines not counted): equation k = j/2 + 1 at
// even j < 2n, a dash at odd j, DONE at j == 2n.
bool MatchesExpected(const Line& l, std::uint64_t j, std::uint64_t n) {
  if (j < 2 * static_cast<U128>(n)) {
    if (j % 2 == 1) return l.kind == Kind::kDash;
    const std::uint64_t k = j / 2 + 1;
    return l.kind == Kind::kEquation && l.b == k && l.a == S(k - 1) && l.c == S(k);
  }
  return j == 2 * static_cast<U128>(n) && l.kind == Kind::kDone && l.a == S(n);
}

void AppendEquation(std::string& s, std::uint64_t k) {
  AppendDecimal(s, S(k - 1));
  s += " + ";
  AppendDecimal(s, k);
  s += " = ";
  AppendDecimal(s, S(k));
}

void AppendDone(std::string& s, std::uint64_t n) {
  s += kDonePrefix;
  AppendDecimal(s, S(n));
}

std::string ExpectedLine(std::uint64_t j, std::uint64_t n) {
  std::string s;
  if (j < 2 * static_cast<U128>(n)) {
    if (j % 2 == 1) return std::string(kDash);
    AppendEquation(s, j / 2 + 1);
  } else {
    AppendDone(s, n);
  }
  return s;
}

}  // namespace

OracleVerdict CheckSumSequence(std::string_view out, std::uint64_t n) {
  OracleVerdict verdict;
  ClassSet& classes = verdict.classes;
  StepTracker steps(n, out.size());
  const U128 total = S(n);

  Kind prev = Kind::kBegin;  // last non-elapsed line, for the separator rule
  std::uint64_t max_right_step = 0;
  std::uint64_t done_count = 0;
  std::uint64_t expected_index = 0;  // non-elapsed lines seen so far
  std::size_t line_no = 0;

  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t end = std::min(out.find('\n', pos), out.size());
    const std::string_view text = out.substr(pos, end - pos);
    const Line l = Classify(text);
    pos = end + 1;
    ++line_no;
    if (l.kind == Kind::kElapsed) continue;

    if (!verdict.first_divergence && !MatchesExpected(l, expected_index, n)) {
      Divergence d;
      d.line = line_no;
      d.actual = std::string(text);
      if (expected_index <= 2 * static_cast<U128>(n)) {
        d.expected = ExpectedLine(expected_index, n);
      } else {
        d.missing_expected = true;
      }
      verdict.first_divergence = std::move(d);
    }
    ++expected_index;

    if (prev == Kind::kEquation && l.kind != Kind::kDash && l.kind != Kind::kTorn)
      classes.Add(FailureClass::kMisplacedSeparator);
    if (l.kind == Kind::kDash && prev != Kind::kEquation && prev != Kind::kTorn)
      classes.Add(FailureClass::kMisplacedSeparator);
    prev = l.kind;

    switch (l.kind) {
      case Kind::kEquation: {
        const bool arithmetic_right = static_cast<U128>(l.a) + l.b == l.c;
        if (!arithmetic_right) classes.Add(FailureClass::kBadArithmetic);
        if (done_count > 0) classes.Add(FailureClass::kWrongResult);
        if (l.b == 0 || l.b > n) {
          classes.Add(FailureClass::kStaleRead);
          break;
        }
        steps.Add(l.b);
        if (l.a != S(l.b - 1)) {
          classes.Add(FailureClass::kStaleRead);
        } else if (arithmetic_right) {
          if (l.b < max_right_step) classes.Add(FailureClass::kOutOfOrder);
          max_right_step = std::max(max_right_step, l.b);
        }
        break;
      }
      case Kind::kDone:
        ++done_count;
        if (l.a != total) classes.Add(FailureClass::kWrongResult);
        break;
      case Kind::kTorn: classes.Add(FailureClass::kTornLine); break;
      case Kind::kDash:
      case Kind::kElapsed:
      case Kind::kBegin: break;
    }
  }

  if (prev == Kind::kEquation) classes.Add(FailureClass::kMisplacedSeparator);
  if (done_count != 1) classes.Add(FailureClass::kWrongResult);
  steps.Finish(classes);

  if (!verdict.first_divergence && expected_index <= 2 * static_cast<U128>(n)) {
    Divergence d;
    d.line = line_no + 1;
    d.expected = ExpectedLine(expected_index, n);
    d.missing_actual = true;
    verdict.first_divergence = std::move(d);
  }
  return verdict;
}

std::string ExpectedSumSequence(std::uint64_t n) {
  std::string s;
  // Each step is at most three numbers of S(n)'s width, the separators and a dash line.
  std::string total;
  AppendDecimal(total, S(n));
  const U128 reserve = static_cast<U128>(n) * (3 * total.size() + 8 + kDash.size() + 1) +
                       kDonePrefix.size() + total.size() + 1;
  if (reserve <= std::numeric_limits<std::size_t>::max() / 2)
    s.reserve(static_cast<std::size_t>(reserve));
  for (std::uint64_t k = 1; k <= n; ++k) {
    AppendEquation(s, k);
    s += '\n';
    s += kDash;
    s += '\n';
  }
  AppendDone(s, n);
  s += '\n';
  return s;
}

}  // namespace racelab
