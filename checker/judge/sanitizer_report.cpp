// ThreadSanitizer report parsing: one linear pass over a child's stderr, no regex.
// One file on purpose, past the usual ~500 lines: the scanner is one state machine over lines,
// and its helpers (markers, frame and location parsing, cleaning) serve it alone; apart, they
// would share this private vocabulary through a header no other room should see.
#include "judge/sanitizer_report.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "util/number.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

using std::string_view;
constexpr std::size_t npos = string_view::npos;

// What the runtimes print around a report (compiler-rt tsan_report.cpp PrintReport,
// sanitizer_common's ReportDeadlySignal / CheckFailed / ReportMmapFailureAndDie).
constexpr string_view kSeparator = "==================";
constexpr string_view kSanitizer = "Sanitizer";

// Bounds against pathological input: a report that never closes and swallows megabytes of
// frame-like noise must not cost more than this.
constexpr std::size_t kMaxReportText = std::size_t{256} * 1024;
constexpr std::size_t kMaxFramesPerReport = 1024;

// Functions that are never the program's own, whatever file they claim.
constexpr string_view kForeignFunctionPrefixes[] = {
    "__tsan",  "__interceptor_", "__sanitizer", "__interception", "__asan",
    "__ubsan", "__lsan",         "std::",       "__gnu_cxx::",    "__cxxabiv1::",
    "__cxa_",  "__gthread_",     "__libc_",     "__pthread_",
};

bool StartsWith(string_view s, string_view p) {
  return s.substr(0, p.size()) == p;
}
bool EndsWith(string_view s, string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool Contains(string_view s, string_view p) {
  return s.find(p) != npos;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

string_view TrimLeft(string_view s) {
  std::size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  return s.substr(i);
}
string_view TrimRight(string_view s) {
  std::size_t n = s.size();
  while (n > 0 && (IsSpace(s[n - 1]) || s[n - 1] == '\r')) --n;
  return s.substr(0, n);
}
string_view Trim(string_view s) {
  return TrimRight(TrimLeft(s));
}

// A decimal number of at most 9 digits filling all of s.
bool ParseSmallInt(string_view s, int* out) {
  if (s.size() > 9) return false;
  const auto v = ParseWholeNumber(s);
  if (v) *out = static_cast<int>(*v);
  return v.has_value();
}

// Appends s as valid UTF-8 for display and JSON: CR and ANSI colour sequences dropped,
// other control characters (except newline and tab) and invalid bytes as U+FFFD.
void AppendClean(std::string& out, string_view s) {
  constexpr string_view kReplacement = "\xEF\xBF\xBD";
  // Printable ASCII, newline and tab: kept as they are, appended a run at a time.
  auto plain = [](unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t'; };
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == 0x1b) {  // ESC [ params final-byte
        ++i;
        if (i < s.size() && s[i] == '[') {
          ++i;
          while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7e)) ++i;
          if (i < s.size()) ++i;
        }
        continue;
      }
      if (c == '\r') {
      } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const std::size_t len = ValidUtf8Length(s.substr(i));
    if (len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
}

std::string Clean(string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendClean(out, s);
  return out;
}

// The line without colour sequences, for recognising markers in `color=always` output.
string_view StripColour(string_view line, std::string& scratch) {
  if (line.find('\x1b') == npos) return line;
  scratch.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '\x1b') {
      ++i;
      if (i < line.size() && line[i] == '[') {
        ++i;
        while (i < line.size() && !(line[i] >= 0x40 && line[i] <= 0x7e)) ++i;
        if (i < line.size()) ++i;
      }
      continue;
    }
    scratch += line[i++];
  }
  return scratch;
}

// "==1234==ERROR: ..." -> "ERROR: ..." (the prefix of sanitizer_common's Report()).
string_view StripPidPrefix(string_view s) {
  if (!StartsWith(s, "==")) return s;
  std::size_t i = 2;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i > 2 && s.substr(i, 2) == "==") return s.substr(i + 2);
  return s;
}

