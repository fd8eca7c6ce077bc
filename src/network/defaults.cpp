#include "hourglass/network/defaults.hpp"

#include <algorithm>

#include "hourglass/error.hpp"

namespace hourglass {

std::string default_network(int64_t width) {
  if (width < 1)
    throw InvalidArgument("default_network: expected rows of at least 1 value, got " + std::to_string(width));
  return std::to_string(std::clamp<int64_t>(width / 2, 1, 64)) + ":tanh";
}

}  // namespace hourglass
