#include "zasgen/rtl/regmap.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "zasgen/rtl/dims.h"
#include "zasgen/util.h"

namespace zasgen::rtl {

const Register& RegMap::reg(const std::string& name) const {
  for (const Register& r : regs)
    if (r.name == name) return r;
  throw std::out_of_range("no register " + name);
}

const Field& RegMap::field(const std::string& reg_name, const std::string& field_name) const {
  for (const Field& f : reg(reg_name).fields)
    if (f.name == field_name) return f;
  throw std::out_of_range("no field " + reg_name + "." + field_name);
}

namespace {

Field rw(const std::string& name, int lsb, int width, const std::string& doc, uint32_t reset = 0) {
  Field f;
  f.name = name;
  f.lsb = lsb;
  f.width = width;
  f.access = Access::RW;
  f.reset = reset;
  f.doc = doc;
  return f;
}

Field ro(const std::string& name, int lsb, int width, const std::string& doc) {
  Field f = rw(name, lsb, width, doc);
  f.access = Access::RO;
  return f;
}

Field constant(const std::string& name, int lsb, int width, uint32_t value,
               const std::string& doc) {
  Field f = ro(name, lsb, width, doc);
  f.constant = true;
  f.reset = value;
  return f;
}

Field pulse(const std::string& name, int lsb, const std::string& doc) {
  Field f = rw(name, lsb, 1, doc);
  f.access = Access::W1P;
  return f;
}

Field sticky(const std::string& name, int lsb, const std::string& doc) {
  Field f = rw(name, lsb, 1, doc);
  f.access = Access::W1C;
  return f;
}

}  // namespace

RegMap make_regmap(const ArchParams& p) {
  const Dims d(p);
  RegMap m;
  auto add = [&](const std::string& name, uint32_t offset, const std::string& doc,
                 std::vector<Field> fields, bool strobe = false) {
    Register r;
    r.name = name;
    r.offset = offset;
    r.doc = doc;
    r.fields = std::move(fields);
    r.strobe = strobe;
    m.regs.push_back(std::move(r));
  };

  // ---- identification and control
  add("ID", 0x000, "Identification: reads \"ZASG\".",
      {constant("VALUE", 0, 32, kIdValue, "0x5A415347")});
  add("HWCFG", 0x004, "Build-time parameters, for software discovery.",
      {constant("PES", 0, 9, uint32_t(p.pes), "processing elements"),
       constant("LANES", 9, 4, uint32_t(p.lanes), "activation lanes"),
       constant("FORMAT", 13, 2, uint32_t(p.format), "0 dense, 1 coord, 2 rle, 3 bitmap"),
       constant("MAX_R", 16, 4, uint32_t(p.max_r), "largest kernel height"),
       constant("MAX_S", 20, 4, uint32_t(p.max_s), "largest kernel width"),
       constant("INDEX_BITS", 24, 7, uint32_t(p.index_bits), "sparse.index_bits")});
  add("SCRATCH", 0x008, "Free read/write register for bus tests.",
      {rw("VALUE", 0, 32, "any value")});
  add("CTRL", 0x00C, "Control.",
      {pulse("START", 0, "write 1 to start the run described by the RUN_* registers"),
       rw("IN_SEL", 1, 1, "0: buffer A is the input and B the output; 1: the reverse"),
       rw("IRQ_EN", 2, 1, "raise irq while STATUS.DONE is set")});
  add("STATUS", 0x010, "Status.",
      {ro("BUSY", 0, 1, "a run is in progress; the DMA port is closed"),
       sticky("DONE", 1, "the last run finished (write 1 to clear)"),
       sticky("OVERFLOW", 2,
              "an output bank overflowed; outputs are incomplete (write 1 to clear)"),
       sticky("DMA_RANGE", 3,
              "a load or store addressed a word past the selected memory's depth; the access "
              "was dropped (write 1 to clear)")});

  // ---- the run descriptor (ARCH 5)
  add("RUN_C", 0x020, "Input channels held in the input buffer for this run.",
      {rw("C", 0, d.cnt_c, "1..max_c")});
  add("RUN_ROWS", 0x024, "Input rows of each channel block in the input buffer.",
      {rw("ROWS", 0, d.cnt_h, "1..max_h")});
  add("RUN_W", 0x028, "Input width.", {rw("W", 0, d.cnt_w, "1..max_w")});
  add("RUN_YOFF", 0x02C,
      "Vertical offset: buffer row + YOFF - r is stride x (band-local output row).",
      {rw("YOFF", 0, d.pad, "iy0 + pad - oy0*stride, 0..max_pad")});
  add("RUN_PAD", 0x030, "Horizontal padding.", {rw("PAD", 0, d.pad, "0..max_pad")});
  add("RUN_OH", 0x034, "Output rows of the band (before pooling).",
      {rw("OH", 0, d.cnt_h, "1..max_h")});
  add("RUN_OW", 0x038, "Output width (before pooling).", {rw("OW", 0, d.cnt_w, "1..max_w")});
  add("RUN_PITCH", 0x03C, "Partial-sum row pitch: ceil(OW / max_s).",
      {rw("PITCH", 0, d.pitch, "words per row group")});
  add("RUN_KERNEL", 0x040, "Kernel size and stride.",
      {rw("R", 0, d.kr, "1..max_r"), rw("S", 8, d.ks, "1..max_s"),
       rw("STRIDE", 16, d.stride, "log2(stride): 0, 1 or 2")});
  add("RUN_GROUPS", 0x044, "K-groups (tiles) in this run and valid PEs of the last one.",
      {rw("GROUPS", 0, d.groups, "1..ceil(max_k/pes); 0: flush a deferred drain"),
       // Above GROUPS however wide it is (17 bits for 65536 groups of one PE).
       rw("KVALID", std::max(16, d.groups), d.kvalid,
          "1..pes: output channels in the last group")});
  add("RUN_FLAGS", 0x048, "Run flags.",
      {rw("FIRST", 0, 1, "the run starts its tiles from clean partial sums"),
       rw("LAST", 1, 1, "the run's tiles are drained through the output stage"),
       rw("RELU", 2, 1, "apply ReLU in the output stage"),
       rw("POOL", 3, 1, "apply 2x2/2 max-pool in the output stage"),
       rw("DEFER", 4, 1,
          "with LAST: leave the last tile's drain to the start of the next run (overlapped "
          "with its compute); a run with GROUPS = 0 only performs such a drain")});
  add("RUN_MULT", 0x04C, "Requantisation multiplier (unsigned).",
      {rw("MULT", 0, d.mult, "output = sat(round((acc + bias) * MULT >> SHIFT))")});
  add("RUN_SHIFT", 0x050, "Requantisation shift.", {rw("SHIFT", 0, d.shift, "0..")});
  add("RUN_WROWS", 0x054, "Weight-SRAM rows per input channel: ceil(R*S / weight banks).",
      {rw("WROWS", 0, d.wrows, "1..")});

  // ---- performance counters (reset by CTRL.START; ARCH 6)
  add("PERF_CYCLES_LO", 0x080, "Busy cycles of the last run, bits 31:0.", {ro("VALUE", 0, 32, "")});
  add("PERF_CYCLES_HI", 0x084, "Busy cycles, bits 63:32.", {ro("VALUE", 0, 32, "")});
  add("PERF_NNZ", 0x088, "Activations issued to the PEs (all lanes).", {ro("VALUE", 0, 32, "")});
  add("PERF_MACS_LO", 0x08C, "Multiply-accumulates issued, bits 31:0.", {ro("VALUE", 0, 32, "")});
  add("PERF_MACS_HI", 0x090, "Multiply-accumulates issued, bits 63:32.", {ro("VALUE", 0, 32, "")});
  add("PERF_ACTIVE", 0x094, "Cycles in which some lane issued an activation.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_WEIGHT", 0x098, "Cycles waiting for the next channel's weights.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_DECODE", 0x09C,
      "Format bubbles: empty rows/words, rle fillers and wraps, bank switches, fetch.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_DRAIN", 0x0A0, "Cycles a tile waits for a partial-sum set being drained.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_CLEAR", 0x0A4, "Cycles clearing partial sums (after reset or an abort).",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_LANE", 0x0A8, "Cycles some lanes wait for others to finish a tile.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_STALL_TAIL", 0x0AC, "Cycles after the last tile: pipeline and final drain.",
      {ro("VALUE", 0, 32, "")});
  add("PERF_DRAIN", 0x0B0, "Cycles the output stage was busy (overlapped or not).",
      {ro("VALUE", 0, 32, "")});

  // ---- DMA (host load/store port) and output counts
  add("MEM_SEL", 0x0C0, "Memory the DMA port reads or writes.",
      {rw("CLASS", 0, 2, "0 entries, 1 position table, 2 weights, 3 bias"),
       rw("BUF", 2, 1, "entries/table: 0 buffer A, 1 buffer B"),
       rw("INDEX", 8, 8,
          "entries/table: bank; weights: (lane << max(1, clog2(weight banks))) + bank")});
  add("MEM_ADDR", 0x0C4, "First word address; the port increments it after each word.",
      {rw("ADDR", 0, d.mem_words, "word address")}, true);
  add("MEM_RCOUNT", 0x0C8, "Writing N streams N words out of the load/store port.",
      {rw("COUNT", 0, d.mem_words, "words to read")}, true);
  add("OUT_BANK", 0x0D0, "Selects the output bank OUT_ENTRIES/OUT_TABLE report.",
      {rw("BANK", 0, d.bank, "0..pes-1")});
  add("OUT_ENTRIES", 0x0D4, "Entries the last run wrote to output bank OUT_BANK.",
      {ro("COUNT", 0, d.ent_count, "")});
  add("OUT_TABLE", 0x0D8, "Position-table words the last run wrote to output bank OUT_BANK.",
      {ro("COUNT", 0, d.tab_count, "")});
  return m;
}

std::string memory_instance(const ArchParams& p, MemClass cls, int buf, int index) {
  // The instance names of the activation buffer (actbuf.cpp), the weight loaders (wload.cpp,
  // one per lane in lane.cpp) and the drain's bias memory (drain.cpp).
  const bool table = cls == MemClass::Table;
  switch (cls) {
    case MemClass::Entries:
    case MemClass::Table:
      if (table && p.table_bits == 0) return "";
      if (buf < 0 || buf > 1 || index < 0 || index >= p.pes) return "";
      return fmt::format("u_actbuf.u_{}{}_{}", table ? "t" : "e", buf ? "b" : "a", index);
    case MemClass::Weights: {
      const int selw = std::max(1, clog2(p.weights.banks));
      const int lane = index >> selw, bank = index & ((1 << selw) - 1);
      if (buf != 0 || lane >= p.lanes || bank >= p.weights.banks) return "";
      return fmt::format("u_lane{}.u_wload.u_bank{}", lane, bank);
    }
    case MemClass::Bias:
      return buf == 0 && index == 0 ? "u_drain.u_bias" : "";
  }
  return "";
}

}  // namespace zasgen::rtl
