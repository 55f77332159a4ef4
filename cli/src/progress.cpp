#include "zasgen/app/progress.h"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

namespace zasgen::app {

namespace {

std::string seconds_text(double s) {
  if (s < 10) return fmt::format("{:.1f} s", s);
  if (s < 120) return fmt::format("{:.0f} s", s);
  return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60));
}

}  // namespace

Progress::Progress() : Progress(Options{}) {}

Progress::Progress(const Options& o) : o_(o) {
  terminal_ = o_.terminal < 0 ? isatty(fileno(o_.out)) != 0 : o_.terminal == 1;
  if (terminal_ && !o_.quiet) ticker_ = std::thread([this] { ticker(); });
}

Progress::~Progress() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fprintf(o_.out, "\r%*s\r", int(drawn_), "");
}

int Progress::start(const std::string& name, double total) {
  std::lock_guard<std::mutex> lock(mu_);
  Step s;
  s.name = name;
  s.total = total;
  s.t0 = Clock::now();
  steps_.push_back(s);
  if (!o_.quiet && !terminal_) std::fprintf(o_.out, "  %s ...\n", name.c_str());
  redraw_locked();
  return int(steps_.size()) - 1;
}

void Progress::update(int id, double done) {
  std::lock_guard<std::mutex> lock(mu_);
  Step& s = steps_[size_t(id)];
  s.done = done;
  if (!o_.quiet && !terminal_ && s.total > 0) {
    const int q = int(4 * done / s.total);
    if (q > s.quarter && q < 4) {
      s.quarter = q;
      const double el = std::chrono::duration<double>(Clock::now() - s.t0).count();
      std::fprintf(o_.out, "  %s: %d%% (%s)\n", s.name.c_str(), 25 * q, seconds_text(el).c_str());
    }
  }
}

void Progress::finish(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  Step& s = steps_[size_t(id)];
  if (!s.running) return;
  s.running = false;
  const double el = std::chrono::duration<double>(Clock::now() - s.t0).count();
  timings_.push_back({s.name, el});
  if (o_.quiet) return;
  if (terminal_) {
    if (drawn_) std::fprintf(o_.out, "\r%*s\r", int(drawn_), "");
    drawn_ = 0;
  }
  std::fprintf(o_.out, "  %s: done in %s\n", s.name.c_str(), seconds_text(el).c_str());
  redraw_locked();
}

void Progress::say(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.quiet) return;
  if (terminal_ && drawn_) std::fprintf(o_.out, "\r%*s\r", int(drawn_), "");
  drawn_ = 0;
  std::fprintf(o_.out, "%s\n", line.c_str());
  redraw_locked();
}

std::vector<Progress::Timing> Progress::timings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timings_;
}

std::string Progress::summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string s = "step times:";
  for (size_t i = 0; i < timings_.size(); ++i)
    s += fmt::format("{} {} {}", i ? "," : "", timings_[i].name, seconds_text(timings_[i].seconds));
  return s;
}

std::string Progress::status_locked() const {
  std::string line;
  const auto now = Clock::now();
  for (const Step& s : steps_) {
    if (!s.running) continue;
    const double el = std::chrono::duration<double>(now - s.t0).count();
    std::string part = fmt::format("[{} {}", s.name, seconds_text(el));
    if (s.total > 0 && s.done > 0) {
      const double frac = std::min(1.0, s.done / s.total);
      part += fmt::format(", {:.0f}%", 100 * frac);
      if (frac < 1) part += ", ETA " + seconds_text(el * (1 - frac) / frac);
    }
    line += (line.empty() ? "" : " ") + part + "]";
  }
  return line;
}

void Progress::redraw_locked() {
  if (!terminal_ || o_.quiet) return;
  std::string line = status_locked();
  if (line.size() > 150) line = line.substr(0, 147) + "...";
  std::fprintf(o_.out, "\r%s", line.c_str());
  if (drawn_ > line.size()) std::fprintf(o_.out, "%*s", int(drawn_ - line.size()), "");
  drawn_ = line.size();
  std::fflush(o_.out);
}

void Progress::ticker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(500));
    if (!stop_) redraw_locked();
  }
}

}  // namespace zasgen::app
