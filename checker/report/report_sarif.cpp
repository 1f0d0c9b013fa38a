// SARIF 2.1.0 for code scanning: a result per deduplicated sanitizer report and per other failing
// class.
#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "judge/failure_class.hpp"
#include "report/renderer.hpp"
#include "report/report_view.hpp"
#include "util/fnv1a.hpp"

namespace racelab {
namespace {

using ordered_json = nlohmann::ordered_json;

// What each class means, for the rule descriptions a code-scanning UI shows.
std::string_view Describe(FailureClass c) {
  switch (c) {
    case FailureClass::kOk: return "Output exactly as expected, exit 0, no sanitizer report.";
    case FailureClass::kTornLine:
      return "A line that is none of: equation, dash line, DONE line, elapsed line: two "
             "unsynchronised writes interleaved inside one line.";
    case FailureClass::kMisplacedSeparator:
      return "Lines well-formed, but an equation is not followed by exactly one dash line.";
    case FailureClass::kBadArithmetic: return "An equation a + b = c with a + b != c.";
    case FailureClass::kStaleRead:
      return "An equation whose left operand is not S(b-1): it read a sum that another step had "
             "already replaced, or not yet written.";
    case FailureClass::kOutOfOrder:
      return "Equations individually right, but not in ascending step order.";
    case FailureClass::kMissingStep: return "A step 1..N that no equation printed.";
    case FailureClass::kDuplicateStep: return "A step printed by more than one equation.";
    case FailureClass::kWrongResult:
      return "DONE line absent or not S(N); for Problem 2, a result outside the stated tolerance.";
    case FailureClass::kDataRace: return "ThreadSanitizer reported a data race.";
    case FailureClass::kLockOrderInversion:
      return "ThreadSanitizer reported a lock-order inversion (potential deadlock).";
    case FailureClass::kThreadLeak:
      return "ThreadSanitizer reported a thread leak (a thread neither joined nor detached).";
    case FailureClass::kUseAfterFree:
      return "ThreadSanitizer reported a heap use after free or use of a destroyed mutex.";
    case FailureClass::kMutexMisuse:
      return "ThreadSanitizer reported a misused mutex (unlock of an unlocked mutex, double lock).";
    case FailureClass::kSignalUnsafe:
      return "ThreadSanitizer reported a signal-unsafe call or errno spoiled in a signal handler.";
    case FailureClass::kSanitizerOther: return "ThreadSanitizer reported another kind of defect.";
    case FailureClass::kSanitizerFatal: return "The sanitizer runtime itself aborted.";
    case FailureClass::kCrash: return "Killed by a signal that racelab did not send.";
    case FailureClass::kBadExit: return "A non-zero exit status that no other class explains.";
    case FailureClass::kDeadlock:
      return "Every controlled thread blocked: the run cannot continue (controlled scheduling "
             "only).";
    case FailureClass::kTimeout:
      return "Still running at the per-run timeout (a hang or deadlock); racelab killed it.";
    case FailureClass::kOutputOverflow:
      return "More output than the cap; racelab stopped reading and killed the run.";
  }
  return "";
}

// "torn-line" -> "TornLine": SARIF's rule name is an identifier-like word.
std::string PascalCase(std::string_view cls) {
  std::string out;
  bool upper = true;
  for (char c : cls) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string Fingerprint(const std::vector<std::string>& parts) {
  Fnv1a64 h;
  for (const std::string& p : parts) {
    h.Add(p);
    h.Add(0x1f);  // a separator, so {"ab","c"} and {"a","bc"} differ
  }
  return fmt::format("{:016x}", h.value());
}

// A path as a URI reference: relative paths stay relative (to %SRCROOT%, the
// checkout code scanning resolves them against); absolute ones become file URIs.
ordered_json ArtifactLocation(const std::string& path) {
  std::string enc;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~')
      enc += static_cast<char>(c);
    else
      enc += fmt::format("%{:02X}", c);
  }
  if (!path.empty() && path[0] == '/') return {{"uri", "file://" + enc}};
  return {{"uri", enc}, {"uriBaseId", "%SRCROOT%"}};
}

// Code scanning rejects a whole file if one result has no location: every
// result points at least at the program (its source, else its executable).
ordered_json Locations(const Report& r, const TargetReport& t, const std::string& location) {
  ordered_json physical;
  if (auto l = ParseLocation(location)) {
    physical["artifactLocation"] = ArtifactLocation(l->file);
    physical["region"] = {{"startLine", l->line}};
  } else {
    const std::string file = TargetSourceFile(r, t);
    physical["artifactLocation"] = ArtifactLocation(file.empty() ? t.executable : file);
  }
  return ordered_json::array({{{"physicalLocation", physical}}});
}

std::string ReplayOf(const TargetReport& t, FailureClass cls) {
  auto it = t.examples.find(cls);
  return it == t.examples.end() ? "" : it->second.replay;
}

class SarifRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override {
    std::set<FailureClass> used;
    // Each result with its rule's class, for the rule index added below.
    std::vector<std::pair<FailureClass, ordered_json>> results;
    for (const TargetReport& t : r.targets) {
      const std::string_view build = BuildName(t.build);
      const std::string who = fmt::format("{} ({} build)", t.id, build);
      std::set<FailureClass> reported;  // classes that have results from sanitizer reports
      for (const SanitizerSummary& s : t.sanitizer_reports) {
        const FailureClass cls = s.cls;
        reported.insert(cls);
        used.insert(cls);
        std::string text = fmt::format("ThreadSanitizer: {} at {} in {}: {} of {} runs.", s.kind,
                                       s.location.empty() ? "an unknown location" : s.location, who,
                                       s.runs, t.runs);
        if (const std::string replay = ReplayOf(t, cls); !replay.empty())
          text += " Replay: " + replay;
        ordered_json res;
        res["level"] = IsExpected(t, cls) ? "note" : "error";
        res["message"] = {{"text", text}};
        res["locations"] = Locations(r, t, s.location);
        res["partialFingerprints"] = {
            {"racelab/v1", Fingerprint({"sanitizer", t.id, std::string(Name(cls)), s.signature})}};
        res["properties"] = {{"target", t.id},          {"build", build},
                             {"kind", s.kind},          {"signature", s.signature},
                             {"runs", s.runs},          {"totalRuns", t.runs},
                             {"firstRun", s.first_run}, {"firstSeed", s.first_seed}};
        results.emplace_back(cls, std::move(res));
      }
      for (FailureClass c : kAllFailureClasses) {
        const std::string cls(Name(c));
        if (c == FailureClass::kOk || reported.count(c)) continue;
        const Rate rate = ClassRate(t, c);
        if (rate.count == 0) continue;
        used.insert(c);
        std::string text = fmt::format("{} in {}: {} of {} runs, {}.", cls, who, rate.count,
                                       rate.runs, RateText(rate));
        auto ex = t.examples.find(c);
        if (ex != t.examples.end()) {
          const Example& e = ex->second;
          text += fmt::format(" First in run {} (seed {}, fuzz {})", e.run, e.seed, e.fuzz);
          if (e.divergence) {
            const DivergenceInfo& d = *e.divergence;
            if (d.missing_expected)
              text += fmt::format(": line {}: nothing more expected, got \"{}\"", d.line, d.actual);
            else if (d.missing_actual)
              text +=
                  fmt::format(": output ends before line {} (expected \"{}\")", d.line, d.expected);
            else
              text += fmt::format(": line {}: expected \"{}\", got \"{}\"", d.line, d.expected,
                                  d.actual);
          }
          text += ". Replay: " + e.replay;
          if (e.preemptions)
            text +=
                fmt::format(" ({} preemption{}{})", *e.preemptions, *e.preemptions == 1 ? "" : "s",
                            e.explanation.empty() ? "" : ": " + e.explanation.front());
          if (!e.deadlock.empty()) text += " " + e.deadlock.front();
        }
        ordered_json res;
        res["level"] = IsExpected(t, c) ? "note" : "error";
        res["message"] = {{"text", text}};
        res["locations"] = Locations(r, t, "");
        res["partialFingerprints"] = {
            {"racelab/v1", Fingerprint({"class", t.id, std::string(build), cls})}};
        res["properties"] = {{"target", t.id},
                             {"build", build},
                             {"runs", rate.count},
                             {"totalRuns", rate.runs},
                             {"rate", rate.value},
                             {"rateLow95", rate.ci.low},
                             {"rateHigh95", rate.ci.high}};
        results.emplace_back(c, std::move(res));
      }
    }

