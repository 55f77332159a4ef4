// Shared pieces of the Liberty writers (standard cells and SRAM macros): fixed-format numbers,
// an indenting text builder, the library preamble OpenSTA and Yosys require, and a small
// evaluator of Liberty boolean functions (for timing_sense).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "zasgen/flow/liberty.h"

namespace zasgen::flow::detail {

// Liberty units used by every generated library: ns, pF, V, mA, kohm, nW; energy = V*pF = pJ.
// Fixed decimals keep the text byte-identical for identical inputs.
std::string ns(double ps);  // a time given in ps, printed in ns (5 decimals = 10 fs)
std::string pf(double ff);  // a capacitance given in fF, printed in pF (6 decimals)
std::string pj(double fj);  // an energy given in fJ, printed in pJ (8 decimals)
std::string nw(double pw);  // a power given in pW, printed in nW (6 decimals)
std::string fixed(double v, int decimals);

class LibText {
 public:
  void line(const std::string& s);     // one line at the current indent
  void open(const std::string& head);  // "head {" and indent
  void close();                        // "}" and dedent
  void attr(const std::string& name, const std::string& value) { line(name + " : " + value + ";"); }
  void qattr(const std::string& name, const std::string& value) {
    line(name + " : \"" + value + "\";");
  }
  // values ("a, b", "c, d") for a 2-D table given row-major, or a 1-D list.
  void values(const std::vector<std::vector<std::string>>& rows);
  void comment_block(const std::vector<std::string>& lines);
  std::string str() const { return out_; }

 private:
  std::string out_;
  int indent_ = 0;
};

// Units, thresholds (OpenSTA rejects a library without the *_threshold_pct_* attributes),
// nominal and operating conditions.
void write_preamble(LibText& t, const LibertySpec& s);

// The header comment: synthetic-estimate warning, spec name, anchors with their sources.
std::vector<std::string> header_lines(const LibertySpec& s, const std::string& what,
                                      const std::map<std::string, Anchor>& anchors);

// Liberty boolean function: ! & | ^ ( ) 0 1 and pin names (explicit operators only).
bool eval_function(const std::string& f, const std::map<std::string, bool>& values);
// "positive_unate", "negative_unate" or "non_unate" of output function f w.r.t. input pin.
std::string timing_sense(const std::string& f, const std::vector<std::string>& inputs,
                         const std::string& pin);

}  // namespace zasgen::flow::detail
