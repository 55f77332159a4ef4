// The process spec: the checked-in file loads, cites its anchors, and bad specs fail with the
// right code and a location.
#include <catch2/catch.hpp>

#include <regex>

#include "flow_test_util.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/liberty.h"

using namespace zasgen::flow;
using zasgen::flow::test::ScratchDir;

namespace {

std::string spec_text() {
  return test::read_text(default_process_spec_path());
}

// Loads `text` from a scratch file and returns the error (or fails when none is thrown).
FlowError load_error(const std::string& text) {
  ScratchDir dir("spec");
  const std::string path = dir.file("bad.yaml");
  test::write_text(path, text);
  try {
    load_process_spec(path);
  } catch (const FlowError& e) {
    return e;
  }
  FAIL("no error for a bad spec");
  throw std::logic_error("unreachable");
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("checked-in spec loads with cited anchors", "[flow][spec]") {
  const LibertySpec& s = test::spec55();
  CHECK(s.name == "zasgen55");
  CHECK(s.spec_name == "process55.yaml");
  CHECK(s.vdd == Approx(1.08));
  CHECK(s.nand2_area == Approx(1.17));
  CHECK(s.fo4_ps >= 20);  // Ho, Mai, Horowitz 2001: 20-28 ps at 55 nm
  CHECK(s.fo4_ps <= 28);
  for (const char* k :
       {"supply_voltage", "temperature", "nand2_area", "fo4_delay", "unit_input_cap", "wire_cap",
        "leakage_per_nand2", "dff_clk_to_q", "dff_setup"}) {
    INFO(k);
    REQUIRE(s.anchors.count(k));
    CHECK(s.anchors.at(k).source.size() > 20);
    CHECK(!s.anchors.at(k).status.empty());
  }
  // NAND2 area is derived from 65 nm by a 0.9 linear shrink (flow/spec/process55.yaml, nand2_area).
  CHECK(s.nand2_area == Approx(1.44 * 0.81).epsilon(0.01));
  CHECK(s.sram.params.size() >= 20);
}

TEST_CASE("spec says it is a synthetic estimate", "[flow][spec]") {
  const std::string text = spec_text();
  CHECK(text.find("NOT FOUNDRY DATA") != std::string::npos);
}

TEST_CASE("spec has the cells the brief asks for", "[flow][spec]") {
  const LibertySpec& s = test::spec55();
  for (const char* v :
       {"INV_X1",   "INV_X2",   "INV_X4",   "BUF_X1",   "BUF_X2",  "BUF_X4",   "NAND2_X1",
        "NAND2_X2", "NAND2_X4", "NOR2_X1",  "NOR2_X2",  "NOR2_X4", "NAND3_X1", "NOR3_X1",
        "AND2_X1",  "OR2_X1",   "AOI21_X1", "OAI21_X1", "XOR2_X1", "XNOR2_X1", "MUX2_X1",
        "DFF_X1",   "DFFR_X1",  "TIEHI_X1", "TIELO_X1"}) {
    INFO(v);
    CHECK(s.find_variant(v) != nullptr);
  }
  CHECK(s.find_variant("NAND2_X1")->area_ge == Approx(1.0));
}

TEST_CASE("tau reproduces the FO4 anchor analytically", "[flow][spec]") {
  const LibertySpec& s = test::spec55();
  const CellVariant& inv = *s.find_variant("INV_X1");
  const double load = 4 * s.c_unit_ff;
  // Steady state of an FO4 chain: the input slew equals the output slew.
  double slew = 0;
  for (int i = 0; i < 50; ++i) slew = cell_transition_ps(s, inv, slew, load);
  CHECK(slew == Approx(s.fo4_slew_ps()).epsilon(1e-6));
  CHECK(cell_delay_ps(s, inv, slew, load) == Approx(s.fo4_ps).epsilon(1e-6));
}

TEST_CASE("spec errors carry a code and a line", "[flow][spec]") {
  SECTION("missing anchor") {
    const std::string text = std::regex_replace(
        spec_text(), std::regex("  fo4_delay:\n    value: 28\n"), "  fo4_delay:\n");
    const FlowError e = load_error(text);
    CHECK(e.code() == FlowError::Code::SpecMissing);
    CHECK(e.where().find("bad.yaml:") != std::string::npos);
    CHECK(e.where().find("anchors.fo4_delay.value") != std::string::npos);
  }
  SECTION("negative value") {
    const FlowError e = load_error(replace_once(spec_text(), "value: 1.17", "value: -1.17"));
    CHECK(e.code() == FlowError::Code::SpecValue);
    CHECK(e.where().find("nand2_area") != std::string::npos);
  }
  SECTION("unknown key (typo)") {
    const FlowError e = load_error(replace_once(spec_text(), "  p_inv: 1.0", "  p_invv: 1.0"));
    CHECK(e.code() == FlowError::Code::SpecUnknownKey);
    CHECK(e.where().find("model.p_invv") != std::string::npos);
  }
  SECTION("function uses a pin that is not an input") {
    const FlowError e = load_error(replace_once(spec_text(), "\"!(A&B)\"", "\"!(A&C)\""));
    CHECK(e.code() == FlowError::Code::SpecValue);
  }
  SECTION("missing source") {
    const FlowError e = load_error(
        std::regex_replace(spec_text(), std::regex("    source: \"Typical-corner[^\"]*\"\n"), ""));
    CHECK(e.code() == FlowError::Code::SpecMissing);
    CHECK(e.where().find("temperature.source") != std::string::npos);
  }
  SECTION("YAML syntax error has the line") {
    const FlowError e = load_error("name: zasgen55\nanchors: [unclosed\n");
    CHECK(e.code() == FlowError::Code::SpecSyntax);
    CHECK(std::regex_search(e.where(), std::regex(":[0-9]+:[0-9]+$")));
  }
  SECTION("unreadable file") {
    try {
      load_process_spec("/nonexistent/process.yaml");
      FAIL("no error");
    } catch (const FlowError& e) {
      CHECK(e.code() == FlowError::Code::SpecUnreadable);
    }
  }
}
