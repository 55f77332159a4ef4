#include "zasgen/sim/host.h"

#include <optional>

#include <fmt/format.h>

#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::sim {

void BitPacker::put(uint64_t value, int bits) {
  for (int done = 0; done < bits;) {
    if (beats_.empty() || bits_ == 32) {
      beats_.push_back(0);
      bits_ = 0;
    }
    const int take = std::min(bits - done, 32 - bits_);
    const uint64_t chunk = (value >> done) & ((uint64_t(1) << take) - 1);
    beats_.back() |= uint32_t(chunk << bits_);
    bits_ += take;
    done += take;
  }
}

void BitPacker::pad_to_beat() {
  if (!beats_.empty()) bits_ = 32;
}

PerfCounters& PerfCounters::operator+=(const PerfCounters& o) {
  cycles += o.cycles;
  nnz += o.nnz;
  macs += o.macs;
  active += o.active;
  stall_weight += o.stall_weight;
  stall_decode += o.stall_decode;
  stall_drain += o.stall_drain;
  stall_clear += o.stall_clear;
  stall_lane += o.stall_lane;
  stall_tail += o.stall_tail;
  drain_busy += o.drain_busy;
  return *this;
}

Host::Host(RtlModel& model, const ArchParams& p)
    : model_(&model), p_(p), map_(rtl::make_regmap(p)) {
  if (model_->read(map_.offset("ID")) != rtl::kIdValue)
    throw ToolError("the simulated design does not answer with the zasgen ID");
}

void Host::write(const std::string& reg,
                 const std::vector<std::pair<std::string, uint64_t>>& fields) {
  const rtl::Register& r = map_.reg(reg);
  uint32_t v = 0;
  for (const auto& [name, value] : fields) {
    const rtl::Field& f = map_.field(reg, name);
    if (f.width < 64 && (value >> f.width) != 0)
      throw std::invalid_argument(
          fmt::format("{}.{} = {} does not fit {} bits", reg, name, value, f.width));
    v |= uint32_t(value << f.lsb);
  }
  model_->write(r.offset, v);
}

uint32_t Host::read(const std::string& reg) {
  return model_->read(map_.offset(reg));
}

uint64_t Host::read_field(const std::string& reg, const std::string& field) {
  const rtl::Field& f = map_.field(reg, field);
  return (read(reg) & f.mask()) >> f.lsb;
}

RtlModel::Memory& Host::memory(rtl::MemClass cls, int buf, int index) {
  const std::string path = rtl::memory_instance(p_, cls, buf, index);
  if (path.empty())
    throw ToolError(fmt::format("no memory answers MEM_SEL class {}, buffer {}, index {}",
                                uint32_t(cls), buf, index));
  auto it = memories_.find(path);
  if (it == memories_.end()) {
    RtlModel::Memory m = model_->memory(p_.name + "_top." + path);
    if (!m.valid())
      throw ToolError("the simulator has no directly loadable SRAM model at " + path +
                      " (a model without a public `mem`?)");
    it = memories_.emplace(path, m).first;
  }
  return it->second;
}

void Host::load(rtl::MemClass cls, int buf, int index, uint32_t addr,
                const std::vector<uint32_t>& beats) {
  if (beats.empty()) return;
  if (direct()) {
    RtlModel::Memory& m = memory(cls, buf, index);
    const size_t per = size_t(ceil_div(m.width(), 32));
    const size_t n = beats.size() / per;
    if (n * per != beats.size() || addr + n > size_t(m.depth()))
      throw ToolError(fmt::format(
          "a load of {} beats at word {} does not fit the {} x {} "
          "memory {} (the host's buffer layout, a bug)",
          beats.size(), addr, m.depth(), m.width(), rtl::memory_instance(p_, cls, buf, index)));
    for (size_t i = 0; i < n; ++i) m.write(int(addr + i), beats.data() + i * per);
    return;
  }
  write("MEM_SEL", {{"CLASS", uint64_t(cls)}, {"BUF", uint64_t(buf)}, {"INDEX", uint64_t(index)}});
  write("MEM_ADDR", {{"ADDR", addr}});
  model_->stream_in(beats);
}

