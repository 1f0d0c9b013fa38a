// Builds each child's environment explicitly; nothing passes through a shell.
#include "run/child_env.hpp"

#include "protocol/env.hpp"

#include <utility>

#ifndef RACELAB_TSAN_REQUIRED
#define RACELAB_TSAN_REQUIRED ""
#endif
#ifndef RACELAB_TSAN_DEFAULTS
#define RACELAB_TSAN_DEFAULTS ""
#endif

extern char** environ;

namespace racelab {
namespace {

// Splits "a=1:b=2 c=3" into ordered (name, value) pairs.
std::vector<std::pair<std::string, std::string>> SplitOptions(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find_first_of(": \t\n", i);
    if (j == std::string::npos) j = s.size();
    std::string item = s.substr(i, j - i);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos)
        out.emplace_back(item, "");
      else
        out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    i = j + 1;
  }
  return out;
}

bool StartsWith(const std::string& s, std::string_view p) {
  return s.compare(0, p.size(), p) == 0;
}

}  // namespace

std::string MergeTsanOptions(const std::string& user, const std::string& required,
                             const std::string& defaults) {
  auto merged = SplitOptions(user);
  auto find = [&](const std::string& name) {
    for (auto& kv : merged)
      if (kv.first == name) return &kv;
    return static_cast<std::pair<std::string, std::string>*>(nullptr);
  };
  for (auto& [name, value] : SplitOptions(required)) {
    if (auto* kv = find(name))
      kv->second = value;
    else
      merged.emplace_back(name, value);
  }
  for (auto& [name, value] : SplitOptions(defaults))
    if (!find(name)) merged.emplace_back(name, value);
  std::string out;
  for (auto& [name, value] : merged) {
    if (!out.empty()) out += ':';
    out += name + "=" + value;
  }
  return out;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

std::vector<std::string> BuildTargetEnv(const std::vector<std::string>& base, bool tsan,
                                        const std::string& suppressions_file,
                                        bool offline_symbols) {
  std::vector<std::string> env;
  env.reserve(base.size() + 7);
  std::string user_tsan;
  for (const std::string& kv : base) {
    if (StartsWith(kv, protocol::kEnvPrefix)) continue;  // the protocol is racelab's to set
    if (StartsWith(kv, "TSAN_OPTIONS=")) {
      user_tsan = kv.substr(13);
      if (tsan) continue;
    }
    env.push_back(kv);
  }
  if (tsan) {
    std::string defaults = RACELAB_TSAN_DEFAULTS;
    if (!suppressions_file.empty())
      defaults += (defaults.empty() ? "" : ":") + std::string("suppressions=") + suppressions_file;
    if (offline_symbols) defaults += (defaults.empty() ? "" : ":") + std::string("symbolize=0");
    env.push_back("TSAN_OPTIONS=" + MergeTsanOptions(user_tsan, RACELAB_TSAN_REQUIRED, defaults));
  }
  return env;
}

void AppendRunEnv(const RunParams& p, std::vector<std::string>* env) {
  const auto set = [env](const char* name, const std::string& value) {
    env->push_back(std::string(name) + "=" + value);
  };
  if (p.iterations != 0) set(protocol::kEnvIterations, std::to_string(p.iterations));
  if (p.threads != 0) set(protocol::kEnvThreads, std::to_string(p.threads));
  set(protocol::kEnvFuzz, p.fuzz.ToString());
  set(protocol::kEnvSeed, std::to_string(p.seed));
  if (!p.schedule.empty()) {
    set(protocol::kEnvSchedule, p.schedule);
    set(protocol::kEnvScheduleMode,
        p.schedule_mode.empty() ? std::string(protocol::kScheduleModeExact) : p.schedule_mode);
  }
}

std::vector<std::string> BuildChildEnv(const std::vector<std::string>& base, const RunParams& p,
                                       bool tsan, const std::string& suppressions_file,
                                       bool offline_symbols) {
  std::vector<std::string> env = BuildTargetEnv(base, tsan, suppressions_file, offline_symbols);
  AppendRunEnv(p, &env);
  return env;
}

}  // namespace racelab
