// Report <-> JSON (racelab.report/1), with nlohmann::json.
#include "report/report_json.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace racelab {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

namespace {

// Class names as a JSON array, in the order given.
ordered_json NamesJson(const std::vector<FailureClass>& cs) {
  ordered_json a = ordered_json::array();
  for (FailureClass c : cs) a.push_back(Name(c));
  return a;
}

// A per-class tally as a JSON object keyed by class name.
ordered_json CountsJson(const ClassMap<std::uint64_t>& m) {
  ordered_json o = ordered_json::object();
  for (const auto& [c, n] : m) o[std::string(Name(c))] = n;
  return o;
}

ordered_json ExampleJson(const Example& e) {
  ordered_json j;
  j["run"] = e.run;
  j["seed"] = e.seed;
  j["fuzz"] = e.fuzz;
  j["replay"] = e.replay;
  j["classes"] = NamesJson(e.classes);
  ordered_json excerpt = ordered_json::array();
  for (const ExcerptLine& l : e.excerpt) excerpt.push_back(FormatExcerptLine(l));
  j["excerpt"] = excerpt;
  if (e.divergence) {
    j["divergence"] = {{"line", e.divergence->line},
                       {"expected", e.divergence->expected},
                       {"actual", e.divergence->actual},
                       {"missing_actual", e.divergence->missing_actual},
                       {"missing_expected", e.divergence->missing_expected}};
  }
  if (!e.schedule.empty()) {
    j["schedule"] = e.schedule;
    if (e.preemptions) j["preemptions"] = *e.preemptions;
    j["original_schedule"] = e.original_schedule;
    if (e.original_preemptions) j["original_preemptions"] = *e.original_preemptions;
    // true, false, or "unknown" with racelab's reason when it could not replay the run.
    if (!e.reproduce_error.empty()) {
      j["reproduced"] = "unknown";
      j["reproduce_error"] = e.reproduce_error;
    } else if (e.reproduced) {
      j["reproduced"] = *e.reproduced;
    }
    if (e.minimal) {
      j["minimal"] = *e.minimal;
      if (!*e.minimal) j["not_minimal_reason"] = e.not_minimal_reason;
    }
    if (e.shrink_probes) j["shrink_probes"] = *e.shrink_probes;
    if (e.shrink_seconds) j["shrink_seconds"] = *e.shrink_seconds;
    j["explanation"] = e.explanation;
    if (!e.deadlock.empty()) j["deadlock"] = e.deadlock;
  }
  return j;
}

ordered_json TargetJson(const TargetReport& t) {
  ordered_json j;
  j["id"] = t.id;
  j["build"] = BuildName(t.build);
  j["executable"] = t.executable;
  if (!t.launch.empty()) j["launch"] = t.launch;
  if (!t.source.empty()) j["source"] = t.source;
  j["oracle"] = t.oracle ? Name(*t.oracle) : "";
  j["iterations"] = t.iterations;
  j["runs"] = t.runs;
  j["failed_runs"] = t.failed_runs;
  j["classes"] = CountsJson(t.classes);
  j["runs_by_fuzz"] = t.runs_by_fuzz;
  ordered_json by_fuzz = ordered_json::object();
  for (const auto& [fuzz, m] : t.classes_by_fuzz) by_fuzz[fuzz] = CountsJson(m);
  j["classes_by_fuzz"] = by_fuzz;
  j["wall_seconds_by_fuzz"] = t.wall_seconds_by_fuzz;
  ordered_json ex = ordered_json::object();
  for (const auto& [c, e] : t.examples) ex[std::string(Name(c))] = ExampleJson(e);
  j["examples"] = ex;
  ordered_json reps = ordered_json::array();
  for (const SanitizerSummary& s : t.sanitizer_reports) {
    reps.push_back({{"kind", s.kind},
                    {"class", Name(s.cls)},
                    {"signature", s.signature},
                    {"location", s.location},
                    {"runs", s.runs},
                    {"first_run", s.first_run},
                    {"first_seed", s.first_seed},
                    {"text", s.text}});
  }
  j["sanitizer_reports"] = reps;
  if (t.distinct_signatures_dropped > 0)
    j["distinct_signatures_dropped"] = t.distinct_signatures_dropped;
  if (t.expect_checked) {
    j["expected"] = NamesJson(t.expected);
    j["verdict"] = Name(t.verdict);
  }
  j["notes"] = t.notes;
  j["wall_seconds"] = t.wall_seconds;
  j["cpu_seconds"] = t.cpu_seconds;
  j["harness_errors"] = t.harness_errors;
  if (!t.harness_error_examples.empty()) j["harness_error_examples"] = t.harness_error_examples;
  if (t.pct_bound)
    j["pct_bound"] = {{"depth", t.pct_bound->depth},
                      {"runs", t.pct_bound->runs},
                      {"threads", t.pct_bound->threads},
                      {"steps", t.pct_bound->steps},
                      {"probability", t.pct_bound->probability}};
  if (!t.pct_tallies.empty()) {
    ordered_json tallies = ordered_json::array();
    for (const auto& [depth, p] : t.pct_tallies)
      tallies.push_back({{"depth", depth},
                         {"runs", p.runs},
                         {"failed", p.failed},
                         {"threads", p.threads},
                         {"steps", p.steps}});
    j["pct_tallies"] = tallies;
  }
  if (t.expect_checked) {
    ordered_json rates = ordered_json::array();
    for (const ExpectedRate& e : t.expected_rates)
      rates.push_back(
          {{"class", Name(e.cls)}, {"rate", e.rate}, {"measured_runs", e.measured_runs}});
    j["expected_rates"] = rates;
    j["tolerated"] = NamesJson(t.tolerated);
  }
  return j;
}

ordered_json CampaignJson(const CampaignIdentity& c) {
  ordered_json j;
  j["racelab_version"] = c.racelab_version;
  j["runs"] = c.runs;
  j["seed"] = c.seed;
  j["fuzz"] = c.fuzz;
  j["timeout_s"] = c.timeout_s;
  j["build"] = c.build;
  j["expect"] = c.expect;
  j["until_fail"] = c.until_fail;
  j["shrink_seconds"] = c.shrink_seconds;
  j["shrink_runs"] = c.shrink_runs;
  ordered_json ts = ordered_json::array();
  for (const CampaignTarget& t : c.targets)
    ts.push_back({{"id", t.id},
                  {"build", t.build},
                  {"binary", t.binary},
                  {"oracle", t.oracle},
                  {"iterations", t.iterations},
                  {"threads", t.threads},
                  {"fuzz", t.fuzz}});
  j["targets"] = ts;
  return j;
}

template <typename T>
struct IsMap : std::false_type {};
template <typename V>
struct IsMap<std::map<std::string, V>> : std::true_type {};

// nlohmann converts between number types silently (-1 to 2^64-1, 1.5 to 1,
// 1e300 to an undefined value): numbers must already have the field's type.
template <typename T>
bool HasType(const json& v) {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return v.is_number_unsigned();
  } else if constexpr (std::is_same_v<T, int>) {
    return v.is_number_integer() && v.get<std::int64_t>() >= 0 &&
           v.get<std::int64_t>() <= std::numeric_limits<int>::max();
  } else if constexpr (std::is_same_v<T, double>) {
    return v.is_number();
  } else if constexpr (IsMap<T>::value) {
    if (!v.is_object()) return false;
    for (const auto& [k, e] : v.items())
      if (!HasType<typename T::mapped_type>(e)) return false;
    return true;
  } else {
    return true;  // strings, booleans, arrays: get<T> itself refuses a wrong type
  }
}

