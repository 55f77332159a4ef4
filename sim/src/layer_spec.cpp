#include "zasgen/model/layer_spec.h"

#include "zasgen/text.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace zasgen::model {

LayerSpecError::LayerSpecError(Code code, std::string where, std::string problem,
                               std::string accepted)
    : ModelError(to_string(code), std::move(where), std::move(problem), std::move(accepted)),
      code_(code) {}

const char* to_string(LayerSpecError::Code c) {
  using C = LayerSpecError::Code;
  switch (c) {
    case C::Empty:
      return "layer-empty";
    case C::UnknownKey:
      return "layer-unknown-key";
    case C::DuplicateKey:
      return "layer-duplicate-key";
    case C::MissingValue:
      return "layer-missing-value";
    case C::NotInteger:
      return "layer-not-integer";
    case C::OutOfRange:
      return "layer-out-of-range";
    case C::MissingKey:
      return "layer-missing-key";
    case C::BadShape:
      return "layer-bad-shape";
    case C::UnknownNetwork:
      return "layer-unknown-network";
    case C::UnknownLayer:
      return "layer-unknown-layer";
  }
  return "layer-?";
}

const char* to_string(FitIssue::Code c) {
  using C = FitIssue::Code;
  switch (c) {
    case C::KernelTooLarge:
      return "fit-kernel";
    case C::StrideUnsupported:
      return "fit-stride";
    case C::PadTooLarge:
      return "fit-pad";
    case C::TooManyInputs:
      return "fit-c";
    case C::TooManyOutputs:
      return "fit-k";
    case C::InputTooLarge:
      return "fit-input-size";
    case C::OutputTooLarge:
      return "fit-output-size";
    case C::PoolUnsupported:
      return "fit-pool";
  }
  return "fit-?";
}

