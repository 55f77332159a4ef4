// zasgen generate CONFIG [-o DIR]: RTL, file list, C header, params.json and the register map,
// written atomically (a failed run leaves the previous output untouched).
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/elaborate.h"

namespace zasgen::cli {

int run_generate(const GenerateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::optional<ArchParams> p = load_params(o.config);
  if (!p) return kInvalidInput;
  const std::string dir = o.out_dir.empty() ? default_out_dir(o.config) : o.out_dir;
  std::vector<FileText> files;
  size_t rtl = 0;
  try {
    rtl::GenerateOptions go;
    go.tool_version = ZASGEN_VERSION;
    for (const rtl::OutputFile& f : rtl::generate_files(*p, go)) {
      files.push_back({f.path, f.text});
      rtl += f.path.rfind("rtl/", 0) == 0 && f.path.size() > 2 &&
             f.path.compare(f.path.size() - 2, 2, ".v") == 0;
    }
    write_entries_atomically(dir, files);
  } catch (const std::logic_error& e) {
    report_error(fmt::format("internal error while generating {}: {}", o.config, e.what()));
    return kToolFailure;
  } catch (const std::exception& e) {
    report_error(e.what());
    return kToolFailure;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "%s: %s_top (%s, %d PEs x %d lane%s) -> %s/ (%zu Verilog modules, filelist.f, "
      "zasgen_params.h, params.json, regmap.md) in %.0f ms\n",
      o.config.c_str(), p->name.c_str(), p->sparse() ? to_string(p->format) : "dense", p->pes,
      p->lanes, p->lanes == 1 ? "" : "s", dir.c_str(), rtl, ms);
  return kOk;
}

}  // namespace zasgen::cli
