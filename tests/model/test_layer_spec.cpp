#include <catch2/catch.hpp>

#include "zasgen/model/layer_spec.h"

using namespace zasgen::model;
using C = LayerSpecError::Code;

namespace {

// The code and the key an invalid spec is reported with.
std::pair<C, std::string> error_of(const std::string& text) {
  try {
    parse_layer_spec(text);
  } catch (const LayerSpecError& e) {
    return {e.code(), e.where()};
  }
  FAIL("accepted: " << text);
  return {C::Empty, ""};
}

bool has(const std::vector<FitIssue>& issues, FitIssue::Code code, const std::string& key) {
  for (const FitIssue& i : issues)
    if (i.code == code && i.key == key) return true;
  return false;
}

}  // namespace

TEST_CASE("the contract layer parses", "[layer]") {
  const LayerSpec l = parse_layer_spec("c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1");
  CHECK(l.c == 64);
  CHECK(l.k == 64);
  CHECK(l.h == 56);
  CHECK(l.w == 56);
  CHECK(l.r == 3);
  CHECK(l.s == 3);
  CHECK(l.stride == 1);
  CHECK(l.pad == 1);
  CHECK_FALSE(l.pool);
  CHECK(l.relu);
  CHECK(parse_layer_spec(l.to_string()) == l);
}

TEST_CASE("defaults: r = s = 3, stride 1, pad (r-1)/2, w = h", "[layer]") {
  const LayerSpec l = parse_layer_spec("c=3,k=8,h=13");
  CHECK(l.w == 13);
  CHECK(l.r == 3);
  CHECK(l.s == 3);
  CHECK(l.stride == 1);
  CHECK(l.pad == 1);
  CHECK(parse_layer_spec("c=3,k=8,h=13,r=7,s=1").pad == 3);  // from r
  CHECK(parse_layer_spec("c=3,k=8,h=13,r=4").pad == 1);
  CHECK(parse_layer_spec("c=3,k=8,h=13,r=1,s=1").pad == 0);
  CHECK(parse_layer_spec("c=3,k=8,h=13,r=5,pad=0").pad == 0);  // explicit wins
  const LayerSpec p = parse_layer_spec(" c = 3 , k=8, h=14, w=10, pool=2, relu=0 ");
  CHECK(p.pool);
  CHECK_FALSE(p.relu);
  CHECK(p.w == 10);
  CHECK_FALSE(parse_layer_spec("c=3,k=8,h=14,pool=0").pool);
  CHECK(parse_layer_spec("c=3,k=8,h=14,relu=1").relu);
  CHECK(parse_layer_spec(p.to_string()) == p);
}

