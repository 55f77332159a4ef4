#include "zasgen/sim/rtl_model.h"

#include <dlfcn.h>

#include <cstring>
#include <map>

#include <fmt/format.h>

#include "zasgen/sim/tool.h"

namespace zasgen::sim {

namespace {

template <typename F>
void bind(void* lib, const char* name, F& fn, const std::string& path) {
  void* sym = dlsym(lib, name);
  if (!sym) throw ToolError(fmt::format("{} lacks symbol {}", path, name));
  fn = reinterpret_cast<F>(sym);
}

}  // namespace

RtlModel::RtlModel(const std::string& library, const TraceOptions& trace) {
  lib_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib_) throw ToolError(fmt::format("cannot load simulator {}: {}", library, dlerror()));
  bind(lib_, "zsim_create", create_, library);
  bind(lib_, "zsim_destroy", destroy_, library);
  bind(lib_, "zsim_cycles", cycles_, library);
  bind(lib_, "zsim_step", step_, library);
  bind(lib_, "zsim_axi_write", axi_write_, library);
  bind(lib_, "zsim_axi_read", axi_read_, library);
  bind(lib_, "zsim_stream_in", stream_in_, library);
  bind(lib_, "zsim_stream_out", stream_out_, library);
  bind(lib_, "zsim_wait_irq", wait_irq_, library);
  bind(lib_, "zsim_counter", counter_, library);
  bind(lib_, "zsim_memory", memory_, library);
  bind(lib_, "zsim_activity", activity_, library);
  bind(lib_, "zsim_activity_probes", activity_probes_, library);
  bind(lib_, "zsim_activity_probe", activity_probe_, library);
  cov_zero_ = reinterpret_cast<void (*)(void*)>(dlsym(lib_, "zsim_coverage_zero"));
  cov_write_ = reinterpret_cast<void (*)(void*, const char*)>(dlsym(lib_, "zsim_coverage_write"));
  profile_dump_ = reinterpret_cast<void (*)()>(dlsym(lib_, "zsim_profile_dump"));
  sim_ = create_(trace.path.c_str(), trace.from, trace.to);
}

RtlModel::~RtlModel() {
  if (sim_) destroy_(sim_);
  if (lib_) dlclose(lib_);
}

void RtlModel::write(uint32_t addr, uint32_t data) {
  const uint64_t t0 = rec_ ? cycles() : 0;
  const int r = axi_write_(sim_, addr, data);
  if (rec_) rec_->ops.push_back({BusOp::Kind::Write, addr, data, r, 0, {}, t0, cycles()});
  if (r != 0)
    throw ToolError(fmt::format("AXI write 0x{:03x} <- 0x{:08x}: {}", addr, data,
                                r < 0 ? "timeout" : "SLVERR"));
}

uint32_t RtlModel::read(uint32_t addr) {
  uint32_t v = 0;
  const uint64_t t0 = rec_ ? cycles() : 0;
  const int r = axi_read_(sim_, addr, &v);
  if (rec_) rec_->ops.push_back({BusOp::Kind::Read, addr, v, r, 0, {}, t0, cycles()});
  if (r != 0)
    throw ToolError(fmt::format("AXI read 0x{:03x}: {}", addr, r < 0 ? "timeout" : "SLVERR"));
  return v;
}

void RtlModel::stream_in(const std::vector<uint32_t>& beats) {
  const uint64_t t0 = rec_ ? cycles() : 0;
  const uint64_t n = stream_in_(sim_, beats.data(), beats.size());
  if (rec_) rec_->ops.push_back({BusOp::Kind::StreamIn, 0, 0, 0, n, beats, t0, cycles()});
  if (n != beats.size())
    throw ToolError(fmt::format("load stream stalled after {} of {} beats", n, beats.size()));
}

std::vector<uint32_t> RtlModel::stream_out(size_t n) {
  std::vector<uint32_t> beats(n);
  const uint64_t t0 = rec_ ? cycles() : 0;
  const uint64_t got = stream_out_(sim_, beats.data(), n);
  if (rec_)
    rec_->ops.push_back({BusOp::Kind::StreamOut, 0, 0, 0, n,
                         std::vector<uint32_t>(beats.begin(), beats.begin() + long(got)), t0,
                         cycles()});
  if (got != n) throw ToolError(fmt::format("store stream gave {} of {} beats", got, n));
  return beats;
}

