// Running the `hourglass` command from a test: a real process, its status and output.
//
//   const Result r = hourglass_cli("pca " + kIris + " --label Species --dim 2");
//   EXPECT_EQ(r.status, 0) << r.err;
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/run.hpp"
#include "support/fixtures.hpp"

namespace hourglass::testing {

struct Result {
  int status;  ///< the exit status; -1 when a signal ended the process
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline bool exists(const std::string& path) { return std::ifstream(path).good(); }

/// Runs `hourglass ARGUMENTS` through the shell.
inline Result hourglass_cli(const std::string& arguments) {
  const std::string out = temp_path("stdout"), err = temp_path("stderr");
  const std::string command = std::string(HOURGLASS_BINARY) + " " + arguments + " > " + out + " 2> " + err;
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

/// Runs the command in this process (cli::run), as `hourglass ARGS...` would, capturing
/// what it prints. For what needs no process of its own: no signals, kills or launches.
inline Result hourglass_in_process(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"hourglass"};
  argv.insert(argv.end(), args.begin(), args.end());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int status = cli::run(argv);
  std::cout.flush();
  std::cerr.flush();
  std::string out = ::testing::internal::GetCapturedStdout();
  return {status, std::move(out), ::testing::internal::GetCapturedStderr()};
}

inline const std::string kIris = std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv";

/// A file of `text` in the test's temporary folder.
inline std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace hourglass::testing
