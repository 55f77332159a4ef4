#include "zasgen/fs_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "zasgen/error.h"

namespace zasgen {

namespace fs = std::filesystem;

namespace {

const char kLockName[] = ".zasgen.lock";

std::string pid_text() {
  return std::to_string(::getpid());
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(errno));
}

// ---- temporary names ----

// A temporary of some writer: ".new-<pid>" (entries being written), ".new-<pid>.commit" (the
// journal of a swap), ".old-<pid>" (entries moved aside), the same with a target folder's name
// (".<name>.new-<pid>", ... for write_tree_atomically) and "<file>.tmp-<pid>".
struct TempName {
  enum class Kind { Staging, Commit, Old, Tmp } kind;
  std::string target;  // the folder (tree writes) or file it belongs to; "" for entry writes
  long pid = 0;
};

std::optional<long> parse_pid(const std::string& s) {
  if (s.empty() || s.size() > 10 || s[0] == '0') return std::nullopt;
  long v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<TempName> parse_temp_name(std::string name) {
  bool commit = false;
  const std::string suffix = ".commit";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    commit = true;
    name.resize(name.size() - suffix.size());
  }
  for (const char* kind : {".new-", ".old-", ".tmp-"}) {
    const std::size_t at = name.rfind(kind);
    if (at == std::string::npos) continue;
    const std::optional<long> pid = parse_pid(name.substr(at + 5));
    if (!pid) continue;
    const std::string head = name.substr(0, at);
    TempName t;
    t.pid = *pid;
    if (kind[1] == 't') {
      if (commit || head.empty()) return std::nullopt;
      t.kind = TempName::Kind::Tmp;
      t.target = head;
      return t;
    }
    if (commit && kind[1] != 'n') return std::nullopt;
    t.kind = commit           ? TempName::Kind::Commit
             : kind[1] == 'n' ? TempName::Kind::Staging
                              : TempName::Kind::Old;
    if (head.empty()) return t;  // entries of this folder
    if (head.size() < 2 || head[0] != '.') return std::nullopt;
    t.target = head.substr(1);  // a tree write of folder `target`
    return t;
  }
  return std::nullopt;
}

bool exists_nofollow(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

// Completes the swap of a killed write_entries_atomically from its journal: every entry still
// in the journal goes into place (the entry it replaces into `old` unless already there).
void roll_forward_entries(const fs::path& dir, const fs::path& commit, const fs::path& old) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(commit, ec)) entries.push_back(e.path().filename());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& e : entries) {
    if (exists_nofollow(dir / e)) {
      if (exists_nofollow(old / e)) continue;  // not ours to replace
      fs::create_directories(old, ec);
      fs::rename(dir / e, old / e, ec);
      if (ec) continue;
    }
    fs::rename(commit / e, dir / e, ec);
  }
  fs::remove_all(commit, ec);
  fs::remove_all(old, ec);
}

// The same for a killed write_tree_atomically of folder `target`.
void roll_forward_tree(const fs::path& target, const fs::path& commit, const fs::path& old) {
  std::error_code ec;
  if (exists_nofollow(target) && !exists_nofollow(old)) fs::rename(target, old, ec);
  if (!exists_nofollow(target)) fs::rename(commit, target, ec);
  fs::remove_all(commit, ec);
  fs::remove_all(old, ec);
}

std::string temp_dir_name(const std::string& target, const char* kind) {
  return (target.empty() ? "" : "." + target) + kind + pid_text();
}

// The nearest existing ancestor of `p` (lexically; "." for a relative path with none).
fs::path existing_ancestor(const fs::path& p, std::error_code& ec, fs::file_status& st) {
  fs::path a = p;
  while (true) {
    st = fs::status(a.empty() ? fs::path(".") : a, ec);
    if (!ec || (ec.value() != ENOENT && ec.value() != ENOTDIR))
      return a.empty() ? fs::path(".") : a;
    if (!a.has_parent_path() || a.parent_path() == a) {
      st = fs::status(".", ec);
      return ".";
    }
    a = a.parent_path();
  }
}

