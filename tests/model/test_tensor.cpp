#include <catch2/catch.hpp>

#include "zasgen/model/tensor.h"

using namespace zasgen::model;

TEST_CASE("Grid3 is C order with checked at()", "[tensor]") {
  Tensor3 t(2, 3, 4);
  int32_t n = 0;
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) t.at(c, y, x) = n++;
  for (int i = 0; i < 24; ++i) CHECK(t.data()[i] == i);  // x fastest, then y, then c
  CHECK(t(1, 2, 3) == 23);
  CHECK(t.channel(1)[0] == 12);
  CHECK_THROWS_AS(t.at(2, 0, 0), std::out_of_range);
  CHECK_THROWS_AS(t.at(0, 3, 0), std::out_of_range);
  CHECK_THROWS_AS(t.at(0, 0, 4), std::out_of_range);
  CHECK_THROWS_AS(t.at(-1, 0, 0), std::out_of_range);
  CHECK_THROWS_AS(Tensor3(-1, 1, 1), std::invalid_argument);
}

TEST_CASE("Tensor4 is K x C x R x S in C order", "[tensor]") {
  Tensor4 w(2, 3, 2, 5);
  w.at(1, 2, 1, 4) = 7;
  CHECK(w.data()[w.size() - 1] == 7);
  w.at(1, 0, 0, 0) = 9;
  CHECK(w.data()[3 * 2 * 5] == 9);
  CHECK(w.kernel(1, 0)[0] == 9);
  CHECK_THROWS_AS(w.at(0, 3, 0, 0), std::out_of_range);
  CHECK_THROWS_AS(w.at(0, 0, 0, 5), std::out_of_range);
}

TEST_CASE("LayerSpec output sizes follow ARCH 2 (floor)", "[tensor]") {
  LayerSpec l;
  l.c = 3, l.k = 8, l.h = 13, l.w = 17, l.r = 3, l.s = 5, l.stride = 2, l.pad = 1;
  CHECK(l.out_h() == (13 + 2 - 3) / 2 + 1);  // 7
  CHECK(l.out_w() == (17 + 2 - 5) / 2 + 1);  // 8
  CHECK(l.out_h() == 7);
  CHECK(l.out_w() == 8);
  CHECK(l.pooled_h() == 7);  // no pooling: unchanged
  l.pool = true;
  CHECK(l.pooled_h() == 3);  // odd row dropped
  CHECK(l.pooled_w() == 4);
  CHECK(l.macs() == int64_t(8) * 3 * 3 * 5 * 7 * 8);
  // A kernel larger than the padded input gives no output (the parser rejects it).
  l.h = 1, l.pad = 0;
  CHECK(l.out_h() <= 0);
  // VGG16 conv1_1: 86.7 M MACs (224 x 224 x 3 x 64 x 3 x 3).
  LayerSpec v;
  v.c = 3, v.k = 64, v.h = v.w = 224;
  CHECK(v.macs() == 86704128);
}

TEST_CASE("LayerSpec::to_string is the canonical SPEC", "[tensor]") {
  LayerSpec l;
  l.c = 64, l.k = 32, l.h = 56, l.w = 28;
  CHECK(l.to_string() == "c=64,k=32,h=56,w=28,r=3,s=3,stride=1,pad=1");
  l.pool = true;
  l.relu = false;
  CHECK(l.to_string() == "c=64,k=32,h=56,w=28,r=3,s=3,stride=1,pad=1,pool=2,relu=0");
}
