// IDX (MNIST), plain or gzip: magic, element type, dimensions and their product.
#include "fuzz_target.hpp"
#include "hourglass/data/dataset.hpp"

namespace {
void parse(std::string_view bytes) { hourglass::parse_idx(bytes, "fuzz-idx3-ubyte"); }
}  // namespace

HOURGLASS_FUZZ_TARGET(parse)
