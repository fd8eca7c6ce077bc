// The declared callbacks: made from arguments by name, they train as the classes do, and
// a bad argument says which callback, which argument and what it takes.
#include "hourglass/train/callback_kind.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/train.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;
using testing::low_rank_data;
using testing::temp_path;

// The declared default of a parameter.
ArgumentValue declared(const std::string& callback, const std::string& parameter) {
  for (const auto& p : callback_kind(callback).parameters) {
    if (p.name() == parameter) return p.default_value();
  }
  throw std::logic_error("no parameter " + parameter);
}

TEST(CallbackKind, DefaultsAreTheOptionsDefaultsAndKerasMonitor) {
  EXPECT_EQ(declared("early_stopping", "patience"), ArgumentValue(EarlyStoppingOptions().patience()));
  EXPECT_EQ(declared("early_stopping", "min_delta"), ArgumentValue(EarlyStoppingOptions().min_delta()));
  EXPECT_EQ(declared("early_stopping", "baseline"), ArgumentValue());
  EXPECT_EQ(declared("reduce_lr_on_plateau", "factor"), ArgumentValue(0.1));  // Keras's
  EXPECT_EQ(declared("reduce_lr_on_plateau", "patience"), ArgumentValue(int64_t{10}));
  EXPECT_EQ(declared("model_checkpoint", "every"), ArgumentValue(int64_t{1}));
  EXPECT_EQ(declared("early_stopping", "monitor"), ArgumentValue(std::string("val_loss")));
  EXPECT_EQ(&callback_kind("EarlyStopping"), &callback_kind("early_stopping"));
  for (const auto& kind : callback_kinds()) {
    Arguments required;  // a file to write, for those that need one
    for (const auto& p : kind.parameters) {
      if (p.required()) required.emplace_back(p.name(), temp_path("declared-" + kind.name));
    }
    EXPECT_EQ(make_callback(kind.class_name, required)->name(), kind.class_name);
  }
}

TEST(CallbackKind, MadeFromArgumentsTheyTrainAsTheClassesDo) {
  const auto x = low_rank_data(96, 5, 2);
  const auto options = TrainOptions().epochs(50).seed(2);
  // A min_delta no epoch can beat: patience 2 stops after epoch 3, on the training loss
  // (Keras's val_loss without validation data).
  const Model declared = train(autoencoder("3"), x, options,
                               {make_callback("early_stopping", {{"patience", int64_t{2}}, {"min_delta", 1e9}})});
  const Model direct =
      train(autoencoder("3"), x, options, {EarlyStopping(EarlyStoppingOptions().patience(2).min_delta(1e9))});
  ASSERT_EQ(declared.history().epochs.size(), 3u);
  EXPECT_EQ(declared.history().stop_reason, direct.history().stop_reason);
  EXPECT_TRUE(declared.encode(x).equal(direct.encode(x)));

  const std::string file = temp_path("declared-checkpoint.hgm");
  std::remove(file.c_str());
  train(autoencoder("3"), x, TrainOptions().epochs(2).seed(2),
        {make_callback("model_checkpoint", {{"filepath", file}})});
  EXPECT_EQ(Model::load(file).history().epochs.size(), 2u);

  const auto four = TrainOptions().epochs(4).seed(2).learning_rate(0.01);
  const Model plateau =
      train(autoencoder("3"), x, four,
            {make_callback("ReduceLROnPlateau", {{"patience", int64_t{0}}, {"min_delta", 1e9}, {"factor", 0.5}})});
  const Model reduced = train(autoencoder("3"), x, four,
                              {ReduceLROnPlateau(ReduceLROnPlateauOptions().patience(0).min_delta(1e9).factor(0.5))});
  EXPECT_LT(plateau.history().epochs.back().value("lr"), 0.01);
  for (size_t e = 0; e < 4; ++e) {
    EXPECT_EQ(plateau.history().epochs[e].value("lr"), reduced.history().epochs[e].value("lr")) << e;
  }
}

TEST(CallbackKind, BadArgumentsNameTheCallbackAndWhatItTakes) {
  EXPECT_EQ(error_of<InvalidArgument>([] { make_callback("early_stoping"); }),
            "unknown callback 'early_stoping' (valid: early_stopping, model_checkpoint, csv_logger, "
            "reduce_lr_on_plateau, terminate_on_nan)");
  EXPECT_EQ(error_of<InvalidArgument>([] {
              make_callback("early_stopping", {{"patiense", int64_t{2}}});
            }),
            "EarlyStopping: unknown argument 'patiense' (valid: monitor, min_delta, patience, mode, baseline, "
            "restore_best_weights)");
  EXPECT_NE(error_of<InvalidArgument>([] {
              make_callback("early_stopping", {{"patience", int64_t{-1}}});
            }).find("EarlyStopping: patience must be"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] {
              make_callback("early_stopping", {{"mode", std::string("up")}});
            }).find("unknown mode 'up' (valid: auto, min, max)"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] { make_callback("model_checkpoint"); }).find("filepath is required"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([] {
              make_callback("reduce_lr_on_plateau", {{"factor", 1.5}});
            }).find("factor must be"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
