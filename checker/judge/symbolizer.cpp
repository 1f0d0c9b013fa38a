// racelab's own symbolization of TSan reports: one llvm-symbolizer per campaign, one query
// per address, and the report rewritten as compiler-rt's PrintReport would have printed it.
#include "judge/symbolizer.hpp"

#include "run/posix_process.hpp"
#include "util/file_util.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <utility>

extern char** environ;

namespace racelab {
namespace {

using std::string_view;
constexpr std::size_t npos = string_view::npos;

// How long llvm-symbolizer may take for one address before racelab gives up on it.
constexpr int kAnswerTimeoutMs = 30000;

bool StartsWith(string_view s, string_view p) {
  return s.substr(0, p.size()) == p;
}

string_view BaseName(string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == npos ? path : path.substr(slash + 1);
}

bool ParseHex(string_view s, std::uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  *out = v;
  return true;
}

bool ParseDec(string_view s, std::uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// "file:line:col" as llvm-symbolizer prints it ("??:0:0" when unknown).
void ParseSourceLine(string_view s, CodeFrame* f) {
  std::uint64_t nums[2] = {0, 0};
  int count = 0;
  while (count < 2) {
    const std::size_t colon = s.rfind(':');
    std::uint64_t v = 0;
    if (colon == npos || !ParseDec(s.substr(colon + 1), &v)) break;
    nums[count++] = v;
    s = s.substr(0, colon);
  }
  if (count == 2) {
    f->line = static_cast<int>(nums[1]);
    f->column = static_cast<int>(nums[0]);
  } else if (count == 1) {
    f->line = static_cast<int>(nums[0]);
  }
  if (s != "??") f->file = std::string(s);
}

// sanitizer_common's %p: "0x" and at least 12 hex digits.
std::string Pointer(std::uint64_t v) {
  return fmt::format("0x{:012x}", v);
}

// One `    #N <null> <null> (module+0xOFF)[ (BuildId: X)]` line, as printed with symbolize=0.
struct RawFrame {
  std::string module;
  std::uint64_t offset = 0;
  std::string build_id;  // "" when not printed
};

bool ParseRawFrame(string_view line, RawFrame* f) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i + 1 >= line.size() || line[i] != '#') return false;
  ++i;
  const std::size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == digits) return false;
  string_view rest = line.substr(i);
  constexpr string_view kNull = " <null> <null> (";
  if (!StartsWith(rest, kNull)) return false;
  rest.remove_prefix(kNull.size());
  const std::size_t close = rest.find(')');
  if (close == npos) return false;
  const string_view group = rest.substr(0, close);
  const std::size_t plus = group.rfind("+0x");
  if (plus == npos || plus == 0 || !ParseHex(group.substr(plus + 3), &f->offset)) return false;
  f->module = std::string(group.substr(0, plus));
  rest.remove_prefix(close + 1);
  constexpr string_view kBuildId = " (BuildId: ";
  if (StartsWith(rest, kBuildId) && rest.back() == ')') {
    f->build_id = std::string(rest.substr(kBuildId.size(), rest.size() - kBuildId.size() - 1));
    return true;
  }
  return rest.empty();
}

// RenderFrame's %f: the interceptors' "__interceptor_" prefix is not shown.
std::string FunctionText(const std::string& function) {
  if (function.empty()) return "<null>";
  constexpr string_view kPrefix = "__interceptor_";
  if (StartsWith(function, kPrefix)) return function.substr(kPrefix.size());
  return function;
}

// RenderSourceLocation: "./" dropped (StripPathPrefix), line and column only when known.
std::string SourceText(const CodeFrame& f) {
  if (f.file.empty()) return "<null>";
  string_view file = f.file;
  if (StartsWith(file, "./")) file.remove_prefix(2);
  std::string s(file);
  if (f.line > 0) {
    s += fmt::format(":{}", f.line);
    if (f.column > 0) s += fmt::format(":{}", f.column);
  }
  return s;
}

// tsan_rtl_report.cpp StackStripMain: the frame below main, the runtime's thread start
// routine and the C runtime's start-up frames are not printed.
void StripMain(std::vector<CodeFrame>& frames) {
  const std::size_t n = frames.size();
  if (n < 2) return;
  const std::string& last = frames[n - 1].function;
  const std::string& last2 = frames[n - 2].function;
  if (last2 == "main" || last == "__tsan_thread_start_func" || last == "__do_global_ctors_aux" ||
      last == "__libc_csu_init" || last == "__libc_start_main")
    frames.pop_back();
}

