// Each built-in callback against Keras's rule, computed by hand.
#include "hourglass/train/callbacks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::low_rank_data;
using testing::temp_path;

// Writes a scripted value into each epoch's logs under `name` (before the callbacks
// after it in the list see them): the monitored values of a test.
LambdaCallback scripted(const std::string& name, std::vector<double> values) {
  LambdaCallback callback;
  callback.epoch_end = [name, values](Trainer&, EpochRecord& logs) {
    logs.values.emplace_back(name, values.at(static_cast<size_t>(logs.epoch - 1)));
  };
  return callback;
}

// The learning rate each epoch logged.
std::vector<double> learning_rates(const Model& model) {
  std::vector<double> rates;
  for (const auto& epoch : model.history().epochs) rates.push_back(epoch.value("lr"));
  return rates;
}

TEST(EarlyStopping, RestoresTheBestEpochsWeightsWhenAsked) {
  const auto x = low_rank_data(96, 5, 2);
  const auto validation = low_rank_data(32, 5, 2, 7);
  // A min_delta no epoch can beat: the first epoch stays the best, patience 2 stops after epoch 3.
  const auto options = TrainOptions().epochs(50).validation_data(validation).seed(2);
  const Model model =
      train(autoencoder("3"), x, options,
            {EarlyStopping(EarlyStoppingOptions().patience(2).min_delta(1e9).restore_best_weights(true))});
  ASSERT_EQ(model.history().epochs.size(), 3u);
  const double best = model.history().epochs.front().value("val_loss");
  EXPECT_NEAR(model.evaluate(validation).at("mse"), best, 1e-6 * best);
  EXPECT_NE(model.history().stop_reason.find("weights of epoch 1"), std::string::npos) << model.history().stop_reason;

  // Keras's default keeps the last epoch's weights.
  const Model last =
      train(autoencoder("3"), x, options, {EarlyStopping(EarlyStoppingOptions().patience(2).min_delta(1e9))});
  ASSERT_EQ(last.history().epochs.size(), 3u);
  EXPECT_NEAR(last.evaluate(validation).at("mse"), last.history().epochs.back().value("val_loss"), 1e-6);
  EXPECT_NE(last.history().stop_reason.find("last epoch's weights were kept"), std::string::npos);
}

TEST(EarlyStopping, FollowsKerasRuleForModeBaselineAndPatience) {
  const auto x = low_rank_data(40, 4, 2);
  const auto run = [&](EarlyStoppingOptions options, std::vector<double> scores) {
    auto stopper = std::make_shared<EarlyStopping>(options.monitor("score"));
    const Model model = train(autoencoder("2"), x, TrainOptions().epochs(static_cast<int64_t>(scores.size())).seed(1),
                              {scripted("score", scores), stopper});
    return std::make_pair(static_cast<int64_t>(model.history().epochs.size()), stopper->best_epoch());
  };
  // max: the best is epoch 3; two epochs without improvement stop after epoch 5.
  EXPECT_EQ(run(EarlyStoppingOptions().mode("max").patience(2), {1, 2, 3, 2, 2, 2, 9, 9}), std::make_pair(5L, 3L));
  // auto watches "score" as a loss (min): epoch 1 stays the best.
  EXPECT_EQ(run(EarlyStoppingOptions().patience(2), {1, 2, 3, 2, 2, 2}), std::make_pair(3L, 1L));
  // A baseline never beaten keeps the wait growing: stop after epoch 2.
  EXPECT_EQ(run(EarlyStoppingOptions().mode("max").patience(2).baseline(10.0), {1, 2, 3, 4}), std::make_pair(2L, 2L));
  // min_delta: improvements of 0.5 do not count when 1 is asked for.
  EXPECT_EQ(run(EarlyStoppingOptions().mode("max").patience(1).min_delta(1.0), {1, 1.5, 2, 5, 5.5}),
            std::make_pair(2L, 1L));
  // Keras's patience 0 stops after the second epoch, improvement or not.
  EXPECT_EQ(run(EarlyStoppingOptions().mode("max").patience(0), {1, 2, 3}), std::make_pair(2L, 2L));
}

