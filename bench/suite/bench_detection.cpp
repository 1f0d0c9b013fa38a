// bench detection: how many runs, and how much time, racelab needs to see each specimen's
// failure under each fuzz setting and build, over independent seed ranges. This is the
// measurement behind the default --fuzz mix.
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "bench_context.hpp"
#include "bench_svg.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The specimens whose seed verdict is a failure (variants/README.md), for a manifest that
// does not record expected classes.
const char* const kFailingSpecimens[] = {"p1s2", "p1s3", "p1s3a", "p1s4", "p1s5", "p2s2"};

struct Cell {
  Target target;
  std::string fuzz_label;        // as given: "sleep:100" or "none,yield,sleep:100"
  std::vector<FuzzSetting> mix;  // run j of a range uses mix[j % size]
};

// One seed range of one cell: runs until the first failing run, at most `cap`.
struct RangeOutcome {
  std::uint64_t runs = 0;  // up to and including the first failure
  bool failed = false;
  double wall = 0;      // the runs' wall times summed: the time one worker needed
  std::string classes;  // of the first failing run
  std::uint64_t seed = 0;
  std::string fuzz;
  std::string replay;
};

std::string RunsText(double median, double p90) {
  auto one = [](double v) {
    return std::isinf(v) ? std::string("never") : fmt::format("{:.0f}", v);
  };
  return one(median) + " / " + one(p90);
}

std::string WallText(double median, double p90) {
  return FormatSeconds(median) + " / " + FormatSeconds(p90);
}

}  // namespace

