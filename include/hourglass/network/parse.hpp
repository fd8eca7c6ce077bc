// Network spec strings: the same expression in C++, on the command line and in R.
//
//   parse_network("input() + dense(256, elu) + dense(36, tanh) + dense(256, elu)"
//                 " + output(sigmoid)");
//   parse_network("64,16");          // Network::from_sizes({64, 16})
//   parse_network("64,16:sigmoid");  // hidden layers sigmoid, output linear
//   parse_network("64,16:tanh:sigmoid");  // and a sigmoid output
// Arguments may be positional or named (dense(units=8, activation=relu)); names may be
// quoted. Errors are ParseError and name the column of the offending token.
#pragma once

#include <string>

#include "hourglass/network/network.hpp"

namespace hourglass {

Network parse_network(const std::string& spec);

}  // namespace hourglass
