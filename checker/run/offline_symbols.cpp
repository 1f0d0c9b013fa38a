// Offline symbolization set-up: one llvm-symbolizer per campaign, for the clang TSan builds.
#include "run/offline_symbols.hpp"

#include <fmt/core.h>

#include <memory>

#include "judge/symbolizer.hpp"
#include "run/posix_process.hpp"
#include "util/elf_interpreter.hpp"
#include "util/file_util.hpp"

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

}  // namespace

bool LinksGccTsan(const std::vector<std::string>& modules) {
  for (const std::string& m : modules)
    if (m.find("/libtsan.so") != std::string::npos) return true;
  return false;
}

std::vector<std::string> SetUpOfflineSymbols(const CampaignOptions& o,
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
  const std::string ldd = FindInEnvPath("ldd", o.base_env);
  auto shared =
      std::make_shared<OfflineSymbolizer>(std::make_unique<LlvmSymbolizerProcess>(symbolizer));
  PosixProcessRunner runner(/*reap_orphans=*/false);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Target& t = targets[i];
    if (!t.tsan) continue;
    std::vector<std::string> modules;
    // The shared objects the program loads, as ldd lists them. ldd (a shell script that
    // starts the loader four times) costs ~50-90 ms per target; the loader the program
    // names in its PT_INTERP lists them itself with --list, in ldd's format, in ~10 ms. A
    // program without one is statically linked and loads none.
    auto list = [&](std::vector<std::string> argv) {
      ProcessSpec spec;
      spec.argv = std::move(argv);
      spec.env = o.base_env;
      spec.timeout = std::chrono::milliseconds(10000);
      spec.output_cap = 1u << 20;
      const ProcessResult pr = runner.Run(spec);
      if (pr.termination != Termination::kExited || pr.exit_code != 0) return false;
      modules = ParseLddOutput(pr.out);
      return true;
    };
    const std::optional<std::string> interpreter = ElfInterpreterOfFile(t.executable);
    const bool listed =
        interpreter && (interpreter->empty() || list({*interpreter, "--list", t.executable}));
    if (!listed && !ldd.empty()) list({ldd, t.executable});
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
