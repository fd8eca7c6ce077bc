// The default anomaly detector: what `hourglass train DATA --contamination C` builds when
// no network is given, and what R's and Python's detectors build without one. One rule,
// chosen and measured in bench/README.md ("Anomaly detection"), sized to the data rather
// than fixed: a network with more units than its rows can support learns to copy them,
// outliers too (the house votes: 0.59 AUC-ROC at 64-32, 0.97 at 16-8), while a large
// table needs the units to model its normal rows (shuttle: 0.951 at 5-3, 0.996 at 64-32).
// Each batch's worst 30% of rows stay out of the loss: ADBench's tables hold up to 36%
// outliers, and a network that learns them scores them low (breastw: 97.6 at a tenth,
// 98.5 at 30%).
//
//   const DetectorRecipe recipe = default_detector(9, 489);   // 9 columns, 489 rows:
//   recipe.network;                                           // "9,5:relu"
//   TrainOptions options;
//   apply_detector_options(recipe, options, {"ensemble"});        // all but ensemble
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hourglass/train/options.hpp"

namespace hourglass {

struct DetectorRecipe {
  /// The network, a ruta spec: a first layer of one unit per column or one per 100 rows,
  /// whichever is more, at most 64; then a code of half that (rounded up).
  std::string network;
  /// The training options it sets, by their names in option_specs.hpp: z-scores, an
  /// ensemble of 5 networks, each batch's worst 30% of rows left out of the loss, and
  /// an "(other)" level for categories training never saw.
  std::vector<std::pair<std::string, OptionValue>> options;
};

/// The recipe for `rows` rows of `columns` columns (a table's columns before any one-hot
/// coding, or a sample's values). Throws InvalidArgument below 1.
DetectorRecipe default_detector(int64_t columns, int64_t rows);

/// Sets the recipe's options on `options`, except those named in `given` (options the
/// user set, which win).
void apply_detector_options(const DetectorRecipe& recipe, TrainOptions& options, const std::vector<std::string>& given);

}  // namespace hourglass
