// Network spec strings, and the shape rules of the networks they parse to.
#include <string>

#include "fuzz_target.hpp"
#include "hourglass/network/parse.hpp"

namespace {
void parse(std::string_view bytes) {
  const hourglass::Network network = hourglass::parse_network(std::string(bytes));
  network.validate();
  network.output_shapes({1, 8, 8});
  network.output_shapes({5});
}
}  // namespace

HOURGLASS_FUZZ_TARGET(parse)
