// The command line's entry: main() calls it, and the tests call it in-process.
#pragma once

#include <string>
#include <vector>

namespace hourglass::cli {

/// Parses and runs; returns the exit status: 0 success, 2 bad input (one line on
/// stderr), 3 training failed (loss not finite), 1 internal error.
int run(int argc, char** argv);
/// The same with the arguments as strings, the program's name first.
int run(const std::vector<std::string>& args);

}  // namespace hourglass::cli