// "Write of size 4 at 0x7b0400000010 by thread T1:" -> the address.
std::optional<std::uint64_t> AccessAddress(string_view line) {
  if (line.find(" of size ") == npos || line.find("Location is ") != npos) return std::nullopt;
  const std::size_t at = line.find(" at 0x");
  if (at == npos) return std::nullopt;
  string_view hex = line.substr(at + 6);
  hex = hex.substr(0, hex.find(' '));
  std::uint64_t v = 0;
  if (!ParseHex(hex, &v)) return std::nullopt;
  return v;
}

}  // namespace

std::string FindLlvmSymbolizer(const std::vector<std::string>& env) {
  return FindInEnvPath("llvm-symbolizer", env);
}

LlvmSymbolizerProcess::LlvmSymbolizerProcess(std::string path) : path_(std::move(path)) {}

LlvmSymbolizerProcess::~LlvmSymbolizerProcess() {
  Stop();
}

bool LlvmSymbolizerProcess::Start() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group: Ctrl-C stops the campaign, which still symbolizes what it keeps.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<std::string> args = {path_, "--inlining", "--demangle"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  char* envp[] = {nullptr};
  // Registered with the runners, whose orphan reaper would otherwise kill it.
  const int pid = SpawnOwnedHelper([&] {
    pid_t p = -1;
    return ::posix_spawn(&p, path_.c_str(), &actions, &attr, argv.data(), envp) == 0 ? p : -1;
  });
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (pid <= 0) {
    ::close(sv[0]);
    return false;
  }
  pid_ = pid;
  fd_ = sv[0];
  buffer_.clear();
  ++starts_;
  return true;
}

void LlvmSymbolizerProcess::Stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  KillOwnedHelper(pid_);
  pid_ = -1;
  buffer_.clear();
}

bool LlvmSymbolizerProcess::AskOnce(const std::string& request, std::vector<std::string>* lines) {
  if (fd_ < 0 && !Start()) return false;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  // The answer ends with an empty line.
  std::size_t end;
  while ((end = buffer_.find("\n\n")) == std::string::npos && buffer_ != "\n") {
    pollfd p{fd_, POLLIN, 0};
    const int pr = ::poll(&p, 1, kAnswerTimeoutMs);
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  if (buffer_ == "\n") end = 0;
  lines->clear();
  std::size_t pos = 0;
  while (pos < end) {
    std::size_t nl = buffer_.find('\n', pos);
    if (nl == std::string::npos || nl > end) nl = end;
    lines->push_back(buffer_.substr(pos, nl - pos));
    pos = nl + 1;
  }
  buffer_.erase(0, end + 2 > buffer_.size() ? buffer_.size() : end + 2);
  return true;
}

bool LlvmSymbolizerProcess::Ask(const std::string& request, std::vector<std::string>* lines) {
  if (broken_) return false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (AskOnce(request, lines)) return true;
    Stop();  // dead, hung or confused: a fresh one answers the next attempt
  }
  broken_ = true;
  return false;
}

bool LlvmSymbolizerProcess::Code(const std::string& module, std::uint64_t offset,
                                 std::vector<CodeFrame>* frames) {
  if (module.find_first_of("\"\n") != std::string::npos) return false;
  std::vector<std::string> lines;
  if (!Ask(fmt::format("CODE \"{}\" 0x{:x}\n", module, offset), &lines)) return false;
  frames->clear();
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    CodeFrame f;
    if (lines[i] != "??") f.function = lines[i];
    ParseSourceLine(lines[i + 1], &f);
    frames->push_back(std::move(f));
  }
  if (frames->empty()) frames->push_back(CodeFrame{});
  return true;
}

bool LlvmSymbolizerProcess::Data(const std::string& module, std::uint64_t offset,
                                 DataSymbol* symbol) {
  if (module.find_first_of("\"\n") != std::string::npos) return false;
  std::vector<std::string> lines;
  if (!Ask(fmt::format("DATA \"{}\" 0x{:x}\n", module, offset), &lines)) return false;
  *symbol = DataSymbol{};
  symbol->name = lines.empty() ? "??" : lines[0];
  if (lines.size() >= 2) {
    const std::string& l = lines[1];
    const std::size_t space = l.find(' ');
    if (space != std::string::npos) {
      ParseDec(string_view(l).substr(0, space), &symbol->start);
      ParseDec(string_view(l).substr(space + 1), &symbol->size);
    }
  }
  return true;
}