// "data race (pid=123)" -> "data race".
string_view StripPid(string_view kind) {
  kind = TrimRight(kind);
  if (!EndsWith(kind, ")")) return kind;
  const std::size_t open = kind.rfind(" (pid=");
  if (open == npos) return kind;
  int pid = 0;
  if (!ParseSmallInt(kind.substr(open + 6, kind.size() - open - 7), &pid)) return kind;
  return TrimRight(kind.substr(0, open));
}

// "use of an invalid mutex (e.g. uninitialized or destroyed)" -> "use of an invalid mutex".
string_view StripParentheticals(string_view s) {
  s = TrimRight(s);
  while (EndsWith(s, ")")) {
    const std::size_t open = s.rfind(" (");
    if (open == npos) break;
    s = TrimRight(s.substr(0, open));
  }
  return s;
}

std::string ScrubHex(string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '0' && i + 2 < s.size() && s[i + 1] == 'x' &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += "0x?";
      i += 2;
      while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
    } else {
      out += s[i++];
    }
  }
  return out;
}

string_view BaseName(string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == npos ? path : path.substr(slash + 1);
}

// The '(' matching the final ')' of s, or npos.
std::size_t FinalGroupOpen(string_view s) {
  int depth = 0;
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == ')') ++depth;
    if (s[i] == '(' && --depth == 0) return i;
  }
  return npos;
}

// Is this last token of an ASan-style frame ("#0 0x... in f file:1") a source location?
bool LooksLikeLocation(string_view tok) {
  if (tok == "<null>" || Contains(tok, "/")) return true;
  if (Contains(tok, "(")) return false;
  return Contains(tok, ".");
}

// "file:line:col", "file:line", "file" or "<null>".
void ParseLocation(string_view loc, StackFrame* f) {
  if (loc == "<null>") return;
  int numbers[2] = {0, 0};
  int count = 0;
  while (count < 2) {
    const std::size_t colon = loc.rfind(':');
    int v = 0;
    if (colon == npos || !ParseSmallInt(loc.substr(colon + 1), &v)) break;
    numbers[count++] = v;
    loc = loc.substr(0, colon);
  }
  if (count == 2) {
    f->line = numbers[1];
    f->column = numbers[0];
  } else if (count == 1) {
    f->line = numbers[0];
  }
  f->file = NormalizePath(Clean(loc));
}

// One frame line in TSan's "    #%n %f %S %M" format, or ASan's "#0 0x... in f file:l:c (m+0x..)".
bool ParseFrame(string_view line, StackFrame* f) {
  string_view s = TrimLeft(line);
  if (s.size() < 2 || s[0] != '#' || !IsDigit(s[1])) return false;
  std::size_t i = 1;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (!ParseSmallInt(s.substr(1, i - 1), &f->index)) return false;
  if (i < s.size() && !IsSpace(s[i])) return false;
  string_view rest = Trim(s.substr(i));

  // Trailing "(module+0xoffset)", possibly followed by "(BuildId: ...)".
  for (int k = 0; k < 2 && EndsWith(rest, ")"); ++k) {
    const std::size_t open = FinalGroupOpen(rest);
    if (open == npos || (open > 0 && !IsSpace(rest[open - 1]))) break;
    const string_view group = rest.substr(open + 1, rest.size() - open - 2);
    if (StartsWith(group, "BuildId: ")) {
      rest = TrimRight(rest.substr(0, open));
      continue;
    }
    const std::size_t plus = group.rfind("+0x");
    if (plus != npos) {
      f->module = Clean(group.substr(0, plus));
      rest = TrimRight(rest.substr(0, open));
    } else if (group == "<unknown module>") {
      rest = TrimRight(rest.substr(0, open));
    }
    break;
  }

  bool asan_style = false;
  if (StartsWith(rest, "0x")) {  // ASan's "%p": the pc, then "in <function>"
    asan_style = true;
    std::size_t e = 2;
    while (e < rest.size() && !IsSpace(rest[e])) ++e;
    rest = TrimLeft(rest.substr(e));
    if (StartsWith(rest, "in ")) rest = TrimLeft(rest.substr(3));
  }

  string_view function = rest;
  string_view location;
  const std::size_t space = rest.rfind(' ');
  if (space != npos) {
    const string_view last = rest.substr(space + 1);
    if (!asan_style || LooksLikeLocation(last)) {
      location = last;
      function = TrimRight(rest.substr(0, space));
    }
  } else if (asan_style && LooksLikeLocation(rest)) {
    location = rest;
    function = {};
  }
  if (function != "<null>") f->function = Clean(function);
  if (!location.empty()) ParseLocation(location, f);
  return true;
}