// `folder` (which exists) is a folder this process may create entries in.
void require_writable_folder(const std::string& option, const fs::path& folder,
                             const std::string& given) {
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw UsageError(
        option,
        "'" + given + "' cannot be written: '" + folder.string() + "': " + std::strerror(errno),
        "a path in a folder you can write to");
}

// Where a path cannot go: an ancestor that is not a folder, or an unreadable one.
[[noreturn]] void refuse_path(const std::string& option, const std::string& given,
                              const fs::path& ancestor, const fs::file_status& st,
                              const std::error_code& ec, const char* accepted) {
  if (ec && ec.value() != ENOTDIR)
    throw UsageError(option, "'" + given + "' cannot be used: " + ec.message(), accepted);
  if (ec || !fs::is_directory(st))
    throw UsageError(
        option, "'" + given + "' goes through '" + ancestor.string() + "', which is not a folder",
        accepted);
  throw UsageError(option, "'" + given + "' cannot be used", accepted);
}

// /dev/stdout, /dev/null, /proc/self/fd/3: written in place, never replaced by a rename (which
// would replace the device node, or a file the shell opened for zasgen's stdout).
bool device_path(const std::string& path) {
  return path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0;
}

}  // namespace

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(pid_t(pid), 0) != 0 && errno != EPERM) return false;
  // A zombie (killed, not yet reaped: e.g. an orphan whose reaper is slow) writes nothing more.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const std::size_t paren = text.rfind(')');
  if (paren != std::string::npos && paren + 2 < text.size()) {
    const char state = text[paren + 2];
    if (state == 'Z' || state == 'X') return false;
  }
  return true;
}

void clean_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  const fs::path d(dir);
  std::vector<std::pair<fs::path, TempName>> found;
  for (const auto& e : fs::directory_iterator(d, ec)) {
    // Ours are folders; "<file>.tmp-<pid>" files are for write_file_atomically to judge, one
    // name at a time (a user's "notes.tmp-2024" is not ours).
    const std::optional<TempName> t = parse_temp_name(e.path().filename().string());
    if (t && t->kind != TempName::Kind::Tmp && e.is_directory(ec) && !e.is_symlink(ec) &&
        t->pid != ::getpid() && !process_alive(t->pid))
      found.push_back({e.path(), *t});
  }
  // Journals first: they decide what their ".old-" folders are for.
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return (a.second.kind == TempName::Kind::Commit) > (b.second.kind == TempName::Kind::Commit);
  });
  for (const auto& [path, t] : found) {
    const std::string pid = std::to_string(t.pid);
    if (t.kind == TempName::Kind::Commit) {
      const fs::path old = d / ((t.target.empty() ? "" : "." + t.target) + ".old-" + pid);
      if (t.target.empty())
        roll_forward_entries(d, path, old);
      else
        roll_forward_tree(d / t.target, path, old);
    } else if (exists_nofollow(path)) {
      fs::remove_all(path, ec);
    }
  }
}

void check_output_dir(const std::string& option, const std::string& dir) {
  const char* accepted = "a folder you can write to, or a path where one can be made";
  if (dir.empty()) throw UsageError(option, "the output folder is empty", accepted);
  const fs::path p(dir);
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  if (!ec) {
    if (!fs::is_directory(st))
      throw UsageError(option, "'" + dir + "' exists and is not a folder", accepted);
    require_writable_folder(option, p, dir);
    return;
  }
  if (ec.value() != ENOENT) {
    fs::file_status ast;
    std::error_code aec;
    const fs::path a = existing_ancestor(p.parent_path(), aec, ast);
    refuse_path(option, dir, a, ast, aec ? aec : ec, accepted);
  }
  fs::file_status ast;
  const fs::path a = existing_ancestor(p.parent_path(), ec, ast);
  if (ec || !fs::is_directory(ast)) refuse_path(option, dir, a, ast, ec, accepted);
  require_writable_folder(option, a, dir);
}

