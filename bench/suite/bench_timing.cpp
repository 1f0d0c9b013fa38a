// bench timing: p1s7 (one thread) against p1s8 (a thread per step) at the seed's N, both
// builds, and what becomes of p1s8 when it starts all its threads before joining any.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <map>
#include <regex>

#include "bench_context.hpp"
#include "bench_svg.hpp"
#include "util/number.hpp"

namespace racelab {
namespace {

// The seed's own figures (Python, its author's machine) for 100,000 steps.
constexpr double kSeedP1s7Seconds = 0.3;
constexpr double kSeedP1s8Seconds = 4.0;

struct Sample {
  double elapsed = NAN;  // the program's own line
  double wall = 0;
  double user = 0;
  double sys = 0;
  long rss_kb = 0;
  std::string classes;
};

// p1s8 run as the seed wrote it: every thread started before any is joined.
struct SeedStructureRun {
  double wall = 0;
  std::string ending;  // "exit 0", "SIGABRT", "exit 66", ...
  std::string classes;
  std::uint64_t last_step = 0;  // the highest step it printed
  std::string message;          // the first lines of its stderr
  long rss_kb = 0;
};

// The highest step b of a well-formed equation line `a + b = c`.
std::uint64_t LastStep(const std::string& out) {
  std::uint64_t best = 0;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    const std::string_view line(out.data() + pos, nl - pos);
    const std::size_t plus = line.find(" + ");
    const std::size_t eq = line.find(" = ");
    if (plus != std::string_view::npos && eq != std::string_view::npos && eq > plus) {
      const std::string_view b = line.substr(plus + 3, eq - plus - 3);
      if (const auto v = ParseWholeNumber(b)) best = std::max(best, *v);
    }
    pos = nl + 1;
  }
  return best;
}

std::string Ending(const SpawnOutcome& s) {
  if (s.stopped) return "timed out";
  if (s.exited) return fmt::format("exit {}", s.exit_code);
  switch (s.signal) {
    case 6: return "SIGABRT";
    case 9: return "SIGKILL";
    case 11: return "SIGSEGV";
    default: return fmt::format("signal {}", s.signal);
  }
}

// The first two non-empty lines of stderr that are not stack frames.
std::string FirstMessage(const std::string& err) {
  std::string out;
  int taken = 0;
  std::size_t pos = 0;
  while (pos < err.size() && taken < 2) {
    std::size_t nl = err.find('\n', pos);
    if (nl == std::string::npos) nl = err.size();
    std::string line = err.substr(pos, nl - pos);
    pos = nl + 1;
    const std::size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#') continue;
    // Without pids and addresses, so that equal failures of different runs read the same.
    line = std::regex_replace(line.substr(first), std::regex(R"(^==\d+==)"), "");
    line = std::regex_replace(line, std::regex(R"(at address (0x)?[0-9a-f]+)"), "at address ADDR");
    line = std::regex_replace(line, std::regex(R"(0x[0-9a-f]{8,})"), "ADDR");
    line = Printable(line);
    if (line.size() > 110) line = line.substr(0, 107) + "...";
    out += (out.empty() ? "" : " / ") + line;
    ++taken;
  }
  return out;
}

std::vector<double> Field(const std::vector<Sample>& v, double Sample::*f) {
  std::vector<double> out;
  for (const Sample& s : v) out.push_back(s.*f);
  return out;
}

}  // namespace

