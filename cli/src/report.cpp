// Files of `zasgen bench` (report.h): each suite's JSON and Markdown section, its gnuplot plots
// (SVG, and PNG when gnuplot has pngcairo), and the assembled report.md / report.html. Plot
// data come from the suites' JSON only; the paper's points are its published figures, labelled
// so.
#include "zasgen/app/report.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <fmt/format.h>

#include "zasgen/app/energy.h"
#include "zasgen/fs_util.h"
#include "zasgen/sim/tool.h"

namespace zasgen::app {

using sim::capture;
using sim::run_logged;

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Gnuplot strings are single-quoted: double any quote.
std::string gq(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '\'' ? std::string("''") : std::string(1, c);
  return "'" + o + "'";
}

struct Gnuplot {
  bool available = false;
  bool png = false;
};

Gnuplot probe_gnuplot() {
  Gnuplot g;
  g.available = !capture({"gnuplot", "--version"}).empty();
  if (g.available)
    g.png = capture({"gnuplot", "-e", "set terminal"}, true).find("pngcairo") != std::string::npos;
  return g;
}

const char* kSvgTerm =
    "set terminal svg size 880,520 dynamic noenhanced font 'Helvetica,13' background rgb 'white'";
const char* kPngTerm =
    "set terminal pngcairo size 880,520 noenhanced font 'Helvetica,11' background rgb 'white'";

struct Plot {
  std::string name;     // file stem under plots/
  std::string caption;  // alt text
  std::string body;     // data blocks, settings and the plot command (no terminal/output)
};

// Runs one plot; returns "" on success, else why it failed.
std::string render(const Plot& pl, const fs::path& dir, const Gnuplot& g) {
  if (!g.available) return "gnuplot not found (install the Debian package gnuplot-nox)";
  std::string script =
      std::string(kSvgTerm) + "\nset output " + gq(pl.name + ".svg") + "\n" + pl.body + "\n";
  if (g.png)
    script += std::string(kPngTerm) + "\nset output " + gq(pl.name + ".png") + "\nreplot\n";
  script += "unset output\n";
  write_file_atomically((dir / (pl.name + ".gp")).string(), script);
  const fs::path log = dir / (pl.name + ".log");
  const int rc = run_logged({"gnuplot", pl.name + ".gp"}, fs::absolute(log).string(), dir.string());
  if (rc != 0 || !fs::exists(dir / (pl.name + ".svg")))
    return fmt::format("gnuplot failed (status {}), see plots/{}.log", rc, pl.name);
  return "";
}

double num(const json& j, const char* k) {
  return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0;
}

std::vector<Plot> sparsity_plots(const json& j) {
  Plot pl{"sparsity", "Speedup over the dense baseline vs input sparsity", ""};
  std::map<double, std::map<std::string, json>> rows;
  double top = 0;
  for (const json& p : j["points"]) {
    rows[p["sparsity"].get<double>()][p["pattern"].get<std::string>()] = p;
    top = std::max(top, p["sparsity"].get<double>());
  }
  std::string d = "$d << EOD\n# sparsity% uniform clustered model_uniform model_clustered\n";
  for (const auto& [s, m] : rows) {
    auto v = [&](const char* pat, const char* k) {
      const auto it = m.find(pat);
      return it == m.end() ? std::string("NaN") : fmt::format("{:.6g}", num(it->second, k));
    };
    d += fmt::format("{:.6g} {} {} {} {}\n", 100 * s, v("uniform", "speedup"),
                     v("clustered", "speedup"), v("uniform", "model_speedup"),
                     v("clustered", "model_speedup"));
  }
  d += "EOD\n";
  const json& paper = j["paper"];
  d += fmt::format("$paper << EOD\n{:.6g} {:.6g}\nEOD\n", 100 * num(paper, "sparsity"),
                   num(paper, "speedup"));
  pl.body = d;
  pl.body += fmt::format(
      "set title {}\nset xlabel 'input sparsity (% zero activations)'\n"
      "set ylabel 'speedup over the dense twin (x)'\nset key top left box opaque reverse Left\nset "
      "grid\n"
      "set xrange [0:100]\nset yrange [0:*]\nset samples 400\n",
      gq(fmt::format("{} on {} (RTL simulation, both designs)", j.value("layer", ""),
                     j.value("design", ""))));
  pl.body += fmt::format(
      "plot sample [x=0:{:.6g}] 1/(1-x/100.) with lines lw 2 dt 2 lc rgb '#555555' "
      "title 'zero-skipping limit 1/(1-s)', \\\n"
      "  $d using 1:2 with points pt 7 ps 1.3 lc rgb '#1f77b4' title 'uniform zeros (RTL)', \\\n"
      "  $d using 1:3 with points pt 5 ps 1.1 lc rgb '#d62728' title 'clustered zeros (RTL)', \\\n"
      "  $d using 1:4 with points pt 8 ps 1.6 lc rgb '#17becf' title 'analytic model (uniform)', "
      "\\\n"
      "  $paper using 1:2 with points pt 3 ps 2.5 lw 2 lc rgb '#2ca02c' "
      "title {}\n",
      100 * top,
      gq(fmt::format("paper (published): {:.2f}x at {:.0f}%", num(paper, "speedup"),
                     100 * num(paper, "sparsity"))));
  return {pl};
}

std::vector<Plot> vgg16_plots(const json& j) {
  std::vector<Plot> out;
  for (const json& prof : j["profiles"]) {
    Plot pl{"vgg16_" + prof["id"].get<std::string>(),
            "VGG16 per-layer speedup, " + prof["title"].get<std::string>(), ""};
    std::string d = "$d << EOD\n# layer speedup limit\n";
    for (const json& l : prof["layers"])
      d += fmt::format("{} {:.6g} {:.6g}\n", l["layer"].get<std::string>(), num(l, "speedup"),
                       num(l, "limit"));
    const json& net = prof["network"];
    d += fmt::format("network {:.6g} {:.6g}\nEOD\n", num(net, "speedup"), num(net, "limit"));
    pl.body = d;
    pl.body += fmt::format(
        "set title {}\nset ylabel 'speedup over the dense twin (x)'\nset grid ytics\n"
        "set style data histograms\nset style histogram clustered gap 1\n"
        "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics rotate by -40\n"
        "set key top left box opaque\nset yrange [0:*]\n",
        gq(fmt::format("VGG16 on {}{}: {} (RTL simulation)", j.value("design", ""),
                       j.value("quick", false) ? " (quick shapes)" : "",
                       prof["title"].get<std::string>())));
    pl.body += fmt::format(
        "plot $d using 2:xtic(1) lc rgb '#1f77b4' title 'speedup (RTL)', \\\n"
        "  $d using 3 lc rgb '#bbbbbb' title 'zero-skipping limit 1/density', \\\n"
        "  {:.6g} with lines lw 2 dt 2 lc rgb '#2ca02c' title {}\n",
        num(net, "paper_speedup"),
        gq(fmt::format("paper, VGG16 whole network (published): {:.2f}x",
                       num(net, "paper_speedup"))));
    out.push_back(pl);
  }
  return out;
}

std::vector<Plot> ppa_plots(const json& j) {
  if (!j.contains("area_breakdown") || j["area_breakdown"].empty()) return {};
  std::vector<json> rows(j["area_breakdown"].begin(), j["area_breakdown"].end());
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return num(a, "sparse_um2") + num(a, "dense_um2") > num(b, "sparse_um2") + num(b, "dense_um2");
  });
  double total = 0;
  for (const json& r : rows) total += num(r, "sparse_um2") + num(r, "dense_um2");
  Plot pl{"area", "Area by module, sparse design and dense twin", ""};
  std::string d = "$d << EOD\n# module sparse_um2 dense_um2\n";
  double os = 0, od = 0;
  int shown = 0;
  for (const json& r : rows) {
    const double s = num(r, "sparse_um2"), dn = num(r, "dense_um2");
    if (shown < 12 && (s + dn) >= 0.005 * total) {
      d += fmt::format("{} {:.6g} {:.6g}\n", r["module"].get<std::string>(), s, dn);
      ++shown;
    } else {
      os += s;
      od += dn;
    }
  }
  if (os + od > 0) d += fmt::format("other {:.6g} {:.6g}\n", os, od);
  d += "EOD\n";
  pl.body = d;
  pl.body += fmt::format(
      "set title {}\nset ylabel 'area (um^2, own cells and SRAM macros)'\nset grid ytics\n"
      "set style data histograms\nset style histogram clustered gap 1\n"
      "set style fill solid 0.85 border -1\nset xtics rotate by -40\nset key top right box "
      "opaque\nset yrange [0:*]\n"
      "plot $d using 2:xtic(1) lc rgb '#1f77b4' title 'sparse design', \\\n"
      "  $d using 3 lc rgb '#bbbbbb' title 'dense twin'\n",
      gq(fmt::format("Area by module: {} and its dense twin (55-nm-like estimate)",
                     j.value("design", ""))));
  return {pl};
}

