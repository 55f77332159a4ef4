#include "zasgen/rtl/elaborate.h"

#include <filesystem>

#include "arch/elab.h"
#include "companions.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/check.h"
#include "zasgen/rtl/legalize.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/rtl/passes.h"

namespace zasgen::rtl {

Design elaborate(const ArchParams& p) {
  Design d;
  d.source = p.source_name;  // the file name only: designs with equal RTL share simulator builds
  arch::Elab e(d, p);
  d.top = arch::build_top(e).name;
  simplify(d);
  lower_selects(d);
  legalize(d);
  check_design(d);
  return d;
}

std::vector<OutputFile> generate_files(const ArchParams& p, const GenerateOptions& o) {
  const Design d = elaborate(p);
  WriterOptions w;
  w.tool_version = o.tool_version;
  std::vector<OutputFile> files = print_design(d, w);
  files.push_back({"rtl/macros.json", manifest_json(macro_manifest(d))});
  files.push_back({"rtl/registers.vlt", registers_vlt(d, o.tool_version)});
  files.push_back({"zasgen_params.h", params_header(p, d, o.tool_version)});
  files.push_back({"params.json", params_json(p, d, o.tool_version)});
  files.push_back({"regmap.md", regmap_markdown(p, o.tool_version)});
  return files;
}

WrittenDesign write_design(const ArchParams& p, const std::string& dir, const GenerateOptions& o) {
  std::vector<FileText> files;
  WrittenDesign w;
  for (const OutputFile& f : generate_files(p, o)) {
    const std::filesystem::path path(f.path);
    if (path.parent_path() == "rtl" && path.extension() == ".v") ++w.modules;
    files.push_back({f.path, f.text});
  }
  write_entries_atomically(dir, files);
  w.rtl_dir = (std::filesystem::path(dir) / "rtl").string();
  return w;
}

}  // namespace zasgen::rtl
