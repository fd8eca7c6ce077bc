// Training an adversarial autoencoder: its codes end closer to the prior than a basic
// autoencoder's, the discriminator's accuracy goes towards chance, its columns are in
// the history, and the discriminator lives in the model file.
#include "train/adversarial.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hourglass/model/model.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::temp_path;

// A toy set: two uniform latent factors u, v on [-1.5, 1.5] seen through 6 columns, some
// of them nonlinear; nothing like N(0, I) in its raw shape.
at::Tensor toy_data() {
  auto generator = at::detail::createCPUGenerator(11);
  const int64_t rows = 600;
  const auto u = torch::rand({rows, 1}, generator) * 3 - 1.5, v = torch::rand({rows, 1}, generator) * 3 - 1.5;
  const auto columns = torch::cat({u, v, u * v, torch::sin(2 * u), v.square(), torch::tanh(u + v)}, 1);
  return columns + 0.05 * torch::randn({rows, 6}, generator);
}

const Network kNetwork = input() + dense(16, "tanh") + dense(2) + dense(16, "tanh") + output();

TrainOptions options() { return TrainOptions().epochs(30).batch_size(32).optimizer("adam").seed(3); }

// The largest distance between a unit's empirical CDF and the standard normal's, averaged
// over the units: Kolmogorov-Smirnov's statistic, computed here.
double mean_ks_to_standard_normal(const at::Tensor& codes) {
  const auto sorted = std::get<0>(codes.to(torch::kDouble).sort(0));
  const int64_t n = sorted.size(0);
  double total = 0;
  for (int64_t unit = 0; unit < sorted.size(1); ++unit) {
    double largest = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double cdf = 0.5 * std::erfc(-sorted[i][unit].item<double>() / std::sqrt(2.0));
      largest = std::max(
          {largest, std::abs(cdf - static_cast<double>(i) / n), std::abs(cdf - static_cast<double>(i + 1) / n)});
    }
    total += largest;
  }
  return total / static_cast<double>(sorted.size(1));
}

TEST(Adversarial, CodesEndCloserToThePriorThanABasicAutoencodersAndTheDiscriminatorNearsChance) {
  const auto x = toy_data();
  const Model basic = train(autoencoder(kNetwork), x, options());
  const Model aae = train(autoencoder_adversarial(kNetwork, "mse", "normal", {32, 32}), x, options());
  const double ks_basic = mean_ks_to_standard_normal(basic.encode(x));
  const double ks_aae = mean_ks_to_standard_normal(aae.encode(x));
  std::cout << "KS to N(0, 1): basic " << ks_basic << ", adversarial " << ks_aae << "\n";
  EXPECT_LT(ks_aae, 0.6 * ks_basic);
  EXPECT_LT(ks_aae, 0.1);

  // The discriminator wins at first (the codes start far from the prior), then the
  // encoder catches up: its accuracy comes back towards 0.5.
  const auto& epochs = aae.history().epochs;
  std::vector<double> accuracy;
  for (const auto& e : epochs) accuracy.push_back(e.value("discriminator_accuracy"));
  const double peak = *std::max_element(accuracy.begin(), accuracy.begin() + 5);
  const double last = std::accumulate(accuracy.end() - 5, accuracy.end(), 0.0) / 5;
  std::cout << "discriminator accuracy: first epochs' peak " << peak << ", last epochs' mean " << last << "\n";
  EXPECT_LT(std::abs(last - 0.5), std::abs(peak - 0.5));
  EXPECT_LT(std::abs(last - 0.5), 0.12);
  // Chance for a discriminator is a loss of log 2.
  EXPECT_NEAR(epochs.back().value("discriminator_loss"), std::log(2.0), 0.1);
  // And the reconstruction is still learned.
  EXPECT_LT(epochs.back().value("loss"), 0.5 * epochs.front().value("loss"));
}

TEST(Adversarial, HistoryHasTheDiscriminatorsColumnsAndValidationIsTheReconstruction) {
  const auto x = toy_data();
  const Model aae =
      train(autoencoder_adversarial(kNetwork, "mse", "uniform", {8}), x, options().epochs(2).validation_split(0.25));
  std::vector<std::string> names;
  for (const auto& [name, value] : aae.history().epochs.back().values) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"loss", "discriminator_loss", "discriminator_accuracy", "val_loss"}));
  const auto validation = x.narrow(0, 450, 150);
  EXPECT_NEAR(aae.history().epochs.back().value("val_loss"), aae.evaluate(validation, {"loss"}).at("loss"), 1e-5);
  const double accuracy = aae.history().epochs.back().value("discriminator_accuracy");
  EXPECT_GE(accuracy, 0.0);
  EXPECT_LE(accuracy, 1.0);
}

TEST(Adversarial, TheDiscriminatorIsSavedAndGenerationDecodesThePrior) {
  const auto x = toy_data();
  const Model aae =
      train(make_denoising(autoencoder_adversarial(kNetwork, "mse", "uniform", {8, 4}, 0.5), noise_gaussian(0.1)), x,
            options().epochs(2));
  const std::string path = temp_path("aae.hgm");
  aae.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.learner().adversarial->prior, "uniform");
  EXPECT_EQ(loaded.learner().adversarial->discriminator, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(loaded.learner().adversarial->weight, 0.5);
  EXPECT_TRUE(is_denoising(loaded.learner()));
  const auto saved = ModelAccess::impl(aae).discriminator->parameters(),
             read = ModelAccess::impl(loaded).discriminator->parameters();
  ASSERT_EQ(saved.size(), 6u);
  for (size_t i = 0; i < saved.size(); ++i) EXPECT_TRUE(torch::equal(saved[i], read[i]));
  EXPECT_TRUE(torch::equal(aae.encode(x), loaded.encode(x)));

  // The grid spans the uniform prior's quantiles 2p - 1; the other unit is at its median, 0.
  const auto grid = loaded.generation_grid({2}, 0.1, 0.9, 5);
  EXPECT_TRUE(torch::allclose(grid.select(1, 1), torch::tensor({-0.8f, -0.4f, 0.0f, 0.4f, 0.8f})));
  EXPECT_TRUE(torch::equal(grid.select(1, 0), torch::zeros({5})));
  EXPECT_TRUE(torch::allclose(loaded.generate({2}, 0.1, 0.9, 5), loaded.decode(grid)));
  // sample() decodes draws of the prior, from the default generator.
  torch::manual_seed(8);
  const auto drawn = loaded.sample(4);
  torch::manual_seed(8);
  EXPECT_TRUE(torch::allclose(drawn, loaded.decode(torch::rand({4, 2}) * 2 - 1)));
}

TEST(Adversarial, AFileWhoseDiscriminatorIsMissingIsRefused) {
  const auto x = toy_data();
  const Model aae = train(autoencoder_adversarial(kNetwork, "mse", "normal", {4}), x, options().epochs(1));
  Model::Impl stripped = *ModelAccess::impl(aae).clone();
  stripped.discriminator = nn::Discriminator(nullptr);
  const std::string path = temp_path("no-discriminator.hgm");
  Model(std::make_shared<Model::Impl>(stripped)).save(path);
  try {
    Model::load(path);
    FAIL() << "loaded a file without its discriminator";
  } catch (const ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find("its discriminator needs 17 weights but the file holds 0"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace hourglass
