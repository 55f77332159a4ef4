// The tiling scheduler (ARCH 5): splits a layer into runs that fit the buffers. A run is one
// band of output rows, one slice of input channels and a few K-groups; the host loads its
// inputs and weights, starts it, and drains its outputs when it is a `last` run. The plan is
// computed from the actual input (sparse sizes depend on the data), and assumes the worst case
// (no zeros) for outputs, which are unknown until computed.
#pragma once

#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/error.h"
#include "zasgen/model/formats.h"
#include "zasgen/model/tensor.h"

namespace zasgen::sim {

// A tile: a band of output rows within a column strip. A layer whose rows fit the partial sums
// has one strip, the whole width.
struct Band {
  int oy0 = 0, oh = 0;    // output rows (before pooling) [oy0, oy0 + oh)
  int ox0 = 0, ow = 0;    // output columns (before pooling) [ox0, ox0 + ow): RUN_OW
  int iy0 = 0, rows = 0;  // input rows held in the buffer [iy0, iy0 + rows)
  int ix0 = 0, cols = 0;  // input columns held in the buffer [ix0, ix0 + cols): RUN_W
  int yoff = 0;           // RUN_YOFF
  int xoff = 0;           // RUN_PAD: the column offset, as yoff is the row offset
  // The tile sees only the padding below or right of the map: one zero stands in for its input
  // (the outputs are the bias alone), since the offsets cannot reach back before the tile.
  bool padding_only = false;
};

struct Run {
  int band = 0;
  int c0 = 0, c1 = 0;      // input channels [c0, c1)
  int g0 = 0, groups = 1;  // K-groups [g0, g0 + groups)
  int kvalid = 0;          // valid PEs of the last group
  bool first = true, last = true;
  bool load_input = true;    // the input buffer must be (re)loaded before this run
  bool load_weights = true;  // the weight SRAMs must be (re)loaded before this run
};

struct Plan {
  std::vector<Band> bands;
  std::vector<Run> runs;
  int pitch = 0;       // RUN_PITCH: words per row group of a strip
  int strips = 1;      // column strips
  int wrows = 0;       // RUN_WROWS
  int chunks_max = 1;  // most input-channel chunks of any band
  std::string describe() const;
};

// A layer that cannot be tiled onto the configuration's buffers: the user's input (exit 1).
class ScheduleError : public InputError {
 public:
  explicit ScheduleError(std::string problem)
      : InputError("layer-schedule", "", std::move(problem)) {}
};

// The design's format with a table word wide enough for any block: for counting entries and
// table words of blocks that may be larger than the buffer (which the real widths cannot count).
model::FormatSpec sizing_spec(const ArchParams& p);

Plan plan_layer(const model::LayerSpec& layer, const ArchParams& p, const model::Tensor3& act);

// The input block of a band for channels [c0, c1): channels x rows x W, zero-padded where the
// band's rows fall outside the map.
model::Tensor3 band_input(const model::Tensor3& act, const Band& b, int c0, int c1);

}  // namespace zasgen::sim