TEST(EarlyStopping, RefusesWhatIsNotAnOption) {
  EXPECT_THROW(EarlyStopping(EarlyStoppingOptions().patience(-1)), InvalidArgument);
  EXPECT_THROW(EarlyStopping(EarlyStoppingOptions().mode("up")), InvalidArgument);
  EXPECT_THROW(EarlyStopping(EarlyStoppingOptions().min_delta(-1)), InvalidArgument);
  const auto message = testing::error_of<InvalidArgument>([] {
    train(autoencoder("2"), low_rank_data(20, 3, 2), TrainOptions().epochs(2),
          {EarlyStopping(EarlyStoppingOptions().monitor("val_loss"))});
  });
  EXPECT_NE(message.find("monitors 'val_loss' but the epoch logs loss"), std::string::npos) << message;
}

TEST(ModelCheckpoint, WritesEveryNEpochsAndAtTheEnd) {
  const auto x = low_rank_data(40, 4, 2);
  const std::string path = temp_path("every.hgm");
  std::remove(path.c_str());            // from an earlier run of the test
  std::vector<int64_t> epochs_in_file;  // what the file holds as each epoch begins
  LambdaCallback look;
  look.epoch_begin = [&](Trainer&, int64_t) {
    epochs_in_file.push_back(std::ifstream(path).good() ? Model::load(path).history().epochs.size() : 0);
  };
  const Model model = train(autoencoder("2"), x, TrainOptions().epochs(5).seed(1),
                            {ModelCheckpoint(path, ModelCheckpointOptions().every(2)), look});
  EXPECT_EQ(epochs_in_file, (std::vector<int64_t>{0, 0, 2, 2, 4}));
  const Model saved = Model::load(path);
  EXPECT_EQ(saved.history().epochs.size(), 5u);
  EXPECT_TRUE(torch::equal(saved.encode(x), model.encode(x)));
  EXPECT_THROW(ModelCheckpoint(path, ModelCheckpointOptions().every(0)), InvalidArgument);
}

TEST(ModelCheckpoint, SaveBestOnlyWritesOnImprovement) {
  const auto x = low_rank_data(40, 4, 2);
  const std::string path = temp_path("best.hgm");
  std::remove(path.c_str());
  std::vector<int64_t> epochs_in_file;
  LambdaCallback look;
  look.epoch_begin = [&](Trainer&, int64_t) {
    epochs_in_file.push_back(std::ifstream(path).good() ? Model::load(path).history().epochs.size() : 0);
  };
  train(autoencoder("2"), x, TrainOptions().epochs(5).seed(1),
        {scripted("score", {3, 1, 2, 0.5, 4}),
         ModelCheckpoint(path, ModelCheckpointOptions().save_best_only(true).monitor("score")), look});
  EXPECT_EQ(epochs_in_file, (std::vector<int64_t>{0, 1, 2, 2, 4}));
  EXPECT_EQ(Model::load(path).history().epochs.size(), 4u);  // not the worse last epoch
}

