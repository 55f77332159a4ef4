#include "zasgen/model/npy.h"

#include "zasgen/input_file.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace zasgen::model {

NpyError::NpyError(Code code, std::string file, std::string problem, std::string accepted)
    : ModelError(to_string(code), std::move(file), std::move(problem), std::move(accepted)),
      code_(code) {}

const char* to_string(NpyError::Code c) {
  using C = NpyError::Code;
  switch (c) {
    case C::FileNotFound:
      return "npy-file-not-found";
    case C::ReadFailed:
      return "npy-read-failed";
    case C::WriteFailed:
      return "npy-write-failed";
    case C::BadMagic:
      return "npy-bad-magic";
    case C::UnsupportedVersion:
      return "npy-version";
    case C::BadHeader:
      return "npy-bad-header";
    case C::UnsupportedDtype:
      return "npy-dtype";
    case C::FortranOrder:
      return "npy-fortran-order";
    case C::WrongRank:
      return "npy-rank";
    case C::WrongShape:
      return "npy-shape";
    case C::Truncated:
      return "npy-truncated";
    case C::TrailingData:
      return "npy-trailing-data";
    case C::NotIntegral:
      return "npy-not-integral";
    case C::ValueOutOfRange:
      return "npy-value-range";
  }
  return "npy-?";
}

const char* to_string(NpyDtype d) {
  switch (d) {
    case NpyDtype::Int8:
      return "int8";
    case NpyDtype::Uint8:
      return "uint8";
    case NpyDtype::Int16:
      return "int16";
    case NpyDtype::Int32:
      return "int32";
    case NpyDtype::Float32:
      return "float32";
  }
  return "?";
}

const char* npy_descr(NpyDtype d) {
  switch (d) {
    case NpyDtype::Int8:
      return "|i1";
    case NpyDtype::Uint8:
      return "|u1";
    case NpyDtype::Int16:
      return "<i2";
    case NpyDtype::Int32:
      return "<i4";
    case NpyDtype::Float32:
      return "<f4";
  }
  return "?";
}

int64_t NpyArray::count() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

namespace {

using C = NpyError::Code;

const char kMagic[] = "\x93NUMPY";  // 6 bytes
constexpr size_t kMagicLen = 6;
const char* kAcceptedDtypes =
    "int8 '|i1', uint8 '|u1', int16 '<i2', int32 '<i4', float32 '<f4' (little-endian)";

int dtype_size(NpyDtype d) {
  switch (d) {
    case NpyDtype::Int8:
    case NpyDtype::Uint8:
      return 1;
    case NpyDtype::Int16:
      return 2;
    case NpyDtype::Int32:
    case NpyDtype::Float32:
      return 4;
  }
  return 0;
}

// A readable name for a descr we do not accept, e.g. "'<i8' (int64)" or "'>i4' (big-endian
// int32)".
std::string describe_descr(const std::string& descr) {
  std::string name;
  if (descr.size() >= 3) {
    const char order = descr[0], kind = descr[1];
    const std::string bytes = descr.substr(2);
    const char* kinds[][2] = {
        {"i", "int"},         {"u", "uint"},          {"f", "float"},
        {"c", "complex"},     {"b", "bool"},          {"U", "unicode string"},
        {"S", "byte string"}, {"O", "Python object"}, {"V", "void/structured"},
        {"M", "datetime"},    {"m", "timedelta"}};
    for (const auto& k : kinds)
      if (kind == k[0][0]) {
        name = k[1];
        if (kind == 'i' || kind == 'u' || kind == 'f' || kind == 'c') {
          bool digits = !bytes.empty() && bytes.size() <= 3;
          for (char ch : bytes) digits = digits && ch >= '0' && ch <= '9';
          if (digits) name += std::to_string(8 * std::stoi(bytes));
        }
      }
    if (order == '>') name = "big-endian " + name;
  }
  return "'" + descr + "'" + (name.empty() ? "" : " (" + name + ")");
}

// --- header dictionary: {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), } ---------

struct Header {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& file) : t_(text), file_(file) {}

