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
  EXPECT_FALSE(std::signbit(losses.values[3][1].item<float>()));  // a missing category's share is 0, not -0
  EXPECT_TRUE(torch::equal(
      losses.present,
      torch::tensor({{1.f, 1.f, 1.f}, {1.f, 1.f, 0.f}, {0.f, 1.f, 1.f}, {1.f, 0.f, 1.f}, {1.f, 1.f, 1.f}})));
  // No NaN reaches the gradient from a missing cell.
  const auto p = prediction.clone().requires_grad_(true);
  coding.column_losses(p, target, squared_error).values.sum().backward();
  EXPECT_FALSE(p.grad().isnan().any().item<bool>());
  EXPECT_EQ(p.grad()[1][4].item<float>(), 0.0f);
}

TEST(TableCoding, ItsLayoutSaysWhereEachColumnSits) {
  const Dataset table = small_table();
  const TableCoding coding = TableCoding::fit("none", table.features, table.levels, table.columns,
                                              TableCodingOptions().missing_indicators(true));
  const TableLayout& layout = coding.layout();
  EXPECT_EQ(layout.columns, 3);
  EXPECT_EQ(layout.numeric_columns, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(layout.numeric_values, (std::vector<int64_t>{0, 4}));
  ASSERT_EQ(layout.groups.size(), 1u);
  EXPECT_EQ(layout.groups[0].column, 1);
  EXPECT_EQ(layout.groups[0].first, 1);
  EXPECT_EQ(layout.groups[0].size, 3);
  EXPECT_EQ(layout.indicator_columns, (std::vector<int64_t>{0, 1, 2}));  // every column had a hole
  EXPECT_EQ(layout.first_indicator, 5);
  EXPECT_EQ(layout.width, coding.width());
  EXPECT_EQ(layout.width, 8);
  EXPECT_TRUE(torch::equal(layout.categorical(), torch::tensor({false, true, false})));
  // The layout is where target() puts each column.
  const auto target = coding.target(table.features);
  EXPECT_TRUE(torch::equal(target.select(1, layout.numeric_values[1]).nan_to_num(-1),
                           table.features.select(1, layout.numeric_columns[1]).nan_to_num(-1)));
  // Numbers only: one value per column, in order.
  const TableLayout plain = TableLayout::of(4, {});
  EXPECT_EQ(plain.width, 4);
  EXPECT_EQ(plain.numeric_values, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(plain.groups.empty());
}

TEST(TableCoding, ARowsScoreIsItsMeanOverPresentColumns) {
  const Dataset table = small_table();
  const TableCoding coding = TableCoding::fit("none", table.features, table.levels);
  torch::manual_seed(5);
  const auto losses = coding.column_losses(torch::randn({5, 5}), coding.target(table.features), squared_error);
  for (int64_t row = 0; row < 5; ++row) {
    double sum = 0, present = 0;
    for (int64_t c = 0; c < 3; ++c) {
      sum += losses.values[row][c].item<double>();
      present += losses.present[row][c].item<double>();
    }
    const double tolerance = 1e-6 * sum / present;  // float32 sums
    EXPECT_NEAR(losses.row_scores()[row].item<double>(), sum / present, tolerance) << row;
    EXPECT_NEAR(losses.shares()[row].sum().item<double>(), sum / present, tolerance) << row;
  }
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
  const auto codes = coding.conform(later, UnseenLevels::missing);
  EXPECT_EQ(codes[0][1].item<float>(), 1.0f);  // green
  EXPECT_EQ(codes[1][1].item<float>(), 2.0f);  // red
  EXPECT_TRUE(codes[2][1].isnan().item<bool>());
  const Dataset renamed = parse_delimited("x,shade,y\n1,red,2\n", "r.csv");
  EXPECT_NE(testing::error_of<DataError>([&] {
              coding.conform(renamed);
            }).find("column 2 of the data is 'shade' where the model has 'colour'"),
            std::string::npos);
  const Dataset labelled = parse_delimited("x,colour,y\n1,red,2\n", "l.csv", ReadOptions().label("y"));
  EXPECT_NE(testing::error_of<DataError>([&] {
              coding.conform(labelled);
            }).find("'y' is the data's label, but the model was trained with it as a feature"),
            std::string::npos);
  const Dataset numbers = parse_delimited("x,colour,y\n1,2,3\n", "n.csv");
  EXPECT_NE(testing::error_of<DataError>([&] { coding.conform(numbers); }).find("categorical in the model"),
            std::string::npos);
  // A colour column with no cell at all reads as numbers, and is a column of holes, as
  // alone or beside another categorical column that has its text.
  for (const std::string csv : {"x,colour,y\nNA,NA,NA\n1,NA,2\n", "x,colour,y\n1,,2\n"}) {
    const auto holes = coding.conform(parse_delimited(csv, "holes.csv"));
    EXPECT_TRUE(holes.select(1, 1).isnan().all().item<bool>()) << csv;
  }
  const TableCoding two = TableCoding::fit("none", parse_delimited("a,b\nx,y\nz,w\n", "ab.csv").features,
                                           parse_delimited("a,b\nx,y\nz,w\n", "ab.csv").levels, {"a", "b"});
  const auto half = two.conform(parse_delimited("a,b\nz,NA\n", "half.csv"));
  EXPECT_EQ(half[0][0].item<float>(), 1.0f);
  EXPECT_TRUE(half[0][1].isnan().item<bool>());
}

TEST(TableCoding, MissingIndicatorsFollowTheColumnsAndAddTheirLossToTheirColumn) {
  const Dataset table = small_table();
  const TableCoding plain = TableCoding::fit("zscore", table.features, table.levels, table.columns);
  const TableCoding coding = TableCoding::fit("zscore", table.features, table.levels, table.columns,
                                              TableCodingOptions().missing_indicators(true));
  ASSERT_EQ(coding.missing_indicators(), (std::vector<int64_t>{0, 1, 2}));  // each column has a hole
  EXPECT_TRUE(coding.recodes());
  EXPECT_EQ(coding.columns(), 3);
  EXPECT_EQ(coding.width(), 8);  // x, blue/green/red, y, then the indicators of x, colour, y
  const auto target = coding.target(table.features);
  EXPECT_TRUE(torch::equal(target.narrow(1, 0, 5).nan_to_num(-7), plain.target(table.features).nan_to_num(-7)));
  const auto indicators =
      torch::tensor({{0.f, 0.f, 0.f}, {0.f, 0.f, 1.f}, {1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}, {0.f, 0.f, 0.f}});
  EXPECT_TRUE(torch::equal(target.narrow(1, 5, 3), indicators));
  EXPECT_TRUE(torch::equal(coding.fill(target).narrow(1, 5, 3), indicators));  // never missing themselves
  // Back in the data's units the indicators are dropped.
  torch::manual_seed(5);
  const auto prediction = torch::randn({5, 8});
  EXPECT_TRUE(torch::equal(coding.inverse_transform(prediction), plain.inverse_transform(prediction.narrow(1, 0, 5))));
  // Each column's loss is its own plus its indicator's, and every column counts in every row.
  const auto with = coding.column_losses(prediction, target, squared_error);
  const auto without = plain.column_losses(prediction.narrow(1, 0, 5), plain.target(table.features), squared_error);
  const auto indicator_loss = (prediction.narrow(1, 5, 3) - indicators).square();
  EXPECT_TRUE(torch::allclose(with.values, without.values + indicator_loss, 1e-6, 1e-6));
  EXPECT_TRUE(torch::equal(with.present, torch::ones({5, 3})));
  EXPECT_TRUE(coding.needs_column_losses(coding.fill(target)));

  // Only the columns with holes in the training data get one; without holes, none.
  const auto some_holes = torch::tensor({{1.f, 2.f, kNaN}, {3.f, 4.f, 5.f}, {kNaN, 6.f, 7.f}});
  const auto two = TableCoding::fit("none", some_holes, {}, {}, TableCodingOptions().missing_indicators(true));
  EXPECT_EQ(two.missing_indicators(), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(two.width(), 5);
  EXPECT_TRUE(
      torch::equal(two.target(some_holes).narrow(1, 3, 2), torch::tensor({{0.f, 1.f}, {0.f, 0.f}, {1.f, 0.f}})));
  const auto full = torch::ones({3, 2});
  EXPECT_FALSE(TableCoding::fit("none", full, {}, {}, TableCodingOptions().missing_indicators(true)).recodes());
  // Samples that are not rows of a table take none.
  EXPECT_THROW(
      TableCoding::fit("none", some_holes.reshape({3, 1, 3}), {}, {}, TableCodingOptions().missing_indicators(true)),
      InvalidArgument);
  // A coding rebuilt from its parts codes alike.
  const auto rebuilt = TableCoding::from_parts(coding.scaler(), coding.mean(), coding.levels(), coding.names(),
                                               coding.missing_indicators());
  EXPECT_TRUE(torch::equal(rebuilt.target(table.features).nan_to_num(-7), target.nan_to_num(-7)));
  EXPECT_THROW(TableCoding::from_parts(coding.scaler(), coding.mean(), coding.levels(), coding.names(), {2, 1}),
               InvalidArgument);
  EXPECT_THROW(TableCoding::from_parts(coding.scaler(), coding.mean(), coding.levels(), coding.names(), {3}),
               InvalidArgument);
}

TEST(TableCoding, TheOtherLevelTakesRareLevelsAndUnseenOnes) {
  // colour: red 3 times, blue and green once each, one hole.
  const Dataset table = parse_delimited("colour,x\nred,1\nblue,2\nred,3\ngreen,4\nred,5\nNA,6\n", "t.csv");
  const TableCoding coding =
      TableCoding::fit("none", table.features, table.levels, table.columns, TableCodingOptions().other_level(2));
  ASSERT_EQ(coding.levels()[0], (std::vector<std::string>{"red", TableCoding::kOtherLevel}));
  EXPECT_EQ(coding.other_level(), 2);
  EXPECT_EQ(coding.width(), 3);
  // The training rows in the model's levels: blue and green are "(other)" now.
  const auto rows = coding.relevel(table.features, table.levels, table.columns);
  const auto colour = rows.select(1, 0);
  EXPECT_TRUE(torch::equal(colour.narrow(0, 0, 5), torch::tensor({0.f, 1.f, 0.f, 1.f, 0.f})));
  EXPECT_TRUE(colour[5].isnan().item<bool>());
  EXPECT_TRUE(torch::equal(rows.select(1, 1), table.features.select(1, 1)));

  // Later data: an unseen level is "(other)" by the model's rule, or as asked.
  const Dataset later = parse_delimited("colour,x\npurple,1\nred,2\nblue,3\n", "later.csv");
  EXPECT_TRUE(torch::equal(coding.conform(later).select(1, 0), torch::tensor({1.f, 0.f, 1.f})));
  EXPECT_TRUE(torch::equal(coding.conform(later, UnseenLevels::other).select(1, 0), torch::tensor({1.f, 0.f, 1.f})));
  // Blue was "(other)" in training, and stays so whatever the rule for unseen levels.
  EXPECT_EQ(coding.rare_levels()[0], (std::vector<std::string>{"blue", "green"}));
  const auto missing = coding.conform(later, UnseenLevels::missing).select(1, 0);
  EXPECT_TRUE(missing[0].isnan().item<bool>());
  EXPECT_TRUE(torch::equal(missing.narrow(0, 1, 2), torch::tensor({0.f, 1.f})));
  EXPECT_NE(testing::error_of<DataError>([&] {
              coding.conform(later, UnseenLevels::refuse);
            }).find("'purple' is not one of the levels the model was trained on (red, (other))"),
            std::string::npos);
  const auto rebuilt = TableCoding::from_parts(coding.scaler(), coding.mean(), coding.levels(), coding.names(), {},
                                               coding.other_level(), coding.rare_levels());
  EXPECT_TRUE(torch::equal(rebuilt.conform(later, UnseenLevels::missing).nan_to_num(-1),
                           coding.conform(later, UnseenLevels::missing).nan_to_num(-1)));
  // A model without the level cannot map to it.
  const TableCoding without = TableCoding::fit("none", table.features, table.levels, table.columns);
  EXPECT_EQ(without.other_level(), 0);
  EXPECT_NE(testing::error_of<InvalidArgument>([&] {
              without.conform(later, UnseenLevels::other);
            }).find("the model has no such level"),
            std::string::npos);
  // 1 keeps every level seen, and adds "(other)" for the unseen ones.
  const auto every = TableCoding::fit("none", table.features, table.levels, {}, TableCodingOptions().other_level(1));
  EXPECT_EQ(every.levels()[0], (std::vector<std::string>{"blue", "green", "red", TableCoding::kOtherLevel}));
  // Many rare levels fit under the cap once put together.
  std::vector<std::string> many;
  for (size_t i = 0; i <= TableCoding::kMaxLevels; ++i) many.push_back("id" + std::to_string(i));
  const auto ids = torch::arange(static_cast<int64_t>(many.size()), torch::kFloat).unsqueeze(1);
  EXPECT_THROW(TableCoding::fit("none", ids, {many}), DataError);
  EXPECT_EQ(TableCoding::fit("none", ids, {many}, {}, TableCodingOptions().other_level(2)).width(), 1);
  // from_parts checks what a model file claims.
  EXPECT_THROW(TableCoding::from_parts(Scaler(), coding.mean(), {{"red", "blue"}, {}}, {}, {}, 2), InvalidArgument);
  EXPECT_THROW(TableCoding::fit("none", table.features, table.levels, {}, TableCodingOptions().other_level(-1)),
               InvalidArgument);
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
