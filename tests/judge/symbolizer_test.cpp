// The offline symbolizer against a fake symbol source: rewriting, caching, StackStripMain,
// globals, summaries, modules it cannot resolve, and a dying llvm-symbolizer.
#include "judge/symbolizer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "judge/sanitizer_report.hpp"
#include "run/offline_symbols.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

class TableSource : public SymbolSource {
 public:
  std::map<std::pair<std::string, std::uint64_t>, std::vector<CodeFrame>> code;
  std::map<std::pair<std::string, std::uint64_t>, DataSymbol> data;
  int code_queries = 0;
  int data_queries = 0;
  bool fail = false;

  bool Code(const std::string& module, std::uint64_t offset,
            std::vector<CodeFrame>* frames) override {
    ++code_queries;
    if (fail) return false;
    auto it = code.find({module, offset});
    *frames = it == code.end() ? std::vector<CodeFrame>{CodeFrame{}} : it->second;
    return true;
  }
  bool Data(const std::string& module, std::uint64_t offset, DataSymbol* symbol) override {
    ++data_queries;
    if (fail) return false;
    auto it = data.find({module, offset});
    *symbol = it == data.end() ? DataSymbol{"??", 0, 0} : it->second;
    return true;
  }
};

constexpr const char* kUnsymbolized =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=10)\n"
    "  Write of size 4 at 0x5600000016a8 by thread T2:\n"
    "    #0 <null> <null> (prog+0x100) (BuildId: abc)\n"
    "    #1 <null> <null> (prog+0x200) (BuildId: abc)\n"
    "    #2 <null> <null> (libstdc++.so.6+0xd44a2) (BuildId: def)\n"
    "\n"
    "  Previous write of size 4 at 0x5600000016a8 by main thread:\n"
    "    #0 <null> <null> (prog+0x100) (BuildId: abc)\n"
    "    #1 <null> <null> (prog+0x300) (BuildId: abc)\n"
    "    #2 <null> <null> (libc.so.6+0x27249) (BuildId: 999)\n"
    "\n"
    "  Location is global '<null>' at 0x000000000000 (prog+0x16a8)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race (/bin/dir/prog+0x100) (BuildId: abc) \n"
    "==================\n";

std::unique_ptr<TableSource> ProgTable() {
  auto t = std::make_unique<TableSource>();
  t->code[{"/bin/dir/prog", 0x100}] = {{"Store(int)", "/src/a.cpp", 11, 10}};
  t->code[{"/bin/dir/prog", 0x200}] = {{"Inner()", "./src/a.h", 5, 3},
                                       {"Worker()", "/src/a.cpp", 15, 0}};
  t->code[{"/bin/dir/prog", 0x300}] = {{"main", "/src/a.cpp", 20, 7}};
  t->code[{"/lib/libc.so.6", 0x27249}] = {{"__libc_start_call_main", "csu/x.h", 58, 16}};
  t->data[{"/bin/dir/prog", 0x16a8}] = {"g_last", 0x16a0, 16};
  return t;
}

