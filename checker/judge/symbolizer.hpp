// Symbolization outside the run: TSan prints `(module+0xOFFSET)` frames (symbolize=0), and
// racelab resolves them through one long-lived llvm-symbolizer with a cache, rewriting the
// report exactly as the runtime's own symbolizer would have printed it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace racelab {

// One source location of a code address; inlined calls give several, innermost first.
// Unknown parts are empty strings and zeros (llvm-symbolizer's "??" and 0).
struct CodeFrame {
  std::string function;
  std::string file;
  int line = 0;
  int column = 0;
};

// The global a data address lies in; start is an offset in the module like the query's.
struct DataSymbol {
  std::string name;  // "??" when unknown, as llvm-symbolizer says it
  std::uint64_t start = 0;
  std::uint64_t size = 0;
};

// Where symbols come from: llvm-symbolizer in production, a table in tests.
class SymbolSource {
 public:
  virtual ~SymbolSource() = default;
  // False when the source itself failed (not when the address is merely unknown).
  virtual bool Code(const std::string& module, std::uint64_t offset,
                    std::vector<CodeFrame>* frames) = 0;
  virtual bool Data(const std::string& module, std::uint64_t offset, DataSymbol* symbol) = 0;
};

// llvm-symbolizer on PATH (of `env`, "NAME=value" entries; racelab's own when empty), or "".
std::string FindLlvmSymbolizer(const std::vector<std::string>& env);

// The llvm-symbolizer child process, spoken to over its stdin/stdout (one socket pair) with
// --inlining. Spawned with argv, restarted once per request when it dies, reaped and its
// socket closed on destruction. Not thread-safe (OfflineSymbolizer serialises calls).
class LlvmSymbolizerProcess : public SymbolSource {
 public:
  explicit LlvmSymbolizerProcess(std::string path);
  ~LlvmSymbolizerProcess() override;
  LlvmSymbolizerProcess(const LlvmSymbolizerProcess&) = delete;
  LlvmSymbolizerProcess& operator=(const LlvmSymbolizerProcess&) = delete;

  bool Code(const std::string& module, std::uint64_t offset,
            std::vector<CodeFrame>* frames) override;
  bool Data(const std::string& module, std::uint64_t offset, DataSymbol* symbol) override;
  int starts() const { return starts_; }

 private:
  bool Start();
  void Stop();
  // Sends one request line and returns the answer up to its empty line.
  bool Ask(const std::string& request, std::vector<std::string>* lines);
  bool AskOnce(const std::string& request, std::vector<std::string>* lines);

  std::string path_;
  int pid_ = -1;
  int fd_ = -1;
  int starts_ = 0;
  bool broken_ = false;  // failed twice in a row: no more attempts
  std::string buffer_;
};

// Counters for the report and the benchmarks.
struct SymbolizerStats {
  std::uint64_t queries = 0;  // addresses asked of the source
  std::uint64_t cache_hits = 0;
  std::uint64_t failures = 0;             // the source failed to answer
  std::set<std::string> unknown_modules;  // module names with no known path
};

// The cache and the rewriting, shared by all workers of a campaign. Thread-safe.
class OfflineSymbolizer {
 public:
  explicit OfflineSymbolizer(std::unique_ptr<SymbolSource> source);

  // Makes `path` the module TSan names by its file name (e.g. "libc.so.6").
  void AddModule(const std::string& path);
  // Rewrites the unsymbolized frames, global locations and summaries of TSan output (printed
  // with symbolize=0) into what the runtime prints with symbolize=1. Other lines, and frames
  // of modules with no known path, are kept as they are.
  std::string Rewrite(std::string_view text);
  SymbolizerStats stats() const;

 private:
  using Key = std::tuple<std::string, char, std::uint64_t>;  // module identity, C/D, offset
  const std::vector<CodeFrame>* CodeAt(const std::string& path, std::uint64_t offset);
  const DataSymbol* DataAt(const std::string& path, std::uint64_t offset);
  std::string Identity(const std::string& path);
  std::string PathOf(std::string_view module);

  mutable std::mutex mu_;
  std::unique_ptr<SymbolSource> source_;
  std::map<std::string, std::string, std::less<>> modules_;  // file name -> path
  std::map<std::string, std::string> identity_;              // path -> "path@mtime:size"
  std::map<Key, std::vector<CodeFrame>> code_;
  std::map<Key, DataSymbol> data_;
  SymbolizerStats stats_;
};

// The paths of the shared objects in ldd's output ("libc.so.6 => /lib/.../libc.so.6 (0x..)",
// "/lib64/ld-linux-x86-64.so.2 (0x..)"); none for a static program.
std::vector<std::string> ParseLddOutput(std::string_view text);

}  // namespace racelab
