// Delimited text: headers, quotes, BOM, CRLF, labels, ragged rows, numbers.
#include "fuzz_target.hpp"
#include "hourglass/data/dataset.hpp"

namespace {
void parse(std::string_view bytes) {
  hourglass::parse_delimited(bytes, "fuzz.csv");
  hourglass::parse_delimited(bytes, "fuzz.csv", hourglass::ReadOptions().label("1").delimiter('\t'));
}
}  // namespace

HOURGLASS_FUZZ_TARGET(parse)