namespace {

// One accepted key: its name and the integer range of its value.
struct KeyRule {
  const char* name;
  int64_t lo, hi;
  const char* accepted;  // printed in errors
};

// The caps exist to keep products like K*C*R*S*OH*OW far from overflow, not to describe any
// hardware; check_layer_fits() compares against the configuration.
constexpr KeyRule kRules[] = {
    {"c", 1, 1048576, "an integer 1..1048576"},
    {"k", 1, 1048576, "an integer 1..1048576"},
    {"h", 1, 65536, "an integer 1..65536"},
    {"w", 1, 65536, "an integer 1..65536"},
    {"r", 1, 64, "an integer 1..64"},
    {"s", 1, 64, "an integer 1..64"},
    {"stride", 1, 64, "an integer 1..64"},
    {"pad", 0, 64, "an integer 0..64"},
    {"pool", 0, 2, "0 (no pooling) or 2 (2x2/2 max-pool)"},
    {"relu", 0, 1, "0 or 1"},
};
constexpr int kNumKeys = int(sizeof(kRules) / sizeof(kRules[0]));

const char* key_list() {
  return "c, k, h, w, r, s, stride, pad, pool, relu";
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

int find_key(const std::string& key) {
  for (int i = 0; i < kNumKeys; ++i)
    if (key == kRules[i].name) return i;
  return -1;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t p = text.find(sep, start);
    parts.push_back(text.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return parts;
    start = p + 1;
  }
}

int64_t parse_value(const KeyRule& rule, const std::string& value) {
  int64_t v = 0;
  const char* b = value.data();
  const char* e = b + value.size();
  // A leading '-' is parsed so that "-1" is reported as out of range rather than non-integer.
  const auto res = std::from_chars(b, e, v);
  if (res.ec == std::errc::result_out_of_range)
    throw LayerSpecError(LayerSpecError::Code::OutOfRange, rule.name,
                         "value '" + elide(value, 60) + "' is out of range", rule.accepted);
  if (res.ec != std::errc() || res.ptr != e)
    throw LayerSpecError(LayerSpecError::Code::NotInteger, rule.name,
                         "value '" + elide(value, 60) + "' is not a decimal integer",
                         rule.accepted);
  if (v < rule.lo || v > rule.hi || (std::string(rule.name) == "pool" && v == 1))
    throw LayerSpecError(LayerSpecError::Code::OutOfRange, rule.name,
                         "value " + value + " is out of range", rule.accepted);
  return v;
}

}  // namespace

LayerSpec parse_layer_spec(const std::string& text) {
  if (trim(text).empty())
    throw LayerSpecError(LayerSpecError::Code::Empty, "layer", "the layer spec is empty",
                         "key=value pairs separated by commas, e.g. "
                         "c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1");
  int64_t values[kNumKeys];
  bool given[kNumKeys] = {};
  for (const std::string& raw : split(text, ',')) {
    const std::string item = trim(raw);
    const size_t eq = item.find('=');
    const std::string key = trim(item.substr(0, eq));
    const int idx = find_key(key);
    if (idx < 0)
      throw LayerSpecError(LayerSpecError::Code::UnknownKey, key.empty() ? "layer" : elide(key, 60),
                           key.empty() ? "empty item in '" + elide(text, 60) + "'"
                                       : "unknown key '" + elide(key, 60) + "'",
                           key_list());
    if (given[idx])
      throw LayerSpecError(LayerSpecError::Code::DuplicateKey, key,
                           "key '" + key + "' is given twice", "each key at most once");
    const std::string value = eq == std::string::npos ? "" : trim(item.substr(eq + 1));
    if (value.empty())
      throw LayerSpecError(LayerSpecError::Code::MissingValue, key,
                           "key '" + key + "' has no value", kRules[idx].accepted);
    values[idx] = parse_value(kRules[idx], value);
    given[idx] = true;
  }
  auto get = [&](const char* key) { return values[find_key(key)]; };
  auto has = [&](const char* key) { return given[find_key(key)]; };
  for (const char* required : {"c", "k", "h"})
    if (!has(required))
      throw LayerSpecError(LayerSpecError::Code::MissingKey, required,
                           std::string("required key '") + required + "' is missing",
                           "c, k and h are required; w defaults to h");

  LayerSpec l;
  l.c = int(get("c"));
  l.k = int(get("k"));
  l.h = int(get("h"));
  l.w = has("w") ? int(get("w")) : l.h;
  l.r = has("r") ? int(get("r")) : 3;
  l.s = has("s") ? int(get("s")) : 3;
  l.stride = has("stride") ? int(get("stride")) : 1;
  l.pad = has("pad") ? int(get("pad")) : (l.r - 1) / 2;  // "same" padding for odd kernels
  l.pool = has("pool") && get("pool") == 2;
  l.relu = !has("relu") || get("relu") == 1;
  check_layer_shape(l);
  return l;
}

void check_layer_shape(const LayerSpec& l) {
  using C = LayerSpecError::Code;
  const std::pair<const char*, int> positive[] = {
      {"c", l.c}, {"k", l.k}, {"h", l.h}, {"w", l.w}, {"r", l.r}, {"s", l.s}, {"stride", l.stride}};
  for (const auto& [key, v] : positive)
    if (v < 1)
      throw LayerSpecError(C::OutOfRange, key, "value " + std::to_string(v) + " is not positive",
                           "an integer >= 1");
  if (l.pad < 0)
    throw LayerSpecError(C::OutOfRange, "pad", "value " + std::to_string(l.pad) + " is negative",
                         "an integer >= 0");
  if (l.out_h() < 1)
    throw LayerSpecError(C::BadShape, "r",
                         "kernel height " + std::to_string(l.r) +
                             " is larger than the padded input height " +
                             std::to_string(l.h + 2 * l.pad),
                         "r <= h + 2*pad");
  if (l.out_w() < 1)
    throw LayerSpecError(C::BadShape, "s",
                         "kernel width " + std::to_string(l.s) +
                             " is larger than the padded input width " +
                             std::to_string(l.w + 2 * l.pad),
                         "s <= w + 2*pad");
  if (l.pool && (l.out_h() < 2 || l.out_w() < 2))
    throw LayerSpecError(C::BadShape, "pool",
                         "2x2 pooling of a " + std::to_string(l.out_h()) + "x" +
                             std::to_string(l.out_w()) + " output leaves nothing",
                         "pooling needs an output of at least 2x2");
}

namespace {

void add_issue(std::vector<FitIssue>& out, FitIssue::Code code, const char* key, int64_t value,
               const std::string& what, const std::string& accepted) {
  FitIssue i;
  i.code = code;
  i.key = key;
  i.value = value;
  i.accepted = accepted;
  i.message = std::string(key) + ": " + what + " " + std::to_string(value) +
              " is not supported by the configuration (accepted: " + accepted + ") [" +
              to_string(code) + "]";
  out.push_back(std::move(i));
}

}  // namespace

std::vector<FitIssue> check_layer_fits(const LayerSpec& l, const ArchParams& a) {
  using C = FitIssue::Code;
  std::vector<FitIssue> out;
  auto upto = [](int v) { return "at most " + std::to_string(v); };
  if (l.r > a.max_r) add_issue(out, C::KernelTooLarge, "r", l.r, "kernel height", upto(a.max_r));
  if (l.s > a.max_s) add_issue(out, C::KernelTooLarge, "s", l.s, "kernel width", upto(a.max_s));
  if (std::find(a.strides.begin(), a.strides.end(), l.stride) == a.strides.end()) {
    std::string list;
    for (int s : a.strides) list += (list.empty() ? "" : ", ") + std::to_string(s);
    add_issue(out, C::StrideUnsupported, "stride", l.stride, "stride", "one of " + list);
  }
  if (l.pad > a.max_pad) add_issue(out, C::PadTooLarge, "pad", l.pad, "padding", upto(a.max_pad));
  if (l.c > a.max_c) add_issue(out, C::TooManyInputs, "c", l.c, "input channels", upto(a.max_c));
  if (l.k > a.max_k) add_issue(out, C::TooManyOutputs, "k", l.k, "output channels", upto(a.max_k));
  if (l.h > a.max_h) add_issue(out, C::InputTooLarge, "h", l.h, "input height", upto(a.max_h));
  if (l.w > a.max_w) add_issue(out, C::InputTooLarge, "w", l.w, "input width", upto(a.max_w));
  if (l.out_h() > a.max_h)
    add_issue(out, C::OutputTooLarge, "h", l.out_h(), "output height", upto(a.max_h));
  if (l.out_w() > a.max_w)
    add_issue(out, C::OutputTooLarge, "w", l.out_w(), "output width", upto(a.max_w));
  if (l.pool && !a.pool)
    add_issue(out, C::PoolUnsupported, "pool", 2, "pooling",
              "pool=0: the configuration has features.pool off");
  return out;
}

}  // namespace zasgen::model
