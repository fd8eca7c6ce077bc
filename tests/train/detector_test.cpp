// The default anomaly detector's recipe (train/detector.hpp).
#include "hourglass/train/detector.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hourglass/error.hpp"
#include "hourglass/train/option_specs.hpp"

namespace hourglass {
namespace {

TEST(DefaultDetector, ItsNetworkGrowsWithTheRowsFromTheColumnsTo64Units) {
  EXPECT_EQ(default_detector(16, 206).network, "16,8:relu");    // the house votes: the columns
  EXPECT_EQ(default_detector(9, 489).network, "9,5:relu");      // breast cancer: the columns
  EXPECT_EQ(default_detector(33, 245).network, "33,17:relu");   // ionosphere
  EXPECT_EQ(default_detector(8, 1537).network, "16,8:relu");    // a unit per 100 rows
  EXPECT_EQ(default_detector(9, 34367).network, "64,32:relu");  // shuttle: at most 64
  EXPECT_EQ(default_detector(784, 60000).network, "64,32:relu");
  EXPECT_EQ(default_detector(1, 1).network, "1,1:relu");
  EXPECT_THROW(default_detector(0, 10), InvalidArgument);
  EXPECT_THROW(default_detector(4, 0), InvalidArgument);
}

TEST(DefaultDetector, ItsOptionsApplyWhereTheUserGaveNone) {
  const DetectorRecipe recipe = default_detector(8, 100);
  TrainOptions options;
  options.ensemble(2).trim(0.2);
  apply_detector_options(recipe, options, {"ensemble"});
  EXPECT_EQ(options.scale(), "zscore");
  EXPECT_EQ(options.ensemble(), 2);       // given: the user's
  EXPECT_DOUBLE_EQ(options.trim(), 0.3);  // not given: the recipe's, whatever was there
  EXPECT_EQ(options.other_level(), 1);
  // Every option it sets is a declared one, with a value its declaration accepts.
  for (const auto& [name, value] : recipe.options) {
    EXPECT_NO_THROW(train_option_spec(name)) << name;
    EXPECT_NO_THROW(check_train_option(options, name)) << name;
  }
}

}  // namespace
}  // namespace hourglass