StackRole RoleOf(string_view title) {
  string_view t = title;
  if (t == "and" || StartsWith(t, "Signal ")) return StackRole::kReport;
  if (StartsWith(t, "Previous ")) t.remove_prefix(9);
  if (StartsWith(t, "Read of size") || StartsWith(t, "Write of size") ||
      StartsWith(t, "read of size") || StartsWith(t, "write of size") || StartsWith(t, "Atomic ") ||
      StartsWith(t, "atomic ") || StartsWith(t, "Modifying access") ||
      StartsWith(t, "modifying access") || StartsWith(t, "Read-only access") ||
      StartsWith(t, "read-only access"))
    return StackRole::kAccess;
  if (StartsWith(t, "Mutex ")) {
    if (Contains(t, " acquired here while holding mutex ")) return StackRole::kLockAcquired;
    if (Contains(t, " previously acquired by the same thread")) return StackRole::kLockHeld;
    if (EndsWith(t, "created at")) return StackRole::kMutexCreated;
  }
  if (StartsWith(t, "Thread ") && Contains(t, " created by ")) return StackRole::kThreadCreated;
  if (StartsWith(t, "Location is ")) return StackRole::kLocation;
  return StackRole::kOther;
}

// What a line containing "Sanitizer" announces.
struct Marker {
  enum Type { kNone, kWarning, kDeadlyLine, kDeadlyError, kFatal, kReportedCount };
  Type type = kNone;
  string_view kind;  // kWarning: the report kind; kDeadlyError: the signal's name
  int count = 0;     // kReportedCount
};

Marker FindMarker(string_view line) {
  for (std::size_t pos = line.find(kSanitizer); pos != npos;
       pos = line.find(kSanitizer, pos + kSanitizer.size())) {
    std::size_t tool_begin = pos;
    while (tool_begin > 0 && IsAlpha(line[tool_begin - 1])) --tool_begin;
    const std::size_t tool_end = pos + kSanitizer.size();
    const string_view tool = line.substr(tool_begin, tool_end - tool_begin);
    const string_view before = line.substr(0, tool_begin);
    const string_view after = line.substr(tool_end);
    const bool tsan = tool == "ThreadSanitizer";

    if (StartsWith(after, ":DEADLYSIGNAL")) return {Marker::kDeadlyLine, {}, 0};
    if (tsan && EndsWith(before, "WARNING: ") && StartsWith(after, ": "))
      return {Marker::kWarning, StripPid(after.substr(2)), 0};
    if (EndsWith(before, "ERROR: ") && StartsWith(after, ": ")) {
      const string_view d = after.substr(2);
      const std::size_t on = d.find(" on unknown address");
      if (on != npos) return {Marker::kDeadlyError, Trim(d.substr(0, on)), 0};
      if (StartsWith(d, "stack-overflow on address"))
        return {Marker::kDeadlyError, "stack-overflow", 0};
      // The runtime's own errors (allocator limits, RSS limit) abort the run. Other
      // sanitizers' findings (ASan, LeakSanitizer) are no class of the contract.
      if (tsan) return {Marker::kFatal, {}, 0};
    }
    if (EndsWith(before, "ERROR: ") && StartsWith(after, " failed to "))
      return {Marker::kFatal, {}, 0};
    if (EndsWith(before, "FATAL: ") || EndsWith(before, "FATAL: Internal error: "))
      return {Marker::kFatal, {}, 0};
    if (StartsWith(after, ": CHECK failed") || StartsWith(after, " CHECK failed") ||
        StartsWith(after, ": Thread limit") || StartsWith(after, ": nested bug"))
      return {Marker::kFatal, {}, 0};
    if (tsan && StartsWith(after, ": reported ")) {
      const string_view n = after.substr(11);
      std::size_t d = 0;
      while (d < n.size() && IsDigit(n[d])) ++d;
      int count = 0;
      if (ParseSmallInt(n.substr(0, d), &count) && StartsWith(n.substr(d), " warning"))
        return {Marker::kReportedCount, {}, count};
    }
  }
  return {};
}

