// Golden-output tests on stderr captured from real TSan runs (clang and gcc) of the programs
// in programs/, and the laws those captures must obey. RACELAB_REGENERATE_GOLDEN=1 rewrites
// the golden files instead of comparing (regenerate.sh does this after new captures).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "judge/sanitizer_report.hpp"
#include "sanitizer_test_util.hpp"

namespace racelab {
namespace {

using testing::FixtureDir;
using testing::FixtureOptions;
using testing::FixtureStems;
using testing::ProgramDir;
using testing::ReadFile;
using testing::Signatures;

std::string_view RoleName(StackRole r) {
  switch (r) {
    case StackRole::kAccess: return "access";
    case StackRole::kReport: return "report";
    case StackRole::kLockAcquired: return "lock-acquired";
    case StackRole::kLockHeld: return "lock-held";
    case StackRole::kThreadCreated: return "thread-created";
    case StackRole::kMutexCreated: return "mutex-created";
    case StackRole::kLocation: return "location";
    case StackRole::kOther: return "other";
  }
  return "?";
}

std::string ClassList(const ClassSet& cs) {
  std::string out;
  cs.ForEach([&](FailureClass c) {
    if (!out.empty()) out += ' ';
    out += Name(c);
  });
  return out.empty() ? "(none)" : out;
}

// Scrubs what varies between runs of the same build: pids, addresses, thread and mutex
// ids, times. The parsed fields should hold none of these; this keeps the goldens honest
// if one slips through (e.g. in a runtime's fatal message).
std::string Normalise(std::string s) {
  static const std::pair<std::regex, const char*> kRules[] = {
      {std::regex("0x[0-9a-fA-F]+"), "0x?"},
      {std::regex("(pid|tid)=[0-9]+"), "$1=?"},
      {std::regex("==[0-9]+=="), "==?=="},
      {std::regex("\\bT[0-9]+\\b"), "T?"},
      {std::regex("\\bM[0-9]+\\b"), "M?"},
      {std::regex("[0-9]+(\\.[0-9]+)? ?(ms|s|seconds)\\b"), "?s"},
  };
  for (const auto& [re, with] : kRules) s = std::regex_replace(s, re, with);
  return s;
}

// The parsed result as the golden files hold it.
std::string Render(const SanitizerScan& s) {
  std::string out;
  out += "classes: " + ClassList(s.classes) + "\n";
  out += "reported_warnings: " + std::to_string(s.reported_warnings) + "\n";
  out += "fatal: " + std::string(s.fatal ? "yes" : "no") + "\n";
  if (s.fatal) out += "fatal_message: " + s.fatal_message + "\n";
  out += "deadly_signal: " + std::string(s.deadly_signal ? "yes" : "no") + "\n";
  out += "reports: " + std::to_string(s.reports.size()) + "\n";
  for (std::size_t i = 0; i < s.reports.size(); ++i) {
    const SanitizerReport& r = s.reports[i];
    out += "report " + std::to_string(i + 1) + ":\n";
    out += "  kind: " + r.kind + "\n";
    out += "  class: " + std::string(Name(r.cls)) + "\n";
    out += "  truncated: " + std::string(r.truncated ? "yes" : "no") + "\n";
    out += "  stacks:";
    for (const ReportStack& st : r.stacks)
      out += " " + std::string(RoleName(st.role)) + "/" + std::to_string(st.frames.size());
    out += "\n";
    out += "  signature: " + r.signature + "\n";
    out += "  location: " + r.location + "\n";
  }
  return Normalise(out);
}

bool Regenerating() {
  const char* v = std::getenv("RACELAB_REGENERATE_GOLDEN");
  return v && std::string(v) == "1";
}

class SanitizerGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SanitizerGolden, ParsedFixtureMatchesGoldenFile) {
  const std::string stem = GetParam();
  const SanitizerScan scan =
      ScanSanitizerOutput(ReadFile(FixtureDir() / (stem + ".stderr")), FixtureOptions());
  const std::string actual = Render(scan);
  const auto golden = FixtureDir() / (stem + ".golden");
  if (Regenerating()) {
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden))
      << golden << " is missing: run tests/judge/sanitizer/regenerate.sh";
  EXPECT_EQ(actual, ReadFile(golden))
      << "for " << stem << ".stderr; if the change is intended, rerun with "
      << "RACELAB_REGENERATE_GOLDEN=1";
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SanitizerGolden, ::testing::ValuesIn(FixtureStems()), TestName);

// --- the fixture set itself -------------------------------------------------------------

std::vector<std::string> Programs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(ProgramDir()))
    if (e.path().extension() == ".cpp") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The classes a program's header declares: "// Expected class(es): a-b (...) and c-d".
ClassSet DeclaredClasses(const std::string& program) {
  std::ifstream in(ProgramDir() / (program + ".cpp"));
  std::string line;
  ClassSet cs;
  while (std::getline(in, line) && line.rfind("//", 0) == 0) {
    const auto at = line.find("Expected class");
    if (at == std::string::npos) continue;
    std::string word;
    int depth = 0;  // words in parentheses explain, they declare nothing ("(potential deadlock)")
    for (std::size_t i = line.find(':', at) + 1; i <= line.size(); ++i) {
      const char c = i < line.size() ? line[i] : ' ';
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '-') {
        word += c;
        continue;
      }
      if (depth == 0)
        if (auto fc = ParseFailureClass(word)) cs.Add(*fc);
      word.clear();
      depth += c == '(' ? 1 : c == ')' && depth > 0 ? -1 : 0;
    }
  }
  return cs;
}

