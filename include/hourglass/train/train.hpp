// Training: a learner plus data gives a Model.
//
//   Model model = train(autoencoder("16,2:tanh"), data,
//                       TrainOptions().epochs(100).optimizer("adam").verbose(true));
#pragma once

#include <ATen/core/Tensor.h>

#include "hourglass/model/model.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

/// Trains on `data` (rows x features, or rows x channels x height x width). Throws
/// InvalidArgument for bad options, DataError for unusable data and TrainingError, naming
/// the epoch and batch, when the loss or a gradient stops being finite (before that step
/// reaches the weights). Stopped early, or by request_stop(), it returns the model so far
/// with the reason in history().stop_reason.
Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options = {});

/// Asks a running train() to stop after its current batch. Async-signal-safe: the CLI
/// calls it on Ctrl-C (SIGINT) and then saves what was learned.
void request_stop();

}  // namespace hourglass