template <typename T>
T Get(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) throw std::runtime_error(fmt::format("{}: missing field '{}'", where, key));
  try {
    if (HasType<T>(*it)) return it->get<T>();
  } catch (const json::exception&) {
  }
  throw std::runtime_error(fmt::format("{}: field '{}' has the wrong type", where, key));
}

template <typename T>
T GetOr(const json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  return Get<T>(j, key, where);
}

FailureClass ClassNamed(const std::string& name, const std::string& where) {
  if (auto c = ParseFailureClass(name)) return *c;
  throw std::runtime_error(fmt::format("{}: unknown class '{}'", where, name));
}

std::vector<FailureClass> ClassList(const json& j, const char* key, const std::string& where) {
  std::vector<FailureClass> out;
  for (const std::string& name : GetOr<std::vector<std::string>>(j, key, {}, where))
    out.push_back(ClassNamed(name, where + "." + key));
  return out;
}

// A per-class tally; every count at most `runs`.
ClassMap<std::uint64_t> ClassCounts(const std::map<std::string, std::uint64_t>& m,
                                    std::uint64_t runs, const std::string& where) {
  ClassMap<std::uint64_t> out;
  for (const auto& [name, n] : m) {
    const FailureClass c = ClassNamed(name, where);
    if (n > runs)
      throw std::runtime_error(fmt::format("{}: '{}' counts {} runs of {}", where, name, n, runs));
    out[c] = n;
  }
  return out;
}

