#include "hourglass/train/detector.hpp"

#include <algorithm>

#include "hourglass/error.hpp"
#include "hourglass/train/option_specs.hpp"

namespace hourglass {

DetectorRecipe default_detector(int64_t columns, int64_t rows) {
  if (columns < 1 || rows < 1) {
    throw InvalidArgument("default_detector: expected at least 1 row of at least 1 column, got " +
                          std::to_string(rows) + " rows of " + std::to_string(columns));
  }
  const auto up = [](int64_t n, int64_t divisor) { return (n + divisor - 1) / divisor; };
  const int64_t hidden = std::min<int64_t>(64, std::max(columns, up(rows, 100)));
  return {std::to_string(hidden) + "," + std::to_string(up(hidden, 2)) + ":relu",
          {{"scale", std::string("zscore")}, {"ensemble", int64_t{5}}, {"trim", 0.3}, {"other_level", int64_t{1}}}};
}

void apply_detector_options(const DetectorRecipe& recipe, TrainOptions& options,
                            const std::vector<std::string>& given) {
  set_train_options_unless_given(options, recipe.options, given);
}

}  // namespace hourglass