bool RtlModel::wait_irq(uint64_t max_cycles) {
  const uint64_t t0 = rec_ ? cycles() : 0;
  const bool came = wait_irq_(sim_, max_cycles) != 0;
  if (rec_)
    rec_->ops.push_back({BusOp::Kind::WaitIrq, 0, 0, came ? 1 : 0, max_cycles, {}, t0, cycles()});
  return came;
}
void RtlModel::step(uint64_t n) {
  const uint64_t t0 = rec_ ? cycles() : 0;
  step_(sim_, n);
  if (rec_) rec_->ops.push_back({BusOp::Kind::Step, 0, 0, 0, n, {}, t0, cycles()});
}
uint64_t RtlModel::cycles() const {
  return cycles_(sim_);
}

void RtlModel::record(BusTrace* trace) {
  rec_ = trace;
  if (rec_) rec_->begin = cycles();
}

RtlModel::Memory RtlModel::memory(const std::string& scope) const {
  Memory m;
  m.data_ =
      static_cast<unsigned char*>(memory_(sim_, scope.c_str(), &m.width_, &m.depth_, &m.stride_));
  return m;
}

void RtlModel::Memory::write(int addr, const uint32_t* words32) {
  unsigned char* w = data_ + size_t(addr) * size_t(stride_);
  const int bytes = (width_ + 7) / 8;
  std::memset(w, 0, size_t(stride_));
  std::memcpy(w, words32, size_t(bytes));  // little-endian host, as the model's storage
  if (width_ % 8) w[bytes - 1] &= static_cast<unsigned char>((1u << (width_ % 8)) - 1);
}

void RtlModel::Memory::read(int addr, uint32_t* words32) const {
  const unsigned char* w = data_ + size_t(addr) * size_t(stride_);
  const int n32 = (width_ + 31) / 32, bytes = (width_ + 7) / 8;
  std::memset(words32, 0, size_t(n32) * 4);
  std::memcpy(words32, w, size_t(bytes));
  if (width_ % 8)
    reinterpret_cast<unsigned char*>(words32)[bytes - 1] &=
        static_cast<unsigned char>((1u << (width_ % 8)) - 1);
}

const uint64_t* RtlModel::counter(const std::string& scope, const std::string& name) const {
  return counter_(sim_, scope.c_str(), name.c_str());
}

void RtlModel::activity(bool on) {
  activity_(sim_, on ? 1 : 0);
}

void RtlModel::add_activity(SwitchingActivity& a, const rtl::MacroManifest* macros) const {
  // "<instance>.<variable>" of a simulation view -> the registers it holds, by index.
  std::map<std::string, std::string> views;
  if (macros)
    for (const rtl::MacroEntry& e : macros->register_files)
      for (const std::string& inst : e.instances)
        for (const auto& [var, reg] : e.sim_state) views[inst + "." + var] = inst + "." + reg;
  const uint64_t n = activity_probes_(sim_);
  for (uint64_t i = 0; i < n; ++i) {
    int width = 0;
    const uint64_t *toggles = nullptr, *highs = nullptr;
    const std::string name = activity_probe_(sim_, i, &width, &toggles, &highs);
    auto add = [&](const std::string& net, int b) {
      NetCounts& c = a.nets[net];
      c.toggles += toggles[b];
      c.high = c.high.value_or(0) + highs[b];
    };
    auto bit = [&](const std::string& reg, int b) {
      return width == 1 ? reg : fmt::format("{}[{}]", reg, b);
    };
    // An array element "<view variable>[<index>]": the register of that index.
    if (const size_t open = name.rfind('['); open != std::string::npos && name.back() == ']') {
      if (const auto v = views.find(name.substr(0, open)); v != views.end()) {
        const std::string reg = rtl::sim_state_register(
            v->second, std::stoi(name.substr(open + 1, name.size() - open - 2)));
        for (int b = 0; b < width; ++b) add(bit(reg, b), b);
        continue;
      }
    }
    // A vector of the view: bit b is the 1-bit register of index b.
    if (const auto v = views.find(name); v != views.end()) {
      for (int b = 0; b < width; ++b) add(rtl::sim_state_register(v->second, b), b);
      continue;
    }
    for (int b = 0; b < width; ++b) add(bit(name, b), b);
  }
}

void RtlModel::coverage_zero() {
  if (!cov_zero_) throw ToolError("this simulator was built without coverage");
  cov_zero_(sim_);
}

void RtlModel::profile_dump() {
  if (!profile_dump_) throw ToolError("this simulator was not built for profiling");
  profile_dump_();
}

void RtlModel::coverage_write(const std::string& path) {
  if (!cov_write_) throw ToolError("this simulator was built without coverage");
  cov_write_(sim_, path.c_str());
}

}  // namespace zasgen::sim