Example ParseExample(const json& j, const std::string& where) {
  Example e;
  e.run = Get<std::uint64_t>(j, "run", where);
  e.seed = Get<std::uint64_t>(j, "seed", where);
  e.fuzz = GetOr<std::string>(j, "fuzz", "", where);
  e.replay = Get<std::string>(j, "replay", where);
  e.classes = ClassList(j, "classes", where);
  for (const std::string& l : GetOr<std::vector<std::string>>(j, "excerpt", {}, where))
    e.excerpt.push_back(ParseExcerptLine(l));
  if (auto it = j.find("divergence"); it != j.end() && it->is_object()) {
    DivergenceInfo d;
    d.line = Get<std::uint64_t>(*it, "line", where + ".divergence");
    d.expected = Get<std::string>(*it, "expected", where + ".divergence");
    d.actual = Get<std::string>(*it, "actual", where + ".divergence");
    d.missing_actual = GetOr<bool>(*it, "missing_actual", false, where);
    d.missing_expected = GetOr<bool>(*it, "missing_expected", false, where);
    e.divergence = d;
  }
  e.schedule = GetOr<std::string>(j, "schedule", "", where);
  if (!e.schedule.empty()) {
    e.original_schedule = GetOr<std::string>(j, "original_schedule", e.schedule, where);
    if (j.contains("preemptions")) e.preemptions = Get<std::uint64_t>(j, "preemptions", where);
    if (j.contains("original_preemptions"))
      e.original_preemptions = Get<std::uint64_t>(j, "original_preemptions", where);
    if (j.contains("reproduced") && j["reproduced"].is_string()) {
      if (j["reproduced"] != "unknown")
        throw std::runtime_error(where + ": 'reproduced' must be true, false or \"unknown\"");
      e.reproduce_error = GetOr<std::string>(j, "reproduce_error", "", where);
      if (e.reproduce_error.empty()) e.reproduce_error = "racelab could not carry out the replay";
    } else if (j.contains("reproduced")) {
      e.reproduced = Get<bool>(j, "reproduced", where);
    }
    if (j.contains("minimal")) e.minimal = Get<bool>(j, "minimal", where);
    e.not_minimal_reason = GetOr<std::string>(j, "not_minimal_reason", "", where);
    if (j.contains("shrink_probes"))
      e.shrink_probes = Get<std::uint64_t>(j, "shrink_probes", where);
    if (j.contains("shrink_seconds")) e.shrink_seconds = Get<double>(j, "shrink_seconds", where);
    e.explanation = GetOr<std::vector<std::string>>(j, "explanation", {}, where);
    e.deadlock = GetOr<std::vector<std::string>>(j, "deadlock", {}, where);
  }
  return e;
}

