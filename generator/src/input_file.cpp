#include "zasgen/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zasgen {

InputFile::InputFile(const std::string& path) {
  if (path.empty()) {
    error_ = "the path is empty";
    return;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error_ = std::strerror(errno);
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error_ = std::strerror(errno);
    ::close(fd);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    error_ = "it is a folder";
    ::close(fd);
    return;
  }
  if (S_ISREG(st.st_mode)) size_ = std::uint64_t(st.st_size);
  fd_ = fd;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

long long InputFile::read(std::string& out, std::size_t n) {
  if (fd_ < 0) return -1;
  const std::size_t start = out.size();
  out.resize(start + n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd_, &out[start + got], n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      error_ = std::strerror(errno);
      out.resize(start + got);
      return -1;
    }
    if (r == 0) break;
    got += std::size_t(r);
  }
  out.resize(start + got);
  return static_cast<long long>(got);
}

BoundedRead read_bounded(const std::string& path, std::uint64_t max_bytes) {
  BoundedRead r;
  InputFile in(path);
  if (!in.ok()) {
    r.status = BoundedRead::Status::Unreadable;
    r.error = in.error();
    return r;
  }
  if (in.size() && *in.size() > max_bytes) {
    r.status = BoundedRead::Status::TooLarge;
    r.size = *in.size();
    r.size_known = true;
    return r;
  }
  // One byte more than the limit tells a stream at the limit from a longer one.
  const std::size_t want = std::size_t(max_bytes) + 1;
  while (r.bytes.size() < want) {
    const long long n = in.read(r.bytes, std::min<std::size_t>(want - r.bytes.size(), 1 << 16));
    if (n < 0) {
      r.status = BoundedRead::Status::Unreadable;
      r.error = in.error();
      r.bytes.clear();
      return r;
    }
    if (n == 0) break;
  }
  if (r.bytes.size() > max_bytes) {
    r.status = BoundedRead::Status::TooLarge;
    r.size = max_bytes + 1;
    r.bytes.clear();
  }
  return r;
}

}  // namespace zasgen
