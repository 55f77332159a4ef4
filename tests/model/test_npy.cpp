// .npy reading and writing, with files built byte by byte.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "zasgen/model/npy.h"

using namespace zasgen::model;
namespace fs = std::filesystem;

namespace {

std::string le16(unsigned v) {
  return {char(v & 0xff), char((v >> 8) & 0xff)};
}
std::string le32(uint32_t v) {
  return le16(v & 0xffff) + le16(v >> 16);
}

// A .npy file from its parts: the test's own writer, independent of serialize_npy.
std::string npy_file(const std::string& dict, const std::string& data, int major = 1) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string f = std::string("\x93NUMPY", 6) + char(major) + char(0);
  f += major == 1 ? le16(unsigned(header.size())) : le32(uint32_t(header.size()));
  return f + header + data;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

// A scratch directory for the files of one test, removed at the end.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("zasgen_test_model_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& file, const std::string& bytes) const {
    const std::string p = (path / file).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

NpyError::Code parse_code(const std::string& bytes) {
  try {
    parse_npy(bytes, "t.npy");
  } catch (const NpyError& e) {
    return e.code();
  }
  FAIL("no NpyError");
  return NpyError::Code::ReadFailed;
}

template <typename F>
NpyError::Code code_of(F&& f) {
  try {
    f();
  } catch (const NpyError& e) {
    return e.code();
  }
  FAIL("no NpyError");
  return NpyError::Code::ReadFailed;
}

float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
std::string f32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return le32(b);
}

}  // namespace

TEST_CASE("a .npy file written byte by byte is read, and written back identically", "[npy]") {
  // numpy.save(np.array([[1, -2], [3, 4]], dtype=np.int16)) with the header padded to 128 bytes.
  const std::string file = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                           "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }" +
                           std::string(58, ' ') + "\n" +
                           std::string("\x01\x00\xfe\xff\x03\x00\x04\x00", 8);
  REQUIRE(file.size() == 128 + 8);
  const NpyArray a = parse_npy(file, "x.npy");
  CHECK(a.dtype == NpyDtype::Int16);
  CHECK(a.shape == std::vector<int64_t>{2, 2});
  CHECK(a.values == std::vector<int32_t>{1, -2, 3, 4});
  CHECK(serialize_npy(a) == file);
}

TEST_CASE("every accepted dtype is read", "[npy]") {
  CHECK(parse_npy(npy_file(dict("|i1", "(3,)"), "\x01\xff\x80"), "a").values ==
        std::vector<int32_t>{1, -1, -128});
  CHECK(parse_npy(npy_file(dict("|u1", "(2,)"), "\x01\xff"), "a").values ==
        std::vector<int32_t>{1, 255});
  CHECK(parse_npy(npy_file(dict("<i4", "(2,)"), le32(0x80000000u) + le32(7)), "a").values ==
        std::vector<int32_t>{INT32_MIN, 7});
  const NpyArray f =
      parse_npy(npy_file(dict("<f4", "(1, 3)"), f32(-3.0f) + f32(0.0f) + f32(-0.0f)), "a");
  CHECK(f.dtype == NpyDtype::Float32);
  CHECK(f.values == std::vector<int32_t>{-3, 0, 0});
  // Version 2.0 (4-byte header length), keys in another order, double quotes, no trailing
  // comma, Python 2 long literals.
  const std::string d2 = "{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"<i2\"}";
  const NpyArray v2 = parse_npy(npy_file(d2, le16(5) + le16(0xfffb), 2), "a");
  CHECK(v2.shape == std::vector<int64_t>{2, 1});
  CHECK(v2.values == std::vector<int32_t>{5, -5});
  // A scalar: shape ().
  CHECK(parse_npy(npy_file(dict("<i4", "()"), le32(9)), "a").values == std::vector<int32_t>{9});
}

TEST_CASE("round trips through files for every dtype", "[npy]") {
  TempDir dir("roundtrip");
  Tensor3 t(2, 3, 4);
  for (size_t i = 0; i < t.size(); ++i) t.data()[i] = int32_t(i * 7) - 40;
  for (NpyDtype d : {NpyDtype::Int8, NpyDtype::Int16, NpyDtype::Int32, NpyDtype::Float32}) {
    INFO(to_string(d));
    const std::string p = (dir.path / (std::string(to_string(d)) + ".npy")).string();
    write_npy(p, t, d);
    CHECK(read_tensor3(p) == t);
    CHECK(read_npy(p).dtype == d);
    CHECK_FALSE(fs::exists(p + ".tmp"));
  }
  Tensor4 w(3, 2, 3, 1);
  for (size_t i = 0; i < w.size(); ++i) w.data()[i] = int32_t(i) - 9;
  const std::string pw = (dir.path / "w.npy").string();
  write_npy(pw, w, NpyDtype::Int8);
  CHECK(read_tensor4(pw) == w);
  NpyArray b;
  b.shape = {4};
  b.values = {100000, -1, 0, 7};
  write_npy((dir.path / "b.npy").string(), b);
  CHECK(read_vector((dir.path / "b.npy").string()) == std::vector<int64_t>{100000, -1, 0, 7});
  // Headers are padded so the data starts on a 64-byte boundary, version 1.0.
  const std::string bytes = serialize_npy(b);
  CHECK((bytes.size() - 16) % 64 == 0);
  CHECK(bytes[6] == 1);
  CHECK(bytes[bytes.size() - 17] == '\n');
}

