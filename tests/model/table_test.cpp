// Models of tables as they are: categorical columns, missing cells, imputation, and the
// scores of such rows against their definition.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "model/safetensors.hpp"
#include "model/serialization.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;
using testing::temp_path;

// Rows whose three categorical columns all follow one hidden class of four, plus a number
// that does too and a few holes.
Dataset categorical_table(int64_t rows, bool with_holes) {
  const char* colours[] = {"red", "green", "blue", "black"};
  const char* sizes[] = {"S", "M", "L", "XL"};
  const char* kinds[] = {"cat", "dog", "cat", "dog"};
  std::string csv = "colour,size,kind,weight\n";
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t h = (r * 7) % 4;
    const bool hole = with_holes && r % 9 == 4;
    csv += std::string(hole ? "NA" : colours[h]) + "," + sizes[h] + "," + kinds[h] + "," +
           (with_holes && r % 11 == 5 ? "NA" : std::to_string(10 * h + 1)) + "\n";
  }
  return parse_delimited(csv, "toy.csv");
}

TrainOptions quick(int64_t epochs) {
  return TrainOptions().epochs(epochs).batch_size(16).optimizer("adam").learning_rate(0.01).seed(3).scale("zscore");
}

TEST(Tables, APurelyCategoricalTableIsReconstructedExactly) {
  Dataset table = categorical_table(160, false);
  table.features = table.features.narrow(1, 0, 3).contiguous();  // the three categories alone
  table.columns.resize(3);
  table.levels.resize(3);
  // Four classes through a code of three (a code of two finds them for most seeds, not all).
  const Model model = train(autoencoder("8,3:tanh"), table, quick(60));
  EXPECT_EQ(model.sample_shape(), (Shape{3}));
  EXPECT_EQ(model.coding().width(), 4 + 4 + 2);
  EXPECT_TRUE(torch::equal(model.reconstruct(table.features), table.features));
  // A table of categories alone has no numeric column to scale or fill: it still saves.
  const std::string path = temp_path("categories.hgm");
  model.save(path);
  EXPECT_TRUE(torch::equal(Model::load(path).reconstruct(table.features), table.features));
}

TEST(Tables, MixedColumnsWithHolesTrainAndReconstructWithoutNaN) {
  const Dataset table = categorical_table(200, true);
  ASSERT_TRUE(table.features.isnan().any().item<bool>());
  const Model model = train(autoencoder("8,3:tanh"), table, quick(60));
  // The history splits the loss between the numeric and the categorical columns.
  const auto& last = model.history().epochs.back();
  ASSERT_EQ(last.values.size(), 3u);
  EXPECT_EQ(last.values[1].first, "numeric");
  EXPECT_EQ(last.values[2].first, "categorical");
  EXPECT_NEAR(last.value("loss"), last.value("numeric") + last.value("categorical"), 1e-5);
  const auto back = model.reconstruct(table.features);
  EXPECT_FALSE(back.isnan().any().item<bool>());
  // The present categories come back, and the holes are filled from the other columns.
  const auto present = table.features.isnan().logical_not();
  const auto categories = present.narrow(1, 0, 3);
  EXPECT_TRUE(torch::equal(back.narrow(1, 0, 3).masked_select(categories),
                           table.features.narrow(1, 0, 3).masked_select(categories)));
  const auto filled = model.impute(table.features);
  EXPECT_TRUE(torch::equal(filled.masked_select(present), table.features.masked_select(present)));
  const int64_t hole = 4;  // row 4's colour is missing; its size says which colour it is
  EXPECT_EQ(filled[hole][0].item<float>(), table.features[hole + 4][0].item<float>());
  EXPECT_FALSE(std::isnan(model.evaluate(table.features, {"mse", "loss"}).at("mse")));
}

TEST(Tables, ImputationBeatsColumnMeansOnLowRankData) {
  const auto complete = testing::low_rank_data(400, 8, 2, 11);
  torch::manual_seed(12);
  const auto holes = torch::rand({400, 8}) < 0.15;
  const auto x = complete.masked_fill(holes, NAN);
  const Model model = train(autoencoder("6,2"), x, quick(80));
  const auto filled = model.impute(x);
  const auto column_means = torch::nanmean(x, 0, /*keepdim=*/true).expand_as(x);
  const auto error = [&](const at::Tensor& guess) {
    return (guess - complete).masked_select(holes).square().mean().sqrt().item<double>();
  };
  EXPECT_LT(error(filled), 0.5 * error(column_means)) << error(filled) << " vs " << error(column_means);
  EXPECT_TRUE(torch::equal(filled.masked_select(holes.logical_not()), complete.masked_select(holes.logical_not())));
}

