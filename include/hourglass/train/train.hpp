// Training: a learner plus data gives a Model; a model plus data trains on.
//
//   Model model = train(autoencoder("16,2:tanh"), data,
//                       TrainOptions().epochs(100).optimizer("adam").verbose(true),
//                       {EarlyStopping(EarlyStoppingOptions().patience(5)), CSVLogger("h.csv")});
//   Model more = train(model, data, TrainOptions().epochs(20));   // epochs 101-120
//   Model done = resume(Model::load("run.hgm"), data, TrainOptions().epochs(100), callbacks);
#pragma once

#include <ATen/core/Tensor.h>

#include "hourglass/data/dataset.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

/// Trains on `data` (rows x features, or rows x channels x length or height x width).
/// Throws InvalidArgument for bad options, DataError for unusable data and TrainingError,
/// naming the epoch and batch, when the loss, a gradient or a weight stops being finite
/// (a step with a non-finite loss or gradient never reaches the weights). Stopped early,
/// by a callback or by request_stop(), it returns the model so far with the reason in
/// history().stop_reason.
Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options = {},
            const Callbacks& callbacks = {});

/// Trains on a data set as read_data() gives it: a table's categorical columns
/// (Dataset::levels) and column names go into the model's coding (Model::coding()); its
/// missing cells (NaN), like those of a tensor, are filled and left out of the loss.
Model train(const Autoencoder& learner, const Dataset& data, const TrainOptions& options = {},
            const Callbacks& callbacks = {});
/// Continues training a trained model for options.epochs() more epochs, as fitting a
/// Keras model again does: from its weights, with its optimizer's state (unless
/// options.optimizer() names another optimizer), its scaler and its random generator's
/// state (unless options.seed() is given), numbering epochs on and appending to its
/// history. Throws InvalidArgument for data whose samples have another shape.
Model train(const Model& model, const at::Tensor& data, const TrainOptions& options = {},
            const Callbacks& callbacks = {});

/// Goes on with the run that wrote `checkpoint` (a model file, e.g. from ModelCheckpoint)
/// up to options.epochs() epochs in all, restoring every callback's state: with the same
/// options, callbacks and data, a fixed seed and one thread, the result is exactly that
/// of an uninterrupted run.
Model resume(const Model& checkpoint, const at::Tensor& data, const TrainOptions& options = {},
             const Callbacks& callbacks = {});

/// Asks a running training to stop after its current batch. Async-signal-safe: the CLI
/// calls it on Ctrl-C (SIGINT) and then saves what was learned.
void request_stop();

}  // namespace hourglass