TEST_CASE("invalid specs name the key and the problem", "[layer]") {
  using P = std::pair<C, std::string>;
  CHECK(error_of("") == P{C::Empty, "layer"});
  CHECK(error_of("   ") == P{C::Empty, "layer"});
  CHECK(error_of("c=3,k=8,h=13,q=1") == P{C::UnknownKey, "q"});
  CHECK(error_of("c=3,k=8,h=13,C=1") == P{C::UnknownKey, "C"});
  CHECK(error_of("c=3,,k=8,h=13").first == C::UnknownKey);
  CHECK(error_of("c=3,k=8,h=13,c=4") == P{C::DuplicateKey, "c"});
  CHECK(error_of("c=3,k=8,h=") == P{C::MissingValue, "h"});
  CHECK(error_of("c=3,k,h=13") == P{C::MissingValue, "k"});
  CHECK(error_of("c=3,k=8,h=1x") == P{C::NotInteger, "h"});
  CHECK(error_of("c=3,k=8,h=1.5") == P{C::NotInteger, "h"});
  CHECK(error_of("c=3,k=8,h=+5") == P{C::NotInteger, "h"});
  CHECK(error_of("c=3,k=8,h=99999999999999999999") == P{C::OutOfRange, "h"});
  CHECK(error_of("c=0,k=8,h=13") == P{C::OutOfRange, "c"});
  CHECK(error_of("c=3,k=-1,h=13") == P{C::OutOfRange, "k"});
  CHECK(error_of("c=3,k=8,h=13,stride=0") == P{C::OutOfRange, "stride"});
  CHECK(error_of("c=3,k=8,h=13,pad=-1") == P{C::OutOfRange, "pad"});
  CHECK(error_of("c=3,k=8,h=13,pool=1") == P{C::OutOfRange, "pool"});
  CHECK(error_of("c=3,k=8,h=13,pool=3") == P{C::OutOfRange, "pool"});
  CHECK(error_of("c=3,k=8,h=13,relu=2") == P{C::OutOfRange, "relu"});
  CHECK(error_of("c=3,k=8,h=13,r=65") == P{C::OutOfRange, "r"});
  CHECK(error_of("k=8,h=13") == P{C::MissingKey, "c"});
  CHECK(error_of("c=3,h=13") == P{C::MissingKey, "k"});
  CHECK(error_of("c=3,k=8,w=13") == P{C::MissingKey, "h"});
  CHECK(error_of("c=3,k=8,h=2,r=5,pad=0") == P{C::BadShape, "r"});
  CHECK(error_of("c=3,k=8,h=8,w=2,s=5,pad=1") == P{C::BadShape, "s"});
  CHECK(error_of("c=3,k=8,h=1,pool=2") == P{C::BadShape, "pool"});
  // Boundaries that are fine: kernel exactly the padded input, pooling a 2x2 output.
  CHECK_NOTHROW(parse_layer_spec("c=3,k=8,h=3,r=5,s=5,pad=1"));
  CHECK_NOTHROW(parse_layer_spec("c=3,k=8,h=2,pool=2"));
  // The message carries the accepted values.
  try {
    parse_layer_spec("c=3,k=8,h=13,bogus=1");
  } catch (const LayerSpecError& e) {
    CHECK(e.accepted().find("stride") != std::string::npos);
  }
}

TEST_CASE("check_layer_fits reports every limit a layer exceeds", "[layer]") {
  zasgen::ArchParams a;  // max_r = max_s = 3, strides {1, 2}, max_pad 3, 224 x 224, 512 x 512
  CHECK(
      check_layer_fits(parse_layer_spec("c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1"), a).empty());
  CHECK(check_layer_fits(parse_layer_spec("c=512,k=512,h=224,pool=2"), a).empty());
  using F = FitIssue::Code;
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=13,r=5,s=3"), a), F::KernelTooLarge, "r"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=13,r=3,s=4"), a), F::KernelTooLarge, "s"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=13,stride=4"), a), F::StrideUnsupported,
            "stride"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=13,pad=4"), a), F::PadTooLarge, "pad"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=513,k=8,h=13"), a), F::TooManyInputs, "c"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=513,h=13"), a), F::TooManyOutputs, "k"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=225,w=10"), a), F::InputTooLarge, "h"));
  CHECK(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=10,w=225"), a), F::InputTooLarge, "w"));
  // Padding can make the output larger than the input: 224 + 2*3 - 1 + 1 = 230.
  const auto big_out = check_layer_fits(parse_layer_spec("c=3,k=8,h=224,r=1,s=1,pad=3"), a);
  CHECK(has(big_out, F::OutputTooLarge, "h"));
  CHECK(has(big_out, F::OutputTooLarge, "w"));
  CHECK_FALSE(has(big_out, F::InputTooLarge, "h"));
  a.pool = false;
  const auto pooled = check_layer_fits(parse_layer_spec("c=3,k=8,h=13,pool=2"), a);
  REQUIRE(pooled.size() == 1);
  CHECK(pooled[0].code == F::PoolUnsupported);
  CHECK(pooled[0].message.find("pool") != std::string::npos);
  // Several problems at once are all reported.
  const auto many =
      check_layer_fits(parse_layer_spec("c=600,k=600,h=13,r=7,s=7,stride=4,pad=4"), a);
  CHECK(many.size() == 6);
  a.strides = {1, 2, 4};
  CHECK_FALSE(has(check_layer_fits(parse_layer_spec("c=3,k=8,h=13,stride=4"), a),
                  F::StrideUnsupported, "stride"));
}
