#include "zasgen/fs_util.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace zasgen {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

void write_tree_atomically(const std::string& dir, const std::vector<FileText>& files) {
  const fs::path target = fs::path(dir).lexically_normal();
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string stem = target.filename().string();
  const fs::path tmp = parent / ("." + stem + ".tmp-" + std::to_string(getpid()));
  const fs::path old = parent / ("." + stem + ".old-" + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directories(parent, ec);
  fs::remove_all(tmp, ec);
  try {
    fs::create_directories(tmp);
    for (const FileText& f : files) {
      const fs::path p = tmp / f.path;
      fs::create_directories(p.parent_path());
      write_file(p, f.text);
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  const bool had = fs::exists(target);
  if (had) fs::rename(target, old);
  fs::rename(tmp, target, ec);
  if (ec) {
    if (had) fs::rename(old, target);
    fs::remove_all(tmp);
    throw std::runtime_error("cannot move the output into " + target.string() + ": " +
                             ec.message());
  }
  if (had) fs::remove_all(old, ec);
}

void write_entries_atomically(const std::string& dir, const std::vector<FileText>& files) {
  const fs::path target = fs::path(dir).lexically_normal();
  const std::string pid = std::to_string(getpid());
  const fs::path tmp = target / (".new-" + pid);
  const fs::path old = target / (".old-" + pid);
  std::error_code ec;
  fs::create_directories(target);
  fs::remove_all(tmp, ec);
  fs::remove_all(old, ec);
  std::vector<std::string> entries;
  try {
    fs::create_directories(tmp);
    fs::create_directories(old);
    for (const FileText& f : files) {
      const fs::path rel = fs::path(f.path).lexically_normal();
      const std::string top = rel.begin()->string();
      if (rel.is_absolute() || top == "..")
        throw std::runtime_error("output path outside the directory: " + f.path);
      if (std::find(entries.begin(), entries.end(), top) == entries.end()) entries.push_back(top);
      const fs::path p = tmp / rel;
      fs::create_directories(p.parent_path());
      write_file(p, f.text);
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    fs::remove_all(old, ec);
    throw;
  }
  // Move the previous entries aside, the new ones in; on any failure put everything back.
  std::vector<std::string> moved_old, moved_new;
  for (const std::string& e : entries) {
    if (fs::exists(target / e)) {
      fs::rename(target / e, old / e, ec);
      if (ec) break;
      moved_old.push_back(e);
    }
    fs::rename(tmp / e, target / e, ec);
    if (ec) break;
    moved_new.push_back(e);
  }
  if (ec) {
    const std::string why = ec.message();
    for (const std::string& e : moved_new) fs::remove_all(target / e, ec);
    for (const std::string& e : moved_old) fs::rename(old / e, target / e, ec);
    fs::remove_all(tmp, ec);
    fs::remove_all(old, ec);
    throw std::runtime_error("cannot move the output into " + target.string() + ": " + why);
  }
  fs::remove_all(tmp, ec);
  fs::remove_all(old, ec);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  const fs::path tmp = p.string() + ".tmp-" + std::to_string(getpid());
  write_file(tmp, text);
  fs::rename(tmp, p);
}

}  // namespace zasgen
