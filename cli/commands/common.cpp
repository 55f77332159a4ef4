#include "common.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "zasgen/config.h"
#include "zasgen/process.h"

namespace zasgen::cli {

namespace {

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(s[0])) return false;
  for (const char c : s)
    if (!word(c) && c != '.' && c != '+' && c != '-') return false;
  return true;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The unsigned decimal integer `s` is, when it is one that fits uint64_t.
bool parse_count(const std::string& s, uint64_t& v) {
  if (!all_digits(s) || s.size() > 20) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string output_name(const std::string& config_path) {
  const std::string stem = std::filesystem::path(config_path).stem().string();
  return plain_name(stem) ? stem : sanitize_name(stem);
}

std::string default_out_dir(const std::string& config_path) {
  return (std::filesystem::path("out") / output_name(config_path)).string();
}

std::unique_ptr<OutputLock> claim_output_dir(const std::string& option, const std::string& dir) {
  check_output_dir(option, dir);
  return std::make_unique<OutputLock>(dir, [&dir](const std::string& holder) {
    std::fprintf(stderr, "zasgen: waiting for %s, in use by another zasgen (pid %s)\n", dir.c_str(),
                 holder.empty() ? "?" : holder.c_str());
  });
}

std::string out_option(const std::string& out_dir_given) {
  return out_dir_given.empty() ? "output folder" : "-o";
}

CLI::Validator real_in(double lo, double hi) {
  const std::string range = fmt::format("a number in [{}, {}]", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        double v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v))
          return "'" + s + "' is not a number; accepted: " + range;
        if (v < lo || v > hi) return "'" + s + "' is out of range; accepted: " + range;
        return "";
      },
      range);
}

CLI::Validator count_in(uint64_t lo, uint64_t hi) {
  const std::string range = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        uint64_t v = 0;
        if (!parse_count(s, v)) return "'" + s + "' is not an unsigned integer; accepted: " + range;
        if (v < lo || v > hi) return "'" + s + "' is out of range; accepted: " + range;
        return "";
      },
      range);
}

CLI::Validator cycle_window() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const auto colon = s.find(':');
        uint64_t a = 0, b = 0;
        if (colon == std::string::npos || !parse_count(s.substr(0, colon), a) ||
            !parse_count(s.substr(colon + 1), b))
          return "'" + s + "' is not a cycle window; accepted: FROM:TO, two cycle numbers";
        if (b < a) return "'" + s + "' ends before it starts; accepted: FROM:TO with FROM <= TO";
        return "";
      },
      "FROM:TO");
}

CLI::Validator nonempty_path() {
  return CLI::Validator(
      [](std::string& s) -> std::string { return s.empty() ? "the path is empty" : ""; }, "PATH");
}

std::string sim_cache_dir() {
  return "out/.cache/verilator";
}

std::string grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

namespace {
std::string& self_path() {
  static std::string path;
  return path;
}
}  // namespace

void set_self_executable(const char* argv0) {
  const std::string a = argv0 ? argv0 : "";
  std::error_code ec;
  if (a.find('/') != std::string::npos) {
    const std::filesystem::path p = std::filesystem::canonical(a, ec);
    self_path() = ec ? "" : p.string();
  } else if (!a.empty()) {
    self_path() = find_executable(a);
  }
}

const std::string& self_executable() {
  return self_path();
}

}  // namespace zasgen::cli