OfflineSymbolizer::OfflineSymbolizer(std::unique_ptr<SymbolSource> source)
    : source_(std::move(source)) {}

void OfflineSymbolizer::AddModule(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  modules_.emplace(std::string(BaseName(path)), path);
}

std::string OfflineSymbolizer::PathOf(string_view module) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = modules_.find(module); it != modules_.end()) return it->second;
  stats_.unknown_modules.insert(std::string(module));
  return "";
}

// Module identity for the cache: a rebuilt file at the same path is another module.
std::string OfflineSymbolizer::Identity(const std::string& path) {
  if (auto it = identity_.find(path); it != identity_.end()) return it->second;
  struct stat st {};
  std::string id = path;
  if (::stat(path.c_str(), &st) == 0)
    id +=
        fmt::format("@{}.{}:{}", static_cast<long long>(st.st_mtim.tv_sec),
                    static_cast<long long>(st.st_mtim.tv_nsec), static_cast<long long>(st.st_size));
  identity_.emplace(path, id);
  return id;
}

const std::vector<CodeFrame>* OfflineSymbolizer::CodeAt(const std::string& path,
                                                        std::uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  Key key{Identity(path), 'C', offset};
  if (auto it = code_.find(key); it != code_.end()) {
    ++stats_.cache_hits;
    return &it->second;
  }
  ++stats_.queries;
  std::vector<CodeFrame> frames;
  if (!source_ || !source_->Code(path, offset, &frames)) {
    ++stats_.failures;
    return nullptr;
  }
  return &code_.emplace(std::move(key), std::move(frames)).first->second;
}

const DataSymbol* OfflineSymbolizer::DataAt(const std::string& path, std::uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  Key key{Identity(path), 'D', offset};
  if (auto it = data_.find(key); it != data_.end()) {
    ++stats_.cache_hits;
    return &it->second;
  }
  ++stats_.queries;
  DataSymbol sym;
  if (!source_ || !source_->Data(path, offset, &sym)) {
    ++stats_.failures;
    return nullptr;
  }
  return &data_.emplace(std::move(key), std::move(sym)).first->second;
}

SymbolizerStats OfflineSymbolizer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