    // Rules in vocabulary order; results refer to them by id and index.
    ordered_json rules = ordered_json::array();
    std::map<FailureClass, std::size_t> index;
    for (FailureClass c : kAllFailureClasses) {
      if (!used.count(c)) continue;
      const std::string id(Name(c));
      index[c] = rules.size();
      rules.push_back({{"id", id},
                       {"name", PascalCase(id)},
                       {"shortDescription", {{"text", id}}},
                       {"fullDescription", {{"text", std::string(Describe(c))}}},
                       {"defaultConfiguration", {{"level", "error"}}},
                       {"properties", {{"tags", {"concurrency", "racelab"}}}}});
    }
    ordered_json results_json = ordered_json::array();
    for (auto& [cls, res] : results) {
      ordered_json ordered;
      ordered["ruleId"] = Name(cls);
      ordered["ruleIndex"] = index.at(cls);
      for (auto& [k, v] : res.items()) ordered[k] = v;
      results_json.push_back(std::move(ordered));
    }

    ordered_json driver;
    driver["name"] = "racelab";
    if (!r.racelab_version.empty()) driver["version"] = r.racelab_version;
    driver["rules"] = rules;

    ordered_json notifications = ordered_json::array();
    for (const TargetReport& t : r.targets) {
      if (t.pct_bound)
        notifications.push_back({{"level", "note"},
                                 {"message",
                                  {{"text", fmt::format("{}/{}: PCT: {}", t.id, BuildName(t.build),
                                                        PctBoundText(*t.pct_bound))}}}});
      for (const std::string& n : t.notes)
        notifications.push_back(
            {{"level", "note"},
             {"message", {{"text", fmt::format("{}/{}: {}", t.id, BuildName(t.build), n)}}}});
      if (t.harness_errors > 0)
        notifications.push_back(
            {{"level", "error"},
             {"message",
              {{"text", fmt::format("{}/{}: racelab could not carry out {} run(s){}", t.id,
                                    BuildName(t.build), t.harness_errors,
                                    t.harness_error_examples.empty()
                                        ? ""
                                        : ": " + t.harness_error_examples[0])}}}});
    }
    if (r.interrupted)
      notifications.push_back(
          {{"level", "warning"}, {"message", {{"text", "interrupted: partial results"}}}});
    ordered_json invocation;
    invocation["executionSuccessful"] = !HasHarnessErrors(r) && !r.interrupted;
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;

    ordered_json run;
    run["tool"] = {{"driver", driver}};
    run["invocations"] = ordered_json::array({invocation});
    run["results"] = results_json;
    run["properties"] = {{"runsPerTarget", r.settings.runs},
                         {"fuzz", r.settings.fuzz},
                         {"seed", r.settings.seed},
                         {"build", r.settings.build ? Name(*r.settings.build) : ""},
                         {"expect", r.settings.expect}};

    ordered_json log;
    log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    log["version"] = "2.1.0";
    log["runs"] = ordered_json::array({run});
    // Program output may hold invalid UTF-8: replace it rather than fail.
    return log.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  }
};

}  // namespace

std::unique_ptr<Renderer> MakeSarifRenderer() {
  return std::make_unique<SarifRenderer>();
}

}  // namespace racelab