std::vector<uint64_t> Host::fetch(rtl::MemClass cls, int buf, int index, uint32_t addr, size_t n,
                                  int width) {
  std::vector<uint64_t> words;
  if (n == 0) return words;
  if (direct()) {
    const RtlModel::Memory& m = memory(cls, buf, index);
    if (m.width() != width || addr + n > size_t(m.depth()))
      throw ToolError(fmt::format(
          "a fetch of {} words of {} bits at word {} does not fit the "
          "{} x {} memory {} (a bug)",
          n, width, addr, m.depth(), m.width(), rtl::memory_instance(p_, cls, buf, index)));
    std::vector<uint32_t> w(size_t(ceil_div(width, 32)));
    for (size_t i = 0; i < n; ++i) {
      m.read(int(addr + i), w.data());
      words.push_back(w[0] | (w.size() > 1 ? uint64_t(w[1]) << 32 : 0));
    }
    return words;
  }
  write("MEM_SEL", {{"CLASS", uint64_t(cls)}, {"BUF", uint64_t(buf)}, {"INDEX", uint64_t(index)}});
  write("MEM_ADDR", {{"ADDR", addr}});
  const int per = int(ceil_div(width, 32));
  size_t done = 0;
  const size_t chunk = 1 << 16;  // MEM_RCOUNT is wide, but keep each request bounded
  while (done < n) {
    const size_t k = std::min(chunk, n - done);
    write("MEM_RCOUNT", {{"COUNT", k}});
    const std::vector<uint32_t> beats = model_->stream_out(k * size_t(per));
    for (size_t i = 0; i < k; ++i) {
      uint64_t w = 0;
      for (int b = 0; b < per && b < 2; ++b) w |= uint64_t(beats[i * per + b]) << (32 * b);
      if (width < 64) w &= (uint64_t(1) << width) - 1;
      words.push_back(w);
    }
    done += k;
  }
  return words;
}

void Host::check_transfers(std::optional<uint32_t> status) {
  const uint32_t s = status ? *status : read("STATUS");
  if (s & map_.field("STATUS", "DMA_RANGE").mask()) {
    write("STATUS", {{"DMA_RANGE", 1}});
    throw ToolError(
        "the load/store port addressed a word past a memory's depth (STATUS.DMA_RANGE): the "
        "host's buffer layout does not fit the configuration (a bug)");
  }
}

PerfCounters Host::run(const RunRegs& r, uint64_t timeout_cycles,
                       const std::function<void()>& before_start) {
  write("RUN_C", {{"C", uint64_t(r.c)}});
  write("RUN_ROWS", {{"ROWS", uint64_t(r.rows)}});
  write("RUN_W", {{"W", uint64_t(r.w)}});
  write("RUN_YOFF", {{"YOFF", uint64_t(r.yoff)}});
  write("RUN_PAD", {{"PAD", uint64_t(r.pad)}});
  write("RUN_OH", {{"OH", uint64_t(r.oh)}});
  write("RUN_OW", {{"OW", uint64_t(r.ow)}});
  write("RUN_PITCH", {{"PITCH", uint64_t(r.pitch)}});
  write("RUN_KERNEL",
        {{"R", uint64_t(r.r)}, {"S", uint64_t(r.s)}, {"STRIDE", uint64_t(r.stride_log2)}});
  write("RUN_GROUPS", {{"GROUPS", uint64_t(r.groups)}, {"KVALID", uint64_t(r.kvalid)}});
  write("RUN_FLAGS", {{"FIRST", r.first},
                      {"LAST", r.last},
                      {"RELU", r.relu},
                      {"POOL", r.pool},
                      {"DEFER", r.defer}});
  write("RUN_MULT", {{"MULT", r.mult}});
  write("RUN_SHIFT", {{"SHIFT", uint64_t(r.shift)}});
  write("RUN_WROWS", {{"WROWS", uint64_t(r.wrows)}});
  if (before_start) before_start();
  write("CTRL", {{"START", 1}, {"IN_SEL", 0}, {"IRQ_EN", 1}});
  if (!model_->wait_irq(timeout_cycles))
    throw ToolError(fmt::format("run did not finish within {} cycles", timeout_cycles));
  const uint32_t status = read("STATUS");
  write("STATUS", {{"DONE", 1}, {"OVERFLOW", 1}});
  if (status & map_.field("STATUS", "OVERFLOW").mask())
    throw ToolError("an output bank overflowed: the scheduler under-sized a run (a bug)");
  check_transfers(status);
  PerfCounters c;
  c.cycles = read("PERF_CYCLES_LO") | (uint64_t(read("PERF_CYCLES_HI")) << 32);
  c.nnz = read("PERF_NNZ");
  c.macs = read("PERF_MACS_LO") | (uint64_t(read("PERF_MACS_HI")) << 32);
  c.active = read("PERF_ACTIVE");
  c.stall_weight = read("PERF_STALL_WEIGHT");
  c.stall_decode = read("PERF_STALL_DECODE");
  c.stall_drain = read("PERF_STALL_DRAIN");
  c.stall_clear = read("PERF_STALL_CLEAR");
  c.stall_lane = read("PERF_STALL_LANE");
  c.stall_tail = read("PERF_STALL_TAIL");
  c.drain_busy = read("PERF_DRAIN");
  return c;
}

}  // namespace zasgen::sim
