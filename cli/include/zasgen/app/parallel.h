// Independent work on both cores: the designs of a run, the layers of a network, the points of
// a benchmark. Results stay deterministic because each item writes only its own slot.
#pragma once

#include <cstddef>
#include <functional>

namespace zasgen::app {

// The number of cores (at least 1): the default of every --jobs.
int default_jobs();

// Runs fn(i) for i in [0, n) on up to `jobs` threads (the calling thread included). When items
// throw, every started item still finishes and the exception of the lowest index is rethrown.
void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn);

}  // namespace zasgen::app
