// Progress of the long steps a person waits for (Verilator builds, simulations, Yosys, OpenSTA)
// and, at the end, the time each took. On a terminal one status line is redrawn twice a second
// with every running step, its percent and ETA when the step knows its total; in a log (not a
// terminal) plain lines mark each step's start, each further quarter and its end. Steps may run
// at the same time (the designs of a run in parallel); every call is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zasgen::app {

class Progress {
 public:
  struct Options {
    std::FILE* out = stderr;
    bool quiet = false;  // print nothing (the step times are still kept)
    int terminal = -1;   // -1: ask isatty(out); 0: a log; 1: a terminal
  };
  Progress();
  explicit Progress(const Options& o);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Starts a step of `total` units (0: unknown, elapsed time only); returns its id.
  int start(const std::string& name, double total = 0);
  // `done` of the step's total units are done.
  void update(int id, double done);
  void finish(int id);
  // A line of plain text (kept clear of the status line).
  void say(const std::string& line);

  struct Timing {
    std::string name;
    double seconds;
  };
  // Finished steps in the order they finished.
  std::vector<Timing> timings() const;
  // "step times: generate 0.1 s, build default_top 41 s, ..." (one line per step on a log).
  std::string summary() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Step {
    std::string name;
    double total = 0, done = 0;
    Clock::time_point t0;
    int quarter = 0;  // log mode: quarters reported
    bool running = true;
  };
  void redraw_locked();
  void ticker();
  std::string status_locked() const;

  Options o_;
  bool terminal_ = false;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Step> steps_;
  std::vector<Timing> timings_;
  size_t drawn_ = 0;  // characters of the status line on screen
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace zasgen::app