  Header parse() {
    Header h;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        h.descr = string_literal();
        has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran = boolean();
        has_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        has_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') ++i_;
    }
    if (!has_descr || !has_order || !has_shape)
      fail("the dictionary lacks 'descr', 'fortran_order' or 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw NpyError(C::BadHeader, file_, "unreadable header: " + what,
                   "a NumPy header {'descr': ..., 'fortran_order': ..., 'shape': (...)}");
  }
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n')) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "' at byte " + std::to_string(i_));
    ++i_;
  }
  std::string string_literal() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string at byte " + std::to_string(i_));
    const size_t end = t_.find(q, i_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = t_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_ws();
    if (t_.compare(i_, 4, "True") == 0) return i_ += 4, true;
    if (t_.compare(i_, 5, "False") == 0) return i_ += 5, false;
    fail("fortran_order is neither True nor False");
  }
  std::vector<int64_t> tuple() {
    std::vector<int64_t> dims;
    expect('(');
    for (;;) {
      skip_ws();
      if (peek() == ')') break;
      int64_t v = 0;
      bool any = false;
      while (peek() >= '0' && peek() <= '9') {
        if (v > kMaxNpyElements) fail("dimension too large");
        v = v * 10 + (peek() - '0');
        ++i_;
        any = true;
      }
      if (!any) fail("shape holds a non-integer at byte " + std::to_string(i_));
      if (peek() == 'L') ++i_;  // Python 2 long literal
      dims.push_back(v);
      skip_ws();
      if (peek() == ',')
        ++i_;
      else if (peek() != ')')
        fail("shape tuple not closed");
    }
    ++i_;
    return dims;
  }

  const std::string& t_;
  const std::string& file_;
  size_t i_ = 0;
};

uint32_t le32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

NpyDtype dtype_from_descr(const std::string& descr, const std::string& file) {
  if (descr == "|i1" || descr == "<i1" || descr == "i1") return NpyDtype::Int8;
  if (descr == "|u1" || descr == "<u1" || descr == "u1") return NpyDtype::Uint8;
  if (descr == "<i2") return NpyDtype::Int16;
  if (descr == "<i4") return NpyDtype::Int32;
  if (descr == "<f4") return NpyDtype::Float32;
  throw NpyError(C::UnsupportedDtype, file, "unsupported element type " + describe_descr(descr),
                 kAcceptedDtypes);
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

int32_t convert_float(uint32_t bits, int64_t index, const std::string& file) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  if (!std::isfinite(f) || f != std::trunc(f))
    throw NpyError(C::NotIntegral, file,
                   "float32 element " + std::to_string(index) + " = " + std::to_string(f) +
                       " is not an integer",
                   "float32 files whose values are all integers (quantised tensors)");
  if (f < -2147483648.0f || f >= 2147483648.0f)
    throw NpyError(C::ValueOutOfRange, file,
                   "float32 element " + std::to_string(index) + " = " + std::to_string(f) +
                       " is outside the int32 range",
                   "-2147483648 .. 2147483647");
  return int32_t(f);
}

}  // namespace