TEST(Tables, ScoreIsTheMeanOfThePresentColumnsLossesAndSharesAddUp) {
  const Dataset table = categorical_table(120, true);
  const Model model = train(autoencoder("6,2"), table, quick(5));
  const auto scores = model.score(table.features);
  // Independently: the network's output on the filled, scaled, one-hot rows.
  const auto& coding = model.coding();
  const auto x = table.features;
  const double mean = coding.mean()[0].item<double>(), sd = coding.scaler().scale()[0].item<double>();
  auto input = torch::zeros({x.size(0), 11});  // colour 4, size 4, kind 2, weight 1
  for (int64_t r = 0; r < x.size(0); ++r) {
    for (int64_t c = 0, first = 0; c < 3; first += static_cast<int64_t>(table.levels[c].size()), ++c) {
      if (!std::isnan(x[r][c].item<float>())) input[r][first + static_cast<int64_t>(x[r][c].item<float>())] = 1;
    }
    const float w = x[r][3].item<float>();
    input[r][10] = std::isnan(w) ? 0.0 : (w - mean) / sd;
  }
  torch::NoGradGuard no_grad;
  const auto out = ModelAccess::impl(model).net->forward(input);
  for (int64_t r = 0; r < x.size(0); r += 7) {
    double sum = 0;
    int present = 0;
    for (int64_t c = 0, first = 0; c < 3; first += static_cast<int64_t>(table.levels[c].size()), ++c) {
      if (std::isnan(x[r][c].item<float>())) continue;
      const auto logits = out[r].narrow(0, first, static_cast<int64_t>(table.levels[c].size()));
      sum -= torch::log_softmax(logits, 0)[static_cast<int64_t>(x[r][c].item<float>())].item<double>();
      ++present;
    }
    if (!std::isnan(x[r][3].item<float>())) {
      sum += std::pow(out[r][10].item<double>() - input[r][10].item<double>(), 2);
      ++present;
    }
    EXPECT_NEAR(scores[r].item<double>(), sum / present, 1e-4) << "row " << r;
  }
  const auto shares = model.score_per_feature(x);
  ASSERT_EQ(shares.sizes(), (std::vector<int64_t>{120, 4}));
  EXPECT_TRUE(torch::allclose(shares.sum(1), scores, 1e-5, 1e-6));
  EXPECT_EQ(shares[4][0].item<float>(), 0.0f);  // a missing cell has no share
}

TEST(Tables, ASavedModelKeepsItsColumnsLevelsAndMeans) {
  const Dataset table = categorical_table(80, true);
  const Model model = train(autoencoder("4,2"), table, quick(2));
  const std::string path = temp_path("table.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.coding().names(), table.columns);
  EXPECT_EQ(loaded.coding().levels(), table.levels);
  EXPECT_TRUE(torch::equal(loaded.coding().mean(), model.coding().mean()));
  EXPECT_TRUE(torch::equal(loaded.reconstruct(table.features), model.reconstruct(table.features)));
  const Dataset later = parse_delimited("colour,size,kind,weight\npink,S,cat,1\n", "later.csv");
  EXPECT_NE(error_of<DataError>([&] { loaded.coding().conform(later); }).find("'pink' is not one of the levels"),
            std::string::npos);
  // Training goes on from the file with the data in its levels.
  const Model more = train(loaded, loaded.coding().conform(table), quick(1));
  EXPECT_EQ(more.history().epochs.size(), 3u);
}

TEST(Tables, AMissingIndicatorMakesARareHoleScoreHighAndSaves) {
  // Column 0 is missing in 4% of the rows, at random: a hole there is rare.
  const auto complete = testing::low_rank_data(400, 6, 2, 21);
  const auto rare = (torch::arange(400) % 25 == 0).unsqueeze(1) & (torch::arange(6) == 0).unsqueeze(0);
  const auto x = complete.masked_fill(rare, NAN);
  const Model with = train(autoencoder("6,2"), x, quick(80).missing_indicators(true));
  const Model without = train(autoencoder("6,2"), x, quick(80));
  EXPECT_EQ(with.coding().missing_indicators(), (std::vector<int64_t>{0}));
  EXPECT_EQ(with.coding().width(), 7);
  EXPECT_EQ(with.sample_shape(), (Shape{6}));
  EXPECT_TRUE(without.coding().missing_indicators().empty());

  // Rows that were complete, as they are and with column 0 knocked out.
  const auto clean = complete.index_select(0, (torch::arange(400) % 25 != 0).nonzero().squeeze(1)).narrow(0, 0, 100);
  auto holed = clean.clone();
  holed.select(1, 0).fill_(NAN);
  const double clean_score = with.score(clean).mean().item<double>();
  const double holed_score = with.score(holed).mean().item<double>();
  EXPECT_GT(holed_score, 3 * clean_score) << holed_score << " vs " << clean_score;
  EXPECT_GT(holed_score, 2 * without.score(holed).mean().item<double>());
  // The hole's column takes the blame, and the shares still add up to the score.
  const auto shares = with.score_per_feature(holed);
  EXPECT_TRUE(torch::allclose(shares.sum(1), with.score(holed), 1e-5, 1e-6));
  EXPECT_GT(shares.select(1, 0).mean().item<double>(), 0.5 * holed_score);

  // Imputation still fills the holes from the other columns.
  const auto filled = with.impute(x);
  const auto column_mean = torch::nanmean(x.select(1, 0)).item<double>();
  const double error = (filled - complete).masked_select(rare).square().mean().sqrt().item<double>();
  const double mean_error =
      (complete.select(1, 0).masked_select(rare.select(1, 0)) - column_mean).square().mean().sqrt().item<double>();
  EXPECT_LT(error, 0.5 * mean_error) << error << " vs " << mean_error;

  const std::string path = temp_path("indicators.hgm");
  with.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.coding().missing_indicators(), (std::vector<int64_t>{0}));
  EXPECT_TRUE(torch::equal(loaded.score(holed), with.score(holed)));
  EXPECT_TRUE(torch::equal(loaded.reconstruct(holed), with.reconstruct(holed)));
  // Images and windows are not tables.
  EXPECT_NE(error_of<InvalidArgument>([&] {
              train(autoencoder("2"), x.reshape({400, 1, 6}), quick(1).missing_indicators(true));
            }).find("missing indicators are for tables"),
            std::string::npos);
}

