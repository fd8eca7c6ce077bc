// Running the `hourglass` command in a test: a real process, its status and its output.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "support/fixtures.hpp"

namespace hourglass::testing {

struct CliResult {
  int status;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

/// `hourglass ARGUMENTS` through the shell (quote as for sh).
inline CliResult run_hourglass(const std::string& arguments) {
  const std::string out = temp_path("stdout"), err = temp_path("stderr");
  const std::string command = std::string(HOURGLASS_BINARY) + " " + arguments + " > " + out + " 2> " + err;
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

inline std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace hourglass::testing
