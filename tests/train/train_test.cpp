#include "hourglass/train/train.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/autoencode.hpp"
#include "hourglass/train/optimizers.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using hourglass::testing::iris;
using hourglass::testing::low_rank_data;

double mse(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).square().mean().item<double>(); }

TEST(Train, LinearAutoencoderReconstructsRankTwoDataAlmostExactly) {
  const auto x = low_rank_data(256, 6, 2);
  const Model model = train(autoencoder(input() + dense(2) + output()), x,
                            TrainOptions().epochs(300).optimizer("adam").learning_rate(0.01).seed(1));
  const double relative = mse(model.reconstruct(x), x) / x.var().item<double>();
  EXPECT_LT(relative, 1e-3);
}

TEST(Train, LinearAutoencoderOnIrisComesWithinTenPercentOfPca) {
  const auto x = iris().features;
  const Model model = train(autoencoder(input() + dense(2) + output()), x,
                            TrainOptions().epochs(400).batch_size(16).optimizer("adam").learning_rate(0.01).seed(3));
  const double ours = model.evaluate(x, {"mse"}).at("mse");
  const double baseline = mse(pca(x, 2).reconstruct(x), x);
  EXPECT_LT(ours, 1.10 * baseline) << "autoencoder " << ours << " vs PCA " << baseline;
  EXPECT_GE(ours, 0.999 * baseline);  // PCA is the optimum of a linear 2-D code
}

TEST(Train, FixedSeedOnOneThreadGivesIdenticalModels) {
  set_threads(1);
  const auto x = iris().features;
  const auto options = TrainOptions().epochs(5).seed(11).scale("zscore");
  const auto learner = autoencoder(Network::from_sizes({8, 2}, "tanh"));
  const Model a = train(learner, x, options), b = train(learner, x, options);
  EXPECT_TRUE(torch::equal(a.encode(x), b.encode(x)));
  EXPECT_EQ(a.seed(), 11u);
  const Model c = train(learner, x, TrainOptions(options).seed(12));
  EXPECT_FALSE(torch::equal(a.encode(x), c.encode(x)));
}

TEST(Train, ValidationSplitHoldsOutTheLastRows) {
  const auto x = low_rank_data(100, 4, 3);
  const Model model = train(autoencoder("3"), x, TrainOptions().epochs(3).validation_split(0.2).seed(2));
  ASSERT_EQ(model.history().epochs.size(), 3u);
  const auto& last = model.history().epochs.back();
  EXPECT_EQ(model.history().columns(), (std::vector<std::string>{"loss", "val_loss"}));
  const auto held_out = x.narrow(0, 80, 20);
  EXPECT_NEAR(last.value("val_loss"), model.evaluate(held_out).at("mse"), 1e-6);
}

TEST(Train, ValidationDataIsUsedAsGiven) {
  const auto x = low_rank_data(60, 4, 2), v = low_rank_data(30, 4, 2, 9);
  int calls = 0;
  const Model model = train(autoencoder("2"), x,
                            TrainOptions().epochs(4).validation_data(v).scale("minmax").on_epoch(
                                [&](const EpochRecord& r) { EXPECT_EQ(r.epoch, ++calls); }));
  EXPECT_EQ(calls, 4);
  EXPECT_NEAR(model.history().epochs.back().value("val_loss"),
              mse(model.scaler().transform(model.reconstruct(v)), model.scaler().transform(v)), 1e-6);
}

TEST(Train, EveryOptimizerLowersTheLoss) {
  const auto x = low_rank_data(128, 5, 2);
  for (const auto& name : optimizer_names()) {
    const Model model = train(autoencoder("4,2:tanh"), x, TrainOptions().epochs(15).optimizer(name).seed(5));
    const auto& h = model.history().epochs;
    EXPECT_LT(h.back().value("loss"), h.front().value("loss")) << name;
  }
}

TEST(Train, RejectsBadOptionsAndData) {
  const auto x = low_rank_data(20, 3, 2);
  const auto learner = autoencoder("2");
  EXPECT_THROW(train(learner, x, TrainOptions().epochs(0)), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().batch_size(0)), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().validation_split(1.0)), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().validation_split(0.99)), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().learning_rate(-1)), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().optimizer("lbfgs")), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().scale("robust")), InvalidArgument);
  EXPECT_THROW(train(learner, x, TrainOptions().validation_data(torch::zeros({4, 5}))), DataError);
  EXPECT_THROW(train(learner, torch::zeros({5})), DataError);
  auto with_nan = x.clone();
  with_nan[3][1] = NAN;
  try {
    train(learner, with_nan);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("row 4, column 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(autoencoder(input() + dense(2)), InvalidArgument);
  EXPECT_THROW(autoencoder("2", "hinge"), InvalidArgument);
}

TEST(Train, ADivergingLossStopsWithATrainingError) {
  // A linear network cannot saturate or die, so this step size always diverges.
  const auto x = low_rank_data(64, 4, 2) * 1000;
  EXPECT_THROW(train(autoencoder("2"), x, TrainOptions().epochs(5).optimizer("sgd").learning_rate(10).seed(1)),
               TrainingError);
}

TEST(Autoencode, ReturnsTheEncodingOfTheData) {
  const auto x = iris().features;
  const auto codes = autoencode(x, 3, "basic", "tanh", 2);
  EXPECT_EQ(codes.sizes(), (std::vector<int64_t>{150, 3}));
  EXPECT_LE(codes.abs().max().item<double>(), 1.0);  // tanh codes
  EXPECT_THROW(autoencode(x, 2, "fancy"), InvalidArgument);
}

TEST(Autoencode, NamesVariantsAsRutaDoes) {
  EXPECT_TRUE(is_robust(autoencode_learner(2, "robust")));
  const auto learner = autoencode_learner(2, "sparse,denoising", "sigmoid");
  EXPECT_EQ(learner.types(), (std::vector<std::string>{"sparse", "denoising"}));
  EXPECT_EQ(learner.network[1].activation, "sigmoid");
  const auto codes = autoencode(iris().features, 2, "contractive", "tanh", 2);
  EXPECT_EQ(codes.sizes(), (std::vector<int64_t>{150, 2}));
}

}  // namespace
}  // namespace hourglass