TEST(Tables, RareLevelsTrainAsOtherAndUnseenOnesScoreAsIt) {
  Dataset table = categorical_table(160, false);
  // Two rows of a colour seen nowhere else.
  const auto purple = static_cast<float>(table.levels[0].size());
  table.levels[0].push_back("purple");
  table.features[10][0] = purple;
  table.features[90][0] = purple;
  const Model model = train(autoencoder("8,3:tanh"), table, quick(60).other_level(3));
  const std::vector<std::string> colours = {"black", "blue", "green", "red", TableCoding::kOtherLevel};
  EXPECT_EQ(model.coding().levels()[0], colours);
  EXPECT_EQ(model.coding().levels()[1].back(), TableCoding::kOtherLevel);  // every categorical column has it
  // Purple trained as "(other)"; pink was never seen and reads as "(other)" too.
  const Dataset later =
      parse_delimited("colour,size,kind,weight\npink,S,cat,1\npurple,S,cat,1\nred,S,cat,1\n", "later.csv");
  const auto rows = model.coding().conform(later);
  EXPECT_EQ(rows[0][0].item<float>(), 4.0f);
  EXPECT_EQ(rows[1][0].item<float>(), 4.0f);
  const auto scores = model.score(rows);
  EXPECT_GT(scores[0].item<float>(), 2 * scores[2].item<float>()) << scores;  // a rare colour is surprising
  const std::string path = temp_path("other.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.coding().other_level(), 3);
  EXPECT_TRUE(torch::equal(loaded.score(loaded.coding().conform(later)), scores));
  // Training goes on with the data in the model's levels.
  EXPECT_EQ(train(loaded, loaded.coding().conform(table), quick(1)).history().epochs.size(), 61u);
}

TEST(Tables, AModelFileWhoseTableCodingDoesNotFitIsRefused) {
  Dataset table = categorical_table(80, true);
  const Model model = train(autoencoder("4,2"), table, quick(1).missing_indicators(true).other_level(2));
  ASSERT_EQ(model.coding().missing_indicators(), (std::vector<int64_t>{0, 3}));
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(model)), "x");
  const auto original = nlohmann::json::parse(contents.metadata["config"]);
  EXPECT_EQ(original["other_level"], 2);
  const auto refused = [&](const std::function<void(nlohmann::json&)>& damage) {
    auto config = original;
    damage(config);
    contents.metadata["config"] = config.dump();
    const auto message = error_of<ModelFileError>(
        [&] { deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "damaged.hgm"); });
    EXPECT_NE(message.find("is not a valid Hourglass model file"), std::string::npos) << message;
  };
  refused([](auto& c) { c["missing_indicators"] = {0, 4}; });     // no column 5
  refused([](auto& c) { c["missing_indicators"] = {3, 0}; });     // out of order
  refused([](auto& c) { c["missing_indicators"] = {0, 1, 3}; });  // wider than the network
  refused([](auto& c) { c["other_level"] = -1; });
  refused([](auto& c) { c["levels"][0].back() = "violet"; });  // the last level is not "(other)"
  refused([](auto& c) { c["rare_levels"] = {{"a"}}; });        // not one list per column
  refused([](auto& c) { c.erase("other_level"); });            // rare levels without the level
}

TEST(Tables, WhatCannotTakeCategoriesOrHolesSaysSo) {
  const Dataset table = categorical_table(40, true);
  EXPECT_NE(error_of<InvalidArgument>([&] {
              train(autoencoder("4,2", "cosine_similarity"), table, quick(1));
            }).find("compares whole rows"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([&] {
              train(autoencoder_robust(Network::from_sizes({4, 2})), table, quick(1));
            }).find("correntropy compares complete rows"),
            std::string::npos);
  // Inf is never a missing cell.
  auto x = torch::ones({4, 2});
  x[1][1] = INFINITY;
  EXPECT_NE(error_of<DataError>([&] { train(autoencoder("1"), x, quick(1)); }).find("holds Inf"), std::string::npos);
}

}  // namespace
}  // namespace hourglass
