// Offline symbolization set-up: one llvm-symbolizer per campaign, for the clang TSan builds.
#include "run/offline_symbols.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <memory>

#include "judge/symbolizer.hpp"

namespace racelab {
namespace {

bool UserSetsSymbolize(const std::vector<std::string>& env) {
  for (const std::string& kv : env) {
    if (kv.rfind("TSAN_OPTIONS=", 0) != 0) continue;
    const std::string v = kv.substr(13);
    for (std::size_t pos = v.find("symbolize="); pos != std::string::npos;
         pos = v.find("symbolize=", pos + 1))
      if (pos == 0 || v[pos - 1] == ':' || v[pos - 1] == ' ') return true;
  }
  return false;
}

std::string FindOnPath(const std::vector<std::string>& env, const std::string& name) {
  std::string path_var = "/usr/bin:/bin";
  for (const std::string& kv : env)
    if (kv.rfind("PATH=", 0) == 0) path_var = kv.substr(5);
  std::size_t pos = 0;
  while (pos <= path_var.size()) {
    std::size_t colon = path_var.find(':', pos);
    if (colon == std::string::npos) colon = path_var.size();
    const std::string dir = path_var.substr(pos, colon - pos);
    pos = colon + 1;
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace

bool LinksGccTsan(const std::vector<std::string>& modules) {
  for (const std::string& m : modules)
    if (m.find("/libtsan.so") != std::string::npos) return true;
  return false;
}

std::vector<std::string> SetUpOfflineSymbols(ProcessRunner& runner, const CampaignOptions& o,
                                             std::vector<Target>& targets) {
  std::vector<std::string> notes(targets.size());
  bool any_tsan = false;
  for (const Target& t : targets) any_tsan = any_tsan || t.tsan;
  if (!any_tsan) return notes;
  if (UserSetsSymbolize(o.base_env)) return notes;  // the user chose; TSan does as told
  const std::string symbolizer = FindLlvmSymbolizer(o.base_env);
  if (symbolizer.empty()) {
    for (std::size_t i = 0; i < targets.size(); ++i)
      if (targets[i].tsan)
        notes[i] =
            "llvm-symbolizer not found on PATH: frames stay module+offset where TSan cannot "
            "symbolize them itself";
    return notes;
  }
  const std::string ldd = FindOnPath(o.base_env, "ldd");
  auto shared =
      std::make_shared<OfflineSymbolizer>(std::make_unique<LlvmSymbolizerProcess>(symbolizer));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Target& t = targets[i];
    if (!t.tsan) continue;
    std::vector<std::string> modules;
    if (!ldd.empty()) {
      ProcessSpec spec;
      spec.argv = {ldd, t.executable};
      spec.env = o.base_env;
      spec.timeout = std::chrono::milliseconds(10000);
      spec.output_cap = 1u << 20;
      const ProcessResult pr = runner.Run(spec);
      if (pr.termination == Termination::kExited && pr.exit_code == 0)
        modules = ParseLddOutput(pr.out);
    }
    if (LinksGccTsan(modules)) {
      notes[i] =
          "symbolized by TSan in each run: gcc's libtsan symbolizes with libbacktrace, whose "
          "frames (no columns) llvm-symbolizer would not reproduce";
      continue;
    }
    shared->AddModule(t.executable);
    for (const std::string& m : modules) shared->AddModule(m);
    t.symbolizer = shared;
  }
  return notes;
}

void SymbolizeOutput(ProcessResult& pr, const Target& t) {
  if (t.symbolizer) pr.err = t.symbolizer->Rewrite(pr.err);
}

std::string OfflineSymbolsNote(const Target& t) {
  if (!t.symbolizer) return "";
  const SymbolizerStats s = t.symbolizer->stats();
  std::string note;
  if (!s.unknown_modules.empty()) {
    std::string names;
    for (const std::string& m : s.unknown_modules) names += (names.empty() ? "" : ", ") + m;
    note = fmt::format("frames in {} stay module+offset (no path known to symbolize them)", names);
  }
  if (s.failures > 0)
    note += fmt::format("{}llvm-symbolizer failed on {} addresses; their frames stay module+offset",
                        note.empty() ? "" : "; ", s.failures);
  return note;
}

}  // namespace racelab
