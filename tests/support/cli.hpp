// Running the `hourglass` command from a test: in this process or a real one, its status and output.
//
//   const Result r = hourglass_cli("pca " + kIris + " --label Species --dim 2");
//   EXPECT_EQ(r.status, 0) << r.err;
#pragma once

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
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

/// Runs `hourglass ARGUMENTS` through the shell, in a process of its own: for what needs
/// one (signals, distributed launches, redirections).
inline Result hourglass_process(const std::string& arguments) {
  const std::string out = temp_path("stdout"), err = temp_path("stderr");
  const std::string command = std::string(HOURGLASS_BINARY) + " " + arguments + " > " + out + " 2> " + err;
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

/// Runs the command in this process (cli::run), as `hourglass ARGS...` would, capturing
/// what it prints. For what needs no process of its own: no signals, kills or launches.
/// The thread count a `--threads` sets is put back afterwards.
inline Result hourglass_in_process(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"hourglass"};
  argv.insert(argv.end(), args.begin(), args.end());
  const int threads = at::get_num_threads();
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int status = cli::run(argv);
  std::cout.flush();
  std::cerr.flush();
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  at::set_num_threads(threads);
  return {status, std::move(out), std::move(err)};
}

/// The words of a command line as the shell splits them, or nothing where the line uses
/// the shell beyond quoting: redirections, pipes, variables, globs, escapes, assignments.
inline std::optional<std::vector<std::string>> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\'' || c == '"') {
      const size_t close = line.find(c, i + 1);
      if (close == std::string::npos) return std::nullopt;
      const std::string quoted = line.substr(i + 1, close - i - 1);
      if (c == '"' && quoted.find_first_of("$`\\!") != std::string::npos) return std::nullopt;
      word += quoted;
      in_word = true;
      i = close;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (std::string_view("|&;<>()$`\\*?[]{}#~!\t\n").find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  if (!words.empty() && words.front().find('=') != std::string::npos) return std::nullopt;
  return words;
}

/// Runs `hourglass ARGUMENTS`: in this process where a process of its own changes nothing
/// (most tests: a process start costs LibTorch's dynamic linking, 0.75-4 s), through the
/// shell where the line needs it (shell_words) or the command starts processes (--nproc,
/// serve).
inline Result hourglass_cli(const std::string& arguments) {
  const auto words = shell_words(arguments);
  const bool starts_processes = words && std::any_of(words->begin(), words->end(), [](const std::string& w) {
                                  return w == "--nproc" || w.rfind("--nproc=", 0) == 0 || w == "serve";
                                });
  return words && !starts_processes ? hourglass_in_process(*words) : hourglass_process(arguments);
}

/// Starts `hourglass ARGUMENTS` in the background, waits for an event the run causes (the
/// file `ready` on disk and not empty: a history CSV's first epoch, a checkpoint), then runs
/// the shell command `then` with the run's process id in $pid (`kill -INT $pid`) and
/// returns the run's exit status. The wait is for the event, never for a time: a loaded
/// machine or a sanitizer build only makes it longer (it gives up after 10 minutes, or
/// when the run ends first). The run's standard error is in the file `err`.
inline int status_after_event(const std::string& arguments, const std::string& ready, const std::string& then,
                              const std::string& err) {
  const std::string status = temp_path("event-status");
  std::remove(ready.c_str());
  const std::string command = "( " + std::string(HOURGLASS_BINARY) + " " + arguments + " 2> " + err +
                              " & pid=$!; for i in $(seq 6000); do [ -s " + ready +
                              " ] && break; kill -0 $pid 2> /dev/null || break; sleep 0.1; done; " + then +
                              "; wait $pid; echo $? > " + status + " )";
  if (std::system(command.c_str()) != 0) return -1;
  const std::string text = slurp(status);
  return text.empty() ? -1 : std::stoi(text);
}

inline const std::string kIris = std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv";

/// A file of `text` in the test's temporary folder.
inline std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace hourglass::testing
