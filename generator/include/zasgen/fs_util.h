// Writing generated files so that a failure never leaves a half-written result: everything
// goes to a temporary sibling directory that is renamed into place at the end.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace zasgen {

struct FileText {
  std::string path;  // relative to the output directory
  std::string text;
};

// Replaces directory `dir` with exactly `files` (the previous content is removed only after the
// new one is complete). Throws std::runtime_error on I/O errors, leaving `dir` untouched.
void write_tree_atomically(const std::string& dir, const std::vector<FileText>& files);

// Writes `files` into `dir`, replacing only the top-level entries they make (e.g. `rtl/`,
// `params.json`): everything is written to a temporary directory inside `dir` first, then each
// entry is renamed into place. Other entries of `dir` (reports, synthesis runs, a dense twin's
// directory) stay. Throws std::runtime_error on I/O errors, restoring what it replaced.
void write_entries_atomically(const std::string& dir, const std::vector<FileText>& files);

// Writes one file via a temporary file and rename.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace zasgen
