// Output folders in the library: checks before work, the lock, journalled swaps completed after
// a kill, and the debris of dead writers removed (never a user's file).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_test_util.h"
#include "zasgen/error.h"
#include "zasgen/fs_util.h"

using namespace zasgen;
using namespace zasgen::test;
namespace fs = std::filesystem;

namespace {

// A pid no process has: a child that has exited and been reaped.
long dead_pid() {
  const pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  int st = 0;
  ::waitpid(p, &st, 0);
  return long(p);
}

std::string usage_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return "usage";
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
  return "none";
}

}  // namespace

TEST_CASE("output checks: folders and files that cannot be written are usage errors",
          "[fs][paths]") {
  const fs::path d = scratch("checks");
  write_text((d / "afile").string(), "x");
  fs::create_directories(d / "adir");
  const std::string f = (d / "afile").string(), a = (d / "adir").string();
  CHECK(usage_code([&] { check_output_dir("-o", f); }) == "usage");
  CHECK(usage_code([&] { check_output_dir("-o", "/dev/null"); }) == "usage");
  CHECK(usage_code([&] { check_output_dir("-o", f + "/x/y"); }) == "usage");
  CHECK(usage_code([&] { check_output_dir("-o", ""); }) == "usage");
  CHECK(usage_code([&] { check_output_dir("-o", a); }) == "none");
  CHECK(usage_code([&] { check_output_dir("-o", a + "/new/deeper"); }) == "none");
  CHECK(usage_code([&] { check_output_file("--json", a); }) == "usage");
  CHECK(usage_code([&] { check_output_file("--json", a + "/"); }) == "usage");
  CHECK(usage_code([&] { check_output_file("--json", f + "/x.json"); }) == "usage");
  CHECK(usage_code([&] { check_output_file("--json", ""); }) == "usage");
  CHECK(usage_code([&] { check_output_file("--json", f); }) == "none");  // replaced
  CHECK(usage_code([&] { check_output_file("--json", a + "/n/x.json"); }) == "none");
  CHECK(usage_code([&] { check_output_file("--json", "/dev/null"); }) == "none");  // in place
  CHECK(read_text(f) == "x");
  CHECK_FALSE(fs::exists(d / "adir" / "new"));  // checks create nothing
}

