// A table's columns to the network's values and back: one-hot groups, missing cells,
// the scaler on the numeric columns, and the per-column losses against their formulas.
#include "hourglass/data/table_coding.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

const float kNaN = NAN;

// x (numeric), colour (3 levels), y (numeric), with holes in all three.
Dataset small_table() {
  return parse_delimited(
      "x,colour,y\n"
      "1,red,10\n"
      "2,blue,NA\n"
      "NA,green,30\n"
      "4,NA,40\n"
      "5,red,50\n",
      "t.csv");
}

at::Tensor squared_error(const at::Tensor& p, const at::Tensor& t) { return (p - t).square(); }

TEST(TableCoding, OneHotGroupsScaledNumbersAndHoles) {
  const Dataset table = small_table();
  const TableCoding coding = TableCoding::fit("zscore", table.features, table.levels, table.columns);
  EXPECT_EQ(coding.columns(), 3);
  EXPECT_EQ(coding.width(), 5);  // x, blue/green/red, y
  // The numeric columns' statistics leave the holes out.
  EXPECT_NEAR(coding.mean()[0].item<double>(), 3.0, 1e-6);   // (1 + 2 + 4 + 5) / 4
  EXPECT_NEAR(coding.mean()[1].item<double>(), 32.5, 1e-6);  // (10 + 30 + 40 + 50) / 4
  const double sd_x = std::sqrt((4.0 + 1.0 + 1.0 + 4.0) / 3.0);
  EXPECT_NEAR(coding.scaler().scale()[0].item<double>(), sd_x, 1e-6);

  const auto target = coding.target(table.features);
  ASSERT_EQ(target.sizes(), (std::vector<int64_t>{5, 5}));
  EXPECT_NEAR(target[0][0].item<float>(), (1.0 - 3.0) / sd_x, 1e-5);
  EXPECT_TRUE(torch::equal(target[0].narrow(0, 1, 3), torch::tensor({0.0f, 0.0f, 1.0f})));  // red
  EXPECT_TRUE(target[1][4].isnan().item<bool>());                                           // y missing
  EXPECT_TRUE(target[3].narrow(0, 1, 3).isnan().all().item<bool>());                        // colour missing

  // The network reads the training mean (0 after z-scoring) and no level for a hole.
  const auto input = coding.fill(target);
  EXPECT_FALSE(input.isnan().any().item<bool>());
  EXPECT_NEAR(input[2][0].item<float>(), 0.0, 1e-6);
  EXPECT_TRUE(torch::equal(input[3].narrow(0, 1, 3), torch::zeros({3})));

  // Back in the data's units, each category the index of its most likely level.
  const auto back = coding.inverse_transform(input);
  EXPECT_NEAR(back[0][0].item<float>(), 1.0, 1e-5);
  EXPECT_EQ(back[0][1].item<float>(), 2.0f);  // red
  EXPECT_NEAR(back[1][2].item<float>(), 32.5, 1e-4);
}

TEST(TableCoding, PlainNumbersCodeExactlyAsTheirScaler) {
  const auto x = testing::low_rank_data(40, 5, 2);
  const TableCoding coding = TableCoding::fit("minmax", x);
  const Scaler scaler = Scaler::fit("minmax", x);
  EXPECT_FALSE(coding.has_categories());
  EXPECT_EQ(coding.width(), 5);
  EXPECT_TRUE(torch::equal(coding.transform(x), scaler.transform(x)));
  EXPECT_TRUE(
      torch::equal(coding.inverse_transform(coding.transform(x)), scaler.inverse_transform(scaler.transform(x))));
}

TEST(TableCoding, ColumnLossesMatchTheirFormulasAndLeaveHolesOut) {
  const Dataset table = small_table();
  const TableCoding coding = TableCoding::fit("none", table.features, table.levels);
  const auto target = coding.target(table.features);
  torch::manual_seed(3);
  const auto prediction = torch::randn({5, 5});
  const auto losses = coding.column_losses(prediction, target, squared_error);
  ASSERT_EQ(losses.values.sizes(), (std::vector<int64_t>{5, 3}));
  // Row 1: x = 2 against its prediction; colour blue (level 0) by cross-entropy; y missing.
  EXPECT_NEAR(losses.values[1][0].item<double>(), std::pow(prediction[1][0].item<double>() - 2.0, 2), 1e-5);
  const auto logits = prediction[1].narrow(0, 1, 3);
  const double expected_ce = -(logits[0] - logits.exp().sum().log()).item<double>();
  EXPECT_NEAR(losses.values[1][1].item<double>(), expected_ce, 1e-5);
  EXPECT_EQ(losses.values[1][2].item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(
      losses.present,
      torch::tensor({{1.f, 1.f, 1.f}, {1.f, 1.f, 0.f}, {0.f, 1.f, 1.f}, {1.f, 0.f, 1.f}, {1.f, 1.f, 1.f}})));
  // No NaN reaches the gradient from a missing cell.
  const auto p = prediction.clone().requires_grad_(true);
  coding.column_losses(p, target, squared_error).values.sum().backward();
  EXPECT_FALSE(p.grad().isnan().any().item<bool>());
  EXPECT_EQ(p.grad()[1][4].item<float>(), 0.0f);
}