void check_output_file(const std::string& option, const std::string& path) {
  const char* accepted = "a file name in a folder you can write to";
  if (path.empty()) throw UsageError(option, "the file name is empty", accepted);
  if (path.back() == '/')
    throw UsageError(option, "'" + path + "' names a folder, not a file", accepted);
  const fs::path p(path);
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  if (!ec) {
    if (fs::is_directory(st))
      throw UsageError(option, "'" + path + "' is a folder",
                       "a file name, e.g. '" + (p / "out.json").string() + "'");
    // A device or a pipe, or /dev/stdout whatever it is open on: written in place.
    if (!fs::is_regular_file(st) || device_path(path)) return;
    const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
    require_writable_folder(option, parent, path);
    return;
  }
  fs::file_status ast;
  std::error_code aec;
  const fs::path a = existing_ancestor(p.parent_path(), aec, ast);
  if (ec.value() != ENOENT || aec || !fs::is_directory(ast))
    refuse_path(option, path, a, ast, aec ? aec : ec, accepted);
  require_writable_folder(option, a, path);
}

// ---- OutputLock ----

OutputLock::OutputLock(const std::string& dir,
                       const std::function<void(const std::string&)>& on_wait)
    : dir_(dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UsageError(dir, "cannot create the output folder: " + ec.message());
  path_ = (fs::path(dir) / kLockName).string();
  for (;;) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw UsageError(dir, std::string("cannot create a lock file in the output folder: ") +
                                std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        char buf[32] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        (void)n;
        std::string holder(buf);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
          holder.pop_back();
        if (on_wait) on_wait(holder);
        while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
        }
      }
      // Any other failure (a filesystem without flock): go on unlocked, as before locks.
    }
    // The previous holder removes the file on release: hold the file that is at the path now.
    struct stat held {
    }, now{};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
        held.st_dev == now.st_dev) {
      fd_ = fd;
      break;
    }
    ::close(fd);
  }
  const std::string pid = pid_text() + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t n = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)n;
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: a waiter then retries on a fresh file
  ::close(fd_);
}

// ---- atomic writes ----