std::string OfflineSymbolizer::Rewrite(string_view text) {
  // Cheap exit for the common case: a clean run has no unsymbolized frame.
  if (text.find("<null> <null> (") == npos && text.find("global '<null>'") == npos &&
      text.find("SUMMARY: ThreadSanitizer: ") == npos)
    return std::string(text);

  // Summaries name their module by its full path: learn it before the frames need it.
  for (std::size_t pos = text.find("SUMMARY: ThreadSanitizer: "); pos != npos;
       pos = text.find("SUMMARY: ThreadSanitizer: ", pos + 1)) {
    string_view line = text.substr(pos, text.find('\n', pos) - pos);
    const std::size_t open = line.find(" (/");
    const std::size_t plus = line.find("+0x", open);
    if (open != npos && plus != npos)
      AddModule(std::string(line.substr(open + 2, plus - open - 2)));
  }

  std::string out;
  out.reserve(text.size() * 2);
  bool in_warning = false;
  std::optional<std::uint64_t> addr_min;
  struct Pending {
    std::string raw;  // the line as printed
    RawFrame frame;
    bool parsed = false;
  };
  std::vector<Pending> stack;

  auto flush = [&] {
    if (stack.empty()) return;
    // Each printed frame expands into its inlined frames; then the stack is renumbered.
    struct Out {
      CodeFrame code;
      const Pending* from;
      bool first_of_group;
      bool raw;
    };
    std::vector<Out> frames;
    bool symbolized = false;
    for (const Pending& p : stack) {
      const std::string path = p.parsed ? PathOf(p.frame.module) : "";
      const std::vector<CodeFrame>* code = path.empty() ? nullptr : CodeAt(path, p.frame.offset);
      if (code == nullptr) {
        frames.push_back({CodeFrame{}, &p, true, true});
        continue;
      }
      symbolized = true;
      for (std::size_t k = 0; k < code->size(); ++k)
        frames.push_back({(*code)[k], &p, k == 0, false});
    }
    if (!symbolized) {
      for (const Pending& p : stack) out += p.raw + '\n';
      stack.clear();
      return;
    }
    if (in_warning) {
      std::vector<CodeFrame> codes;
      for (const Out& o : frames) codes.push_back(o.code);
      StripMain(codes);
      frames.resize(codes.size());
    }
    for (std::size_t n = 0; n < frames.size(); ++n) {
      const Out& o = frames[n];
      if (o.raw && !o.from->parsed) {
        out += o.from->raw + '\n';
        continue;
      }
      const RawFrame& rf = o.from->frame;
      out += fmt::format("    #{} {} {} ({}+0x{:x})", n,
                         o.raw ? "<null>" : FunctionText(o.code.function),
                         o.raw ? "<null>" : SourceText(o.code), rf.module, rf.offset);
      if (o.first_of_group && !rf.build_id.empty())
        out += fmt::format(" (BuildId: {})", rf.build_id);
      out += '\n';
    }
    stack.clear();
  };

  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    const bool last_piece = nl == npos;
    if (last_piece) nl = text.size();
    const string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;

    Pending p;
    p.parsed = ParseRawFrame(line, &p.frame);
    if (p.parsed ||
        (line.size() > 5 && StartsWith(line, "    #") && line[5] >= '0' && line[5] <= '9')) {
      p.raw = std::string(line);
      stack.push_back(std::move(p));
      if (last_piece) flush();
      continue;
    }
    flush();
    std::string replaced;
    if (line.find("WARNING: ThreadSanitizer: ") != npos) {
      in_warning = true;
      addr_min.reset();
    } else if (in_warning && line == "==================") {
      in_warning = false;
    } else if (in_warning) {
      if (auto a = AccessAddress(line)) addr_min = addr_min ? std::min(*addr_min, *a) : *a;
      constexpr string_view kGlobal = "  Location is global '<null>' at 0x000000000000 (";
      if (StartsWith(line, kGlobal) && line.back() == ')') {
        const string_view group = line.substr(kGlobal.size(), line.size() - kGlobal.size() - 1);
        const std::size_t plus = group.rfind("+0x");
        std::uint64_t off = 0;
        if (plus != npos && ParseHex(group.substr(plus + 3), &off)) {
          const std::string path = PathOf(group.substr(0, plus));
          if (const DataSymbol* d = path.empty() ? nullptr : DataAt(path, off)) {
            // The runtime prints the global's address: the queried address (the lowest
            // access of the report) moved back to the symbol's start.
            const std::uint64_t start = addr_min ? *addr_min - off + d->start : 0;
            replaced = d->size != 0 ? fmt::format("  Location is global '{}' of size {} at {} ({})",
                                                  d->name, d->size, Pointer(start), group)
                                    : fmt::format("  Location is global '{}' at {} ({})", d->name,
                                                  Pointer(start), group);
          }
        }
      }
    }
    if (replaced.empty() && StartsWith(line, "SUMMARY: ThreadSanitizer: ")) {
      // "%L %F": the source location when known, else the module, then "in function".
      const std::size_t open = line.find(" (/");
      const std::size_t plus = open == npos ? npos : line.find("+0x", open);
      const std::size_t close = plus == npos ? npos : line.find(')', plus);
      std::uint64_t off = 0;
      if (close != npos && ParseHex(line.substr(plus + 3, close - plus - 3), &off)) {
        const std::string path(line.substr(open + 2, plus - open - 2));
        if (const std::vector<CodeFrame>* code = CodeAt(path, off); code && !code->empty()) {
          const CodeFrame& f = code->front();
          string_view module_part = line.substr(open + 1);
          while (!module_part.empty() && module_part.back() == ' ') module_part.remove_suffix(1);
          replaced = std::string(line.substr(0, open + 1));
          replaced += f.file.empty() ? std::string(module_part) : SourceText(f);
          replaced += ' ';
          if (!f.function.empty()) replaced += "in " + FunctionText(f.function);
        }
      }
    }
    out += replaced.empty() ? std::string(line) : replaced;
    if (!last_piece) out += '\n';
  }
  flush();
  // Frames are written with their newline; the text's last line may have had none.
  if (text.back() != '\n' && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::vector<std::string> ParseLddOutput(string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == npos) nl = text.size();
    string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    const std::size_t arrow = line.find(" => ");
    string_view path = arrow == npos ? line : line.substr(arrow + 4);
    while (!path.empty() && (path.front() == ' ' || path.front() == '\t')) path.remove_prefix(1);
    if (!StartsWith(path, "/")) continue;
    const std::size_t paren = path.find(" (0x");
    if (paren != npos) path = path.substr(0, paren);
    out.emplace_back(path);
  }
  return out;
}

}  // namespace racelab
