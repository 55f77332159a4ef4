#include "zasgen/rtl/elaborate.h"

#include <functional>

#include "arch/elab.h"
#include "zasgen/rtl/check.h"
#include "zasgen/rtl/legalize.h"

namespace zasgen::rtl {

std::string params_header(const ArchParams& p, const Design& d, const std::string& version);
std::string params_json(const ArchParams& p, const Design& d, const std::string& version);
std::string regmap_markdown(const ArchParams& p, const std::string& version);

Design elaborate(const ArchParams& p) {
  Design d;
  d.source = p.source;
  arch::Elab e(d, p);
  d.top = arch::build_top(e).name;
  legalize(d);
  check_design(d);
  return d;
}

std::map<std::string, int> macro_inventory(const Design& d) {
  std::map<std::string, int> out;
  std::function<void(const Module&, int)> walk = [&](const Module& m, int mult) {
    for (const Instance& i : m.instances) {
      const Module* t = d.find(i.module);
      if (!t) continue;
      if (t->is_verbatim())
        out[t->name] += mult;
      else
        walk(*t, mult);
    }
  };
  if (const Module* top = d.find(d.top)) walk(*top, 1);
  return out;
}

std::vector<OutputFile> generate_files(const ArchParams& p, const GenerateOptions& o) {
  const Design d = elaborate(p);
  WriterOptions w;
  w.tool_version = o.tool_version;
  std::vector<OutputFile> files = print_design(d, w);
  files.push_back({"zasgen_params.h", params_header(p, d, o.tool_version)});
  files.push_back({"params.json", params_json(p, d, o.tool_version)});
  files.push_back({"regmap.md", regmap_markdown(p, o.tool_version)});
  return files;
}

}  // namespace zasgen::rtl