TEST(TableCoding, TheMaskedLossOfNumbersIsTheLossOfThePresentCells) {
  auto x = testing::low_rank_data(30, 4, 2);
  x.index_put_({torch::rand({30, 4}) < 0.2}, kNaN);
  const TableCoding coding = TableCoding::fit("zscore", x);
  const auto target = coding.target(x);
  const auto prediction = torch::randn({30, 4});
  const auto losses = coding.column_losses(prediction, target, squared_error);
  const auto present = target.isnan().logical_not();
  const double expected = (prediction - target).square().masked_select(present).mean().item<double>();
  EXPECT_NEAR((losses.values.sum() / losses.present.sum()).item<double>(), expected, 1e-6);
  EXPECT_TRUE(coding.needs_column_losses(target));
  EXPECT_FALSE(coding.needs_column_losses(coding.fill(target)));
}

TEST(TableCoding, ConformMapsLevelsByNameAndRefusesUnseenOnes) {
  const Dataset train = small_table();
  const TableCoding coding = TableCoding::fit("none", train.features, train.levels, train.columns);
  // Read alone, this file's colour levels are {green, purple, red}.
  const Dataset later = parse_delimited("x,colour,y\n1,green,2\n3,red,4\n5,purple,6\n", "later.csv");
  const auto message = testing::error_of<DataError>([&] { coding.conform(later); });
  EXPECT_NE(message.find("column 'colour': 'purple' is not one of the levels the model was trained on (blue, green, "
                         "red)"),
            std::string::npos)
      << message;
  const auto codes = coding.conform(later, /*unseen_as_missing=*/true);
  EXPECT_EQ(codes[0][1].item<float>(), 1.0f);  // green
  EXPECT_EQ(codes[1][1].item<float>(), 2.0f);  // red
  EXPECT_TRUE(codes[2][1].isnan().item<bool>());
  const Dataset renamed = parse_delimited("x,shade,y\n1,red,2\n", "r.csv");
  EXPECT_NE(testing::error_of<DataError>([&] {
              coding.conform(renamed);
            }).find("column 2 of the data is 'shade' where the model has 'colour'"),
            std::string::npos);
  const Dataset labelled = parse_delimited("x,colour,y\n1,red,2\n", "l.csv", ReadOptions().label("y"));
  EXPECT_NE(testing::error_of<DataError>([&] { coding.conform(labelled); })
                .find("'y' is the data's label, but the model was trained with it as a feature"),
            std::string::npos);
  const Dataset numbers = parse_delimited("x,colour,y\n1,2,3\n", "n.csv");
  EXPECT_NE(testing::error_of<DataError>([&] { coding.conform(numbers); }).find("categorical in the model"),
            std::string::npos);
}

TEST(TableCoding, RefusesColumnsItCannotCode) {
  const auto empty_column = torch::tensor({{1.0f, kNaN}, {2.0f, kNaN}});
  EXPECT_NE(testing::error_of<DataError>([&] {
              TableCoding::fit("zscore", empty_column, {}, {"a", "b"});
            }).find("column 'b' has no value in the training data"),
            std::string::npos);
  const auto bad_code = torch::tensor({{0.0f}, {3.0f}});
  EXPECT_NE(testing::error_of<DataError>([&] {
              TableCoding::fit("none", bad_code, {{"a", "b"}});
            }).find("row 2: 3 is not the index of one of its 2 levels"),
            std::string::npos);
  std::vector<std::string> many;
  for (size_t i = 0; i <= TableCoding::kMaxLevels; ++i) many.push_back("id" + std::to_string(i));
  EXPECT_NE(testing::error_of<DataError>([&] {
              TableCoding::fit("none", torch::zeros({2, 1}), {many}, {"id"});
            }).find("an identifier or free text"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