class Scanner {
 public:
  Scanner(string_view in, const SanitizerOptions& opts) : in_(in), opts_(opts) {
    root_ = NormalizePath(opts.source_root);
    if (root_ == "/") root_.clear();
  }

  SanitizerScan Run() {
    std::size_t pos = 0;
    while (pos < in_.size()) {
      const std::size_t nl = in_.find('\n', pos);
      const std::size_t end = nl == npos ? in_.size() : nl;
      OnLine(pos, end);
      ++line_no_;
      pos = nl == npos ? in_.size() : nl + 1;
    }
    if (open_) Finish(in_.size(), /*truncated=*/true);
    return std::move(scan_);
  }

 private:
  void OnLine(std::size_t begin, std::size_t end) {
    string_view line = StripColour(in_.substr(begin, end - begin), scratch_);
    line = TrimRight(line);

    if (EndsWith(line, kSeparator)) {
      // The closing line of the open report, unless it opens the next one: then the open
      // report was cut short (the runtime died mid-report, or output was lost).
      if (open_ && !crash_block_ && !NextLineIsWarning(end)) {
        Finish(end, /*truncated=*/false);
        return;
      }
      if (open_) Finish(begin, /*truncated=*/!crash_block_);
      separator_line_ = line_no_;
      separator_begin_ = begin;
      return;
    }

    const Marker m = line.find(kSanitizer) == npos ? Marker{} : FindMarker(line);
    switch (m.type) {
      case Marker::kNone: break;
      case Marker::kWarning: {
        if (open_) Finish(begin, /*truncated=*/true);
        const bool after_separator = line_no_ > 0 && separator_line_ == line_no_ - 1;
        Start(after_separator ? separator_begin_ : begin, m.kind, ClassifyTsanKind(m.kind),
              /*crash=*/false);
        return;
      }
      case Marker::kDeadlyLine:
        if (open_) Finish(begin, /*truncated=*/true);
        MarkCrash();
        deadly_line_ = line_no_;
        deadly_begin_ = begin;
        return;
      case Marker::kDeadlyError: {
        if (open_) Finish(begin, /*truncated=*/true);
        MarkCrash();
        const bool after_deadly = line_no_ > 0 && deadly_line_ == line_no_ - 1;
        Start(after_deadly ? deadly_begin_ : begin, m.kind, FailureClass::kCrash,
              /*crash=*/true);
        return;
      }
      case Marker::kFatal:
        if (open_) Finish(begin, /*truncated=*/true);
        if (!scan_.fatal) scan_.fatal_message = Clean(Trim(StripPidPrefix(Trim(line))));
        scan_.fatal = true;
        scan_.classes.Add(FailureClass::kSanitizerFatal);
        return;
      case Marker::kReportedCount:
        if (open_) Finish(begin, /*truncated=*/true);
        scan_.reported_warnings = m.count;
        return;
    }
    if (open_) OnBodyLine(line, end);
  }

  bool NextLineIsWarning(std::size_t end) const {
    if (end >= in_.size()) return false;
    string_view next = in_.substr(end + 1);
    next = next.substr(0, next.find('\n'));
    return Contains(next, "WARNING: ThreadSanitizer: ");
  }

  void MarkCrash() {
    scan_.deadly_signal = true;
    scan_.classes.Add(FailureClass::kCrash);
  }

  void Start(std::size_t text_begin, string_view kind, FailureClass cls, bool crash) {
    open_ = true;
    crash_block_ = crash;
    text_begin_ = text_begin;
    has_title_ = false;
    frames_ = 0;
    rep_ = SanitizerReport{};
    rep_.kind = Clean(kind);
    rep_.cls = cls;
  }

