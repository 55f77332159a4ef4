#include <catch2/catch.hpp>

#include <cmath>

#include "zasgen/model/network.h"

using namespace zasgen::model;

TEST_CASE("VGG16 layers match the published shapes and sparsity", "[network]") {
  const std::vector<NamedLayer> v = network_layers("vgg16");
  REQUIRE(v.size() == 13);
  // name, C, K, H, MACs in millions (one decimal), input zeros, pool after.
  struct Row {
    const char* name;
    int c, k, h;
    double mmacs, zeros;
    bool pool;
  };
  const Row rows[] = {
      {"conv1_1", 3, 64, 224, 86.7, 0.00, false},
      {"conv1_2", 64, 64, 224, 1849.7, 0.47, true},
      {"conv2_1", 64, 128, 112, 924.8, 0.11, false},
      {"conv2_2", 128, 128, 112, 1849.7, 0.20, true},
      {"conv3_1", 128, 256, 56, 924.8, 0.19, false},
      {"conv3_2", 256, 256, 56, 1849.7, 0.32, false},
      {"conv3_3", 256, 256, 56, 1849.7, 0.30, true},
      {"conv4_1", 256, 512, 28, 924.8, 0.36, false},
      {"conv4_2", 512, 512, 28, 1849.7, 0.49, false},
      {"conv4_3", 512, 512, 28, 1849.7, 0.55, true},
      {"conv5_1", 512, 512, 14, 462.4, 0.66, false},
      {"conv5_2", 512, 512, 14, 462.4, 0.68, false},
      {"conv5_3", 512, 512, 14, 462.4, 0.71, true},
  };
  double total = 0;
  for (size_t i = 0; i < 13; ++i) {
    INFO(rows[i].name);
    const NamedLayer& l = v[i];
    CHECK(l.full_name() == std::string("vgg16:") + rows[i].name);
    CHECK(l.spec.c == rows[i].c);
    CHECK(l.spec.k == rows[i].k);
    CHECK(l.spec.h == rows[i].h);
    CHECK(l.spec.w == rows[i].h);
    CHECK(l.spec.r == 3);
    CHECK(l.spec.s == 3);
    CHECK(l.spec.stride == 1);
    CHECK(l.spec.pad == 1);
    CHECK(l.spec.relu);
    CHECK(l.spec.pool == rows[i].pool);
    CHECK(std::round(double(l.spec.macs()) / 1e5) / 10 == Approx(rows[i].mmacs));
    CHECK(l.input_zero_fraction == rows[i].zeros);
    total += double(l.spec.macs());
    // Each layer's output feeds the next (pooling halves the map).
    if (i + 1 < 13) {
      CHECK(v[i + 1].spec.c == l.spec.k);
      CHECK(v[i + 1].spec.h == l.spec.pooled_h());
    }
  }
  CHECK(total / 1e9 == Approx(15.35).margin(0.01));  // VGG16's ~15.3 GMAC of conv layers
}

TEST_CASE("layer lookup by name, all, and errors listing the valid names", "[network]") {
  CHECK(lookup_layers("vgg16:conv3_2").size() == 1);
  CHECK(lookup_layers("vgg16:conv3_2")[0].spec.c == 256);
  CHECK(lookup_layers("vgg16:all").size() == 13);
  CHECK(network_names() == std::vector<std::string>{"vgg16"});
  try {
    lookup_layers("vgg16:conv6_1");
    FAIL("accepted");
  } catch (const LayerSpecError& e) {
    CHECK(e.code() == LayerSpecError::Code::UnknownLayer);
    CHECK(e.accepted().find("vgg16:conv1_1") != std::string::npos);
    CHECK(e.accepted().find("vgg16:conv5_3") != std::string::npos);
    CHECK(e.accepted().find("vgg16:all") != std::string::npos);
  }
  try {
    lookup_layers("resnet50:conv1");
    FAIL("accepted");
  } catch (const LayerSpecError& e) {
    CHECK(e.code() == LayerSpecError::Code::UnknownNetwork);
    CHECK(e.accepted().find("vgg16") != std::string::npos);
  }
  CHECK_THROWS_AS(lookup_layers("vgg16:"), LayerSpecError);
}

TEST_CASE("resolve_layer takes a name or a SPEC", "[network]") {
  const ResolvedLayer named = resolve_layer("vgg16:conv5_3");
  CHECK(named.name == "vgg16:conv5_3");
  CHECK(named.spec.pool);
  REQUIRE(named.input_zero_fraction.has_value());
  CHECK(*named.input_zero_fraction == 0.71);
  const ResolvedLayer spec = resolve_layer("c=64,k=64,h=56");
  CHECK(spec.name == "c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1");
  CHECK_FALSE(spec.input_zero_fraction.has_value());
  try {
    resolve_layer("vgg16:all");
    FAIL("accepted");
  } catch (const LayerSpecError& e) {
    CHECK(e.code() == LayerSpecError::Code::UnknownLayer);
  }
  CHECK_THROWS_AS(resolve_layer("c=1"), LayerSpecError);
}