TEST(OfflineSymbolizer, RewritesFramesAsTheRuntimePrintsThem) {
  OfflineSymbolizer s(ProgTable());
  s.AddModule("/lib/libc.so.6");
  const std::string out = s.Rewrite(kUnsymbolized);
  // Inlined frames expand and renumber; BuildId only on the first of a group; "./" dropped.
  EXPECT_NE(out.find("    #0 Store(int) /src/a.cpp:11:10 (prog+0x100) (BuildId: abc)\n"
                     "    #1 Inner() src/a.h:5:3 (prog+0x200) (BuildId: abc)\n"
                     "    #2 Worker() /src/a.cpp:15 (prog+0x200)\n"
                     "    #3 <null> <null> (libstdc++.so.6+0xd44a2) (BuildId: def)\n"),
            std::string::npos)
      << out;
  // The frame below main is not printed (StackStripMain).
  EXPECT_NE(out.find("    #1 main /src/a.cpp:20:7 (prog+0x300) (BuildId: abc)\n\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("__libc_start_call_main"), std::string::npos) << out;
  // The global's start: the access address moved back to the symbol's start.
  EXPECT_NE(out.find("  Location is global 'g_last' of size 16 at 0x5600000016a0 (prog+0x16a8)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("SUMMARY: ThreadSanitizer: data race /src/a.cpp:11:10 in Store(int)\n"),
            std::string::npos)
      << out;
  // libstdc++ has no known path in this test: said once in the stats.
  EXPECT_EQ(s.stats().unknown_modules.count("libstdc++.so.6"), 1u);
}

TEST(OfflineSymbolizer, ParsesToTheSameSignatureAndLocation) {
  OfflineSymbolizer s(ProgTable());
  const SanitizerScan scan = ScanSanitizerOutput(s.Rewrite(kUnsymbolized));
  ASSERT_EQ(scan.reports.size(), 1u);
  EXPECT_EQ(scan.reports[0].signature, "data race | Store(int) a.cpp:11 | Store(int) a.cpp:11");
  EXPECT_EQ(scan.reports[0].location, "/src/a.cpp:11");
}

TEST(OfflineSymbolizer, AsksOncePerAddress) {
  auto table = ProgTable();
  TableSource* raw = table.get();
  OfflineSymbolizer s(std::move(table));
  const std::string first = s.Rewrite(kUnsymbolized);
  const int after_first = raw->code_queries;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.Rewrite(kUnsymbolized), first);
  EXPECT_EQ(raw->code_queries, after_first);
  // prog+0x100 (three times in the text), 0x200, 0x300; libc has no known path here.
  EXPECT_EQ(after_first, 3);
  EXPECT_EQ(raw->data_queries, 1);
  EXPECT_GT(s.stats().cache_hits, 0u);
}

TEST(OfflineSymbolizer, KeepsFramesWhenTheSourceFails) {
  auto table = ProgTable();
  table->fail = true;
  OfflineSymbolizer s(std::move(table));
  const std::string out = s.Rewrite(kUnsymbolized);
  EXPECT_NE(out.find("    #0 <null> <null> (prog+0x100) (BuildId: abc)\n"), std::string::npos);
  EXPECT_NE(out.find("global '<null>' at 0x000000000000"), std::string::npos);
  EXPECT_GT(s.stats().failures, 0u);
}

TEST(OfflineSymbolizer, LeavesCleanOutputAlone) {
  OfflineSymbolizer s(ProgTable());
  const std::string clean = "Result: 10\nno report here\n#1 <null> <null> (x+0x1)";
  EXPECT_EQ(s.Rewrite(clean), clean);
  EXPECT_EQ(s.Rewrite(""), "");
}

TEST(OfflineSymbolizer, DeadlySignalStacksKeepTheirLastFrame) {
  OfflineSymbolizer s(ProgTable());
  s.AddModule("/lib/libc.so.6");
  const std::string out = s.Rewrite(
      "ThreadSanitizer:DEADLYSIGNAL\n"
      "==1==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp "
      "0x3 T1)\n"
      "    #0 <null> <null> (prog+0x300)\n"
      "    #1 <null> <null> (libc.so.6+0x27249)\n");
  EXPECT_NE(out.find("    #1 __libc_start_call_main csu/x.h:58:16 (libc.so.6+0x27249)\n"),
            std::string::npos)
      << out;
}

TEST(LddOutput, GivesEveryLoadedPath) {
  const auto m = ParseLddOutput(
      "\tlinux-vdso.so.1 (0x00007ffd)\n"
      "\tlibtsan.so.2 => /lib/x86_64-linux-gnu/libtsan.so.2 (0x00007fa9)\n"
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fa9)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007fa9)\n");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], "/lib/x86_64-linux-gnu/libtsan.so.2");
  EXPECT_EQ(m[2], "/lib64/ld-linux-x86-64.so.2");
  EXPECT_TRUE(LinksGccTsan(m));
  EXPECT_FALSE(LinksGccTsan({m[1], m[2]}));
  EXPECT_TRUE(ParseLddOutput("\tnot a dynamic executable\n").empty());
}

TEST(LlvmSymbolizerProcess, FailsCleanlyWhenTheToolIsNoSymbolizer) {
  // /bin/true exits at once: every request fails, after one restart, and no child is left.
  LlvmSymbolizerProcess p("/bin/true");
  std::vector<CodeFrame> frames;
  EXPECT_FALSE(p.Code("/bin/true", 0x10, &frames));
  EXPECT_FALSE(p.Code("/bin/true", 0x10, &frames));
  EXPECT_EQ(p.starts(), 2);
}

TEST(LlvmSymbolizerProcess, AnswersUnknownModulesWithUnknowns) {
  const std::string tool = FindLlvmSymbolizer({});
  if (tool.empty()) GTEST_SKIP() << "llvm-symbolizer not on PATH";
  LlvmSymbolizerProcess p(tool);
  std::vector<CodeFrame> frames;
  ASSERT_TRUE(p.Code("/nonexistent/module", 0x10, &frames));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].function.empty());
  EXPECT_TRUE(frames[0].file.empty());
  DataSymbol d;
  ASSERT_TRUE(p.Data("/nonexistent/module", 0x10, &d));
  EXPECT_EQ(d.name, "??");
  EXPECT_EQ(p.starts(), 1);
}

TEST(LlvmSymbolizerProcess, SurvivesTheRunnersOrphanReaper) {
  const std::string tool = FindLlvmSymbolizer({});
  if (tool.empty()) GTEST_SKIP() << "llvm-symbolizer not on PATH";
  LlvmSymbolizerProcess p(tool);
  std::vector<CodeFrame> frames;
  ASSERT_TRUE(p.Code("/nonexistent/module", 0x10, &frames));
  {
    // A subreaper runner kills every child it does not know at its end: not this one.
    PosixProcessRunner runner(/*reap_orphans=*/true);
    ProcessSpec spec;
    spec.argv = {"/bin/true"};
    EXPECT_EQ(runner.Run(spec).termination, Termination::kExited);
  }
  ASSERT_TRUE(p.Code("/nonexistent/module", 0x20, &frames));
  EXPECT_EQ(p.starts(), 1);
}

}  // namespace
}  // namespace racelab
