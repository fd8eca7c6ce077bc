// The PCA baseline (model/baseline.hpp) against its definition computed here by hand.
#include "hourglass/model/baseline.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

#include "hourglass/data/dataset.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/train/train.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

// Mean squared error of `back` against `rows` over the cells of `mask`, in double.
double masked_mse(const at::Tensor& back, const at::Tensor& rows, const at::Tensor& mask) {
  const auto errors = (back.to(torch::kDouble) - rows.to(torch::kDouble)).square();
  return torch::where(mask, errors, 0.0).sum().item<double>() / mask.sum().item<double>();
}

TEST(PcaBaseline, NumbersAreComparedInDataUnitsWithPcaOnTheModelsScaling) {
  const Dataset iris = testing::iris();
  const Model model = train(autoencoder("3,2"), iris, TrainOptions().epochs(20).scale("zscore").seed(2));
  const PcaComparison c = compare_with_pca(model, iris.features);
  ASSERT_TRUE(c.mse && c.pca_mse);
  EXPECT_FALSE(c.accuracy || c.pca_accuracy);
  EXPECT_EQ(c.k, 2);
  // By hand: PCA of the whole zscore-scaled data in double, mapped back to centimetres.
  const auto& scaler = model.scaler();
  const auto scaled = scaler.transform(iris.features).to(torch::kDouble);
  const auto pca_back = scaler.inverse_transform(Pca::fit(scaled, 2).reconstruct(scaled));
  const auto all = torch::ones_like(iris.features, torch::kBool);
  EXPECT_NEAR(*c.pca_mse, masked_mse(pca_back, iris.features, all), 1e-6);
  EXPECT_NEAR(*c.mse, masked_mse(model.reconstruct(iris.features), iris.features, all), 1e-6);
  EXPECT_NEAR(*c.mse, model.evaluate(iris.features, {"mse"}).at("mse"), 1e-6);
}

TEST(PcaBaseline, ATableIsComparedOnItsPresentNumbersAndItsCategoriesLevels) {
  // Iris with its species as a column, and holes in every column.
  Dataset table = read_data(std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv");
  ASSERT_TRUE(table.has_categories());
  torch::manual_seed(4);
  table.features = table.features.masked_fill(torch::rand(table.features.sizes()) < 0.05, NAN);
  const Model model = train(autoencoder("6,3"), table, TrainOptions().epochs(5).scale("zscore").seed(2));
  const auto rows = model.coding().conform(table);
  const PcaComparison c = compare_with_pca(model, rows);
  ASSERT_TRUE(c.mse && c.accuracy);
  EXPECT_EQ(c.k, 3);
  const TableCoding& coding = model.coding();
  auto categorical = torch::zeros({rows.size(1)}, torch::kBool);
  for (int64_t j = 0; j < rows.size(1); ++j) categorical[j] = !coding.levels()[static_cast<size_t>(j)].empty();
  const auto present = rows.isnan().logical_not();
  const auto numbers = present & categorical.logical_not(), categories = present & categorical;
  const auto coded = coding.transform(rows).to(torch::kDouble);
  const auto pca_back = coding.inverse_transform(Pca::fit(coded, 3).reconstruct(coded).to(torch::kFloat));
  const auto ours = model.reconstruct(rows);
  EXPECT_NEAR(*c.mse, masked_mse(ours, rows, numbers), 1e-5);
  EXPECT_NEAR(*c.pca_mse, masked_mse(pca_back, rows, numbers), 1e-4 * *c.pca_mse);
  const auto share = [&](const at::Tensor& back) {
    return ((back == rows) & categories).sum().item<double>() / categories.sum().item<double>();
  };
  EXPECT_DOUBLE_EQ(*c.accuracy, share(ours));
  EXPECT_NEAR(*c.pca_accuracy, share(pca_back), 1.0 / categories.sum().item<double>());
  EXPECT_GT(*c.accuracy, 0.2);
}

TEST(PcaBaseline, PcaOfPreprocessedChunksIsPcaOfThePreprocessedData) {
  const auto x = testing::low_rank_data(9000, 12, 3, 5) * 40 + 1000;  // a large offset
  const auto map = [](const at::Tensor& part) { return (part - 1000) / 40; };
  const Pca chunked = Pca::fit(x, 3, "auto", map);
  const Pca whole = Pca::fit(map(x).to(torch::kDouble), 3);
  EXPECT_TRUE(torch::allclose(chunked.components(), whole.components(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(chunked.explained_variance(), whole.explained_variance(), 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(chunked.mean(), whole.mean(), 1e-5, 1e-5));
  // Float products after the shift keep the large offset from costing precision.
  const Pca raw = Pca::fit(x, 3);
  EXPECT_TRUE(torch::allclose(raw.explained_variance() / 1600, whole.explained_variance(), 1e-5, 1e-6));
}

// Beyond kBaselineRows rows the baseline is fitted and measured on that many, evenly
// spaced: the same numbers as on those rows given by hand.
TEST(PcaBaseline, ManyRowsAreMeasuredOnAnEvenlySpacedSample) {
  torch::manual_seed(4);
  const int64_t n = 25003;
  const auto rows = testing::low_rank_data(n, 6, 3) + 0.1 * torch::randn({n, 6});
  const Model model = train(autoencoder("4,2"), rows, TrainOptions().epochs(1).batch_size(256).seed(1));
  const PcaComparison c = compare_with_pca(model, rows);
  EXPECT_EQ(c.rows, kBaselineRows);
  std::vector<int64_t> picked;
  for (int64_t i = 0; i < kBaselineRows; ++i) picked.push_back(i * n / kBaselineRows);
  const auto sample = rows.index_select(0, torch::tensor(picked));
  EXPECT_EQ(picked.back(), n - 3);
  const auto all = torch::ones_like(sample, torch::kBool);
  EXPECT_NEAR(*c.mse, masked_mse(model.reconstruct(sample), sample, all), 1e-6);
  EXPECT_NEAR(*c.pca_mse, masked_mse(Pca::fit(sample, 2).reconstruct(sample), sample, all), 1e-6);
  EXPECT_EQ(compare_with_pca(model, sample).rows, kBaselineRows);
}

TEST(PcaBaseline, RowsThatAreNotTheModelsAreRefused) {
  const Dataset iris = testing::iris();
  const Model model = train(autoencoder("2"), iris, TrainOptions().epochs(1).seed(2));
  const std::string message =
      testing::error_of<InvalidArgument>([&] { compare_with_pca(model, iris.features.narrow(1, 0, 3)); });
  EXPECT_NE(message.find("expected at least one row of 4 columns"), std::string::npos) << message;
  EXPECT_THROW(compare_with_pca(model, torch::zeros({0, 4})), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
