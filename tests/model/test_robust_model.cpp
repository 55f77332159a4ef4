// The model's readers of user input against hostile input: .npy files and streams that are too
// large, headers that lie, and layer specs that are long or strange. Each case guards a way the
// input once could exhaust memory, crash, or print an unbounded message.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "zasgen/model/formats.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/network.h"
#include "zasgen/model/npy.h"

using namespace zasgen::model;
namespace fs = std::filesystem;

namespace {

std::string le16(unsigned v) {
  return {char(v & 0xff), char((v >> 8) & 0xff)};
}

std::string npy(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + le16(unsigned(header.size())) + header + data;
}

std::string dict(const std::string& descr, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

fs::path scratch() {
  const fs::path d =
      fs::temp_directory_path() / ("zasgen_robust_model_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

template <class F>
NpyError::Code npy_code(F&& f) {
  try {
    f();
  } catch (const NpyError& e) {
    return e.code();
  }
  FAIL("no NpyError");
  return NpyError::Code::ReadFailed;
}

template <class F>
std::string layer_error(F&& f) {
  try {
    f();
  } catch (const LayerSpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("/dev/zero as an .npy is refused from its first bytes", "[robust][npy]") {
  CHECK(npy_code([] { read_npy("/dev/zero"); }) == NpyError::Code::BadMagic);
  CHECK(npy_code([] { read_tensor3("/dev/zero"); }) == NpyError::Code::BadMagic);
}

TEST_CASE("an .npy stream whose header promises more than the element limit is not read",
          "[robust][npy]") {
  // The header of a 2^27-element array followed by an endless stream: refused from the header.
  const fs::path d = scratch();
  const fs::path fifo = d / "big.npy";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const pid_t writer = ::fork();
  if (writer == 0) {
    std::ofstream out(fifo, std::ios::binary);
    out << npy(dict("<i4", "(512, 512, 512)"), "");
    const std::string zeros(1 << 16, '\0');
    for (int i = 0; i < 100000 && out; ++i) out << zeros;  // until the reader closes
    ::_exit(0);
  }
  CHECK(npy_code([&] { read_npy(fifo.string()); }) == NpyError::Code::WrongShape);
  ::kill(writer, SIGKILL);
  int st = 0;
  ::waitpid(writer, &st, 0);
  // The same header in memory.
  CHECK(npy_code([] { parse_npy(npy(dict("<i4", "(512, 512, 512)"), ""), "m"); }) ==
        NpyError::Code::WrongShape);
  CHECK(npy_code([] { parse_npy(npy(dict("<i4", "(99999999999999999999,)"), ""), "m"); }) ==
        NpyError::Code::BadHeader);
  fs::remove_all(d);
}

TEST_CASE("an .npy file larger or smaller than its shape is refused before its data is read",
          "[robust][npy]") {
  const fs::path d = scratch();
  std::ofstream(d / "long.npy", std::ios::binary)
      << npy(dict("|i1", "(2,)"), "\x01\x02") << std::string(1 << 20, '\x07');
  CHECK(npy_code([&] { read_npy((d / "long.npy").string()); }) == NpyError::Code::TrailingData);
  std::ofstream(d / "short.npy", std::ios::binary) << npy(dict("<i4", "(1000,)"), "abc");
  CHECK(npy_code([&] { read_npy((d / "short.npy").string()); }) == NpyError::Code::Truncated);
  // Arrays so small that the whole file is read with the header: exact, long and short.
  std::ofstream(d / "tiny.npy", std::ios::binary) << npy(dict("|i1", "(1,)"), "\x05");
  CHECK(read_npy((d / "tiny.npy").string()).values == std::vector<int32_t>{5});
  std::ofstream(d / "empty.npy", std::ios::binary) << npy(dict("|i1", "(0,)"), "");
  CHECK(read_npy((d / "empty.npy").string()).values.empty());
  fs::remove_all(d);
}

TEST_CASE("an .npy descr with an absurd byte count is named, not a crash", "[robust][npy]") {
  // "<i99999999999" once made std::stoi throw std::out_of_range: an internal error.
  CHECK(npy_code([] { parse_npy(npy(dict("<i99999999999", "(1,)"), "\x01"), "m"); }) ==
        NpyError::Code::UnsupportedDtype);
  CHECK(npy_code([] { parse_npy(npy(dict("<f" + std::string(5000, '9'), "(1,)"), ""), "m"); }) ==
        NpyError::Code::UnsupportedDtype);
}

TEST_CASE("a megabyte of layer spec gives a short error message", "[robust][layer]") {
  const std::string junk(1 << 20, 'x');
  for (const std::string& spec : {junk, "c=" + junk, "c=4,k=4,h=" + std::string(1 << 20, '9'),
                                  junk + ":conv1_1", "vgg16:" + junk, std::string(1 << 20, ',')}) {
    const std::string what = layer_error([&] { resolve_layer(spec); });
    CHECK_FALSE(what.empty());
    CHECK(what.size() < 600);
  }
}

TEST_CASE("fuzz finding: a coord block wider than its column index is not decoded",
          "[robust][formats]") {
  // The decoder accepted a 39-wide block with 2-bit columns (using columns 0..3 only), which the
  // encoder refuses to write: decode accepts exactly what encode produces.
  const FormatSpec spec = FormatSpec::make(zasgen::Format::Coord, 8, 2);
  Block b;
  b.entries = {pack_entry(spec, 5, 3)};
  b.table = {1};
  try {
    decode_block(spec, b, 1, 39);
    FAIL("decoded");
  } catch (const FormatError& e) {
    CHECK(e.code() == FormatError::Code::IndexTooNarrow);
  }
  CHECK(decode_block(spec, b, 1, 4).at(3) == 5);  // a 4-wide block is fine
}
