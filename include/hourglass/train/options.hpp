// Training options, with LibTorch's fluent setters.
//
//   auto options = TrainOptions().epochs(100).batch_size(16).optimizer("adam")
//                      .learning_rate(0.01).validation_split(0.2).seed(42);
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hourglass/model/history.hpp"

namespace hourglass {

struct TrainOptions {
  TORCH_ARG(int64_t, epochs) = 20;
  TORCH_ARG(int64_t, batch_size) = 32;
  /// rmsprop (ruta's default), sgd, adam, adamax, adagrad; see optimizer_names().
  TORCH_ARG(std::string, optimizer) = "rmsprop";
  /// 0 means the optimizer's Keras default (see default_learning_rate()).
  TORCH_ARG(double, learning_rate) = 0.0;
  /// Momentum of sgd.
  TORCH_ARG(double, momentum) = 0.0;
  /// Reshuffle the rows before every epoch.
  TORCH_ARG(bool, shuffle) = true;
  /// Fraction of rows, taken from the end of the data as Keras does, kept out of
  /// training to report val_loss. Ignored when validation_data is given.
  TORCH_ARG(double, validation_split) = 0.0;
  TORCH_ARG(at::Tensor, validation_data) = {};
  /// A fixed seed gives identical results on one thread; none draws a fresh seed
  /// (recorded in the model's metadata).
  TORCH_ARG(std::optional<uint64_t>, seed) = std::nullopt;
  /// Preprocessing fitted on the training data and stored in the model: none, zscore,
  /// minmax.
  TORCH_ARG(std::string, scale) = "none";
  /// Early stopping: stop when the validation loss (the training loss without
  /// validation data) has not improved by more than min_delta for this many epochs,
  /// and restore the weights of the best epoch. 0 turns it off.
  TORCH_ARG(int64_t, early_stopping) = 0;
  TORCH_ARG(double, min_delta) = 0.0;
  /// Rescale the gradient to at most this global L2 norm before each step; 0: off.
  TORCH_ARG(double, clip_grad_norm) = 0.0;
  /// Write a checkpoint (the model, the optimizer's and the random generator's state,
  /// the history) to this file every checkpoint_every epochs and when training ends or
  /// stops; atomically, so a killed process leaves the last one whole. A checkpoint
  /// also loads as a model.
  TORCH_ARG(std::string, checkpoint) = "";
  TORCH_ARG(int64_t, checkpoint_every) = 1;
  /// Continue from a checkpoint up to `epochs` in all: with a fixed seed and one thread,
  /// the result is exactly that of an uninterrupted run. The learner and data must be
  /// the ones it was written for; its seed and scaler are used.
  TORCH_ARG(std::string, resume) = "";
  /// fp32, or bf16: the matrix products and convolutions of training in bfloat16 (CPU
  /// autocast), with fp32 weights, losses and optimizer state; about 1.5-2x faster on a
  /// CPU with AVX-512 BF16 or AMX, and fp32 with a warning on one without.
  TORCH_ARG(std::string, precision) = "fp32";
  /// Metrics (see metric_names()) reported per epoch beside the loss, as Keras's
  /// compile(metrics = ...): each averaged over the epoch's batches between the
  /// reconstruction and the clean batch, and "val_" + name on the validation data.
  TORCH_ARG(std::vector<std::string>, metrics) = {};
  /// Print the network summary, then a progress line per epoch, on stderr.
  TORCH_ARG(bool, verbose) = false;
  /// Called after every epoch with its record.
  TORCH_ARG(std::function<void(const EpochRecord&)>, on_epoch) = nullptr;
  /// Called after every batch's step; may call request_stop() (the R package polls for
  /// Ctrl-C here).
  TORCH_ARG(std::function<void()>, on_batch) = nullptr;
};

}  // namespace hourglass
