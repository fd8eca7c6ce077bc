#include "hourglass/train/train.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/autoencode.hpp"
#include "hourglass/train/callbacks.hpp"
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
  LambdaCallback count;
  count.epoch_end = [&](Trainer&, EpochRecord& r) { EXPECT_EQ(r.epoch, ++calls); };
  const Model model = train(autoencoder("2"), x, TrainOptions().epochs(4).validation_data(v).scale("minmax"), {count});
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
  // NaN is a missing cell (see model/table_test.cpp); Inf is an error.
  auto with_inf = x.clone();
  with_inf[3][1] = INFINITY;
  try {
    train(learner, with_inf);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("row 4, column 2 holds Inf"), std::string::npos) << e.what();
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

TEST(Train, ARequestedStopEndsAfterTheBatchAndKeepsWhatWasLearned) {
  const auto x = low_rank_data(64, 4, 2);
  LambdaCallback stop_at_two;
  stop_at_two.epoch_end = [](Trainer&, EpochRecord& r) {
    if (r.epoch == 2) request_stop();
  };
  const Model model = train(autoencoder("2"), x, TrainOptions().epochs(100).seed(3), {stop_at_two});
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

TEST(Train, BatchEndRunsAfterEveryStepAndMayStopTraining) {
  const auto x = low_rank_data(50, 4, 2);
  int batches = 0;
  LambdaCallback count;
  count.batch_end = [&](Trainer& trainer, const BatchLogs& logs) {
    EXPECT_EQ(trainer.batches_per_epoch(), 4);
    EXPECT_EQ(logs.rows, logs.batch == 4 ? 2 : 16);
    ++batches;
  };
  train(autoencoder("2"), x, TrainOptions().epochs(2).batch_size(16).seed(1), {count});
  EXPECT_EQ(batches, 2 * 4);  // 16 + 16 + 16 + 2 rows per epoch
  LambdaCallback stop;
  stop.batch_end = [&](Trainer&, const BatchLogs&) {
    if (++batches == 8 + 6) request_stop();
  };
  const Model stopped = train(autoencoder("2"), x, TrainOptions().epochs(5).batch_size(16).seed(1), {stop});
  EXPECT_EQ(stopped.history().epochs.size(), 2u);
  EXPECT_EQ(stopped.history().stop_reason, "interrupted during epoch 2");
}

TEST(Train, AnEnsembleIsItsNetworksTrainedFromConsecutiveSeeds) {
  set_threads(1);
  const auto x = iris().features;
  const auto learner = autoencoder(Network::from_sizes({8, 2}, "tanh"));
  const auto options = TrainOptions().epochs(3).seed(7).scale("zscore");
  const Model ensemble = train(learner, x, TrainOptions(options).ensemble(3));
  std::vector<Model> singles;
  for (uint64_t seed : {7, 8, 9}) singles.push_back(train(learner, x, TrainOptions(options).seed(seed)));
  ASSERT_EQ(ensemble.ensemble_size(), 3);
  EXPECT_EQ(singles[0].ensemble_size(), 1);
  EXPECT_EQ(ensemble.seed(), 7u);
  // Codes and history are the first network's.
  EXPECT_TRUE(torch::equal(ensemble.encode(x), singles[0].encode(x)));
  EXPECT_EQ(ensemble.history().epochs.back().value("loss"), singles[0].history().epochs.back().value("loss"));
  // Scores, their per-feature shares, reconstructions and the loss are the networks' means.
  torch::Tensor scores = torch::zeros({150}), shares = torch::zeros({150, 4}), back = torch::zeros({150, 4});
  double loss = 0;
  for (const Model& single : singles) {
    scores += single.score(x) / 3;
    shares += single.score_per_feature(x) / 3;
    back += single.reconstruct(x) / 3;  // a z-score is linear: the mean survives unscaling
    loss += single.evaluate(x, {"loss"}).at("loss") / 3;
  }
  EXPECT_TRUE(torch::allclose(ensemble.score(x), scores, 1e-5, 1e-7)) << (ensemble.score(x) - scores).abs().max();
  EXPECT_TRUE(torch::allclose(ensemble.score_per_feature(x), shares, 1e-5, 1e-7));
  EXPECT_TRUE(torch::allclose(ensemble.score_per_feature(x).sum(1), ensemble.score(x), 1e-5, 1e-7));
  EXPECT_TRUE(torch::allclose(ensemble.reconstruct(x), back, 1e-5, 1e-5));
  EXPECT_NEAR(ensemble.evaluate(x, {"loss"}).at("loss"), loss, 1e-6);
  EXPECT_FALSE(torch::allclose(singles[0].score(x), singles[1].score(x)));  // the seeds differ
}

TEST(Train, AnEnsembleTrainsInFullOrNotAtAll) {
  const auto x = iris().features;
  const auto learner = autoencoder("3");
  for (int64_t size : {0, 101}) {
    EXPECT_EQ(testing::error_of<InvalidArgument>([&] { train(learner, x, TrainOptions().ensemble(size)); }),
              "ensemble: expected 1 to 100 networks, got " + std::to_string(size));
  }
  const Model ensemble = train(learner, x, TrainOptions().epochs(1).ensemble(2).seed(1));
  EXPECT_THROW(train(ensemble, x, TrainOptions().epochs(1)), InvalidArgument);
  EXPECT_THROW(resume(ensemble, x, TrainOptions().epochs(2)), InvalidArgument);
  const Model single = train(learner, x, TrainOptions().epochs(1).seed(1));
  EXPECT_EQ(testing::error_of<InvalidArgument>([&] { train(single, x, TrainOptions().epochs(1).ensemble(2)); }),
            "train: an ensemble trains in full at once; train a new one (ensemble 2) instead of training more");
  const auto checkpoint = ModelCheckpoint(testing::temp_path("ensemble.hgm"));
  EXPECT_THROW(train(learner, x, TrainOptions().epochs(1).ensemble(2), {checkpoint}), InvalidArgument);
}

TEST(Train, AnInterruptedEnsembleKeepsTheNetworksTrainedSoFar) {
  const auto x = iris().features;
  int trainings = 0;
  LambdaCallback interrupt;
  interrupt.train_begin = [&](Trainer&) { ++trainings; };
  interrupt.epoch_end = [&](Trainer&, EpochRecord& record) {
    if (trainings == 2 && record.epoch == 2) request_stop();
  };
  const Model model = train(autoencoder("3"), x, TrainOptions().epochs(4).ensemble(4).seed(3), {interrupt});
  EXPECT_EQ(trainings, 2);
  EXPECT_EQ(model.ensemble_size(), 2);
  EXPECT_EQ(model.history().stop_reason.rfind("interrupted", 0), 0u) << model.history().stop_reason;
  EXPECT_EQ(model.history().epochs.size(), 4u);  // the first network's, trained in full
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
  EXPECT_EQ(learner.network[1].activation(), "sigmoid");
  const auto codes = autoencode(iris().features, 2, "contractive", "tanh", 2);
  EXPECT_EQ(codes.sizes(), (std::vector<int64_t>{150, 2}));
}

}  // namespace
}  // namespace hourglass
