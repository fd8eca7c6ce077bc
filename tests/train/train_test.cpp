#include "hourglass/train/train.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/autoencode.hpp"
#include "hourglass/train/optimizers.hpp"
#include "model/model_impl.hpp"
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
  const auto message = testing::error_of<TrainingError>(
      [&] { train(autoencoder("2"), x, TrainOptions().epochs(5).optimizer("sgd").learning_rate(10).seed(1)); });
  EXPECT_NE(message.find(", batch "), std::string::npos) << message;  // names where it happened
  EXPECT_NE(message.find("--clip-grad-norm"), std::string::npos) << message;
  // Clipping each gradient's norm keeps the same run finite.
  const Model clipped =
      train(autoencoder("2"), x, TrainOptions().epochs(5).optimizer("sgd").learning_rate(10).clip_grad_norm(1).seed(1));
  EXPECT_TRUE(std::isfinite(clipped.history().epochs.back().value("loss")));
}

TEST(Train, EarlyStoppingRestoresTheBestEpochsWeights) {
  const auto x = low_rank_data(96, 5, 2);
  const auto validation = low_rank_data(32, 5, 2, 7);
  // A min_delta no epoch can beat: the first epoch stays the best, patience 2 stops after epoch 3.
  const Model model =
      train(autoencoder("3"), x,
            TrainOptions().epochs(50).validation_data(validation).early_stopping(2).min_delta(1e9).seed(2));
  ASSERT_EQ(model.history().epochs.size(), 3u);
  const double best = model.history().epochs.front().value("val_loss");
  EXPECT_NEAR(model.evaluate(validation).at("mse"), best, 1e-6 * best);
  EXPECT_NE(model.history().stop_reason.find("weights of epoch 1"), std::string::npos) << model.history().stop_reason;
  // Without validation data it watches the training loss, and a real improvement keeps it going.
  const Model improving =
      train(autoencoder("3"), x, TrainOptions().epochs(6).early_stopping(2).optimizer("adam").seed(2));
  EXPECT_EQ(improving.history().epochs.size(), 6u);
  EXPECT_TRUE(improving.history().stop_reason.empty());
  EXPECT_THROW(train(autoencoder("3"), x, TrainOptions().early_stopping(-1)), InvalidArgument);
  EXPECT_THROW(train(autoencoder("3"), x, TrainOptions().clip_grad_norm(-1)), InvalidArgument);
}

TEST(Train, ARequestedStopEndsAfterTheBatchAndKeepsWhatWasLearned) {
  const auto x = low_rank_data(64, 4, 2);
  const Model model = train(autoencoder("2"), x, TrainOptions().epochs(100).seed(3).on_epoch([](const EpochRecord& r) {
    if (r.epoch == 2) request_stop();
  }));
  EXPECT_EQ(model.history().epochs.size(), 2u);
  EXPECT_EQ(model.history().stop_reason, "interrupted during epoch 2");
  // The next training is not stopped by the old request.
  EXPECT_EQ(train(autoencoder("2"), x, TrainOptions().epochs(3).seed(3)).history().epochs.size(), 3u);
}

TEST(Train, MetricsAreAveragedOverTheEpochsBatchesLikeTheLoss) {
  const auto x = low_rank_data(60, 4, 2);
  const auto validation = low_rank_data(20, 4, 2);
  const Model model =
      train(autoencoder("2"), x,
            TrainOptions().epochs(3).batch_size(16).seed(5).validation_data(validation).metrics({"mse", "mae"}));
  // Each batch's mse is its loss, taken before the same step: the averages agree.
  for (const auto& epoch : model.history().epochs) {
    EXPECT_NEAR(epoch.value("mse"), epoch.value("loss"), 1e-6);
    EXPECT_NEAR(epoch.value("val_mse"), epoch.value("val_loss"), 1e-6);
    EXPECT_GT(epoch.value("mae"), 0.0);
  }
  // Validation metrics come from the final weights of the epoch.
  const double val_mae = model.history().epochs.back().value("val_mae");
  EXPECT_NEAR(val_mae, model.evaluate(validation, {"mae"}).at("mae"), 1e-5);
  EXPECT_EQ(model.history().columns(),
            (std::vector<std::string>{"loss", "mse", "mae", "val_loss", "val_mse", "val_mae"}));
}

TEST(Train, MetricsMayNotShadowAColumn) {
  const auto x = low_rank_data(20, 4, 2);
  EXPECT_THROW(train(autoencoder("2"), x, TrainOptions().epochs(1).metrics({"accuracy"})), InvalidArgument);
  EXPECT_THROW(train(autoencoder("2"), x, TrainOptions().epochs(1).metrics({"mse", "mse"})), InvalidArgument);
  EXPECT_THROW(train(autoencoder_variational(Network::from_sizes({3}), "bce"), x.sigmoid(),
                     TrainOptions().epochs(1).metrics({"kl"})),
               InvalidArgument);
}

