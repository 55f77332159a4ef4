#include "zasgen/sim/layer_case.h"

#include <algorithm>

#include <fmt/format.h>

#include "zasgen/model/golden.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/network.h"
#include "zasgen/model/npy.h"
#include "zasgen/text.h"

namespace zasgen::sim {

LayerCase make_case(const CaseOptions& o, const ArchParams& p) {
  LayerCase c;
  model::ResolvedLayer rl;
  try {
    rl = model::resolve_layer(o.layer);
  } catch (const model::ModelError& e) {
    throw InputError(e.code_name(), "--layer '" + elide(o.layer, 60) + "'",
                     e.where().empty() ? e.problem() : e.where() + ": " + e.problem(),
                     e.accepted());
  }
  c.name = rl.name;
  c.layer = rl.spec;
  for (const ArchParams* a : {&p}) {
    const std::vector<model::FitIssue> issues = model::check_layer_fits(c.layer, *a);
    if (!issues.empty()) {
      std::string msg = fmt::format("does not fit configuration {}:", a->name);
      for (const model::FitIssue& i : issues) msg += "\n  " + i.message;
      throw InputError("layer-fit", "--layer " + c.name, msg);
    }
  }
  const model::LayerSpec& l = c.layer;
  if (l.pool && (l.out_h() < 2 || l.out_w() < 2))
    throw InputError("layer-pool", "--layer " + c.name,
                     fmt::format("2x2 pooling needs an output of at least 2x2, not {}x{}",
                                 l.out_h(), l.out_w()));
  c.sparsity = o.sparsity >= 0 ? o.sparsity : rl.input_zero_fraction.value_or(0.5);
  if (!(c.sparsity >= 0 && c.sparsity <= 1))
    throw InputError("sparsity-range", "--sparsity", fmt::format("{} is out of range", c.sparsity),
                     "0 .. 1");
  {
    if (!o.ifmap.empty()) {
      c.in.act = model::read_tensor3(o.ifmap);
      c.synthetic = false;
      if (c.in.act.channels() != l.c || c.in.act.height() != l.h || c.in.act.width() != l.w)
        throw InputError("tensor-shape", o.ifmap,
                         fmt::format("shape {}x{}x{} does not match the layer's C x H x W",
                                     c.in.act.channels(), c.in.act.height(), c.in.act.width()),
                         fmt::format("{}x{}x{}", l.c, l.h, l.w));
    } else {
      c.in.act = model::make_activations(l.c, l.h, l.w, c.sparsity, o.pattern, o.seed, p.act_bits);
    }
    if (!o.weights.empty()) {
      c.in.weights = model::read_tensor4(o.weights);
      const model::Tensor4& w = c.in.weights;
      if (w.k() != l.k || w.c() != l.c || w.r() != l.r || w.s() != l.s)
        throw InputError("tensor-shape", o.weights,
                         fmt::format("shape {}x{}x{}x{} does not match the layer's K x C x R x S",
                                     w.k(), w.c(), w.r(), w.s()),
                         fmt::format("{}x{}x{}x{}", l.k, l.c, l.r, l.s));
    } else {
      c.in.weights = model::make_weights(l.k, l.c, l.r, l.s, o.seed + 1, p.weight_bits);
    }
    if (!o.bias.empty()) {
      c.in.bias = model::read_vector(o.bias);
      if (int(c.in.bias.size()) != l.k)
        throw InputError("tensor-shape", o.bias,
                         fmt::format("{} values, the layer has K = {}", c.in.bias.size(), l.k),
                         fmt::format("{} values", l.k));
    } else {
      const int64_t max_abs = std::min<int64_t>(int64_t(1) << (p.bias_bits - 1), 1 << 12) - 1;
      c.in.bias = model::make_bias(l.k, o.seed + 2, p.bias_bits, max_abs);
    }
    model::check_activations(c.in.act, p.act_bits, "ifmap");
    model::check_weights(c.in.weights, p.weight_bits);
    model::check_bias(c.in.bias, p.bias_bits);
    c.in.requant = model::choose_requant(l, c.in.weights, model::measure_activations(c.in.act), p);
    model::check_requant(c.in.requant, p);
  }
  return c;
}

model::LayerSpec representative_layer(const ArchParams& p) {
  model::LayerSpec l;
  l.r = std::min(3, p.max_r);
  l.s = std::min(3, p.max_s);
  l.pad = std::min(p.max_pad, (std::max(l.r, l.s) - 1) / 2);
  l.stride = 1;
  l.c = std::min(64, p.max_c);
  l.k = std::min(64, p.max_k);
  l.h = std::min({56, p.max_h, p.max_h + l.r - 1 - 2 * l.pad});
  l.w = std::min({56, p.max_w, p.max_w + l.s - 1 - 2 * l.pad});
  return l;
}

}  // namespace zasgen::sim
