// bench scaling: the CPU-bound Riemann sum with T threads. The seed says threads do not help
// (Python's GIL); in C++ they do, up to the cores there are, and p2s2 loses results.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <map>

#include "bench_context.hpp"
#include "bench_svg.hpp"

namespace racelab {
namespace {

struct Run {
  double elapsed = NAN;
  double wall = 0;
  double cpu = 0;
  std::string classes;
  bool crashed = false;
  std::string wrong_kind;  // "", "lost", "duplicated", "other"
};

// The exact integral of 4/(1+x^2) over chunk i of p2s2's split of n rectangles into t chunks.
std::vector<double> ChunkIntegrals(std::uint64_t n, std::uint64_t t) {
  auto start = [&](std::uint64_t i) { return i * (n / t) + std::min(i, n % t); };
  std::vector<double> out;
  for (std::uint64_t i = 0; i < t; ++i)
    out.push_back(4 * (std::atan(static_cast<double>(start(i + 1)) / static_cast<double>(n)) -
                       std::atan(static_cast<double>(start(i)) / static_cast<double>(n))));
  return out;
}

// What a wrong p2s2 result is: the sum with some partial sums lost, some counted twice (a
// push_back race can do both), or neither (garbage). Each partial counts 0, 1 or 2 times.
std::string WrongKind(double result, const std::vector<double>& chunks, double tolerance) {
  const std::size_t t = chunks.size();
  if (t > 10) return "other";
  std::size_t combos = 1;
  for (std::size_t i = 0; i < t; ++i) combos *= 3;
  std::string best = "other";
  for (std::size_t c = 0; c < combos; ++c) {
    std::size_t code = c;
    double sum = 0;
    bool lost = false, twice = false;
    for (std::size_t i = 0; i < t; ++i) {
      const std::size_t k = code % 3;
      code /= 3;
      sum += static_cast<double>(k) * chunks[i];
      lost = lost || k == 0;
      twice = twice || k == 2;
    }
    if (std::fabs(sum - result) <= tolerance && (lost || twice))
      return twice ? (lost ? "lost+duplicated" : "duplicated") : "lost";
  }
  return best;
}

std::optional<double> ResultValue(const std::string& out) {
  const std::size_t at = out.find("result: ");
  if (at == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(out.c_str() + at + 8, &end);
  if (end == out.c_str() + at + 8) return std::nullopt;
  return v;
}

}  // namespace

ExperimentResult RunScalingExperiment(BenchContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const BenchSettings& st = ctx.settings;
  const Variant* p2s1 = ctx.manifest.Find("p2s1");
  if (p2s1 == nullptr) throw BenchError("the manifest has no p2s1");
  const std::uint64_t n = st.scaling_n ? st.scaling_n : p2s1->iterations;
  const int reps = ctx.Reps(5, 1);
  const std::uint64_t loss_runs =
      st.quick ? st.loss_runs : std::max<std::uint64_t>(st.loss_runs, reps);
  ExperimentResult r;
  r.name = "scaling";
  r.question =
      "Seed, Problem 2: a CPU-bound sum gets no faster with threads (in Python, because of the "
      "GIL). Here p2s1 (one thread), p2s2 (the seed's unlocked shared vector) and p2s3 (each "
      "thread its own slot) run plainly built, one at a time, interleaved; p2s2 runs more often "
      "to measure how often its results are wrong.";
  r.settings = {{"n", n},
                {"reps", reps},
                {"p2s2_runs_per_t", loss_runs},
                {"threads", st.threads},
                {"cores", ctx.cores}};

  std::map<std::string, std::vector<Run>> runs;  // "p2s2/T=4" -> runs
  auto key = [](const std::string& id, std::uint64_t t) {
    return id == "p2s1" ? id : fmt::format("{}/T={}", id, t);
  };
  const std::uint64_t rounds = std::max<std::uint64_t>(static_cast<std::uint64_t>(reps), loss_runs);
  for (std::uint64_t i = 0; i < rounds; ++i) {
    std::vector<std::pair<std::string, std::uint64_t>> order;
    if (i < static_cast<std::uint64_t>(reps)) order.push_back({"p2s1", 1});
    for (std::uint64_t t : st.threads) {
      if (i < static_cast<std::uint64_t>(reps)) order.push_back({"p2s3", t});
      order.push_back({"p2s2", t});
    }
    for (const auto& [id, t] : order) {
      ctx.CheckCancelled();
      const Target target = ctx.MakeTarget(id, Build::kPlain, n, t);
      ctx.Status(fmt::format("scaling: round {}/{}: {} T={} n={}", i + 1, rounds, id, t, n));
      const MeasuredRun m = MeasureRun(ctx, target, st.seed + i);
      Run run;
      run.elapsed = m.elapsed.value_or(NAN);
      run.wall = m.spawn.wall_s;
      run.cpu = m.spawn.user_s + m.spawn.sys_s;
      run.classes = m.classes;
      run.crashed = m.verdict.classes.Has(FailureClass::kCrash);
      if (m.verdict.classes.Has(FailureClass::kWrongResult)) {
        const auto v = ResultValue(m.spawn.out);
        run.wrong_kind = v ? WrongKind(*v, ChunkIntegrals(n, t), 1e-6) : "no result";
      }
      runs[key(id, t)].push_back(run);
    }
  }

  auto median_of = [&](const std::string& k, double Run::*f) {
    std::vector<double> v;
    for (const Run& x : runs[k])
      if (!std::isnan(x.*f)) v.push_back(x.*f);
    return Median(v);
  };
  const double base = median_of("p2s1", &Run::elapsed);
  BenchTable table;
  table.title = fmt::format(
      "Riemann sum of n = {} rectangles, plain build, {} cores: medians (p2s1, p2s3: {} runs; "
      "p2s2: {} runs)",
      n, ctx.cores, reps, loss_runs);
  table.columns = {"program",
                   "T",
                   "elapsed",
                   "wall",
                   "CPU / wall",
                   "speedup over p2s1",
                   "limit min(T, cores)",
                   "wrong results",
                   "of which lost / duplicated / other",
                   "crashes"};
  nlohmann::json data = nlohmann::json::object();
  auto row = [&](const std::string& id, std::uint64_t t) {
    const std::string k = key(id, t);
    const auto& v = runs[k];
    const double e = median_of(k, &Run::elapsed);
    const double w = median_of(k, &Run::wall);
    std::vector<double> util;
    for (const Run& x : v)
      if (x.wall > 0) util.push_back(x.cpu / x.wall);
    std::uint64_t wrong = 0, crash = 0;
    std::map<std::string, std::uint64_t> kinds;
    std::map<std::string, std::uint64_t> classes;
    for (const Run& x : v) {
      ++classes[x.classes];
      if (!x.wrong_kind.empty()) ++wrong, ++kinds[x.wrong_kind];
      if (x.crashed) ++crash;
    }
    const double limit = static_cast<double>(std::min<std::uint64_t>(t, ctx.cores));
    std::string kind_text = wrong == 0 ? ""
                                       : fmt::format("{} / {} / {}", kinds["lost"],
                                                     kinds["duplicated"] + kinds["lost+duplicated"],
                                                     kinds["other"] + kinds["no result"]);
    table.rows.push_back({id, id == "p2s1" ? "1" : std::to_string(t), FormatSeconds(e),
                          FormatSeconds(w), Fixed(Median(util), 2), FormatRatio(base / e),
                          Fixed(id == "p2s1" ? 1.0 : limit, 0),
                          fmt::format("{} of {}", wrong, v.size()), kind_text,
                          fmt::format("{} of {}", crash, v.size())});
    data[k] = {{"runs", v.size()},    {"median_elapsed_s", e},
               {"median_wall_s", w},  {"median_cpu_per_wall", Median(util)},
               {"speedup", base / e}, {"limit", limit},
               {"wrong", wrong},      {"wrong_kinds", kinds},
               {"crashes", crash},    {"classes", classes}};
    return base / e;
  };
  row("p2s1", 1);
  std::vector<double> s2, s3, lim, one;
  for (std::uint64_t t : st.threads) s3.push_back(row("p2s3", t));
  for (std::uint64_t t : st.threads) s2.push_back(row("p2s2", t));
  for (std::uint64_t t : st.threads) {
    lim.push_back(static_cast<double>(std::min<std::uint64_t>(t, ctx.cores)));
    one.push_back(1.0);
  }
  r.tables.push_back(table);

  // Findings from the numbers.
  double best3 = 0;
  std::uint64_t best_t = 0;
  for (std::size_t i = 0; i < st.threads.size(); ++i)
    if (s3[i] > best3) best3 = s3[i], best_t = st.threads[i];
  r.findings.push_back(fmt::format(
      "The physical limit on {} cores is a speedup of {} (min(T, cores)); p2s3 reaches {} at T = "
      "{} ({:.0f}% of the limit). The seed's claim that threads do not speed up CPU-bound work "
      "is a property of CPython's GIL, not of threads.",
      ctx.cores, ctx.cores, FormatRatio(best3), best_t,
      100 * best3 / static_cast<double>(ctx.cores)));
  // p2s2's race needs two threads: T = 1 is its control.
  std::uint64_t wrong_racy = 0, total_racy = 0, wrong_one = 0, total_one = 0;
  for (std::uint64_t t : st.threads) {
    const auto& d = data[key("p2s2", t)];
    const std::uint64_t bad = d["wrong"].get<std::uint64_t>() + d["crashes"].get<std::uint64_t>();
    (t == 1 ? wrong_one : wrong_racy) += bad;
    (t == 1 ? total_one : total_racy) += d["runs"].get<std::uint64_t>();
  }
  r.findings.push_back(fmt::format(
      "p2s2 (the seed's unlocked appends) gave a wrong result or crashed in {} of {} runs with "
      "T > 1, and in {} of {} runs with T = 1.",
      wrong_racy, total_racy, wrong_one, total_one));
  data["p2s2_wrong_or_crashed"] = {{"t_above_1", {{"bad", wrong_racy}, {"runs", total_racy}}},
                                   {"t_1", {{"bad", wrong_one}, {"runs", total_one}}}};
  r.data = data;

  LineChart chart;
  chart.title = "Speedup of the Riemann sum over one thread (p2s1)";
  chart.subtitle =
      fmt::format("n = {}, plain build, {} cores, medians of the programs' elapsed", n, ctx.cores);
  chart.x_label = "threads T";
  chart.y_label = "speedup over p2s1";
  for (std::uint64_t t : st.threads) chart.x_ticks.push_back(std::to_string(t));
  chart.series = {{"p2s3 (own slots)", s3, false},
                  {"p2s2 (seed, unlocked)", s2, false},
                  {fmt::format("limit: min(T, {} cores)", ctx.cores), lim, true},
                  {"1x: the seed's expectation", one, true}};
  r.svg = RenderLineChart(chart);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace racelab
