// The shared pieces of the bench experiments: targets, one measured run, statistics.
#include "bench_context.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>

namespace racelab {
namespace {

std::mutex g_runner_mu;
ProcessRunner* g_runner = nullptr;

}  // namespace

void SetActiveRunner(ProcessRunner* runner) {
  std::lock_guard<std::mutex> lock(g_runner_mu);
  g_runner = runner;
}

void CancelActiveWork() {
  {
    std::lock_guard<std::mutex> lock(g_runner_mu);
    if (g_runner != nullptr) g_runner->CancelAll();
  }
  KillActiveSpawns();
}

void BenchContext::Status(const std::string& line) const {
  if (!verbose) return;
  std::fprintf(stderr, "racelab bench: %s\n", line.c_str());
  std::fflush(stderr);
}

void BenchContext::CheckCancelled() const {
  if (cancelled != nullptr && cancelled->load()) throw BenchCancelled();
}

int BenchContext::Reps(int normal, int quick) const {
  if (settings.reps) return *settings.reps;
  return settings.quick ? quick : normal;
}

Target BenchContext::MakeTarget(const std::string& id, Build b, std::uint64_t iterations,
                                std::uint64_t threads) const {
  const Variant* v = manifest.Find(id);
  if (v == nullptr) throw BenchError(fmt::format("the manifest has no specimen '{}'", id));
  Target t;
  t.id = v->id;
  t.build = b;
  t.variant = v;
  t.executable = fmt::format("{}/variants/{}/{}", bin_dir, Name(b), v->id);
  t.oracle = v->oracle;
  t.iterations = iterations != 0 ? iterations : v->check_iterations;
  t.threads = threads != 0 ? threads : (v->problem == 2 ? v->threads : 0);
  t.exact = v->exact;
  t.tolerance = v->tolerance;
  t.tsan = b == Build::kTsan;
  if (::access(t.executable.c_str(), X_OK) != 0)
    throw BenchError(fmt::format("specimen {} is not built: {} is missing (cmake --build build)",
                                 t.Label(), t.executable));
  return t;
}

CampaignOptions BenchContext::RunOptions(std::chrono::milliseconds timeout) const {
  CampaignOptions o;
  o.base_env = base_env;
  o.suppressions_file = suppressions;
  o.sanitizer = sanitizer;
  o.timeout = timeout;
  o.jobs = static_cast<int>(cores);
  return o;
}

std::string ClassNames(const ClassSet& c) {
  std::string out;
  c.ForEach([&](FailureClass f) {
    if (!out.empty()) out += ",";
    out += std::string(Name(f));
  });
  return out;
}

MeasuredRun MeasureRun(const BenchContext& ctx, const Target& t, std::uint64_t seed,
                       const std::vector<std::string>& extra_env,
                       std::chrono::milliseconds timeout) {
  const CampaignOptions o = ctx.RunOptions(timeout);
  ProcessSpec spec = MakeSpec(t, o, FuzzSetting{}, seed);
  SpawnRequest req;
  req.argv = spec.argv;
  req.env = spec.env;
  req.env.insert(req.env.end(), extra_env.begin(), extra_env.end());
  req.capture_out = true;
  req.capture_err = true;
  req.deadline = timeout;
  MeasuredRun m;
  m.spawn = SpawnAndWait(req);
  ProcessResult pr;
  if (!m.spawn.started) {
    pr.termination = Termination::kSpawnFailed;
    pr.spawn_error = m.spawn.spawn_error;
  } else if (m.spawn.stopped) {
    pr.termination = Termination::kTimedOut;
  } else if (m.spawn.exited) {
    pr.termination = Termination::kExited;
    pr.exit_code = m.spawn.exit_code;
  } else {
    pr.termination = Termination::kSignaled;
    pr.signal = m.spawn.signal;
  }
  pr.out = m.spawn.out;
  pr.err = m.spawn.err;
  m.verdict = Classify(pr, t, ctx.sanitizer);
  if (m.verdict.harness_error)
    throw BenchError(fmt::format("cannot run {}: {}", t.Label(), m.verdict.harness_error_text));
  m.classes = ClassNames(m.verdict.classes);
  // The last `elapsed: X seconds` line: the program's own timing of its work.
  const std::string& out = m.spawn.out;
  const std::size_t at = out.rfind("elapsed: ");
  if (at != std::string::npos && (at == 0 || out[at - 1] == '\n')) {
    char* end = nullptr;
    const double v = std::strtod(out.c_str() + at + 9, &end);
    if (end != out.c_str() + at + 9 && std::isfinite(v)) m.elapsed = v;
  }
  return m;
}

double Median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  if (n % 2 == 1) return v[n / 2];
  // An even count with a censored upper half stays censored.
  if (std::isinf(v[n / 2])) return v[n / 2];
  return (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
  const std::size_t i =
      static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(v.size())));
  return v[i - 1];
}

std::string FormatSeconds(double s) {
  if (std::isnan(s)) return "n/a";
  if (std::isinf(s)) return "never";
  if (s < 0.9995e-3) return fmt::format("{:.0f} µs", s * 1e6);
  if (s < 0.9995) return fmt::format("{:.3g} ms", s * 1e3);
  if (s < 100) return fmt::format("{:.3g} s", s);
  return fmt::format("{:.0f} s", s);
}

std::string FormatRatio(double r) {
  if (!std::isfinite(r)) return "n/a";
  return r >= 10 ? fmt::format("{:.0f}x", r) : fmt::format("{:.2f}x", r);
}

std::string Fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  return fmt::format("{:.{}f}", v, decimals);
}

}  // namespace racelab