TEST(Train, OnBatchRunsAfterEveryStepAndMayStopTraining) {
  const auto x = low_rank_data(50, 4, 2);
  int batches = 0;
  train(autoencoder("2"), x, TrainOptions().epochs(2).batch_size(16).seed(1).on_batch([&] { ++batches; }));
  EXPECT_EQ(batches, 2 * 4);  // 16 + 16 + 16 + 2 rows per epoch
  const Model stopped = train(autoencoder("2"), x, TrainOptions().epochs(5).batch_size(16).seed(1).on_batch([&] {
    if (++batches == 8 + 6) request_stop();
  }));
  EXPECT_EQ(stopped.history().epochs.size(), 2u);
  EXPECT_EQ(stopped.history().stop_reason, "interrupted during epoch 2");
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

namespace hourglass {
namespace {

// Weights compared exactly: an interrupted and resumed run must be the same run.
bool same_weights(const Model& a, const Model& b) {
  const auto pa = a.impl().net->parameters(), pb = b.impl().net->parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

struct OneThread {
  int before = threads();
  OneThread() { set_threads(1); }
  ~OneThread() { set_threads(before); }
};

TEST(Checkpoint, AResumedRunEndsWithTheWeightsOfAnUninterruptedOne) {
  const OneThread one_thread;
  const auto x = low_rank_data(120, 6, 3);
  // Dropout, shuffling and a denoising filter draw random numbers; adam and batch
  // norm carry state: all of it must come back.
  const auto learner = make_denoising(
      autoencoder(input() + dense(5, "tanh") + dropout(0.2) + batch_norm() + dense(2) + dense(5, "tanh") + output()),
      noise_gaussian(0.1));
  const auto options = TrainOptions().epochs(6).optimizer("adam").batch_size(16).validation_split(0.2).seed(9);
  const Model whole = train(learner, x, options);

  const std::string path = testing::temp_path("resume.ckpt");
  const Model first_half = train(learner, x, TrainOptions(options).epochs(3).checkpoint(path));
  const Model resumed = train(learner, x, TrainOptions(options).resume(path));
  EXPECT_TRUE(same_weights(whole, resumed));
  EXPECT_FALSE(same_weights(whole, first_half));
  ASSERT_EQ(resumed.history().epochs.size(), 6u);
  EXPECT_EQ(resumed.history().epochs[5].value("loss"), whole.history().epochs[5].value("loss"));

  // A VAE draws its samples from the same generator.
  const auto vae =
      autoencoder_variational(input() + dense(4, "elu") + variational(2) + dense(4, "elu") + output("sigmoid"));
  const auto images = torch::rand({64, 6});
  const Model vae_whole = train(vae, images, TrainOptions().epochs(4).optimizer("adamax").seed(4));
  train(vae, images, TrainOptions().epochs(2).optimizer("adamax").seed(4).checkpoint(path));
  EXPECT_TRUE(same_weights(vae_whole, train(vae, images, TrainOptions().epochs(4).optimizer("adamax").resume(path))));
}

TEST(Checkpoint, IsAModelFileAndRefusesAnotherTraining) {
  const auto x = low_rank_data(40, 4, 2);
  const std::string path = testing::temp_path("refuse.ckpt");
  const Model model = train(autoencoder("3,2"), x, TrainOptions().epochs(2).checkpoint(path).seed(1));
  EXPECT_TRUE(same_weights(Model::load(path), model));
  EXPECT_NE(testing::error_of<InvalidArgument>([&] {
              train(autoencoder("3"), x, TrainOptions().epochs(3).resume(path));
            }).find("cannot resume from"),
            std::string::npos);
  EXPECT_THROW(train(autoencoder("3,2"), low_rank_data(40, 5, 2), TrainOptions().epochs(3).resume(path)),
               InvalidArgument);
  const std::string plain = testing::temp_path("plain.hgm");
  model.save(plain);
  EXPECT_NE(testing::error_of<ModelFileError>([&] {
              train(autoencoder("3,2"), x, TrainOptions().resume(plain));
            }).find("a model file without training state"),
            std::string::npos);
  // A non-finite loss leaves the last good weights in the checkpoint.
  const auto big = x * 1000;
  const std::string diverged = testing::temp_path("diverged.ckpt");
  EXPECT_THROW(train(autoencoder("2"), big,
                     TrainOptions().epochs(20).optimizer("sgd").learning_rate(10).checkpoint(diverged).seed(1)),
               TrainingError);
  const Model last_good = Model::load(diverged);
  for (const auto& p : last_good.impl().net->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

}  // namespace
}  // namespace hourglass
