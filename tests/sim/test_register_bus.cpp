// The control/status register block (generator/src/rtl/arch/regs.cpp) on its AXI4-Lite bus, in
// the simulated design: every register of the map answers OKAY with its value, written values
// read back, and an unmapped or unaligned address answers SLVERR (reads with zero data, writes
// without effect).
#include <algorithm>
#include <cstdint>

#include "sim_test_util.h"
#include "zasgen/rtl/regmap.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/rtl_model.h"

namespace zasgen {

TEST_CASE("registers: mapped accesses answer OKAY, unmapped and unaligned ones SLVERR",
          "[sim][regs]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  const sim::Design d =
      sim::prepare_design(p, test::scratch("register_bus") + "/design", test::cache_root());
  const rtl::RegMap map = rtl::make_regmap(p);
  sim::RtlModel m(d.library);

  CHECK(m.read(map.offset("ID")) == 0x5A415347u);  // "ZASG"
  const uint32_t hwcfg = m.read(map.offset("HWCFG"));
  CHECK((hwcfg & 0x1FFu) == uint32_t(p.pes));
  for (const uint32_t v : {0xDEADBEEFu, 0u, 0x12345678u}) {
    m.write(map.offset("SCRATCH"), v);
    CHECK(m.read(map.offset("SCRATCH")) == v);
  }
  // Every register of the map reads without error.
  for (const rtl::Register& r : map.regs) {
    INFO(r.name);
    CHECK_NOTHROW(m.read(r.offset));
  }
  // The first word past the map, and an address inside a register that is not its first byte.
  uint32_t past = 0;
  for (const rtl::Register& r : map.regs) past = std::max(past, r.offset + 4);
  REQUIRE(past < (1u << map.addr_bits));
  CHECK_THROWS_WITH(m.read(past), Catch::Contains("SLVERR"));
  CHECK_THROWS_WITH(m.read(map.offset("SCRATCH") + 2), Catch::Contains("SLVERR"));
  // Writes there answer SLVERR too and change nothing.
  m.write(map.offset("SCRATCH"), 0x0BADF00Du);
  CHECK_THROWS_WITH(m.write(past, 1), Catch::Contains("SLVERR"));
  CHECK_THROWS_WITH(m.write(map.offset("SCRATCH") + 2, 0x12345678u), Catch::Contains("SLVERR"));
  CHECK(m.read(map.offset("SCRATCH")) == 0x0BADF00Du);
  // A write to a read-only register is accepted and ignored.
  m.write(map.offset("ID"), 0);
  // The bus still works after an error response.
  CHECK(m.read(map.offset("ID")) == 0x5A415347u);
}

}  // namespace zasgen
