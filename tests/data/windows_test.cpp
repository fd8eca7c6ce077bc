// Windows of a long table: every row covered, the values where they belong, and values
// per window brought back to the rows as the mean of the windows that cover them.
#include "hourglass/data/windows.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

Dataset series(int64_t rows, int64_t features) {
  Dataset data;
  data.features = torch::arange(rows * features, torch::kFloat).view({rows, features});
  for (int64_t f = 0; f < features; ++f) data.columns.push_back("x" + std::to_string(f + 1));
  data.label_name = "class";
  for (int64_t r = 0; r < rows; ++r) data.labels.push_back("row" + std::to_string(r));
  return data;
}

TEST(Windows, EveryRowIsCoveredAndTheLastWindowEndsAtTheLastRow) {
  EXPECT_EQ(Windowing(4, 1).starts(6), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(Windowing(4, 3).starts(10), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(Windowing(4, 3).starts(11), (std::vector<int64_t>{0, 3, 6, 7}));
  EXPECT_EQ(Windowing(5, 5).starts(12), (std::vector<int64_t>{0, 5, 7}));
  EXPECT_EQ(Windowing(3).starts(3), (std::vector<int64_t>{0}));
  for (int64_t rows = 5; rows < 30; ++rows) {
    for (int64_t length : {1, 2, 5}) {
      for (int64_t stride = 1; stride <= length; ++stride) {
        std::vector<int> covered(static_cast<size_t>(rows), 0);
        for (int64_t start : Windowing(length, stride).starts(rows)) {
          for (int64_t r = start; r < start + length; ++r) covered[static_cast<size_t>(r)] += 1;
        }
        for (int count : covered) EXPECT_GE(count, 1) << rows << " rows, " << length << "/" << stride;
      }
    }
  }
}

TEST(Windows, CutGivesChannelsFirstSequencesLabelledByTheirLastRow) {
  const Dataset data = series(6, 2);  // row r holds 2r, 2r + 1
  const Dataset windows = Windowing(3, 2).cut(data);
  ASSERT_EQ(windows.rows(), 3);  // starts 0, 2, 3
  EXPECT_EQ(windows.sample_shape, (std::vector<int64_t>{2, 3}));
  const auto samples = windows.samples();
  // Window 1 starts at row 2: feature 0 over rows 2..4 is 4, 6, 8; feature 1 is 5, 7, 9.
  EXPECT_TRUE(torch::equal(samples[1], torch::tensor({{4.0f, 6.0f, 8.0f}, {5.0f, 7.0f, 9.0f}})));
  EXPECT_TRUE(torch::equal(samples[2][0], torch::tensor({6.0f, 8.0f, 10.0f})));
  EXPECT_EQ(windows.columns.front(), "x1@1");
  EXPECT_EQ(windows.columns.back(), "x2@3");
  EXPECT_EQ(windows.labels, (std::vector<std::string>{"row2", "row4", "row5"}));
}

TEST(Windows, PerRowValuesAreTheMeanOfTheCoveringWindows) {
  const Windowing windowing(3, 1);
  const auto per_window = torch::tensor({1.0, 2.0, 4.0}, torch::kDouble);  // windows at 0, 1, 2 over 5 rows
  const auto per_row = windowing.per_row(per_window, 5);
  // Row 0: window 0; row 1: 0, 1; row 2: 0, 1, 2; row 3: 1, 2; row 4: 2.
  EXPECT_TRUE(torch::allclose(per_row, torch::tensor({1.0, 1.5, 7.0 / 3, 3.0, 4.0}, torch::kDouble)));
  EXPECT_EQ(per_row.scalar_type(), torch::kDouble);
}

TEST(Windows, OverlapAverageRebuildsTheTable) {
  const Dataset data = series(9, 3);
  const Windowing windowing(4, 2);
  const Dataset windows = windowing.cut(data);
  // Windows cut from the table give it back: every copy of a cell holds the cell.
  EXPECT_TRUE(torch::equal(windowing.overlap_average(windows.features, 9), data.features));
  // And a value per step is averaged over the windows holding that step.
  auto changed = windows.features.clone();
  changed[0] += 8;  // window 0 covers rows 0..3; rows 2 and 3 are also in window 1
  const auto rebuilt = windowing.overlap_average(changed, 9);
  EXPECT_TRUE(torch::equal(rebuilt[1], data.features[1] + 8));
  EXPECT_TRUE(torch::equal(rebuilt[2], data.features[2] + 4));
  EXPECT_TRUE(torch::equal(rebuilt[4], data.features[4]));
}

TEST(Windows, BadRequestsAreNamed) {
  EXPECT_NE(error_of<InvalidArgument>([] { Windowing(0, 1); }).find("at least 1"), std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] { Windowing(4, 5); }).find("a stride of at most the length"),
            std::string::npos);
  EXPECT_NE(error_of<DataError>([] { Windowing(10).starts(4); }).find("only 4 rows"), std::string::npos);
  Dataset images = series(4, 4);
  images.sample_shape = {1, 2, 2};
  EXPECT_NE(error_of<DataError>([&] { Windowing(2).cut(images); }).find("table of rows x features"), std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] { Windowing(2).per_row(torch::ones(3), 10); }).find("one value per window"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
