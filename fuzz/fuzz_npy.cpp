// NumPy .npy: magic, header dictionary, dtype, order, shape and data size.
#include "fuzz_target.hpp"
#include "hourglass/data/dataset.hpp"

namespace {
void parse(std::string_view bytes) {
  hourglass::parse_npy(bytes, "fuzz.npy");
  hourglass::parse_npy(bytes, "fuzz.npy", /*channels_last=*/true);
}
}  // namespace

HOURGLASS_FUZZ_TARGET(parse)