TEST(ModelCheckpoint, KeepsTheLastFiniteWeightsWhenTrainingFails) {
  const auto x = low_rank_data(40, 4, 2) * 1000;
  const std::string diverged = temp_path("diverged.hgm");
  EXPECT_THROW(train(autoencoder("2"), x, TrainOptions().epochs(20).optimizer("sgd").learning_rate(10).seed(1),
                     {ModelCheckpoint(diverged)}),
               TrainingError);
  const Model last_good = Model::load(diverged);
  for (const auto& p : ModelAccess::impl(last_good).net->parameters())
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());

  // A finite gradient with a huge rate overflows the weights: the run fails at the end
  // of the epoch and the checkpoint of the epoch before stays.
  const std::string overflowed = temp_path("overflowed.hgm");
  const auto y = low_rank_data(32, 4, 2) * 100;
  LambdaCallback blow_up;
  blow_up.epoch_begin = [](Trainer& trainer, int64_t epoch) {
    if (epoch == 3) trainer.set_learning_rate(1e38);
  };
  const auto message = testing::error_of<TrainingError>([&] {
    train(autoencoder("2"), y, TrainOptions().epochs(5).batch_size(32).optimizer("sgd").learning_rate(1e-7).seed(1),
          {blow_up, ModelCheckpoint(overflowed)});
  });
  EXPECT_NE(message.find("made the weights NaN or Inf during epoch 3"), std::string::npos) << message;
  const Model kept = Model::load(overflowed);
  EXPECT_EQ(kept.history().epochs.size(), 2u);
  for (const auto& p : ModelAccess::impl(kept).net->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

TEST(CSVLogger, WritesEveryEpochAndWarnsWhenItCannot) {
  const auto x = low_rank_data(40, 4, 2);
  const std::string path = temp_path("history.csv");
  const Model model =
      train(autoencoder("2"), x, TrainOptions().epochs(3).seed(1).validation_split(0.25), {CSVLogger(path)});
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, model.history().to_csv());
  EXPECT_EQ(text.substr(0, text.find('\n')), "epoch,loss,val_loss,seconds");

  std::vector<std::string> warnings;
  const auto previous = set_warning_handler([&](const std::string& message) { warnings.push_back(message); });
  const Model still =
      train(autoencoder("2"), x, TrainOptions().epochs(3).seed(1), {CSVLogger("/nonexistent-folder/history.csv")});
  set_warning_handler(previous);
  EXPECT_EQ(still.history().epochs.size(), 3u);
  ASSERT_EQ(warnings.size(), 1u);  // once, not every epoch
  EXPECT_NE(warnings[0].find("training goes on"), std::string::npos) << warnings[0];
}

TEST(ReduceLROnPlateau, FollowsKerasRuleWithCooldownAndFloor) {
  const auto x = low_rank_data(40, 4, 2);
  const auto options = TrainOptions().epochs(7).optimizer("sgd").learning_rate(1.0).seed(1);
  // Never improving after epoch 1; patience 1, cooldown 2: reductions after epochs 2, 4 and 6.
  const Model model =
      train(autoencoder("2"), x * 0.01, options,
            {scripted("score", {5, 5, 5, 5, 5, 5, 5}),
             ReduceLROnPlateau(ReduceLROnPlateauOptions().monitor("score").factor(0.5).patience(1).cooldown(2))});
  EXPECT_EQ(learning_rates(model), (std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25, 0.125}));
  // An improvement resets the wait; min_lr is a floor.
  const Model floored =
      train(autoencoder("2"), x * 0.01, options,
            {scripted("score", {5, 4, 4, 4, 4, 4, 4}),
             ReduceLROnPlateau(ReduceLROnPlateauOptions().monitor("score").factor(0.1).patience(2).min_lr(0.05))});
  EXPECT_EQ(learning_rates(floored), (std::vector<double>{1, 1, 1, 1, 0.1, 0.1, 0.05}));
  EXPECT_THROW(ReduceLROnPlateau(ReduceLROnPlateauOptions().factor(1.5)), InvalidArgument);
}

TEST(LearningRateScheduler, SetsTheRateTheStepsUse) {
  const auto x = low_rank_data(40, 4, 2);
  std::vector<double> seen;
  LambdaCallback look;
  look.batch_end = [&](Trainer& trainer, const BatchLogs& logs) {
    if (logs.batch == 1) seen.push_back(trainer.learning_rate());
  };
  const Model model =
      train(autoencoder("2"), x, TrainOptions().epochs(3).optimizer("sgd").learning_rate(0.1).seed(1),
            {LearningRateScheduler([](int64_t epoch, double rate) { return epoch == 1 ? rate : rate / 2; }), look});
  EXPECT_EQ(seen, (std::vector<double>{0.1, 0.05, 0.025}));
  EXPECT_EQ(learning_rates(model), seen);
  EXPECT_THROW(train(autoencoder("2"), x, TrainOptions().epochs(1),
                     {LearningRateScheduler([](int64_t, double) { return 0.0; })}),
               InvalidArgument);
}

