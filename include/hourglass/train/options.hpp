// Training options: the hyperparameters, with LibTorch's fluent setters. What happens
// around the steps (early stopping, checkpoints, logs) is a callback (callbacks.hpp).
//
//   auto options = TrainOptions().epochs(100).batch_size(16).optimizer("adam")
//                      .learning_rate(0.01).validation_split(0.2).seed(42);
//
// Each option is declared once, with its name, type, default, range and help, in the
// table of option_specs.hpp: the command line's flags, the R and Python packages, the web
// server and the JSON form of these options read it. A new option is a field here and a
// row there.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hourglass {

class ProcessGroup;

/// An option's value as the bindings pass it: none (an unset seed), a flag, a whole
/// number, a number, a name or a list of names.
using OptionValue = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>>;

struct TrainOptions {
  /// The most networks an ensemble trains; Model::kMaxNetworks, which a model file holds, is
  /// the same (checked where training is defined).
  static constexpr int64_t kMaxEnsemble = 100;

  TORCH_ARG(int64_t, epochs) = 20;
  TORCH_ARG(int64_t, batch_size) = 32;
  /// rmsprop, sgd, adam, adamax, adagrad (see optimizer_names()); empty: rmsprop (ruta's
  /// default) for a new model, and the model's own, with its state, when training continues.
  TORCH_ARG(std::string, optimizer) = "";
  /// 0: the optimizer's Keras default (default_learning_rate()) for a new optimizer, the
  /// rate it had when training continues.
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
  /// (recorded in the model's metadata). When training continues, none goes on with the
  /// random generator's state stored in the model.
  TORCH_ARG(std::optional<uint64_t>, seed) = std::nullopt;
  /// Preprocessing fitted on the training data and stored in the model: none, zscore,
  /// minmax. Training that continues keeps the model's.
  TORCH_ARG(std::string, scale) = "none";
  /// Rescale the gradient to at most this global L2 norm before each step; 0: off.
  TORCH_ARG(double, clip_grad_norm) = 0.0;
  /// fp32, or bf16: the matrix products and convolutions of training in bfloat16 (CPU
  /// autocast), with fp32 weights, losses and optimizer state; about 1.5-2x faster on a
  /// CPU with AVX-512 BF16 or AMX, and fp32 with a warning on one without.
  TORCH_ARG(std::string, precision) = "fp32";
  /// Metrics (see metric_names()) reported per epoch beside the loss, as Keras's
  /// compile(metrics = ...): each averaged over the epoch's batches between the
  /// reconstruction and the clean batch, and "val_" + name on the validation data.
  TORCH_ARG(std::vector<std::string>, metrics) = {};
  /// Print the network summary, then a progress line per epoch, on stderr (adds a
  /// ProgressBar callback).
  TORCH_ARG(bool, verbose) = false;
  /// Share of each training batch's rows, those with the largest reconstruction loss,
  /// left out of the loss (0 to 0.5; 0: off): a trimmed loss, so that outliers among the
  /// training rows do not teach the network to reconstruct them. Trim more than the share
  /// of outliers expected: batches vary (32 rows drawn from data with 5% outliers hold
  /// more than 3 of them one time in 14), and a few steps that see gross outliers can
  /// teach them. Only training steps trim (their loss column in the history); val_loss,
  /// evaluate and scores do not.
  TORCH_ARG(double, trim) = 0.0;
  /// Networks to train, 1 to kMaxEnsemble: more than one trains each from its own seed
  /// (seed, seed + 1, ...: its own initial weights and batch order) on the same data, and
  /// the model keeps them all as an ensemble. Its scores, per-feature shares and
  /// reconstructions are the means of its networks' (steadier than one network's, the
  /// idea of RandNet's autoencoder ensembles for outlier detection); encode and decode use
  /// the first network, whose history the model keeps. An ensemble is trained in full at
  /// once: it does not continue training or resume.
  TORCH_ARG(int64_t, ensemble) = 1;
  /// A table's missing cells also as a 0/1 indicator per column that has them in the
  /// training data, read and reconstructed by the network beside the columns
  /// (TableCodingOptions::missing_indicators; scikit-learn's add_indicator). Training
  /// that continues keeps the model's coding, as it keeps its scaler.
  TORCH_ARG(bool, missing_indicators) = false;
  /// 0: off. N >= 1: every categorical column gets the level "(other)", which takes its
  /// levels seen in fewer than N training rows and, when the model reads data, the levels
  /// training did not see (TableCodingOptions::other_level).
  TORCH_ARG(int64_t, other_level) = 0;
  /// Train data-parallel with the other processes of this group (train/distributed.hpp):
  /// batch_size is then per process, and every process ends with the same model.
  TORCH_ARG(std::shared_ptr<ProcessGroup>, process_group) = nullptr;

 public:  // TORCH_ARG leaves the struct private
  /// The values of options declared outside this struct (declare_train_option()), by
  /// name; an option absent here has its declared default.
  std::map<std::string, OptionValue> extensions;
};

}  // namespace hourglass