  void OnBodyLine(string_view line, std::size_t end) {
    StackFrame f;
    if (ParseFrame(line, &f)) {
      if (frames_ >= kMaxFramesPerReport) return;
      ++frames_;
      // A frame continues the stack whose next index it is, even when program output
      // landed in between; a header, or a #0, opens a new one.
      if (has_title_ || rep_.stacks.empty() || rep_.stacks.back().frames.empty() ||
          f.index != rep_.stacks.back().frames.back().index + 1)
        OpenStack();
      rep_.stacks.back().frames.push_back(std::move(f));
      return;
    }
    const string_view t = Trim(line);
    if (t.empty()) return;
    if (t == "[failed to restore the stack]") {
      OpenStack();
      return;
    }
    // A header is indented (the runtime prints "  Write of size ...:"), which keeps a
    // program's own "Result:" from posing as one. It waits for its first frame across
    // other lines (program output may land in between); only the next header replaces it.
    if (t.back() == ':' && IsSpace(line.front())) {
      title_.assign(t.substr(0, t.size() - 1));
      has_title_ = true;
      return;
    }
    if (crash_block_ && StartsWith(t, "SUMMARY: ")) Finish(end, /*truncated=*/false);
  }

  void OpenStack() {
    ReportStack s;
    if (has_title_) {
      s.title = Clean(title_);
      s.role = RoleOf(title_);
    }
    has_title_ = false;
    rep_.stacks.push_back(std::move(s));
  }

