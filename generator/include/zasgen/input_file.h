// Reading a file the user named, with a size limit.
//
// The limit is checked before anything is read when the size is known (a regular file) and
// while reading otherwise (a pipe, /dev/stdin, /dev/zero), so no input can make zasgen read
// more than the limit into memory. Folders and unreadable paths are reported, not thrown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace zasgen {

// Largest configuration file zasgen reads (1 MiB; shipped configurations are about 2 KB).
constexpr std::uint64_t kMaxConfigBytes = std::uint64_t(1) << 20;

class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // False when the path cannot be read; error() says why ("No such file or directory", "it is
  // a folder").
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  // The size of a regular file; empty for a pipe or a device.
  std::optional<std::uint64_t> size() const { return size_; }

  // Appends up to `n` bytes to `out`; fewer only at the end of the input. Returns the count,
  // or -1 on a read error (error() says which).
  long long read(std::string& out, std::size_t n);

 private:
  int fd_ = -1;
  std::optional<std::uint64_t> size_;
  std::string error_;
};

struct BoundedRead {
  enum class Status { Ok, Unreadable, TooLarge } status = Status::Ok;
  std::string bytes;        // the whole content when Ok
  std::string error;        // why, when Unreadable
  std::uint64_t size = 0;   // TooLarge: the size when known, else max_bytes + 1
  bool size_known = false;  // TooLarge: `size` is the file's size (else: at least that)
};

// The whole content of `path`, unless it holds more than `max_bytes`.
BoundedRead read_bounded(const std::string& path, std::uint64_t max_bytes);

}  // namespace zasgen
