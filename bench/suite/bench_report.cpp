// Rendering of bench results, and the description of the machine they were measured on.
#include "bench_report.hpp"

#include <fmt/core.h>
#include <sys/utsname.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

namespace racelab {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The first three fields of /proc/loadavg: the 1, 5 and 15 minute load averages.
std::string LoadAverages() {
  const std::string line = ReadFirstLine("/proc/loadavg");
  std::size_t pos = 0;
  for (int i = 0; i < 3 && pos != std::string::npos; ++i) pos = line.find(' ', pos + 1);
  return line.substr(0, pos);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "unknown";
}

std::string OsName() {
  std::ifstream in("/etc/os-release");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      std::string v = line.substr(12);
      v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
      return v;
    }
  return "unknown";
}

long MemTotalMib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return kb / 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

std::string Pad(const std::string& s, std::size_t w) {
  // Width in code points, so a "≈" or "×" does not skew the columns.
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return s + std::string(w > n ? w - n : 0, ' ');
}

std::size_t Width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

nlohmann::json TableJson(const BenchTable& t) {
  return {{"title", t.title}, {"columns", t.columns}, {"rows", t.rows}, {"notes", t.notes}};
}

}  // namespace

MachineInfo DescribeMachine() {
  MachineInfo m;
  m.cores = std::max(1u, std::thread::hardware_concurrency());
  m.cpu_model = CpuModel();
  utsname u{};
  if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m.os = OsName();
  m.mem_total_mib = MemTotalMib();
  m.max_map_count = std::atol(ReadFirstLine("/proc/sys/vm/max_map_count").c_str());
  m.load_start = LoadAverages();
  m.load_end = m.load_start;
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", std::gmtime(&now));
  m.date_utc = buf;
#if defined(__clang__)
  m.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  m.compiler = "gcc " __VERSION__;
#else
  m.compiler = "unknown";
#endif
  return m;
}

void FinishMachine(MachineInfo& m) {
  m.load_end = LoadAverages();
}

std::string RenderTable(const BenchTable& t) {
  std::vector<std::size_t> w(t.columns.size(), 3);
  for (std::size_t c = 0; c < t.columns.size(); ++c) w[c] = std::max(w[c], Width(t.columns[c]));
  for (const auto& row : t.rows)
    for (std::size_t c = 0; c < row.size() && c < w.size(); ++c)
      w[c] = std::max(w[c], Width(row[c]));
  std::string out;
  if (!t.title.empty()) out += "### " + t.title + "\n\n";
  auto line = [&](const std::vector<std::string>& cells) {
    out += "|";
    for (std::size_t c = 0; c < w.size(); ++c)
      out += " " + Pad(c < cells.size() ? cells[c] : "", w[c]) + " |";
    out += "\n";
  };
  line(t.columns);
  out += "|";
  for (std::size_t c = 0; c < w.size(); ++c) out += std::string(w[c] + 2, '-') + "|";
  out += "\n";
  for (const auto& row : t.rows) line(row);
  if (!t.notes.empty()) {
    out += "\n";
    for (const std::string& n : t.notes) out += n + "\n";
  }
  return out;
}

std::string RenderBenchText(const BenchReport& r) {
  std::string out = fmt::format("# racelab bench ({})\n\n", r.quick ? "quick" : "full");
  out += fmt::format("Command: `{}`\n\n", r.command);
  const MachineInfo& m = r.machine;
  out += fmt::format(
      "Machine: {} cores, {}, {} MiB, {}, {}; vm.max_map_count {}; built with {}; "
      "{}; load average {} at the start, {} at the end.\n\n",
      m.cores, m.cpu_model, m.mem_total_mib, m.os, m.kernel, m.max_map_count, m.compiler,
      m.date_utc, m.load_start, m.load_end);
  for (const ExperimentResult& e : r.experiments) {
    out += fmt::format("## {} ({:.0f} s)\n\n{}\n\n", e.name, e.seconds, e.question);
    for (const BenchTable& t : e.tables) out += RenderTable(t) + "\n";
    if (!e.findings.empty()) {
      for (const std::string& f : e.findings) out += "- " + f + "\n";
      out += "\n";
    }
  }
  out += fmt::format("Total: {:.0f} s.\n", r.seconds);
  return out;
}

std::string RenderBenchJson(const BenchReport& r) {
  const MachineInfo& m = r.machine;
  nlohmann::json j = {{"schema", r.schema},
                      {"racelab_version", r.racelab_version},
                      {"command", r.command},
                      {"quick", r.quick},
                      {"seconds", r.seconds},
                      {"machine",
                       {{"cores", m.cores},
                        {"cpu_model", m.cpu_model},
                        {"kernel", m.kernel},
                        {"os", m.os},
                        {"mem_total_mib", m.mem_total_mib},
                        {"max_map_count", m.max_map_count},
                        {"load_start", m.load_start},
                        {"load_end", m.load_end},
                        {"date_utc", m.date_utc},
                        {"compiler", m.compiler}}},
                      {"experiments", nlohmann::json::object()}};
  for (const ExperimentResult& e : r.experiments) {
    nlohmann::json tables = nlohmann::json::array();
    for (const BenchTable& t : e.tables) tables.push_back(TableJson(t));
    j["experiments"][e.name] = {{"question", e.question}, {"seconds", e.seconds},
                                {"settings", e.settings}, {"data", e.data},
                                {"tables", tables},       {"findings", e.findings}};
  }
  // Invalid UTF-8 from a program's output must not make the report unwritable.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace racelab