  void Finish(std::size_t text_end, bool truncated) {
    open_ = false;
    rep_.truncated = truncated;
    string_view text = in_.substr(text_begin_, text_end - text_begin_);
    const bool cut = text.size() > kMaxReportText;
    if (cut) text = text.substr(0, kMaxReportText);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || IsSpace(text.back())))
      text.remove_suffix(1);
    rep_.text = Clean(text);
    if (cut) rep_.text += "\n[... report text cut at 256 KiB]";
    Summarise(rep_);
    scan_.classes.Add(rep_.cls);
    scan_.reports.push_back(std::move(rep_));
    rep_ = SanitizerReport{};
  }

  // The signature and location of a finished report (rules in sanitizer_report.hpp).
  void Summarise(SanitizerReport& r) const {
    struct Keyed {
      std::string key;
      const StackFrame* own;
    };
    // TSan's ChooseSummaryStack order: accesses, then stacks, then mutexes, then threads.
    // Lock-order edges come first among "stacks": they exist with and without
    // second_deadlock_stack, the held-lock stacks only with it.
    static constexpr StackRole kPreference[] = {
        StackRole::kAccess,        StackRole::kLockAcquired, StackRole::kReport,
        StackRole::kThreadCreated, StackRole::kMutexCreated, StackRole::kLocation,
        StackRole::kLockHeld,      StackRole::kOther,
    };
    std::vector<Keyed> keyed;
    for (StackRole role : kPreference) {
      for (const ReportStack& s : r.stacks) {
        if (s.role != role) continue;
        const StackFrame* own = nullptr;
        for (const StackFrame& f : s.frames) {
          if (IsOwnFrame(f, opts_)) {
            own = &f;
            break;
          }
        }
        // Access kinds (read/write/atomic) stay out of the key: `x = x + 1` racing with
        // itself is reported as read/write in one run and write/write in the next.
        std::string key = own ? FrameKey(*own) : FallbackKey(s);
        keyed.push_back({std::move(key), own});
      }
      if (keyed.empty()) continue;
      if (role == StackRole::kAccess || role == StackRole::kLockAcquired)
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
      break;
    }

    std::string sig = r.kind;
    for (const Keyed& k : keyed) {
      sig += " | ";
      sig += k.key;
    }
    r.signature = Clean(sig);

    const StackFrame* at = nullptr;
    for (const Keyed& k : keyed) {
      if (k.own) {
        at = k.own;
        break;
      }
    }
    for (std::size_t i = 0; !at && i < r.stacks.size(); ++i)
      for (const StackFrame& f : r.stacks[i].frames)
        if (IsOwnFrame(f, opts_)) {
          at = &f;
          break;
        }
    if (at) r.location = Location(*at);
  }

  static std::string FrameKey(const StackFrame& f) {
    std::string k = ScrubHex(f.function.empty() ? string_view("?") : string_view(f.function));
    k += ' ';
    k += BaseName(f.file);
    if (f.line > 0) {
      k += ':';
      k += std::to_string(f.line);
    }
    return k;
  }

  // A stack without own frames (no debug info, or all in libraries): its innermost
  // named frame outside the runtime and system libraries, else "?".
  std::string FallbackKey(const ReportStack& s) const {
    for (const StackFrame& f : s.frames) {
      if (f.function.empty() || IsForeignModule(f) || IsForeignFunction(f)) continue;
      return ScrubHex(f.function);
    }
    return "?";
  }

  bool IsForeignModule(const StackFrame& f) const {
    if (f.module.empty()) return false;
    for (const std::string& m : opts_.foreign_module_markers)
      if (!m.empty() && Contains(f.module, m)) return true;
    return false;
  }

  static bool IsForeignFunction(const StackFrame& f) {
    for (string_view p : kForeignFunctionPrefixes)
      if (StartsWith(f.function, p)) return true;
    return false;
  }

  std::string Location(const StackFrame& f) const {
    string_view path = f.file;
    if (!root_.empty() && path.size() > root_.size() && StartsWith(path, root_) &&
        path[root_.size()] == '/')
      path.remove_prefix(root_.size() + 1);
    std::string loc(path);
    if (f.line > 0) {
      loc += ':';
      loc += std::to_string(f.line);
    }
    return loc;
  }

  string_view in_;
  const SanitizerOptions& opts_;
  std::string root_;
  SanitizerScan scan_;
  std::string scratch_;
  std::size_t line_no_ = 0;
  // The last separator and "XSanitizer:DEADLYSIGNAL" lines: a report's text starts there
  // when its first line follows directly.
  std::size_t separator_line_ = npos, separator_begin_ = 0;
  std::size_t deadly_line_ = npos, deadly_begin_ = 0;
  // The open report.
  bool open_ = false;
  bool crash_block_ = false;
  std::size_t text_begin_ = 0;
  SanitizerReport rep_;
  std::size_t frames_ = 0;
  bool has_title_ = false;
  std::string title_;  // the header line waiting for its first frame
};

}  // namespace

std::vector<std::string> DefaultForeignPathMarkers() {
  return {
      "/usr/include/",        // libc and libstdc++ headers (std::thread::_State_impl, __invoke)
      "/usr/lib/",            // toolchain-private headers, e.g. /usr/lib/llvm-14/include/c++
      "/usr/local/include/",  // third-party headers
      "/include/c++/",        // libstdc++/libc++ headers of any toolchain prefix
      "/usr/src/",            // distribution sources
      "/libsanitizer/",       // gcc's sanitizer runtime (../../../../src/libsanitizer/tsan/...)
      "/compiler-rt/",        // LLVM's sanitizer runtime
      "/sanitizer_common/",   // either runtime
      "/variants/support/",   // racelab's specimen support library (fuzz points, timing)
      "/include/racelab/",    // its public headers, in the source tree or installed
  };
}

std::vector<std::string> DefaultForeignModuleMarkers() {
  return {
      "libtsan", "libasan",  "libubsan",   "libclang_rt.", "libstdc++", "libc++",   "libc.so",
      "libm.so", "libgcc_s", "libpthread", "libdl.so",     "librt.so",  "ld-linux", "[vdso]",
  };
}