ExperimentResult RunTimingExperiment(BenchContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const BenchSettings& st = ctx.settings;
  const std::uint64_t n = st.timing_n;
  const int reps = ctx.Reps(3, 1);
  const Build builds[] = {Build::kPlain, Build::kTsan};
  ExperimentResult r;
  r.name = "timing";
  r.question =
      "Seed, Solutions 7 and 8: the thread-per-step version is much slower (Python: about 0.3 s "
      "against 4 s for 100,000 steps). p1s7 and p1s8 are run one at a time, interleaved, and each "
      "reports its own `elapsed:`; p1s8 is also run as the seed wrote it (RACELAB_WAVE=0: all "
      "threads started before any is joined).";
  r.settings = {{"n", n}, {"reps", reps}, {"seed_structure", st.seed_structure}};

  std::map<std::string, std::vector<Sample>> samples;              // "p1s7/plain" -> runs
  std::map<std::string, std::vector<SeedStructureRun>> seed_runs;  // build -> runs
  for (int rep = 0; rep < reps; ++rep) {
    for (Build b : builds) {
      // Alternate the order within a pair so neither specimen always runs on a warm cache.
      const char* order[2] = {"p1s7", "p1s8"};
      if (rep % 2 == 1) std::swap(order[0], order[1]);
      for (const char* id : order) {
        ctx.CheckCancelled();
        const Target t = ctx.MakeTarget(id, b, n, 0);
        ctx.Status(fmt::format("timing: repetition {}/{}: {} N={}", rep + 1, reps, t.Label(), n));
        const MeasuredRun m = MeasureRun(ctx, t, st.seed);
        Sample s;
        s.elapsed = m.elapsed.value_or(NAN);
        s.wall = m.spawn.wall_s;
        s.user = m.spawn.user_s;
        s.sys = m.spawn.sys_s;
        // wait4's peak is at least racelab's own (posix_spawn's vfork child inherits the
        // parent's high-water mark at exec); p1s8's hundreds of MiB dwarf it.
        s.rss_kb = m.spawn.max_rss_kb;
        s.classes = m.classes;
        samples[t.Label()].push_back(s);
      }
      if (st.seed_structure) {
        ctx.CheckCancelled();
        const Target t = ctx.MakeTarget("p1s8", b, n, 0);
        ctx.Status(fmt::format("timing: repetition {}/{}: {} N={} RACELAB_WAVE=0", rep + 1, reps,
                               t.Label(), n));
        const MeasuredRun m = MeasureRun(ctx, t, st.seed, {"RACELAB_WAVE=0"});
        SeedStructureRun s;
        s.wall = m.spawn.wall_s;
        s.ending = Ending(m.spawn);
        s.classes = m.classes;
        s.last_step = LastStep(m.spawn.out);
        s.message = FirstMessage(m.spawn.err);
        s.rss_kb = m.spawn.max_rss_kb;
        seed_runs[std::string(Name(b))].push_back(s);
      }
    }
  }

  // ---- tables and data ----
  BenchTable main;
  main.title =
      fmt::format("p1s7 against p1s8, N = {}, medians of {} interleaved runs each", n, reps);
  main.columns = {"build",           "p1s7 elapsed",  "p1s8 elapsed",
                  "p1s8 / p1s7",     "p1s7 wall",     "p1s8 wall",
                  "p1s8 user + sys", "p1s8 peak RSS", "verdicts (p1s7; p1s8)"};
  main.rows.push_back({"Python (the seed)", "≈ 0.3 s", "≈ 4 s",
                       FormatRatio(kSeedP1s8Seconds / kSeedP1s7Seconds), "", "", "", "",
                       "the seed's figures, N = 100,000"});
  nlohmann::json data = nlohmann::json::object();
  data["seed_python"] = {{"p1s7_s", kSeedP1s7Seconds},
                         {"p1s8_s", kSeedP1s8Seconds},
                         {"ratio", kSeedP1s8Seconds / kSeedP1s7Seconds}};
  std::map<std::string, double> med;  // label -> median elapsed
  for (Build b : builds) {
    const std::string bn(Name(b));
    const auto& s7 = samples["p1s7/" + bn];
    const auto& s8 = samples["p1s8/" + bn];
    const double e7 = Median(Field(s7, &Sample::elapsed));
    const double e8 = Median(Field(s8, &Sample::elapsed));
    med["p1s7/" + bn] = e7;
    med["p1s8/" + bn] = e8;
    const double w7 = Median(Field(s7, &Sample::wall));
    const double w8 = Median(Field(s8, &Sample::wall));
    const double u8 = Median(Field(s8, &Sample::user));
    const double y8 = Median(Field(s8, &Sample::sys));
    long rss = 0;
    for (const Sample& s : s8) rss = std::max(rss, s.rss_kb);
    auto verdicts = [](const std::vector<Sample>& v) {
      std::map<std::string, int> count;
      for (const Sample& s : v) ++count[s.classes];
      std::string out;
      for (const auto& [c, k] : count) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", c, k);
      return out;
    };
    main.rows.push_back({"C++ " + bn, FormatSeconds(e7), FormatSeconds(e8), FormatRatio(e8 / e7),
                         FormatSeconds(w7), FormatSeconds(w8),
                         FormatSeconds(u8) + " + " + FormatSeconds(y8),
                         fmt::format("{} MiB", rss / 1024), verdicts(s7) + "; " + verdicts(s8)});
    auto runs_json = [](const std::vector<Sample>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const Sample& s : v)
        a.push_back(
            {{"elapsed_s", std::isnan(s.elapsed) ? nlohmann::json() : nlohmann::json(s.elapsed)},
             {"wall_s", s.wall},
             {"user_s", s.user},
             {"sys_s", s.sys},
             {"max_rss_kb", s.rss_kb},
             {"classes", s.classes}});
      return a;
    };
    data[bn] = {
        {"p1s7", {{"median_elapsed_s", e7}, {"median_wall_s", w7}, {"runs", runs_json(s7)}}},
        {"p1s8",
         {{"median_elapsed_s", e8},
          {"median_wall_s", w8},
          {"median_user_s", u8},
          {"median_sys_s", y8},
          {"max_rss_kb", rss},
          {"runs", runs_json(s8)}}},
        {"ratio_elapsed", e8 / e7},
        {"ratio_wall", w8 / w7}};
    r.findings.push_back(fmt::format(
        "{}: p1s8 takes {} against p1s7's {} ({} slower; the seed's Python ratio is {}). "
        "p1s8's CPU is {} user and {} system: creating, starting and joining {} threads, not "
        "the arithmetic.",
        bn, FormatSeconds(e8), FormatSeconds(e7), FormatRatio(e8 / e7),
        FormatRatio(kSeedP1s8Seconds / kSeedP1s7Seconds), FormatSeconds(u8), FormatSeconds(y8), n));
  }
  r.tables.push_back(main);

  if (st.seed_structure) {
    BenchTable seed;
    seed.title = fmt::format("p1s8 as the seed wrote it (RACELAB_WAVE=0), N = {}", n);
    seed.columns = {"build",
                    "runs",
                    "how they ended",
                    "classes",
                    "highest step printed",
                    "time to the end (median)",
                    "max_map_count / step",
                    "stderr"};
    nlohmann::json sj = nlohmann::json::object();
    const long max_map_count = DescribeMachine().max_map_count;
    for (Build b : builds) {
      const std::string bn(Name(b));
      const auto& runs = seed_runs[bn];
      std::map<std::string, int> endings, classes;
      std::uint64_t top = 0;
      std::vector<double> walls;
      std::string message;
      nlohmann::json a = nlohmann::json::array();
      for (const SeedStructureRun& s : runs) {
        ++endings[s.ending];
        ++classes[s.classes];
        top = std::max(top, s.last_step);
        walls.push_back(s.wall);
        // Runs can end in different ways (TSan: the library's exception or the runtime's own
        // allocation failure): each distinct message once.
        if (!s.message.empty() && message.find(s.message) == std::string::npos)
          message += (message.empty() ? "" : " | ") + s.message;
        a.push_back({{"wall_s", s.wall},
                     {"ending", s.ending},
                     {"classes", s.classes},
                     {"last_step", s.last_step},
                     {"stderr", s.message},
                     {"max_rss_kb", s.rss_kb}});
      }
      auto join = [](const std::map<std::string, int>& m) {
        std::string out;
        for (const auto& [k, v] : m) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", k, v);
        return out;
      };
      const bool completed = top >= n;
      // Each unjoined thread holds mappings until it is joined; the step count approximates
      // the threads created when creation failed (the output lags by a buffer at most).
      std::string per_step = "n/a";
      if (!completed && top > 0)
        per_step = Fixed(static_cast<double>(max_map_count) / static_cast<double>(top), 2);
      seed.rows.push_back({bn, std::to_string(runs.size()), join(endings), join(classes),
                           std::to_string(top), FormatSeconds(Median(walls)), per_step,
                           message.empty() ? "(empty)" : message});
      sj[bn] = {{"runs", a},
                {"highest_step", top},
                {"median_wall_s", Median(walls)},
                {"completed", completed}};
      if (completed)
        r.findings.push_back(
            fmt::format("{}: with every thread started before any is joined, p1s8 completes N = {} "
                        "({} per run).",
                        bn, n, FormatSeconds(Median(walls))));
      else
        r.findings.push_back(fmt::format(
            "{}: with every thread started before any is joined, p1s8 fails at N = {}: it "
            "printed steps up to {} and ended {} after {} (stderr: {}). vm.max_map_count / {} = "
            "{} mappings per unjoined thread: each keeps its stack and guard page mapped (and "
            "TSan adds its own per-thread mappings), so the memory-map limit, not memory, stops "
            "thread creation.",
            bn, n, top, join(endings), FormatSeconds(Median(walls)), message, top, per_step));
    }
    data["seed_structure"] = sj;
    r.tables.push_back(seed);
  }
  r.data = data;

  BarChart chart;
  chart.title = fmt::format("p1s7 (one thread) against p1s8 (a thread per step), N = {}", n);
  chart.subtitle =
      fmt::format("median of {} runs, the programs' own elapsed time; log scale", reps);
  chart.axis_label = "seconds (log scale)";
  chart.series = {"Python (the seed)", "C++ plain", "C++ TSan"};
  for (const char* id : {"p1s7", "p1s8"}) {
    BarGroup g;
    g.label =
        std::string(id) + (std::string(id) == "p1s7" ? " (one thread)" : " (thread per step)");
    const double seed_s = std::string(id) == "p1s7" ? kSeedP1s7Seconds : kSeedP1s8Seconds;
    g.values = {seed_s, med[std::string(id) + "/plain"], med[std::string(id) + "/tsan"]};
    for (const auto& v : g.values) g.texts.push_back(FormatSeconds(*v));
    chart.groups.push_back(g);
  }
  chart.log_scale = true;
  r.svg = RenderBarChart(chart);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace racelab