TEST_CASE("write_file_atomically: symlinks, devices, failures and stale temporaries",
          "[fs][atomic]") {
  const fs::path d = scratch("file");
  write_text((d / "target.json").string(), "old");
  fs::create_symlink("target.json", d / "link.json");
  write_file_atomically((d / "link.json").string(), "new");
  CHECK(fs::is_symlink(d / "link.json"));
  CHECK(read_text((d / "target.json").string()) == "new");
  CHECK_NOTHROW(write_file_atomically("/dev/null", "discarded"));
  // /dev/stdout when the shell sent stdout to a file: appended there, the file not replaced.
  write_text((d / "stdout.txt").string(), "before\n");
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open((d / "stdout.txt").c_str(), O_WRONLY | O_APPEND);
    ::dup2(fd, 1);
    try {
      write_file_atomically("/dev/stdout", "json\n");
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(child, &st, 0);
  CHECK(WEXITSTATUS(st) == 0);
  CHECK(read_text((d / "stdout.txt").string()) == "before\njson\n");
  CHECK(usage_code([&] { check_output_file("--json", "/dev/stdout"); }) == "none");
  // A folder in the way: a ToolError (exit 4), and no temporary left.
  fs::create_directories(d / "adir");
  CHECK_THROWS_AS(write_file_atomically((d / "adir").string(), "x"), ToolError);
  // Temporaries of dead writers of the same file go; a live writer's and other files stay.
  const std::string dead = std::to_string(dead_pid());
  write_text((d / ("r.json.tmp-" + dead)).string(), "debris");
  write_text((d / ("r.json.tmp-" + std::to_string(::getppid()))).string(), "a live writer");
  write_text((d / "notes.tmp-1").string(), "a user's file");
  write_file_atomically((d / "r.json").string(), "r");
  CHECK_FALSE(fs::exists(d / ("r.json.tmp-" + dead)));
  CHECK(fs::exists(d / ("r.json.tmp-" + std::to_string(::getppid()))));
  CHECK(fs::exists(d / "notes.tmp-1"));
  CHECK(read_text((d / "r.json").string()) == "r");
}

TEST_CASE("an interrupted swap is completed from its journal by the next write", "[fs][atomic]") {
  const fs::path d = scratch("journal");
  write_entries_atomically(d.string(), {{"rtl/a.v", "old"}, {"p.json", "old"}, {"h.h", "old"}});
  fs::create_directories(d / "reports");
  write_text((d / "reports" / "r.md").string(), "keep");
  // A writer killed in the middle of its swap: rtl/ already new, p.json moved aside, h.h not
  // yet touched; its journal holds the rest of the new generation.
  const std::string pid = std::to_string(dead_pid());
  const fs::path commit = d / (".new-" + pid + ".commit"), old = d / (".old-" + pid);
  fs::create_directories(commit);
  fs::create_directories(old);
  fs::rename(d / "rtl", old / "rtl");
  fs::create_directories(d / "rtl");
  write_text((d / "rtl" / "a.v").string(), "new");
  fs::rename(d / "p.json", old / "p.json");
  write_text((commit / "p.json").string(), "new");
  write_text((commit / "h.h").string(), "new");
  // And a writer killed before its commit: its staging is dropped.
  const std::string pid2 = std::to_string(dead_pid());
  fs::create_directories(d / (".new-" + pid2) / "rtl");
  clean_stale_temporaries(d.string());
  CHECK(read_text((d / "rtl" / "a.v").string()) == "new");
  CHECK(read_text((d / "p.json").string()) == "new");
  CHECK(read_text((d / "h.h").string()) == "new");
  CHECK(read_text((d / "reports" / "r.md").string()) == "keep");
  CHECK(debris(d.string()).empty());
  // A user's file that merely looks like ours is left alone.
  write_text((d / (".new-" + pid)).string(), "a file, not our folder");
  write_entries_atomically(d.string(), {{"p.json", "newer"}});
  CHECK(fs::exists(d / (".new-" + pid)));
  CHECK(read_text((d / "p.json").string()) == "newer");
}

TEST_CASE("write_tree_atomically replaces a folder whole and completes a killed swap",
          "[fs][atomic]") {
  const fs::path d = scratch("tree");
  write_tree_atomically((d / "gen").string(), {{"a.txt", "1"}, {"sub/b.txt", "1"}});
  write_tree_atomically((d / "gen").string(), {{"a.txt", "2"}});
  CHECK(read_text((d / "gen" / "a.txt").string()) == "2");
  CHECK_FALSE(fs::exists(d / "gen" / "sub"));
  const std::string pid = std::to_string(dead_pid());
  fs::rename(d / "gen", d / (".gen.old-" + pid));
  fs::create_directories(d / (".gen.new-" + pid + ".commit"));
  write_text((d / (".gen.new-" + pid + ".commit") / "a.txt").string(), "3");
  clean_stale_temporaries(d.string());
  CHECK(read_text((d / "gen" / "a.txt").string()) == "3");
  CHECK(debris(d.string()).empty());
}

TEST_CASE("the output lock: a live holder makes others wait, a dead holder's lock is free",
          "[fs][lock]") {
  const fs::path d = scratch("lock");
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  const pid_t holder = ::fork();
  if (holder == 0) {
    {
      OutputLock lock(d.string());
      char c = 1;
      (void)::write(pipefd[1], &c, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
    }
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(pipefd[0], &c, 1) == 1);
  std::string waited_for;
  const auto t0 = std::chrono::steady_clock::now();
  {
    OutputLock lock(d.string(), [&](const std::string& pid) { waited_for = pid; });
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(waited > 0.4);
    CHECK(waited_for == std::to_string(holder));
    CHECK(read_text((d / ".zasgen.lock").string()) == std::to_string(::getpid()) + "\n");
  }
  int st = 0;
  ::waitpid(holder, &st, 0);
  CHECK_FALSE(fs::exists(d / ".zasgen.lock"));  // removed on release

  // A holder killed outright: the kernel released its lock; its pid stays in the file.
  const pid_t killed = ::fork();
  if (killed == 0) {
    OutputLock lock(d.string());
    char k = 1;
    (void)::write(pipefd[1], &k, 1);
    ::pause();
    ::_exit(0);
  }
  REQUIRE(::read(pipefd[0], &c, 1) == 1);
  ::kill(killed, SIGKILL);
  ::waitpid(killed, &st, 0);
  CHECK(fs::exists(d / ".zasgen.lock"));
  const auto t1 = std::chrono::steady_clock::now();
  bool waited = false;
  {
    OutputLock lock(d.string(), [&](const std::string&) { waited = true; });
  }
  CHECK_FALSE(waited);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() < 0.5);
  ::close(pipefd[0]);
  ::close(pipefd[1]);
}