ExperimentResult RunDetectionExperiment(BenchContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const BenchSettings& st = ctx.settings;
  const std::uint64_t ranges = st.ranges;
  const std::uint64_t cap = st.cap;
  const int jobs = st.jobs > 0 ? st.jobs : static_cast<int>(ctx.cores);

  std::vector<std::string> specimens = st.specimens;
  std::string chosen_by = "given by --specimens";
  if (specimens.empty()) {
    for (const Variant& v : ctx.manifest.variants)
      if (!v.timing && v.expected.size() > 0) {
        bool any = false;
        for (const auto& [b, classes] : v.expected) any = any || !classes.empty();
        if (any) specimens.push_back(v.id);
      }
    chosen_by = "those the manifest expects to fail";
    if (specimens.empty()) {
      specimens.assign(std::begin(kFailingSpecimens), std::end(kFailingSpecimens));
      chosen_by = "those the tutorial's verdicts say fail; the manifest records no expectations";
    }
  }
  // A smoke test needs one racy and one ordering specimen, not all of them.
  if (st.quick && st.specimens.empty()) {
    std::vector<std::string> few;
    for (const std::string& id : specimens)
      if (id == "p1s2" || id == "p1s5") few.push_back(id);
    if (!few.empty()) specimens = few;
  }
  std::vector<std::string> fuzz_entries = st.fuzz;
  if (fuzz_entries.empty())
    fuzz_entries = {
        "none",   "yield", "sleep:10", "sleep:100", "sleep:1000", std::string(kDefaultFuzz),
        "random", "pct:1", "pct:2",    "pct:3"};

  PosixProcessRunner runner;
  const CampaignOptions o = ctx.RunOptions(std::chrono::seconds(60));
  std::vector<Cell> cells;
  for (const std::string& id : specimens)
    for (Build b : {Build::kPlain, Build::kTsan})
      for (const std::string& f : fuzz_entries) {
        auto mix = ParseFuzzList(f);
        if (!mix) throw BenchError(mix.error().what);
        cells.push_back({ctx.MakeTarget(id, b, 0, 0), f, *mix});
        // pct:D without K: calibrated per specimen and build as `racelab run` does (one
        // `random` run with the first seed), so each run is a function of its seed.
        CampaignOptions co = o;
        co.seed = st.seed;
        co.fuzz = *mix;
        cells.back().mix = CalibrateFuzz(runner, cells.back().target, co);
      }

  ExperimentResult r;
  r.name = "detection";
  r.question = fmt::format(
      "How soon does racelab see each specimen fail? Specimens: {}. For every specimen, build "
      "and fuzz setting, {} independent seed ranges each run one run at a time until the first "
      "failing "
      "run (at most {} runs); {} ranges run at once. Runs to the first failure and the wall time "
      "spent until then, median / 90th percentile over the ranges (never = no failure within "
      "{} runs).",
      chosen_by, ranges, cap, jobs, cap);
  r.settings = {{"ranges", ranges}, {"cap", cap},           {"jobs", jobs},
                {"seed", st.seed},  {"fuzz", fuzz_entries}, {"specimens", specimens}};

  // Range r of every cell before range r + 1 of any, so machine noise spreads evenly.
  std::vector<std::pair<std::size_t, std::uint64_t>> tasks;
  for (std::uint64_t range = 0; range < ranges; ++range)
    for (std::size_t c = 0; c < cells.size(); ++c) tasks.push_back({c, range});
  std::vector<std::vector<RangeOutcome>> outcomes(cells.size(), std::vector<RangeOutcome>(ranges));
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> harness_errors{0};
  std::atomic<std::size_t> done{0};
  std::mutex error_mu;
  std::string first_error;
  std::atomic<bool> failed{false};
  // Each worker takes the next seed range and runs it to its first failure.
  auto run_ranges = [&] {
    while ((ctx.cancelled == nullptr || !ctx.cancelled->load()) && !failed.load()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= tasks.size()) return;
      const auto [c, range] = tasks[k];
      const Cell& cell = cells[c];
      RangeOutcome& out = outcomes[c][range];
      for (std::uint64_t j = 0; j < cap; ++j) {
        if (ctx.cancelled != nullptr && ctx.cancelled->load()) return;
        const FuzzSetting& f = cell.mix[j % cell.mix.size()];
        const std::uint64_t seed = st.seed + range * cap + j;
        const ProcessResult pr = runner.Run(MakeSpec(cell.target, o, f, seed));
        const RunVerdict v = Classify(pr, cell.target, ctx.sanitizer);
        if (v.harness_error) {
          ++harness_errors;
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.empty()) first_error = v.harness_error_text;
          continue;
        }
        ++out.runs;
        out.wall += std::chrono::duration<double>(pr.wall).count();
        if (!v.classes.Has(FailureClass::kOk)) {
          out.failed = true;
          out.classes = ClassNames(v.classes);
          out.seed = seed;
          out.fuzz = f.ToString();
          out.replay = f.IsControlled() && !v.sched.schedule.empty()
                           ? ScheduleReplayCommand(cell.target, v.sched.schedule)
                           : ReplayCommand(cell.target, seed, f);
          break;
        }
      }
      const std::size_t d = ++done;
      if (d % std::max<std::size_t>(1, tasks.size() / 20) == 0 || d == tasks.size())
        ctx.Status(fmt::format("detection: {}/{} seed ranges done", d, tasks.size()));
    }
  };
  // A runner that throws (no descriptors, no processes) stops the experiment, not racelab.
  auto worker = [&] {
    try {
      run_ranges();
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (first_error.empty()) first_error = e.what();
      failed.store(true);
    }
  };
  {
    SetActiveRunner(&runner);
    std::vector<std::thread> workers;
    for (int j = 0; j < jobs; ++j) workers.emplace_back(worker);
    for (std::thread& w : workers) w.join();
    SetActiveRunner(nullptr);
  }
  ctx.CheckCancelled();
  if (failed.load()) throw BenchError("detection: " + first_error);
  if (harness_errors.load() > 0)
    throw BenchError(fmt::format("detection: {} runs could not be carried out: {}",
                                 harness_errors.load(), first_error));

  // ---- per cell statistics ----
  struct CellStats {
    double runs_median, runs_p90, wall_median, wall_p90;
    std::uint64_t failed_ranges = 0, total_runs = 0;
    double spent = 0;  // wall of all its runs
  };
  std::vector<CellStats> stats(cells.size());
  nlohmann::json cells_json = nlohmann::json::array();
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::vector<double> runs, walls;
    CellStats& s = stats[c];
    std::map<std::string, std::uint64_t> first_classes;
    nlohmann::json ranges_json = nlohmann::json::array();
    std::string replay;
    for (const RangeOutcome& o2 : outcomes[c]) {
      runs.push_back(o2.failed ? static_cast<double>(o2.runs) : kInf);
      walls.push_back(o2.failed ? o2.wall : kInf);
      s.total_runs += o2.runs;
      s.spent += o2.wall;
      if (o2.failed) {
        ++s.failed_ranges;
        ++first_classes[o2.classes];
        if (replay.empty()) replay = o2.replay;
      }
      ranges_json.push_back({{"runs", o2.runs},
                             {"failed", o2.failed},
                             {"wall_s", o2.wall},
                             {"classes", o2.classes},
                             {"seed", o2.seed},
                             {"fuzz", o2.fuzz}});
    }
    s.runs_median = Median(runs);
    s.runs_p90 = Percentile(runs, 90);
    s.wall_median = Median(walls);
    s.wall_p90 = Percentile(walls, 90);
    auto num = [](double v) { return std::isinf(v) ? nlohmann::json() : nlohmann::json(v); };
    cells_json.push_back({{"id", cells[c].target.id},
                          {"build", cells[c].target.BuildName()},
                          {"fuzz", cells[c].fuzz_label},
                          {"failed_ranges", s.failed_ranges},
                          {"ranges", ranges},
                          {"runs", s.total_runs},
                          {"wall_s", s.spent},
                          {"runs_to_first_failure_median", num(s.runs_median)},
                          {"runs_to_first_failure_p90", num(s.runs_p90)},
                          {"wall_to_first_failure_median_s", num(s.wall_median)},
                          {"wall_to_first_failure_p90_s", num(s.wall_p90)},
                          {"first_failure_classes", first_classes},
                          {"example_replay", replay},
                          {"seed_ranges", ranges_json}});
  }

  // ---- matrix tables: rows specimen/build, columns fuzz settings ----
  std::vector<std::string> row_labels;
  for (const std::string& id : specimens)
    for (const char* b : {"plain", "tsan"}) row_labels.push_back(id + "/" + b);
  const std::size_t nf = fuzz_entries.size();
  BenchTable runs_table, wall_table;
  runs_table.title = fmt::format(
      "Runs to the first failure, median / 90th percentile over {} seed ranges (cap {})", ranges,
      cap);
  wall_table.title = fmt::format(
      "Wall time to the first failure, median / 90th percentile over {} seed ranges", ranges);
  runs_table.columns = {"specimen"};
  wall_table.columns = {"specimen"};
  for (const std::string& f : fuzz_entries) {
    runs_table.columns.push_back(f);
    wall_table.columns.push_back(f);
  }
  Heatmap heat;
  heat.title = "Wall time to the first failure (median over seed ranges)";
  heat.subtitle =
      fmt::format("{} seed ranges per cell, at most {} runs each; grey: never", ranges, cap);
  heat.columns = fuzz_entries;
  heat.legend =
      "colour: the median wall time to the first failure, log scale from pale (shortest) to "
      "orange (longest)";
  for (std::size_t row = 0; row < row_labels.size(); ++row) {
    std::vector<std::string> rr{row_labels[row]}, wr{row_labels[row]};
    std::vector<double> hv;
    std::vector<std::string> ht;
    for (std::size_t f = 0; f < nf; ++f) {
      const CellStats& s = stats[row * nf + f];
      std::string partial =
          s.failed_ranges < ranges ? fmt::format(" ({}/{})", s.failed_ranges, ranges) : "";
      rr.push_back(RunsText(s.runs_median, s.runs_p90) + partial);
      wr.push_back(WallText(s.wall_median, s.wall_p90));
      hv.push_back(s.wall_median);
      ht.push_back(std::isinf(s.wall_median) ? fmt::format("never ({}/{})", s.failed_ranges, ranges)
                                             : FormatSeconds(s.wall_median) + " · " +
                                                   fmt::format("{:.0f} run{}", s.runs_median,
                                                               s.runs_median == 1 ? "" : "s"));
    }
    runs_table.rows.push_back(rr);
    wall_table.rows.push_back(wr);
    heat.rows.push_back(row_labels[row]);
    heat.values.push_back(hv);
    heat.texts.push_back(ht);
  }
  runs_table.notes.push_back(
      "(k/R): only k of the R seed ranges failed within the cap; `never`: the median or "
      "percentile lies beyond the cap.");

  // ---- per setting summary: the basis for choosing the default ----
  BenchTable summary;
  summary.title = "Per fuzz setting, over every specimen and build";
  summary.columns = {"fuzz",
                     "cells found in every range",
                     "cells found in most ranges",
                     "sum of median wall to first failure",
                     "worst p90 runs",
                     "wall spent"};
  const std::size_t rows_n = row_labels.size();
  nlohmann::json per_setting = nlohmann::json::array();
  std::size_t best = 0;
  std::tuple<std::size_t, std::size_t, double> best_key{0, 0, -kInf};
  for (std::size_t f = 0; f < nf; ++f) {
    std::size_t every = 0, most = 0;
    double sum_median = 0, worst_p90 = 0, spent = 0;
    bool sum_lower_bound = false;
    for (std::size_t row = 0; row < rows_n; ++row) {
      const CellStats& s = stats[row * nf + f];
      every += s.failed_ranges == ranges;
      most += std::isfinite(s.runs_median);
      // A cell never found counts with the time it was given: the sum is then a lower bound.
      if (std::isfinite(s.wall_median)) {
        sum_median += s.wall_median;
      } else {
        sum_median += s.spent / static_cast<double>(ranges);
        sum_lower_bound = true;
      }
      worst_p90 = std::max(worst_p90, s.runs_p90);
      spent += s.spent;
    }
    const auto key = std::make_tuple(every, most, -sum_median);
    if (f == 0 || key > best_key) best_key = key, best = f;
    summary.rows.push_back(
        {fuzz_entries[f], fmt::format("{} of {}", every, rows_n),
         fmt::format("{} of {}", most, rows_n),
         (sum_lower_bound ? "> " : "") + FormatSeconds(sum_median),
         std::isinf(worst_p90) ? fmt::format("> {}", cap) : fmt::format("{:.0f}", worst_p90),
         FormatSeconds(spent)});
    per_setting.push_back(
        {{"fuzz", fuzz_entries[f]},
         {"cells_found_every_range", every},
         {"cells_found_most_ranges", most},
         {"cells", rows_n},
         {"sum_median_wall_s", sum_median},
         {"sum_is_lower_bound", sum_lower_bound},
         {"worst_p90_runs", std::isinf(worst_p90) ? nlohmann::json() : nlohmann::json(worst_p90)},
         {"wall_spent_s", spent}});
  }
  summary.notes.push_back(
      "Ranked by cells found in every range, then in most ranges, then by the summed median "
      "wall time (a cell never found adds the time it was given, making the sum a lower bound).");
  r.tables = {summary, runs_table, wall_table};
  r.findings.push_back(fmt::format(
      "Best by this ranking: `{}` ({} of {} specimen/build cells found in every seed range).",
      fuzz_entries[best], std::get<0>(best_key), rows_n));
  for (std::size_t row = 0; row < rows_n; ++row) {
    std::vector<std::string> never;
    for (std::size_t f = 0; f < nf; ++f)
      if (stats[row * nf + f].failed_ranges == 0) never.push_back(fuzz_entries[f]);
    if (!never.empty()) {
      std::string list;
      for (const std::string& n : never) list += (list.empty() ? "`" : ", `") + n + "`";
      r.findings.push_back(fmt::format("{}: no failure in {} runs per setting under {}.",
                                       row_labels[row], ranges * cap, list));
    }
  }
  r.data = {{"cells", cells_json}, {"per_setting", per_setting}, {"best", fuzz_entries[best]}};
  r.svg = RenderHeatmap(heat);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace racelab
