// Training that goes on: train(model, ...) continues a trained model, resume() continues
// the run that wrote a checkpoint. Both must equal the uninterrupted run exactly.
#include <gtest/gtest.h>

#include <fstream>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::low_rank_data;
using testing::temp_path;

// Weights compared exactly: an interrupted and resumed run must be the same run.
bool same_weights(const Model& a, const Model& b) {
  const auto pa = ModelAccess::impl(a).net->parameters(), pb = ModelAccess::impl(b).net->parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

bool same_history(const Model& a, const Model& b) {
  const auto &ha = a.history().epochs, &hb = b.history().epochs;
  if (ha.size() != hb.size()) return false;
  for (size_t i = 0; i < ha.size(); ++i) {
    if (ha[i].epoch != hb[i].epoch || ha[i].values != hb[i].values) return false;
  }
  return true;
}

struct OneThread {
  int before = threads();
  OneThread() { set_threads(1); }
  ~OneThread() { set_threads(before); }
};

// Dropout, shuffling and a denoising filter draw random numbers; adam and batch norm
// carry state: all of it must come back.
Autoencoder stateful_learner() {
  return make_denoising(
      autoencoder(input() + dense(5, "tanh") + dropout(0.2) + batch_norm() + dense(2) + dense(5, "tanh") + output()),
      noise_gaussian(0.1));
}

TEST(Resume, EqualsTheUninterruptedRunWithEveryCallbacksState) {
  const OneThread one_thread;
  const auto x = low_rank_data(120, 6, 3);
  const auto options = TrainOptions().epochs(8).optimizer("adam").batch_size(16).validation_split(0.2).seed(9);
  // The plateau callback halves the rate (its wait and best must come back); early
  // stopping with best-weight restore keeps a copy of weights in its state.
  const auto callbacks = [](const std::string& checkpoint) {
    Callbacks list = {ReduceLROnPlateau(ReduceLROnPlateauOptions().patience(1).factor(0.5).min_delta(0.05)),
                      EarlyStopping(EarlyStoppingOptions().patience(3).min_delta(0.01).restore_best_weights(true))};
    if (!checkpoint.empty()) list.emplace_back(ModelCheckpoint(checkpoint));
    return list;
  };
  const Model whole = train(stateful_learner(), x, options, callbacks(""));

  const std::string path = temp_path("resume.hgm");
  LambdaCallback interrupt;
  interrupt.epoch_end = [](Trainer& trainer, EpochRecord& logs) {
    if (logs.epoch == 3) trainer.stop("interrupted during epoch 3");
  };
  Callbacks first_list = callbacks(path);
  first_list.emplace_back(interrupt);
  const Model first_part = train(stateful_learner(), x, options, first_list);
  ASSERT_EQ(first_part.history().epochs.size(), 3u);
  const Model resumed = resume(Model::load(path), x, options, callbacks(path));
  EXPECT_TRUE(same_weights(whole, resumed));
  EXPECT_TRUE(same_history(whole, resumed));
  EXPECT_EQ(whole.history().stop_reason, resumed.history().stop_reason);
  EXPECT_FALSE(same_weights(whole, first_part));
  EXPECT_NE(whole.history().epochs.back().value("lr"), whole.history().epochs.front().value("lr"))
      << "the plateau callback should have acted in this run";
  // The file the resumed run wrote at its end is the finished run.
  EXPECT_TRUE(same_weights(Model::load(path), whole));
}

TEST(Resume, AnAdversarialRunKeepsItsDiscriminatorAndBothOptimizers) {
  const OneThread one_thread;
  // Denoising too: the noise, the prior's samples and the shuffle share the generator.
  const auto aae =
      make_denoising(autoencoder_adversarial(input() + dense(5, "tanh") + dense(2) + dense(5, "tanh") + output(), "mse",
                                             "mixture:3", {6, 4}),
                     noise_gaussian(0.1));
  const auto x = low_rank_data(96, 6, 3);
  const auto options = TrainOptions().epochs(5).batch_size(16).seed(2);
  const Model whole = train(aae, x, options);
  const std::string path = temp_path("aae-resume.hgm");
  const Model first_part = train(aae, x, TrainOptions(options).epochs(2), {ModelCheckpoint(path)});
  const Model resumed = resume(Model::load(path), x, options);
  EXPECT_TRUE(same_weights(whole, resumed));
  EXPECT_TRUE(same_history(whole, resumed));
  EXPECT_FALSE(same_weights(whole, first_part));
  const auto a = ModelAccess::impl(whole).discriminator->parameters(),
             b = ModelAccess::impl(resumed).discriminator->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
  // Both Adam states travel in the file: one entry per field of every parameter.
  const Model saved = Model::load(path);
  const auto& state = ModelAccess::impl(saved).training;
  EXPECT_EQ(state.discriminator_optimizer_state.size(), 6u * 3);  // step, exp_avg, exp_avg_sq
  EXPECT_EQ(state.generator_optimizer_state.size(), 4u * 3);      // the encoder's two dense layers
}

TEST(Resume, AVariationalRunDrawsFromTheSameGenerator) {
  const OneThread one_thread;
  const auto vae =
      autoencoder_variational(input() + dense(4, "elu") + variational(2) + dense(4, "elu") + output("sigmoid"));
  const auto images = torch::rand({64, 6});
  const auto options = TrainOptions().epochs(4).optimizer("adamax").seed(4);
  const Model whole = train(vae, images, options);
  const std::string path = temp_path("vae.hgm");
  train(vae, images, TrainOptions(options).epochs(2), {ModelCheckpoint(path)});
  EXPECT_TRUE(same_weights(whole, resume(Model::load(path), images, options)));
}

TEST(Resume, ARunThatStoppedEarlyStaysStopped) {
  const auto x = low_rank_data(40, 4, 2);
  const std::string path = temp_path("stopped.hgm");
  const auto options = TrainOptions().epochs(10).seed(2);
  const Callbacks list = {EarlyStopping(EarlyStoppingOptions().patience(1).min_delta(1e9)), ModelCheckpoint(path)};
  const Model stopped = train(autoencoder("2"), x, options, list);
  ASSERT_EQ(stopped.history().epochs.size(), 2u);
  const Model again = resume(Model::load(path), x, options, list);
  EXPECT_EQ(again.history().epochs.size(), 2u);
  EXPECT_TRUE(same_weights(stopped, again));
}

TEST(Resume, RefusesWhatIsNotTheSameRun) {
  const auto x = low_rank_data(40, 4, 2);
  const Model model = train(autoencoder("3,2"), x, TrainOptions().epochs(2).optimizer("adam").seed(1));
  EXPECT_NE(testing::error_of<InvalidArgument>([&] {
              resume(model, x, TrainOptions().epochs(4).optimizer("sgd"));
            }).find("the run used adam"),
            std::string::npos);
  EXPECT_NE(testing::error_of<InvalidArgument>([&] {
              resume(model, low_rank_data(40, 5, 2), TrainOptions().epochs(4));
            }).find("trained on samples of shape 4"),
            std::string::npos);
  EXPECT_THROW(resume(Model(), x, TrainOptions().epochs(4)), InvalidArgument);
}

TEST(Continue, TrainingTwiceEqualsTrainingOnce) {
  const OneThread one_thread;
  const auto x = low_rank_data(120, 6, 3);
  const auto options = TrainOptions().optimizer("adam").batch_size(16).validation_split(0.2).seed(9);
  const Model whole = train(stateful_learner(), x, TrainOptions(options).epochs(6));
  const Model first = train(stateful_learner(), x, TrainOptions(options).epochs(3));
  // The second fit takes the model's optimizer, rate and generator: no seed, no optimizer.
  const Model second = train(first, x, TrainOptions(options).epochs(3).seed(std::nullopt).optimizer(""));
  EXPECT_TRUE(same_weights(whole, second));
  EXPECT_TRUE(same_history(whole, second));
  EXPECT_EQ(second.history().epochs.back().epoch, 6);
  // The model continued from is left as it was.
  EXPECT_EQ(first.history().epochs.size(), 3u);
  EXPECT_FALSE(same_weights(first, second));

  // Through a file: the optimizer and generator state travel in the model file.
  const std::string path = temp_path("first.hgm");
  first.save(path);
  const Model from_file = train(Model::load(path), x, TrainOptions(options).epochs(3).seed(std::nullopt).optimizer(""));
  EXPECT_TRUE(same_weights(whole, from_file));
}

TEST(Continue, AnotherOptimizerStartsAfreshAndTheEpochsNumberOn) {
  const auto x = low_rank_data(60, 4, 2);
  const Model first = train(autoencoder("2"), x, TrainOptions().epochs(2).optimizer("adam").seed(1));
  const Model second = train(first, x, TrainOptions().epochs(3).optimizer("sgd").learning_rate(0.05));
  ASSERT_EQ(second.history().epochs.size(), 5u);
  EXPECT_EQ(second.history().epochs[2].epoch, 3);
  EXPECT_EQ(ModelAccess::impl(second).training.optimizer, "sgd");
  EXPECT_EQ(ModelAccess::impl(second).training.learning_rate, 0.05);
  // The model's scaler is kept; another one is refused.
  EXPECT_THROW(train(first, x, TrainOptions().scale("zscore")), InvalidArgument);
}

TEST(Continue, RefusesDataOfAnotherWidth) {
  const Model model = train(autoencoder("2"), low_rank_data(30, 4, 2), TrainOptions().epochs(1).seed(1));
  const auto message =
      testing::error_of<InvalidArgument>([&] { train(model, low_rank_data(30, 5, 2), TrainOptions().epochs(1)); });
  EXPECT_NE(message.find("trained on samples of shape 4 but this data has samples of shape 5"), std::string::npos)
      << message;
  EXPECT_NE(testing::error_of<InvalidArgument>([&] { train(Model(), low_rank_data(30, 4, 2)); }).find("no weights"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