TEST_CASE("unreadable files give precise errors", "[npy]") {
  using C = NpyError::Code;
  const std::string ok = dict("<i4", "(2,)");
  const std::string data = le32(1) + le32(2);
  REQUIRE_NOTHROW(parse_npy(npy_file(ok, data), "t"));
  CHECK(parse_code("PK\x03\x04 not numpy at all") == C::BadMagic);
  CHECK(parse_code("") == C::BadMagic);
  std::string v3 = npy_file(ok, data);
  v3[6] = 3;
  CHECK(parse_code(v3) == C::UnsupportedVersion);
  CHECK(parse_code(npy_file(ok, data).substr(0, 40)) == C::Truncated);  // inside the header
  CHECK(parse_code(npy_file(ok, data).substr(0, 9)) == C::Truncated);   // inside the length
  CHECK(parse_code(npy_file(ok, le32(1))) == C::Truncated);             // 4 of 8 data bytes
  CHECK(parse_code(npy_file(ok, data + "x")) == C::TrailingData);
  CHECK(parse_code(npy_file(dict("<i4", "(2,)", true), data)) == C::FortranOrder);
  CHECK(parse_code(npy_file("{'descr': '<i4', 'shape': (2,), }", data)) == C::BadHeader);
  CHECK(parse_code(npy_file("{'descr': '<i4', 'fortran_order': Maybe, 'shape': (2,), }", data)) ==
        C::BadHeader);
  CHECK(parse_code(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (two,), }", data)) ==
        C::BadHeader);
  CHECK(parse_code(npy_file("not a dict", data)) == C::BadHeader);
  CHECK(parse_code(npy_file(dict("<f4", "(1,)"), f32(1.5f))) == C::NotIntegral);
  CHECK(parse_code(npy_file(dict("<f4", "(1,)"), f32(bits_to_float(0x7fc00000u)))) ==
        C::NotIntegral);  // NaN
  CHECK(parse_code(npy_file(dict("<f4", "(1,)"), f32(3e9f))) == C::ValueOutOfRange);
}

TEST_CASE("unsupported dtypes are named", "[npy]") {
  const std::pair<const char*, const char*> cases[] = {
      {"<i8", "int64"}, {">i4", "big-endian int32"}, {"<f8", "float64"},
      {"|b1", "bool"},  {"<u2", "uint16"},           {"<c8", "complex64"}};
  for (const auto& [descr, name] : cases) {
    INFO(descr);
    try {
      parse_npy(npy_file(dict(descr, "(1,)"), std::string(8, '\0')), "t.npy");
      FAIL("accepted");
    } catch (const NpyError& e) {
      CHECK(e.code() == NpyError::Code::UnsupportedDtype);
      // The brief asks that the message names the type; the accepted list is given too.
      CHECK(e.problem().find(name) != std::string::npos);
      CHECK(e.accepted().find("int32") != std::string::npos);
      CHECK(e.where() == "t.npy");
    }
  }
}

TEST_CASE("typed readers check rank and shape, and missing files are reported", "[npy]") {
  using C = NpyError::Code;
  TempDir dir("typed");
  const std::string two_d =
      dir.write("m.npy", npy_file(dict("<i2", "(2, 3)"), std::string(12, '\0')));
  CHECK(code_of([&] { read_tensor3(two_d); }) == C::WrongRank);
  CHECK(code_of([&] { read_tensor4(two_d); }) == C::WrongRank);
  CHECK(code_of([&] { read_vector(two_d); }) == C::WrongRank);
  const std::string empty = dir.write("e.npy", npy_file(dict("<i2", "(2, 0, 3)"), ""));
  CHECK(read_npy(empty).values.empty());
  CHECK(code_of([&] { read_tensor3(empty); }) == C::WrongShape);
  const std::string missing = (dir.path / "nope.npy").string();
  try {
    read_tensor3(missing);
    FAIL("no error");
  } catch (const NpyError& e) {
    CHECK(e.code() == C::FileNotFound);
    CHECK(e.where() == missing);
  }
  // Writing: values that do not fit the dtype, and an unwritable path.
  NpyArray a;
  a.dtype = NpyDtype::Int8;
  a.shape = {2};
  a.values = {1, 128};
  CHECK(code_of([&] { serialize_npy(a); }) == C::ValueOutOfRange);
  a.values = {1, 2};
  CHECK(code_of([&] { write_npy((dir.path / "no_dir" / "x.npy").string(), a); }) == C::WriteFailed);
}