TEST(SanitizerFixtures, EveryProgramHasCapturesFromClangAndGcc) {
  const auto stems = FixtureStems();
  const std::set<std::string> have(stems.begin(), stems.end());
  ASSERT_FALSE(Programs().empty());
  for (const std::string& p : Programs()) {
    EXPECT_TRUE(have.count(p + ".clang")) << p;
    EXPECT_TRUE(have.count(p + ".gcc")) << p;
  }
}

TEST(SanitizerFixtures, CoverTheKindsTheIssueAsksFor) {
  std::set<std::string> kinds;
  bool several = false;
  for (const std::string& stem : FixtureStems()) {
    const SanitizerScan s = ScanSanitizerOutput(ReadFile(FixtureDir() / (stem + ".stderr")));
    for (const SanitizerReport& r : s.reports) kinds.insert(r.kind);
    several = several || s.reports.size() >= 3;
  }
  for (const char* k :
       {"data race", "lock-order-inversion (potential deadlock)", "thread leak",
        "heap-use-after-free", "unlock of an unlocked mutex (or by a wrong thread)",
        "destroy of a locked mutex", "double lock of a mutex",
        "signal-unsafe call inside of a signal", "signal handler spoils errno", "SEGV"})
    EXPECT_TRUE(kinds.count(k)) << k;
  EXPECT_TRUE(several);
}

TEST(SanitizerFixtures, EachCaptureHasExactlyTheClassesItsProgramDeclares) {
  for (const std::string& stem : FixtureStems()) {
    const std::string program = stem.substr(0, stem.find('.'));
    const ClassSet declared = DeclaredClasses(program);
    ASSERT_FALSE(declared.Empty()) << program << " declares no expected class";
    const SanitizerScan s = ScanSanitizerOutput(ReadFile(FixtureDir() / (stem + ".stderr")));
    EXPECT_EQ(ClassList(s.classes), ClassList(declared)) << stem;
  }
}

// --- signature laws on real captures ----------------------------------------------------

TEST(SanitizerFixtures, ASecondRunOfTheSameBuildGivesTheSameSignaturesAndLocations) {
  const auto reruns = FixtureStems(FixtureDir() / "reruns");
  ASSERT_FALSE(reruns.empty());
  for (const std::string& stem : reruns) {
    const std::string first_text = ReadFile(FixtureDir() / (stem + ".stderr"));
    const std::string second_text = ReadFile(FixtureDir() / "reruns" / (stem + ".stderr"));
    const SanitizerScan first = ScanSanitizerOutput(first_text, FixtureOptions());
    const SanitizerScan second = ScanSanitizerOutput(second_text, FixtureOptions());
    EXPECT_EQ(Signatures(first), Signatures(second)) << stem;
    ASSERT_EQ(first.reports.size(), second.reports.size()) << stem;
    for (std::size_t i = 0; i < first.reports.size(); ++i) {
      EXPECT_EQ(first.reports[i].location, second.reports[i].location) << stem;
      // The runs differ (pids at least), so the equality above is not a tautology.
      if (first.reports[i].text.find("(pid=") != std::string::npos)
        EXPECT_NE(first.reports[i].text, second.reports[i].text) << stem;
    }
  }
}

TEST(SanitizerFixtures, DifferentDefectsNeverShareASignature) {
  std::map<std::string, std::string> owner;  // signature -> "program.compiler"
  for (const std::string& stem : FixtureStems()) {
    const SanitizerScan s = ScanSanitizerOutput(ReadFile(FixtureDir() / (stem + ".stderr")));
    const std::string program = stem.substr(0, stem.find('.'));
    std::set<std::string> seen_here;
    for (const SanitizerReport& r : s.reports) {
      EXPECT_TRUE(seen_here.insert(r.signature).second)
          << stem << " has two reports with signature " << r.signature;
      auto [it, fresh] = owner.emplace(r.signature, program);
      EXPECT_TRUE(fresh || it->second == program)
          << r.signature << " in both " << it->second << " and " << program;
    }
  }
}

TEST(SanitizerFixtures, SwappingTheTwoAccessesOfARealRaceKeepsTheSignature) {
  for (const char* stem : {"vptr_race.clang", "vptr_race.gcc"}) {
    const std::string text = ReadFile(FixtureDir() / (std::string(stem) + ".stderr"));
    // The two access sections: from the first header to the second, and on to "Location".
    const auto a = text.find("  Write of size");
    const auto b = text.find("  Previous read of size");
    const auto end = text.find("  Location is");
    ASSERT_TRUE(a != std::string::npos && b != std::string::npos && end != std::string::npos)
        << stem;
    std::string first = text.substr(b, end - b);
    std::string second = text.substr(a, b - a);
    first.replace(0, std::string("  Previous read").size(), "  Read");
    second.replace(0, std::string("  Write").size(), "  Previous write");
    std::string swapped = text.substr(0, a);
    swapped += first;
    swapped += second;
    swapped += text.substr(end);
    const SanitizerScan orig = ScanSanitizerOutput(text, FixtureOptions());
    const SanitizerScan swap = ScanSanitizerOutput(swapped, FixtureOptions());
    ASSERT_EQ(swap.reports.size(), 1u);
    EXPECT_EQ(swap.reports[0].stacks[0].frames[0].function, "CallIt()") << stem;
    EXPECT_EQ(Signatures(orig), Signatures(swap)) << stem;
    EXPECT_EQ(orig.reports[0].location, swap.reports[0].location) << stem;
  }
}

}  // namespace
}  // namespace racelab
