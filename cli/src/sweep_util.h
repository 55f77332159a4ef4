// Small file-system helpers of the sweep (private to zasgen_app).
#pragma once

#include <string>

namespace zasgen::app::sweep_util {

// An advisory lock (flock) on a file, created if needed, held until destruction. Blocking by
// default; with `wait` false, locked() tells whether it was obtained.
class FileLock {
 public:
  explicit FileLock(const std::string& path, bool wait = true);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

// The file's contents ("" when it cannot be read).
std::string slurp(const std::string& path);

// Writes atomically unless the file already holds exactly `text`.
void write_if_changed(const std::string& path, const std::string& text);

// Wall-clock seconds since some fixed point (for durations only).
double now_seconds();

// "1h02m", "4m10s", "12s".
std::string duration_text(double seconds);

}  // namespace zasgen::app::sweep_util
