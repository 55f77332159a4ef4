// Output folders and files: checked before any work, used by one zasgen at a time, written so
// that a failed or killed run never leaves a half-written result, and cleaned of the debris of
// killed runs by the next one.
//
// The temporary names are those of the writing process (".new-<pid>", ".old-<pid>",
// "<file>.tmp-<pid>"): debris of a process that no longer exists is removed (or, for an
// interrupted swap of generated entries, completed) by the next write into the same folder.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace zasgen {

struct FileText {
  std::string path;  // relative to the output directory
  std::string text;
};

// ---- checks before the work starts (zasgen::UsageError naming `option`, exit 2) ----

// `dir` can be an output folder: it is a writable folder, or it does not exist and its nearest
// existing ancestor is one. A file, a device (/dev/null), a path through a file or an
// unwritable place is refused.
void check_output_dir(const std::string& option, const std::string& dir);
// `path` can be an output file: it is not a folder, and the folder it goes into is (or can be
// made) a writable folder. An existing device or pipe (/dev/null, /dev/stdout) is accepted and
// written in place.
void check_output_file(const std::string& option, const std::string& path);

// ---- one zasgen per output folder ----

// Holds `dir` (created when missing) for this process: a lock file `<dir>/.zasgen.lock` that
// names the holder's pid, locked with flock(2). Another zasgen on the same folder waits for it
// (calling `on_wait` with the holder's pid first), so concurrent runs serialise instead of
// failing. The kernel releases the lock when its holder dies, so the lock of a killed run is
// free at once (a stale pid in the file means nothing); the file is removed on release. Throws
// UsageError when the folder cannot be created.
class OutputLock {
 public:
  explicit OutputLock(const std::string& dir,
                      const std::function<void(const std::string& holder_pid)>& on_wait = {});
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
  int fd_ = -1;
};

// ---- atomic writes ----

// I/O failures of the writers below (a full disk, a folder made read-only meanwhile) are
// zasgen::ToolError with code "output-write" (exit 4); the paths were checked before the work.

// Replaces directory `dir` with exactly `files`: they are written into a sibling temporary
// folder `.<name>.new-<pid>`, renamed `.<name>.new-<pid>.commit` once complete (the journal),
// and then swapped with `dir` (which goes to `.<name>.old-<pid>` until removed). A killed run
// leaves the old folder or a journal that the next write in the parent completes. A failure
// leaves `dir` untouched.
void write_tree_atomically(const std::string& dir, const std::vector<FileText>& files);

// Writes `files` into `dir`, replacing only the top-level entries they make (e.g. `rtl/`,
// `params.json`); other entries of `dir` (reports, synthesis runs, a dense twin's directory)
// stay. Everything is written into `<dir>/.new-<pid>` first; once complete that folder is
// renamed `.new-<pid>.commit`, the journal of the swap that follows (old entries into
// `.old-<pid>`, new ones into place). A run killed before the commit leaves the old output; a
// run killed during the swap leaves a journal with which the next write into `dir` completes
// it, so the folder always ends with one whole generation. A failure restores what it
// replaced. Concurrent writers to one folder must hold its OutputLock.
void write_entries_atomically(const std::string& dir, const std::vector<FileText>& files);

// Writes one file via a temporary file in the same folder and a rename (a symbolic link keeps
// pointing at the new file; a device, a pipe and any path under /dev/ or /proc/, such as
// /dev/stdout, is written in place). Removes the temporary on
// failure, and stale temporaries of the same file left by killed runs.
void write_file_atomically(const std::string& path, const std::string& text);

// Removes, in `dir`, the temporaries of processes that no longer exist, completing an
// interrupted swap of write_entries_atomically. Called by the writers above; harmless anytime.
void clean_stale_temporaries(const std::string& dir);

// True when process `pid` exists and is not a zombie (it may belong to another user).
bool process_alive(long pid);

}  // namespace zasgen
