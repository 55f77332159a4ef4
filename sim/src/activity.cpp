#include "zasgen/sim/activity.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "zasgen/sim/tool.h"

namespace zasgen::sim {

namespace fs = std::filesystem;

namespace {

// One coverage point: the fields of its key ('\x01' name '\x02' value ...) and its count.
struct Point {
  std::map<std::string, std::string> f;
  uint64_t count = 0;
};

bool parse_point(const std::string& line, Point& p) {
  if (line.size() < 4 || line[0] != 'C') return false;
  const size_t q1 = line.find('\'');
  const size_t q2 = line.rfind('\'');
  if (q1 == std::string::npos || q2 <= q1) return false;
  const std::string key = line.substr(q1 + 1, q2 - q1 - 1);
  p.f.clear();
  size_t pos = 0;
  while (pos < key.size()) {
    if (key[pos] != '\x01') return false;
    const size_t sep = key.find('\x02', pos);
    if (sep == std::string::npos) return false;
    size_t end = key.find('\x01', sep);
    if (end == std::string::npos) end = key.size();
    p.f[key.substr(pos + 1, sep - pos - 1)] = key.substr(sep + 1, end - sep - 1);
    pos = end;
  }
  p.count = std::stoull(line.substr(q2 + 1));
  return true;
}

}  // namespace

void add_coverage(SwitchingActivity& a, const std::vector<std::string>& files,
                  const std::string& top) {
  const std::string root = "top." + top;
  Point pt;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) throw ToolError("cannot read coverage file " + file);
    std::string line;
    while (std::getline(in, line)) {
      if (!parse_point(line, pt)) continue;
      const std::string& page = pt.f["page"];
      std::string hier = pt.f["h"];
      if (hier.rfind(root, 0) != 0) continue;
      hier = hier.size() > root.size() ? hier.substr(root.size() + 1) : "";
      if (page.rfind("v_toggle/", 0) == 0) {
        const std::string& sig = pt.f["o"];
        if (sig == "clk") continue;  // the clock is the clock
        a.nets[hier.empty() ? sig : hier + "." + sig].toggles += pt.count;
      }
    }
  }
}

uint64_t drop_impossible_toggles(SwitchingActivity& a) {
  uint64_t dropped = 0;
  for (auto it = a.nets.begin(); it != a.nets.end();) {
    if (it->second.toggles <= a.cycles * uint64_t(it->second.bits)) {
      ++it;
      continue;
    }
    ++dropped;
    it = a.nets.erase(it);
  }
  return dropped;
}

}  // namespace zasgen::sim