const std::vector<TsanKind>& KnownTsanKinds() {
  // In ReportType order (compiler-rt lib/tsan/rtl/tsan_report.h); the texts are
  // ReportTypeString's, identical in LLVM 14 and gcc 12's libsanitizer.
  static const std::vector<TsanKind> kKinds = {
      {"data race", "ReportTypeRace", FailureClass::kDataRace},
      {"data race on vptr (ctor/dtor vs virtual call)", "ReportTypeVptrRace",
       FailureClass::kDataRace},
      {"heap-use-after-free", "ReportTypeUseAfterFree", FailureClass::kUseAfterFree},
      {"heap-use-after-free (virtual call vs free)", "ReportTypeVptrUseAfterFree",
       FailureClass::kUseAfterFree},
      {"race on external object", "ReportTypeExternalRace", FailureClass::kDataRace},
      {"thread leak", "ReportTypeThreadLeak", FailureClass::kThreadLeak},
      {"destroy of a locked mutex", "ReportTypeMutexDestroyLocked", FailureClass::kMutexMisuse},
      {"double lock of a mutex", "ReportTypeMutexDoubleLock", FailureClass::kMutexMisuse},
      {"use of an invalid mutex (e.g. uninitialized or destroyed)", "ReportTypeMutexInvalidAccess",
       FailureClass::kMutexMisuse},
      {"unlock of an unlocked mutex (or by a wrong thread)", "ReportTypeMutexBadUnlock",
       FailureClass::kMutexMisuse},
      {"read lock of a write locked mutex", "ReportTypeMutexBadReadLock",
       FailureClass::kMutexMisuse},
      {"read unlock of a write locked mutex", "ReportTypeMutexBadReadUnlock",
       FailureClass::kMutexMisuse},
      {"signal-unsafe call inside of a signal", "ReportTypeSignalUnsafe",
       FailureClass::kSignalUnsafe},
      {"signal handler spoils errno", "ReportTypeErrnoInSignal", FailureClass::kSignalUnsafe},
      {"lock-order-inversion (potential deadlock)", "ReportTypeDeadlock",
       FailureClass::kLockOrderInversion},
      // Added after LLVM 14 (__tsan_check_no_mutexes_held); absent from gcc 12.
      {"mutex held in the wrong context", "ReportTypeMutexHeldWrongContext",
       FailureClass::kMutexMisuse},
      // Variant wording of the same report seen in descriptions of it.
      {"mutex held in a wrong context", "ReportTypeMutexHeldWrongContext",
       FailureClass::kMutexMisuse},
      // ReportTypeExternalRace prints the header its library registered
      // (__tsan_external_register_header); the Swift runtime registers this one.
      {"Swift access race", "ReportTypeExternalRace", FailureClass::kDataRace},
  };
  return kKinds;
}

FailureClass ClassifyTsanKind(std::string_view kind) {
  kind = Trim(kind);
  const auto& kinds = KnownTsanKinds();
  for (const TsanKind& k : kinds)
    if (k.text == kind) return k.cls;
  const string_view bare = StripParentheticals(kind);
  for (const TsanKind& k : kinds)
    if (StripParentheticals(k.text) == bare) return k.cls;
  if (StartsWith(bare, "race on ") || EndsWith(bare, " race")) return FailureClass::kDataRace;
  return FailureClass::kSanitizerOther;
}

bool IsOwnFrame(const StackFrame& f, const SanitizerOptions& opts) {
  if (f.file.empty()) return false;
  for (const std::string& m : opts.foreign_path_markers)
    if (!m.empty() && Contains(f.file, m)) return false;
  if (!f.module.empty())
    for (const std::string& m : opts.foreign_module_markers)
      if (!m.empty() && Contains(f.module, m)) return false;
  for (string_view p : kForeignFunctionPrefixes)
    if (StartsWith(f.function, p)) return false;
  return true;
}

std::string NormalizePath(std::string_view path) {
  const bool absolute = StartsWith(path, "/");
  std::vector<string_view> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == npos) slash = path.size();
    const string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (absolute) continue;  // "/.." is "/"
    }
    parts.push_back(part);
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out.append(parts[i]);
  }
  if (out.empty() && !path.empty()) out = ".";
  return out;
}

SanitizerScan ScanSanitizerOutput(std::string_view stderr_text, const SanitizerOptions& opts) {
  return Scanner(stderr_text, opts).Run();
}

}  // namespace racelab
