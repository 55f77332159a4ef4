#include "zasgen/fs_util.h"

#include <unistd.h>

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

void write_file_atomically(const std::string& path, const std::string& text) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  const fs::path tmp = p.string() + ".tmp-" + std::to_string(getpid());
  write_file(tmp, text);
  fs::rename(tmp, p);
}

}  // namespace zasgen
