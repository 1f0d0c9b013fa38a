// Laws of the sanitizer-report parser, checked on the real captures with random damage:
// interleaved program output, CRLF, runs cut short, arbitrary bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "judge/sanitizer_report.hpp"
#include "sanitizer_test_util.hpp"

namespace racelab {
namespace {

using testing::FixtureDir;
using testing::FixtureOptions;
using testing::FixtureStems;
using testing::ReadFile;

struct Fixture {
  std::string name;
  std::string text;
};

const std::vector<Fixture>& Fixtures() {
  static const std::vector<Fixture> all = [] {
    std::vector<Fixture> v;
    for (const std::string& stem : FixtureStems())
      v.push_back({stem, ReadFile(FixtureDir() / (stem + ".stderr"))});
    return v;
  }();
  return all;
}

const Fixture& GenFixture() {
  RC_PRE(!Fixtures().empty());
  return Fixtures()[*rc::gen::inRange<std::size_t>(0, Fixtures().size()).as("fixture")];
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// What the laws compare: everything a report's consumers use except the raw text.
struct Summary {
  std::string kind, cls, signature, location;
  bool operator==(const Summary& o) const {
    return kind == o.kind && cls == o.cls && signature == o.signature && location == o.location;
  }
};
std::vector<Summary> Summarise(const SanitizerScan& s) {
  std::vector<Summary> out;
  for (const SanitizerReport& r : s.reports)
    out.push_back({r.kind, std::string(Name(r.cls)), r.signature, r.location});
  return out;
}
void showValue(const Summary& s, std::ostream& os) {
  os << s.kind << " / " << s.signature << " @ " << s.location;
}

// A line a program might print that cannot be mistaken for report structure: no
// "Sanitizer", no separator, no frame, no indented header.
std::string GenNoiseLine() {
  const std::string s = *rc::gen::container<std::string>(
      rc::gen::element('a', 'z', '0', '9', ' ', '+', '=', '-', '.', ',', '(', ')', '#', ':'));
  return "out: " + s;
}

RC_GTEST_PROP(SanitizerScanLaws, InterleavedProgramOutputChangesNoReport, ()) {
  const Fixture& f = GenFixture();
  std::vector<std::string> lines = Lines(f.text);
  const int inserts = *rc::gen::inRange(1, 12).as("inserted lines");
  for (int i = 0; i < inserts; ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, lines.size() + 1).as("at line");
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), GenNoiseLine());
  }
  std::string noisy;
  for (const std::string& l : lines) noisy += l + "\n";
  const SanitizerScan a = ScanSanitizerOutput(f.text, FixtureOptions());
  const SanitizerScan b = ScanSanitizerOutput(noisy, FixtureOptions());
  RC_ASSERT(Summarise(a) == Summarise(b));
  RC_ASSERT(a.classes == b.classes);
  RC_ASSERT(a.reported_warnings == b.reported_warnings);
}

RC_GTEST_PROP(SanitizerScanLaws, CrlfLineEndsChangeNothing, ()) {
  const Fixture& f = GenFixture();
  std::string crlf;
  for (char c : f.text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const SanitizerScan a = ScanSanitizerOutput(f.text, FixtureOptions());
  const SanitizerScan b = ScanSanitizerOutput(crlf, FixtureOptions());
  RC_ASSERT(Summarise(a) == Summarise(b));
  RC_ASSERT(a.classes == b.classes);
}

RC_GTEST_PROP(SanitizerScanLaws, AStreamCutShortInventsNoReport, ()) {
  const Fixture& f = GenFixture();
  const auto cut = *rc::gen::inRange<std::size_t>(0, f.text.size() + 1).as("cut at byte");
  const auto full = Summarise(ScanSanitizerOutput(f.text, FixtureOptions()));
  const auto part = Summarise(ScanSanitizerOutput(f.text.substr(0, cut), FixtureOptions()));
  RC_ASSERT(part.size() <= full.size());
  // Every report but the last one printed before the cut is complete and unchanged.
  for (std::size_t i = 0; i + 1 < part.size(); ++i) RC_ASSERT(part[i] == full[i]);
}

RC_GTEST_PROP(SanitizerScanLaws, ArbitraryBytesGiveOnlySanitizerClasses,
              (const std::string& prefix, const std::string& bytes)) {
  const Fixture& f = GenFixture();
  const auto at = *rc::gen::inRange<std::size_t>(0, f.text.size() + 1).as("insert at byte");
  std::string text = prefix + f.text;
  text.insert(prefix.size() + at, bytes);
  const SanitizerScan s = ScanSanitizerOutput(text, FixtureOptions());
  const ClassSet allowed{
      FailureClass::kDataRace,       FailureClass::kLockOrderInversion, FailureClass::kThreadLeak,
      FailureClass::kUseAfterFree,   FailureClass::kMutexMisuse,        FailureClass::kSignalUnsafe,
      FailureClass::kSanitizerOther, FailureClass::kSanitizerFatal,     FailureClass::kCrash};
  s.classes.ForEach([&](FailureClass c) { RC_ASSERT(allowed.Has(c)); });
  for (const SanitizerReport& r : s.reports) RC_ASSERT(s.classes.Has(r.cls));
}

}  // namespace
}  // namespace racelab