// Replaces {{plot:NAME}} placeholders with the image (or why there is none).
std::string fill_plots(std::string md, const std::map<std::string, std::string>& made,
                       const std::map<std::string, std::string>& failed, bool png,
                       const std::map<std::string, std::string>& captions) {
  const std::regex re(R"(\{\{plot:([A-Za-z0-9_]+)\}\})");
  std::string out;
  auto begin = std::sregex_iterator(md.begin(), md.end(), re);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += md.substr(last, size_t(m.position(0)) - last);
    const std::string name = m[1];
    if (made.count(name)) {
      const auto c = captions.find(name);
      out += fmt::format("![{}](plots/{}.svg)", c == captions.end() ? name : c->second, name);
      if (png) out += fmt::format("\n\n(PNG: [plots/{0}.png](plots/{0}.png))", name);
    } else {
      const auto f = failed.find(name);
      out += fmt::format("*(plot `{}` not made: {})*", name,
                         f == failed.end() ? "no data" : f->second);
    }
    last = size_t(m.position(0) + m.length(0));
  }
  out += md.substr(last);
  return out;
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&')
      o += "&amp;";
    else if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

}  // namespace

std::string markdown_to_html(const std::string& markdown, const std::string& title) {
  // GitHub-flavoured Markdown (tables) with cmark-gfm, the reference implementation.
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  if (cmark_syntax_extension* table = cmark_find_syntax_extension("table"))
    cmark_parser_attach_syntax_extension(parser, table);
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  char* html =
      cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
  const std::string body = html ? html : "";
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>\nbody {{ font-family: Helvetica, Arial, sans-serif; max-width: 72em; margin: 2em "
      "auto; padding: 0 1em; line-height: 1.45; color: #222; }}\n"
      "table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }}\n"
      "th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; }}\nth {{ background: #f2f2f2; }}\n"
      "img {{ max-width: 100%; }}\ncode {{ background: #f4f4f4; padding: 0 0.2em; }}\n"
      "blockquote {{ border-left: 4px solid #d62728; margin: 1em 0; padding: 0.2em 1em; "
      "background: #fff5f5; }}\n</style>\n</head>\n<body>\n{}</body>\n</html>\n",
      html_escape(title), body);
}

std::vector<std::string> write_suite(const SuiteReport& r, const std::string& reports_dir) {
  const fs::path dir(reports_dir);
  const fs::path plots = dir / "plots";
  fs::create_directories(plots);
  std::vector<Plot> todo;
  if (r.suite == "sparsity") todo = sparsity_plots(r.json);
  if (r.suite == "vgg16") todo = vgg16_plots(r.json);
  if (r.suite == "ppa") todo = ppa_plots(r.json);
  const Gnuplot g = todo.empty() ? Gnuplot{} : probe_gnuplot();
  std::map<std::string, std::string> made, failed, captions;
  std::vector<std::string> files;
  for (const Plot& pl : todo) {
    captions[pl.name] = pl.caption;
    const std::string why = render(pl, plots, g);
    if (why.empty()) {
      made[pl.name] = pl.name;
      files.push_back((plots / (pl.name + ".svg")).string());
      if (g.png) files.push_back((plots / (pl.name + ".png")).string());
    } else {
      failed[pl.name] = why;
    }
  }
  write_file_atomically(
      (dir / ("bench_" + r.suite + ".json")).string(),
      r.json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write_file_atomically((dir / ("bench_" + r.suite + ".md")).string(),
                        fill_plots(r.markdown, made, failed, g.png, captions));
  return files;
}

std::string assemble_report(const std::string& reports_dir, const std::string& config_path,
                            const ArchParams& p) {
  const fs::path dir(reports_dir);
  const std::vector<std::string> order = {"sparsity", "vgg16", "ppa", "energy", "tool"};
  std::map<std::string, json> js;
  std::map<std::string, std::string> sections;
  for (const std::string& s : order) {
    const fs::path jp = dir / ("bench_" + s + ".json"), mp = dir / ("bench_" + s + ".md");
    if (!fs::exists(jp) || !fs::exists(mp)) continue;
    try {
      json j = json::parse(slurp(jp));
      // A section of another configuration (a copied directory) does not belong here.
      if (j.value("design", std::string()) != p.name) continue;
      js[s] = std::move(j);
      sections[s] = slurp(mp);
    } catch (const std::exception&) {
      continue;
    }
  }
  auto from = [&](const std::string& s) {
    return fmt::format("`{}`", js[s].value("command", "zasgen bench " + s));
  };
  std::string md = fmt::format("# zasgen benchmark report: `{}`\n\n", p.name);
  md += fmt::format(
      "Configuration `{}`: {} storage, {} PEs x {} lane{}, {}-bit activations and weights, "
      "{:.0f} MHz target. Every figure below was produced by RTL simulation (Verilator) or "
      "synthesis (Yosys, OpenSTA) in the benchmark run that wrote its section, named under "
      "\"from\"; the paper's figures are the ones it published ({}), labelled as such.\n\n",
      config_path, p.sparse() ? to_string(p.format) : "dense", p.pes, p.lanes,
      p.lanes == 1 ? "" : "s", p.act_bits, p.target_mhz, kPaperCitation);
  md += "| figure | zasgen | limit | paper (published) | from |\n|---|---:|---:|---:|---|\n";
  auto x = [](const json& v) {
    return v.is_number() ? fmt::format("{:.2f}x", v.get<double>()) : std::string("-");
  };
  if (js.count("sparsity")) {
    const json& j = js["sparsity"];
    const json h = j.value("at_90", json::object());
    if (h.contains("uniform"))
      md += fmt::format(
          "| conv layer speedup at 90% sparsity, uniform / clustered{} | **{}** / "
          "**{}** | {} | {:.2f}x | {} |\n",
          j.value("quick", false) ? " (quick)" : "", x(h["uniform"]["speedup"]),
          h.contains("clustered") ? x(h["clustered"]["speedup"]) : "-", x(h["uniform"]["limit"]),
          kPaperSpeedupAt90, from("sparsity"));
  }
  if (js.count("vgg16")) {
    const json& j = js["vgg16"];
    for (const json& prof : j["profiles"]) {
      const json& n = prof["network"];
      md += fmt::format("| VGG16 whole network, {}{} | **{}** | {} | {:.2f}x | {} |\n",
                        prof["title"].get<std::string>(), j.value("quick", false) ? " (quick)" : "",
                        x(n["speedup"]), x(n["limit"]), kPaperVgg16Speedup, from("vgg16"));
    }
  }
  if (js.count("ppa") && js["ppa"].value("ran", false)) {
    const json& j = js["ppa"];
    const json& s = j["synth"];
    const json& sp = s.contains("sparse") ? s["sparse"] : s;
    if (sp.contains("tops_per_w") && sp["tops_per_w"].is_object())
      md += fmt::format(
          "| effective TOPS/W (55-nm-like estimate, central and low-high band) | **{:.2f}** "
          "({:.2f}-{:.2f}) | | {:.2f} | {} |\n",
          sp["tops_per_w"]["central"].get<double>(), sp["tops_per_w"]["low"].get<double>(),
          sp["tops_per_w"]["high"].get<double>(), kPaperTopsPerW, from("ppa"));
    if (sp.contains("pj_per_mac") && sp["pj_per_mac"].is_number())
      md += fmt::format("| energy per executed MAC | {:.2f} pJ | | | {} |\n",
                        sp["pj_per_mac"].get<double>(), from("ppa"));
    if (j.contains("area_overhead"))
      md +=
          fmt::format("| area of the sparse machinery over the dense twin | {:+.1f}% | | | {} |\n",
                      100 * j["area_overhead"].get<double>(), from("ppa"));
    if (sp.contains("fmax_mhz") && sp["fmax_mhz"].is_number())
      md += fmt::format("| fmax | {:.1f} MHz | | 100 MHz (clock) | {} |\n",
                        sp["fmax_mhz"].get<double>(), from("ppa"));
  } else if (js.count("ppa")) {
    md += fmt::format("| effective TOPS/W | synthesis did not run | | {:.2f} | {} |\n",
                      kPaperTopsPerW, from("ppa"));
  }
  if (js.count("energy")) {
    const json& n = js["energy"]["network_energy"];
    const Range e{n["energy_uj"]["low"].get<double>(), n["energy_uj"]["central"].get<double>(),
                  n["energy_uj"]["high"].get<double>()};
    md += fmt::format(
        "| VGG16 energy per image, published sparsity{}{} (55-nm-like estimate, band) | "
        "**{}**, {:.2f} TOPS/W ({:.2f}-{:.2f}) | | {:.2f} TOPS/W | {} |\n",
        js["energy"].value("quick", false) ? " (quick)" : "",
        n.value("complete", false) ? "" : ", incomplete", energy_text(e),
        n["tops_per_w"]["central"].get<double>(), n["tops_per_w"]["low"].get<double>(),
        n["tops_per_w"]["high"].get<double>(), kPaperTopsPerW, from("energy"));
  }
  if (js.count("tool"))
    for (const json& c : js["tool"]["configs"])
      md += fmt::format(
          "| `{}`: generate / simulator build / sim speed | {:.0f} ms / {:.1f} s / "
          "{:.0f}k cycles/s | | | {} |\n",
          c.value("config", ""), 1000 * c.value("generate_seconds", 0.0),
          c.value("build_seconds", 0.0), c.value("sim_cycles_per_second", 0.0) / 1e3, from("tool"));
  std::vector<std::string> absent;
  for (const std::string& s : order)
    if (!sections.count(s)) absent.push_back(s);
  md += "\n";
  if (!absent.empty()) {
    md += "Not in this report yet (run `zasgen bench SUITE " + config_path + "`): ";
    for (size_t i = 0; i < absent.size(); ++i) md += (i ? ", " : "") + absent[i];
    md += ".\n\n";
  }
  for (const std::string& s : order)
    if (sections.count(s)) md += sections[s] + "\n";
  const std::string md_path = (dir / "report.md").string();
  write_file_atomically(md_path, md);
  write_file_atomically((dir / "report.html").string(),
                        markdown_to_html(md, "zasgen benchmark report: " + p.name));
  return md_path;
}

PlotFiles render_plot(const std::string& dir, const std::string& name, const std::string& body) {
  fs::create_directories(dir);
  const Gnuplot g = probe_gnuplot();
  PlotFiles f;
  f.error = render({name, "", body}, fs::path(dir), g);
  f.png = f.error.empty() && g.png && fs::exists(fs::path(dir) / (name + ".png"));
  return f;
}

}  // namespace zasgen::app