TEST(TerminateOnNaN, IsAddedOnceAndNamesTheBatch) {
  const auto x = low_rank_data(64, 4, 2) * 1000;
  int calls = 0;
  struct Counting : TerminateOnNaN {
    int* calls;
    explicit Counting(int* c) : calls(c) {}
    void on_backward_end(Trainer& trainer, const BatchLogs& logs) override {
      ++*calls;
      TerminateOnNaN::on_backward_end(trainer, logs);
    }
  };
  const auto message = testing::error_of<TrainingError>([&] {
    train(autoencoder("2"), x, TrainOptions().epochs(5).optimizer("sgd").learning_rate(10).seed(1), {Counting(&calls)});
  });
  EXPECT_NE(message.find("at epoch "), std::string::npos) << message;
  EXPECT_NE(message.find(", batch "), std::string::npos) << message;
  EXPECT_GT(calls, 0);  // the list's own one, not a second default
}

TEST(ProgressBar, PrintsALinePerEpochAndWhyTrainingStopped) {
  const auto x = low_rank_data(40, 4, 2);
  ::testing::internal::CaptureStderr();
  train(autoencoder("2"), x, TrainOptions().epochs(5).seed(1),
        {scripted("score", {1, 1, 1, 1, 1}), EarlyStopping(EarlyStoppingOptions().monitor("score").patience(1)),
         ProgressBar()});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Total params: 22"), std::string::npos) << err;
  EXPECT_NE(err.find("Epoch 1/5 - "), std::string::npos) << err;
  EXPECT_NE(err.find("Epoch 2/5 - "), std::string::npos) << err;
  EXPECT_EQ(err.find("Epoch 3/5"), std::string::npos) << err;
  EXPECT_NE(err.find("Stopped: early stopping: score did not improve for 1 epochs"), std::string::npos) << err;
}

TEST(Callback, OfYourOwnSeesEveryHookInOrderAndCanStop) {
  struct Recorder : Callback {
    std::vector<std::string> calls;
    std::string name() const override { return "Recorder"; }
    void on_train_begin(Trainer&) override { calls.push_back("train_begin"); }
    void on_epoch_begin(Trainer&, int64_t e) override { calls.push_back("epoch_begin " + std::to_string(e)); }
    void on_backward_end(Trainer&, const BatchLogs& l) override {
      calls.push_back("backward " + std::to_string(l.batch));
    }
    void on_batch_end(Trainer&, const BatchLogs& l) override { calls.push_back("batch " + std::to_string(l.batch)); }
    void on_epoch_end(Trainer& trainer, EpochRecord& logs) override {
      calls.push_back("epoch_end " + std::to_string(logs.epoch));
      if (logs.epoch == 2) trainer.stop("enough");
    }
    void on_train_end(Trainer&, const TrainEnd& end) override { calls.push_back("train_end " + end.stop_reason); }
  };
  auto recorder = std::make_shared<Recorder>();
  const Model model =
      train(autoencoder("2"), low_rank_data(20, 3, 2), TrainOptions().epochs(9).batch_size(16).seed(1), {recorder});
  EXPECT_EQ(recorder->calls,
            (std::vector<std::string>{"train_begin", "epoch_begin 1", "backward 1", "batch 1", "backward 2", "batch 2",
                                      "epoch_end 1", "epoch_begin 2", "backward 1", "batch 1", "backward 2", "batch 2",
                                      "epoch_end 2", "train_end enough"}));
  EXPECT_EQ(model.history().stop_reason, "enough");
}

}  // namespace
}  // namespace hourglass