TargetReport ParseTarget(const json& j, const std::string& where) {
  if (!j.is_object()) throw std::runtime_error(where + ": must be an object");
  TargetReport t;
  t.id = Get<std::string>(j, "id", where);
  const std::string build = Get<std::string>(j, "build", where);
  if (build != BuildName(std::nullopt)) {
    t.build = ParseBuild(build);
    if (!t.build) throw std::runtime_error(fmt::format("{}: unknown build '{}'", where, build));
  }
  t.executable = GetOr<std::string>(j, "executable", "", where);
  t.launch = GetOr<std::string>(j, "launch", "", where);
  t.source = GetOr<std::string>(j, "source", "", where);
  const std::string oracle = GetOr<std::string>(j, "oracle", "", where);
  if (!oracle.empty()) {
    t.oracle = ParseOracleKind(oracle);
    if (!t.oracle) throw std::runtime_error(fmt::format("{}: unknown oracle '{}'", where, oracle));
  }
  t.iterations = GetOr<std::uint64_t>(j, "iterations", 0, where);
  t.runs = Get<std::uint64_t>(j, "runs", where);
  t.failed_runs = Get<std::uint64_t>(j, "failed_runs", where);
  if (t.failed_runs > t.runs)
    throw std::runtime_error(
        fmt::format("{}: failed_runs {} exceeds runs {}", where, t.failed_runs, t.runs));
  t.classes = ClassCounts(Get<std::map<std::string, std::uint64_t>>(j, "classes", where), t.runs,
                          where + ": classes");
  t.runs_by_fuzz = GetOr<std::map<std::string, std::uint64_t>>(j, "runs_by_fuzz", {}, where);
  t.wall_seconds_by_fuzz =
      GetOr<std::map<std::string, double>>(j, "wall_seconds_by_fuzz", {}, where);
  for (const auto& [fuzz, m] : GetOr<std::map<std::string, std::map<std::string, std::uint64_t>>>(
           j, "classes_by_fuzz", {}, where))
    t.classes_by_fuzz[fuzz] = ClassCounts(m, t.runs, where + ": classes_by_fuzz." + fuzz);
  if (auto it = j.find("examples"); it != j.end()) {
    if (!it->is_object()) throw std::runtime_error(where + ": 'examples' must be an object");
    for (auto& [name, e] : it->items())
      t.examples[ClassNamed(name, where + ".examples")] =
          ParseExample(e, where + ".examples." + name);
  }
  if (auto it = j.find("sanitizer_reports"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error(where + ": 'sanitizer_reports' must be an array");
    for (const json& s : *it) {
      const std::string w = where + ".sanitizer_reports";
      SanitizerSummary r;
      r.kind = Get<std::string>(s, "kind", w);
      const std::string cls = GetOr<std::string>(s, "class", "", w);
      if (!cls.empty()) r.cls = ClassNamed(cls, w);
      r.signature = GetOr<std::string>(s, "signature", "", w);
      r.location = GetOr<std::string>(s, "location", "", w);
      r.runs = Get<std::uint64_t>(s, "runs", w);
      r.first_run = GetOr<std::uint64_t>(s, "first_run", 0, w);
      r.first_seed = GetOr<std::uint64_t>(s, "first_seed", 0, w);
      r.text = GetOr<std::vector<std::string>>(s, "text", {}, w);
      t.sanitizer_reports.push_back(std::move(r));
    }
  }
  t.distinct_signatures_dropped = GetOr<std::uint64_t>(j, "distinct_signatures_dropped", 0, where);
  if (j.contains("verdict")) {
    t.expect_checked = true;
    const std::string verdict = Get<std::string>(j, "verdict", where);
    const std::optional<Verdict> v = ParseVerdict(verdict);
    if (!v) throw std::runtime_error(fmt::format("{}: unknown verdict '{}'", where, verdict));
    t.verdict = *v;
    t.expected = ClassList(j, "expected", where);
  }
  t.notes = GetOr<std::vector<std::string>>(j, "notes", {}, where);
  t.wall_seconds = GetOr<double>(j, "wall_seconds", 0, where);
  t.cpu_seconds = GetOr<double>(j, "cpu_seconds", 0, where);
  t.harness_errors = GetOr<std::uint64_t>(j, "harness_errors", 0, where);
  t.harness_error_examples =
      GetOr<std::vector<std::string>>(j, "harness_error_examples", {}, where);
  if (auto it = j.find("pct_tallies"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error(where + ": 'pct_tallies' must be an array");
    const std::string w = where + ".pct_tallies";
    for (const json& p : *it) {
      PctTally tally;
      tally.runs = Get<std::uint64_t>(p, "runs", w);
      tally.failed = Get<std::uint64_t>(p, "failed", w);
      tally.threads = Get<std::uint64_t>(p, "threads", w);
      tally.steps = Get<std::uint64_t>(p, "steps", w);
      if (tally.failed > tally.runs) throw std::runtime_error(w + ": 'failed' exceeds 'runs'");
      t.pct_tallies[Get<std::uint64_t>(p, "depth", w)] = tally;
    }
  }
  if (auto it = j.find("expected_rates"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error(where + ": 'expected_rates' must be an array");
    const std::string w = where + ".expected_rates";
    for (const json& e : *it) {
      ExpectedRate r;
      const std::string name = Get<std::string>(e, "class", w);
      const auto cls = ParseFailureClass(name);
      if (!cls) throw std::runtime_error(fmt::format("{}: unknown class '{}'", w, name));
      r.cls = *cls;
      r.rate = Get<double>(e, "rate", w);
      r.measured_runs = GetOr<std::uint64_t>(e, "measured_runs", 0, w);
      t.expected_rates.push_back(r);
    }
  }
  if (j.contains("tolerated")) t.tolerated = ClassList(j, "tolerated", where);
  if (auto it = j.find("pct_bound"); it != j.end()) {
    if (!it->is_object()) throw std::runtime_error(where + ": 'pct_bound' must be an object");
    const std::string w = where + ".pct_bound";
    PctBound b;
    b.depth = Get<std::uint64_t>(*it, "depth", w);
    b.runs = Get<std::uint64_t>(*it, "runs", w);
    b.threads = Get<std::uint64_t>(*it, "threads", w);
    b.steps = Get<std::uint64_t>(*it, "steps", w);
    b.probability = Get<double>(*it, "probability", w);
    if (!(b.probability >= 0 && b.probability <= 1))
      throw std::runtime_error(w + ": 'probability' must be from 0 to 1");
    t.pct_bound = b;
  }
  return t;
}

CampaignIdentity ParseCampaign(const json& j, const std::string& where) {
  if (!j.is_object()) throw std::runtime_error(where + ": must be an object");
  CampaignIdentity c;
  c.racelab_version = Get<std::string>(j, "racelab_version", where);
  c.runs = Get<std::uint64_t>(j, "runs", where);
  c.seed = Get<std::uint64_t>(j, "seed", where);
  c.fuzz = Get<std::string>(j, "fuzz", where);
  c.timeout_s = Get<double>(j, "timeout_s", where);
  c.build = Get<std::string>(j, "build", where);
  c.expect = Get<bool>(j, "expect", where);
  c.until_fail = Get<bool>(j, "until_fail", where);
  c.shrink_seconds = Get<double>(j, "shrink_seconds", where);
  c.shrink_runs = GetOr<std::uint64_t>(j, "shrink_runs", 0, where);
  const json ts = Get<json>(j, "targets", where);
  if (!ts.is_array()) throw std::runtime_error(where + ": 'targets' must be an array");
  for (const json& t : ts) {
    const std::string w = where + ".targets";
    CampaignTarget ct;
    ct.id = Get<std::string>(t, "id", w);
    ct.build = Get<std::string>(t, "build", w);
    ct.binary = Get<std::string>(t, "binary", w);
    ct.oracle = Get<std::string>(t, "oracle", w);
    ct.iterations = Get<std::uint64_t>(t, "iterations", w);
    ct.threads = Get<std::uint64_t>(t, "threads", w);
    ct.fuzz = Get<std::string>(t, "fuzz", w);
    c.targets.push_back(std::move(ct));
  }
  return c;
}

ShardCoverage ParseShards(const json& j, const std::string& where) {
  if (!j.is_object()) throw std::runtime_error(where + ": must be an object");
  ShardCoverage s;
  s.count = Get<std::uint64_t>(j, "count", where);
  s.indices = Get<std::vector<std::uint64_t>>(j, "indices", where);
  s.hosts = GetOr<std::vector<std::string>>(j, "hosts", {}, where);
  if (s.count == 0) throw std::runtime_error(where + ": 'count' must be at least 1");
  for (std::size_t i = 0; i < s.indices.size(); ++i) {
    if (s.indices[i] >= s.count)
      throw std::runtime_error(
          fmt::format("{}: shard index {} is not below count {}", where, s.indices[i], s.count));
    if (i > 0 && s.indices[i] <= s.indices[i - 1])
      throw std::runtime_error(where + ": 'indices' must be sorted and distinct");
  }
  std::sort(s.hosts.begin(), s.hosts.end());
  s.hosts.erase(std::unique(s.hosts.begin(), s.hosts.end()), s.hosts.end());
  return s;
}

}  // namespace

std::string RenderJson(const Report& r) {
  ordered_json j;
  j["schema"] = r.schema;
  j["racelab_version"] = r.racelab_version;
  j["settings"] = {{"runs", r.settings.runs},
                   {"jobs", r.settings.jobs},
                   {"fuzz", r.settings.fuzz},
                   {"seed", r.settings.seed},
                   {"timeout_s", r.settings.timeout_s},
                   {"build", r.settings.build ? Name(*r.settings.build) : ""},
                   {"expect", r.settings.expect},
                   {"until_fail", r.settings.until_fail}};
  if (r.campaign) j["campaign"] = CampaignJson(*r.campaign);
  if (r.shards) {
    j["shards"] = {{"count", r.shards->count},
                   {"indices", r.shards->indices},
                   {"missing", r.shards->Missing()},
                   {"partial", r.shards->Partial()},
                   {"hosts", r.shards->hosts}};
  }
  if (!r.source_root.empty()) j["source_root"] = r.source_root;
  j["interrupted"] = r.interrupted;
  j["elapsed_s"] = r.elapsed_s;
  j["racelab_cpu_s"] = r.racelab_cpu_s;
  ordered_json ts = ordered_json::array();
  for (const TargetReport& t : r.targets) ts.push_back(TargetJson(t));
  j["targets"] = ts;
  // Program output may hold invalid UTF-8: replace it rather than fail.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Result<Report> ParseReportJson(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return UsageError{fmt::format("{}: not valid JSON (byte {})", origin, e.byte)};
  } catch (const json::exception& e) {
    // A number too large for a double ("1e99999") is out_of_range, not parse_error.
    return UsageError{fmt::format("{}: not valid JSON ({})", origin, e.what())};
  }
  try {
    if (!j.is_object()) return UsageError{origin + ": a report must be a JSON object"};
    const std::string schema = Get<std::string>(j, "schema", origin);
    if (schema != kReportSchema)
      return UsageError{fmt::format("{}: unsupported schema '{}' (this racelab reads {})", origin,
                                    schema, kReportSchema)};
    Report r;
    r.racelab_version = GetOr<std::string>(j, "racelab_version", "", origin);
    const json s = Get<json>(j, "settings", origin);
    if (!s.is_object()) return UsageError{origin + ": 'settings' must be an object"};
    const std::string w = origin + ": settings";
    r.settings.runs = Get<std::uint64_t>(s, "runs", w);
    r.settings.jobs = Get<int>(s, "jobs", w);
    r.settings.fuzz = Get<std::string>(s, "fuzz", w);
    r.settings.seed = Get<std::uint64_t>(s, "seed", w);
    r.settings.timeout_s = Get<double>(s, "timeout_s", w);
    const std::string build = GetOr<std::string>(s, "build", "", w);
    if (!build.empty()) {
      r.settings.build = ParseBuildChoice(build);
      if (!r.settings.build) return UsageError{fmt::format("{}: unknown build '{}'", w, build)};
    }
    r.settings.expect = GetOr<bool>(s, "expect", false, w);
    r.settings.until_fail = GetOr<bool>(s, "until_fail", false, w);
    if (auto it = j.find("campaign"); it != j.end())
      r.campaign = ParseCampaign(*it, origin + ": campaign");
    if (auto it = j.find("shards"); it != j.end()) r.shards = ParseShards(*it, origin + ": shards");
    r.source_root = GetOr<std::string>(j, "source_root", "", origin);
    r.interrupted = GetOr<bool>(j, "interrupted", false, origin);
    r.elapsed_s = GetOr<double>(j, "elapsed_s", 0, origin);
    r.racelab_cpu_s = GetOr<double>(j, "racelab_cpu_s", 0, origin);
    const json ts = Get<json>(j, "targets", origin);
    if (!ts.is_array()) return UsageError{origin + ": 'targets' must be an array"};
    for (std::size_t i = 0; i < ts.size(); ++i)
      r.targets.push_back(ParseTarget(ts[i], fmt::format("{}: targets[{}]", origin, i)));
    return r;
  } catch (const std::exception& e) {
    return UsageError{e.what()};
  }
}

}  // namespace racelab