namespace {

// Runs a write; its I/O failures (a full disk, a folder made read-only meanwhile) become
// ToolError "output-write" (exit 4): the paths were checked before the work started.
template <class F>
void reported(const std::string& what, F&& write) {
  try {
    write();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw ToolError("cannot write " + what + ": " + e.what(), "", "output-write");
  }
}

void tree_write(const std::string& dir, const std::vector<FileText>& files) {
  const fs::path target = fs::path(dir).lexically_normal();
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string name = target.filename().string();
  const fs::path staging = parent / temp_dir_name(name, ".new-");
  const fs::path commit = staging.string() + ".commit";
  const fs::path old = parent / temp_dir_name(name, ".old-");
  std::error_code ec;
  fs::create_directories(parent, ec);
  clean_stale_temporaries(parent.string());
  for (const fs::path& p : {staging, commit, old}) fs::remove_all(p, ec);
  try {
    fs::create_directories(staging);
    for (const FileText& f : files) {
      const fs::path p = staging / f.path;
      fs::create_directories(p.parent_path());
      write_file(p, f.text);
    }
    fs::rename(staging, commit);
  } catch (...) {
    fs::remove_all(staging, ec);
    fs::remove_all(commit, ec);
    throw;
  }
  const bool had = exists_nofollow(target);
  if (had) fs::rename(target, old, ec);
  if (!ec) fs::rename(commit, target, ec);
  if (ec) {
    const std::string why = ec.message();
    if (had && !exists_nofollow(target)) fs::rename(old, target, ec);
    fs::remove_all(commit, ec);
    throw std::runtime_error("cannot move the output into " + target.string() + ": " + why);
  }
  fs::remove_all(old, ec);
}

void entries_write(const std::string& dir, const std::vector<FileText>& files) {
  const fs::path target = fs::path(dir).lexically_normal();
  // Refuse a path that leaves the folder, or that would write over our own bookkeeping, before
  // anything is written.
  std::vector<std::string> entries;
  for (const FileText& f : files) {
    const fs::path rel = fs::path(f.path).lexically_normal();
    const std::string top = rel.empty() ? "" : rel.begin()->string();
    if (rel.is_absolute() || top.empty() || top == ".." || top == "." || top == kLockName ||
        parse_temp_name(top))
      throw std::runtime_error("output path outside the directory: " + f.path);
    if (std::find(entries.begin(), entries.end(), top) == entries.end()) entries.push_back(top);
  }
  std::sort(entries.begin(), entries.end());
  fs::create_directories(target);
  clean_stale_temporaries(target.string());
  const fs::path staging = target / temp_dir_name("", ".new-");
  const fs::path commit = staging.string() + ".commit";
  const fs::path old = target / temp_dir_name("", ".old-");
  std::error_code ec;
  for (const fs::path& p : {staging, commit, old}) fs::remove_all(p, ec);
  try {
    fs::create_directories(staging);
    for (const FileText& f : files) {
      const fs::path p = staging / fs::path(f.path).lexically_normal();
      fs::create_directories(p.parent_path());
      write_file(p, f.text);
    }
    fs::rename(staging, commit);  // complete: from here on the swap is journalled
  } catch (...) {
    fs::remove_all(staging, ec);
    fs::remove_all(commit, ec);
    throw;
  }
  // Move the previous entries aside, the new ones in; on any failure put everything back.
  std::vector<std::string> moved_old, moved_new;
  for (const std::string& e : entries) {
    if (exists_nofollow(target / e)) {
      fs::create_directories(old, ec);
      if (!ec) fs::rename(target / e, old / e, ec);
      if (ec) break;
      moved_old.push_back(e);
    }
    fs::rename(commit / e, target / e, ec);
    if (ec) break;
    moved_new.push_back(e);
  }
  if (ec) {
    const std::string why = ec.message();
    for (const std::string& e : moved_new) fs::remove_all(target / e, ec);
    for (const std::string& e : moved_old) fs::rename(old / e, target / e, ec);
    fs::remove_all(commit, ec);
    fs::remove_all(old, ec);
    throw std::runtime_error("cannot move the output into " + target.string() + ": " + why);
  }
  fs::remove_all(commit, ec);
  fs::remove_all(old, ec);
}

void file_write(const std::string& path, const std::string& text) {
  fs::path p(path);
  std::error_code ec;
  if (device_path(path)) {
    std::ofstream out(p, std::ios::binary | std::ios::app);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    return;
  }
  // A symbolic link keeps pointing at the new file: write where it points.
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  const fs::file_status st = fs::status(p, ec);
  if (!ec && fs::is_directory(st))
    throw std::runtime_error("cannot write " + path + ": it is a folder");
  if (!ec && !fs::is_regular_file(st)) {  // a device or a pipe: in place
    std::ofstream out(p, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    return;
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  fs::create_directories(parent);
  const std::string name = p.filename().string();
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::optional<TempName> t = parse_temp_name(e.path().filename().string());
    if (t && t->kind == TempName::Kind::Tmp && t->target == name && t->pid != ::getpid() &&
        !process_alive(t->pid))
      fs::remove_all(e.path(), ec);
  }
  const fs::path tmp = parent / (name + ".tmp-" + pid_text());
  try {
    write_file(tmp, text);
    fs::rename(tmp, p);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

}  // namespace

void write_tree_atomically(const std::string& dir, const std::vector<FileText>& files) {
  reported(dir, [&] { tree_write(dir, files); });
}

void write_entries_atomically(const std::string& dir, const std::vector<FileText>& files) {
  reported(dir, [&] { entries_write(dir, files); });
}

void write_file_atomically(const std::string& path, const std::string& text) {
  reported(path, [&] { file_write(path, text); });
}

}  // namespace zasgen
