#include "hourglass/train/detector.hpp"

#include <algorithm>

#include "hourglass/error.hpp"
#include "hourglass/train/option_specs.hpp"

namespace hourglass {

DetectorRecipe default_detector(int64_t columns) {
  if (columns < 1) {
    throw InvalidArgument("default_detector: expected rows of at least 1 column, got " + std::to_string(columns));
  }
  const auto part = [columns](int64_t divisor) { return std::max<int64_t>(1, (columns + divisor - 1) / divisor); };
  return {std::to_string(part(2)) + "," + std::to_string(part(4)) + ":relu",
          {{"scale", std::string("zscore")}, {"ensemble", int64_t{5}}, {"trim", 0.1}, {"other_level", int64_t{1}}}};
}

void apply_detector_options(const DetectorRecipe& recipe, TrainOptions& options,
                            const std::vector<std::string>& given) {
  for (const auto& [name, value] : recipe.options) {
    if (std::find(given.begin(), given.end(), name) == given.end()) set_train_option(options, name, value);
  }
}

}  // namespace hourglass