namespace {

// What the bytes before the data say.
struct Layout {
  NpyArray array;              // dtype and shape; no values yet
  std::size_t data_start = 0;  // offset of the data
  std::size_t data_bytes = 0;  // what the shape needs
};

// Reads the magic, the version and the header length from the first `prefix` bytes (at least
// 12 of the file, or all of it when shorter): the offset and length of the header.
std::pair<std::size_t, std::size_t> header_span(const std::string& prefix,
                                                const std::string& name) {
  const auto* u = reinterpret_cast<const unsigned char*>(prefix.data());
  if (prefix.size() < kMagicLen + 2 || prefix.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
    throw NpyError(C::BadMagic, name, "not a NumPy .npy file (no \\x93NUMPY magic)",
                   "files written by numpy.save");
  const int major = u[6], minor = u[7];
  std::size_t header_len = 0, header_start = 0;
  if (major == 1 && prefix.size() >= 10) {
    header_len = std::size_t(u[8]) | std::size_t(u[9]) << 8;
    header_start = 10;
  } else if (major == 2 && prefix.size() >= 12) {
    header_len = le32(u + 8);
    header_start = 12;
  } else if (major == 1 || major == 2) {
    throw NpyError(C::Truncated, name, "file ends inside the header length");
  } else {
    throw NpyError(C::UnsupportedVersion, name,
                   "format version " + std::to_string(major) + "." + std::to_string(minor),
                   "versions 1.0 and 2.0");
  }
  if (header_len > kMaxNpyHeaderBytes)
    throw NpyError(C::BadHeader, name, "a header of " + std::to_string(header_len) + " bytes",
                   "at most " + std::to_string(kMaxNpyHeaderBytes) + " bytes (NumPy writes ~128)");
  return {header_start, header_len};
}

Layout layout_of(const std::string& header, std::size_t header_start, const std::string& name) {
  const Header h = HeaderParser(header, name).parse();
  Layout l;
  NpyArray& a = l.array;
  a.dtype = dtype_from_descr(h.descr, name);
  if (h.fortran)
    throw NpyError(C::FortranOrder, name, "array stored in Fortran (column-major) order",
                   "C order: save np.ascontiguousarray(x)");
  a.shape = h.shape;
  int64_t count = 1;
  for (int64_t d : a.shape) {
    if (d != 0 && count > kMaxNpyElements / d)
      throw NpyError(C::WrongShape, name, "shape " + shape_str(a.shape) + " is too large",
                     "at most " + std::to_string(kMaxNpyElements) + " elements");
    count *= d;
  }
  l.data_start = header_start + header.size();
  l.data_bytes = std::size_t(count) * std::size_t(dtype_size(a.dtype));
  return l;
}

[[noreturn]] void truncated(const Layout& l, std::size_t have, const std::string& name) {
  throw NpyError(C::Truncated, name,
                 "data has " + std::to_string(have) + " bytes, shape " + shape_str(l.array.shape) +
                     " of " + to_string(l.array.dtype) + " needs " + std::to_string(l.data_bytes));
}

[[noreturn]] void trailing(const Layout& l, const std::string& extra, const std::string& name) {
  throw NpyError(C::TrailingData, name,
                 extra + " bytes after the data of shape " + shape_str(l.array.shape) + " of " +
                     to_string(l.array.dtype),
                 "exactly the array's bytes");
}

void decode(Layout& l, const unsigned char* d, const std::string& name) {
  NpyArray& a = l.array;
  const std::size_t esize = std::size_t(dtype_size(a.dtype));
  const int64_t count = int64_t(l.data_bytes / esize);
  a.values.resize(std::size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    const unsigned char* p = d + std::size_t(i) * esize;
    int32_t v = 0;
    switch (a.dtype) {
      case NpyDtype::Int8:
        v = int8_t(p[0]);
        break;
      case NpyDtype::Uint8:
        v = p[0];
        break;
      case NpyDtype::Int16:
        v = int16_t(uint16_t(p[0] | p[1] << 8));
        break;
      case NpyDtype::Int32:
        v = int32_t(le32(p));
        break;
      case NpyDtype::Float32:
        v = convert_float(le32(p), i, name);
        break;
    }
    a.values[std::size_t(i)] = v;
  }
}

}  // namespace

NpyArray parse_npy(const std::string& bytes, const std::string& name) {
  const auto [header_start, header_len] = header_span(bytes.substr(0, 12), name);
  if (bytes.size() < header_start + header_len)
    throw NpyError(C::Truncated, name,
                   "file ends inside the header (" + std::to_string(bytes.size()) + " bytes, " +
                       "header needs " + std::to_string(header_start + header_len) + ")");
  Layout l = layout_of(bytes.substr(header_start, header_len), header_start, name);
  const std::size_t have = bytes.size() - l.data_start;
  if (have < l.data_bytes) truncated(l, have, name);
  if (have > l.data_bytes) trailing(l, std::to_string(have - l.data_bytes), name);
  decode(l, reinterpret_cast<const unsigned char*>(bytes.data()) + l.data_start, name);
  return std::move(l.array);
}

NpyArray read_npy(const std::string& path) {
  // Read the header first and only as many data bytes as its shape needs: a file too large
  // for its shape (or for the element limit), or an endless stream such as /dev/zero, is
  // refused without being read.
  InputFile in(path);
  if (!in.ok())
    throw NpyError(C::FileNotFound, path, "cannot open: " + in.error(),
                   "an existing, readable .npy file");
  std::string bytes;
  auto read = [&](std::size_t n) {
    if (in.read(bytes, n) < 0) throw NpyError(C::ReadFailed, path, "read error: " + in.error());
  };
  read(12);
  const auto [header_start, header_len] = header_span(bytes, path);
  if (bytes.size() < header_start + header_len) read(header_start + header_len - bytes.size());
  if (bytes.size() < header_start + header_len)
    throw NpyError(C::Truncated, path,
                   "file ends inside the header (" + std::to_string(bytes.size()) + " bytes, " +
                       "header needs " + std::to_string(header_start + header_len) + ")");
  Layout l = layout_of(bytes.substr(header_start, header_len), header_start, path);
  if (in.size()) {
    const std::uint64_t have = *in.size() >= l.data_start ? *in.size() - l.data_start : 0;
    if (have < l.data_bytes) truncated(l, std::size_t(have), path);
    if (have > l.data_bytes) trailing(l, std::to_string(have - l.data_bytes), path);
  }
  const std::size_t need = l.data_start + l.data_bytes;  // header and data of a tiny array
  if (bytes.size() < need) read(need - bytes.size());    // may be inside the first 12 bytes
  if (bytes.size() < need) truncated(l, bytes.size() - l.data_start, path);
  std::string one;
  if (bytes.size() > need || in.read(one, 1) > 0) trailing(l, "some", path);
  decode(l, reinterpret_cast<const unsigned char*>(bytes.data()) + l.data_start, path);
  return std::move(l.array);
}

namespace {

NpyArray read_rank(const std::string& path, size_t rank, const char* layout) {
  NpyArray a = read_npy(path);
  if (a.shape.size() != rank)
    throw NpyError(
        C::WrongRank, path,
        "array of rank " + std::to_string(a.shape.size()) + " with shape " + shape_str(a.shape),
        std::string("rank ") + std::to_string(rank) + ": " + layout);
  for (int64_t dim : a.shape)
    if (dim < 1 || dim > (int64_t(1) << 30))
      throw NpyError(C::WrongShape, path,
                     "shape " + shape_str(a.shape) + " has an unusable dimension",
                     std::string(layout) + ", every dimension 1 .. 2^30");
  return a;
}

}  // namespace

Tensor3 read_tensor3(const std::string& path) {
  const NpyArray a = read_rank(path, 3, "C x H x W");
  Tensor3 t(int(a.shape[0]), int(a.shape[1]), int(a.shape[2]));
  t.values() = a.values;
  return t;
}

Tensor4 read_tensor4(const std::string& path) {
  const NpyArray a = read_rank(path, 4, "K x C x R x S");
  Tensor4 t(int(a.shape[0]), int(a.shape[1]), int(a.shape[2]), int(a.shape[3]));
  t.values() = a.values;
  return t;
}

std::vector<int64_t> read_vector(const std::string& path) {
  const NpyArray a = read_rank(path, 1, "one value per output channel");
  return std::vector<int64_t>(a.values.begin(), a.values.end());
}

// --- writing -------------------------------------------------------------------------------

std::string serialize_npy(const NpyArray& a) {
  if (a.count() != int64_t(a.values.size()))
    throw std::invalid_argument("serialize_npy: shape " + shape_str(a.shape) + " holds " +
                                std::to_string(a.count()) + " values, array has " +
                                std::to_string(a.values.size()));
  int64_t lo = 0, hi = 0;
  switch (a.dtype) {
    case NpyDtype::Int8:
      lo = -128, hi = 127;
      break;
    case NpyDtype::Uint8:
      lo = 0, hi = 255;
      break;
    case NpyDtype::Int16:
      lo = -32768, hi = 32767;
      break;
    case NpyDtype::Int32:
      lo = INT32_MIN, hi = INT32_MAX;
      break;
    case NpyDtype::Float32:
      lo = -(1 << 24), hi = 1 << 24;
      break;  // exactly representable
  }
  for (size_t i = 0; i < a.values.size(); ++i)
    if (a.values[i] < lo || a.values[i] > hi)
      throw NpyError(C::ValueOutOfRange, "",
                     "value " + std::to_string(a.values[i]) + " at element " + std::to_string(i) +
                         " does not fit " + to_string(a.dtype),
                     std::to_string(lo) + " .. " + std::to_string(hi));

  std::string dict = std::string("{'descr': '") + npy_descr(a.dtype) +
                     "', 'fortran_order': False, 'shape': " + shape_str(a.shape) + ", }";
  // Pad with spaces and a final newline so the data starts at a multiple of 64 bytes.
  const bool v2 = dict.size() + 1 + 10 > 65535 + 10;
  const size_t prefix = v2 ? 12 : 10;
  size_t total = prefix + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';

  std::string out(kMagic, kMagicLen);
  out += char(v2 ? 2 : 1);
  out += char(0);
  const size_t hl = dict.size();
  out += char(hl & 0xff);
  out += char((hl >> 8) & 0xff);
  if (v2) {
    out += char((hl >> 16) & 0xff);
    out += char((hl >> 24) & 0xff);
  }
  out += dict;
  const int esize = dtype_size(a.dtype);
  out.reserve(out.size() + a.values.size() * size_t(esize));
  for (int32_t v : a.values) {
    uint32_t bits = uint32_t(v);
    if (a.dtype == NpyDtype::Float32) {
      const float f = float(v);
      std::memcpy(&bits, &f, sizeof bits);
    }
    for (int b = 0; b < esize; ++b) out += char((bits >> (8 * b)) & 0xff);
  }
  return out;
}

void write_npy(const std::string& path, const NpyArray& array) {
  const std::string bytes = serialize_npy(array);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw NpyError(C::WriteFailed, path,
                     std::string("cannot create ") + tmp + ": " + std::strerror(errno));
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw NpyError(C::WriteFailed, path, "write error");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw NpyError(C::WriteFailed, path,
                   std::string("cannot rename into place: ") + std::strerror(errno));
  }
}

void write_npy(const std::string& path, const Tensor3& t, NpyDtype dtype) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = {t.channels(), t.height(), t.width()};
  a.values = t.values();
  write_npy(path, a);
}

void write_npy(const std::string& path, const Tensor4& t, NpyDtype dtype) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = {t.k(), t.c(), t.r(), t.s()};
  a.values = t.values();
  write_npy(path, a);
}

}  // namespace zasgen::model
