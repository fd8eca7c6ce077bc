// Training callbacks, in Keras's style: objects the training loop calls at the start and
// end of training, of each epoch and of each batch. They see the epoch's logs (loss, its
// parts, metrics, val_*), can change the learning rate, stop training and save it, and
// keep their state in checkpoints, so that a resumed run continues exactly.
//
//   Model model = train(learner, data, TrainOptions().epochs(100).validation_split(0.2),
//                       {EarlyStopping(EarlyStoppingOptions().patience(5).restore_best_weights(true)),
//                        ReduceLROnPlateau(ReduceLROnPlateauOptions().patience(2)),
//                        ModelCheckpoint("run.hgm"), CSVLogger("history.csv")});
//
// A callback of your own overrides the hooks it needs:
//
//   struct PrintCodes : Callback {
//     std::string name() const override { return "PrintCodes"; }
//     void on_epoch_end(Trainer& trainer, EpochRecord& logs) override {
//       std::cout << logs.epoch << ": " << trainer.model().encode(x).mean().item<double>() << '\n';
//     }
//   };
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hourglass/model/callback_state.hpp"
#include "hourglass/model/history.hpp"

namespace hourglass {

class Model;
struct Autoencoder;
struct TrainOptions;

/// One batch, as callbacks see it.
struct BatchLogs {
  int64_t epoch = 0;  ///< 1-based, counting the epochs of earlier training of the model
  int64_t batch = 0;  ///< 1-based within the epoch
  int64_t rows = 0;
  at::Tensor loss;  ///< the batch's training loss, 0-dim (reading it waits for the batch)
};

/// How training ended, for on_train_end.
struct TrainEnd {
  /// Why training stopped before its last epoch; empty when it ran them all.
  std::string stop_reason;
  /// True when a TrainingError (a non-finite loss, gradient or weight) ends training;
  /// the weights are then the last finite ones, unless `weights_finite` is false.
  bool failed = false;
  bool weights_finite = true;
};

/// Named weights: parameters and buffers ("encoder.0.weight").
using NamedWeights = std::vector<std::pair<std::string, at::Tensor>>;

/// What a callback sees of the training it is part of.
class Trainer {
 public:
  virtual ~Trainer() = default;
  virtual const TrainOptions& options() const = 0;
  virtual const Autoencoder& learner() const = 0;
  /// The model being trained; it shares the weights (encode or evaluate mid-training).
  virtual Model model() const = 0;
  /// The epochs completed so far, earlier training of the model included.
  virtual const History& history() const = 0;
  /// The epoch under way (or the last one, after training).
  virtual int64_t epoch() const = 0;
  /// The epoch training ends with unless something stops it.
  virtual int64_t final_epoch() const = 0;
  virtual int64_t batches_per_epoch() const = 0;
  virtual double learning_rate() const = 0;
  /// Takes effect from the next step.
  virtual void set_learning_rate(double learning_rate) = 0;
  /// Stops training after the current batch (from a batch hook) or epoch; the reason goes
  /// to the history (History::stop_reason).
  virtual void stop(const std::string& reason) = 0;
  virtual bool stopping() const = 0;
  /// Copies of the weights, and putting such copies back.
  virtual NamedWeights weights() const = 0;
  virtual void set_weights(const NamedWeights& weights) = 0;
  /// The parameters, with their gradients after the backward pass.
  virtual std::vector<at::Tensor> parameters() const = 0;
  /// Writes the model with all its training state (optimizer, random generator, every
  /// callback's state) atomically to `path`, once every callback has seen the current
  /// epoch (or the end of training): what resume() continues from.
  virtual void checkpoint(const std::string& path) = 0;
};

class Callback {
 public:
  virtual ~Callback() = default;
  /// Its name in checkpoints and messages: Keras's class name ("EarlyStopping").
  virtual std::string name() const = 0;

  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int64_t /*epoch*/) {}
  /// After the backward pass, before the optimizer's step: throwing here (a
  /// TrainingError) keeps the step from the weights.
  virtual void on_backward_end(Trainer&, const BatchLogs&) {}
  virtual void on_batch_end(Trainer&, const BatchLogs&) {}
  /// With the epoch's logs, which it may add to (the learning rate callbacks add "lr");
  /// the history records them after every callback has seen them.
  virtual void on_epoch_end(Trainer&, EpochRecord& /*logs*/) {}
  virtual void on_train_end(Trainer&, const TrainEnd&) {}

  /// What a checkpoint must hold for a resumed run to go on as this one would.
  virtual CallbackState state() const { return {}; }
  virtual void restore(const CallbackState&) {}
};

/// A callback in a list: made from a callback (copied) or a shared pointer to one (to
/// read it after training), so that lists read {EarlyStopping(...), CSVLogger("h.csv")}.
class CallbackRef {
 public:
  template <typename T, typename = std::enable_if_t<std::is_base_of_v<Callback, std::decay_t<T>>>>
  CallbackRef(T callback)  // NOLINT(google-explicit-constructor)
      : callback_(std::make_shared<std::decay_t<T>>(std::move(callback))) {}
  template <typename T, typename = std::enable_if_t<std::is_base_of_v<Callback, T>>>
  CallbackRef(std::shared_ptr<T> callback) : callback_(std::move(callback)) {}  // NOLINT
  Callback& operator*() const { return *callback_; }
  Callback* operator->() const { return callback_.get(); }
  const std::shared_ptr<Callback>& get() const { return callback_; }

 private:
  std::shared_ptr<Callback> callback_;
};
using Callbacks = std::vector<CallbackRef>;

/// The monitored value's direction: min, max, or auto (max for names with "acc" or
/// "auc", min otherwise).
const std::vector<std::string>& monitor_modes();

struct EarlyStoppingOptions {
  /// The logged value watched; empty: val_loss when there is validation data, else loss.
  TORCH_ARG(std::string, monitor) = "";
  /// The smallest change that counts as an improvement.
  TORCH_ARG(double, min_delta) = 0.0;
  /// Epochs without improvement before training stops.
  TORCH_ARG(int64_t, patience) = 0;
  TORCH_ARG(std::string, mode) = "auto";
  /// Training also stops when the value does not beat this one.
  TORCH_ARG(std::optional<double>, baseline) = std::nullopt;
  /// Put the best epoch's weights back when stopping (Keras's default: keep the last).
  TORCH_ARG(bool, restore_best_weights) = false;
};

/// Stops training when the monitored value has not improved for `patience` epochs.
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  std::string name() const override { return "EarlyStopping"; }
  void on_train_begin(Trainer& trainer) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;
  CallbackState state() const override;
  void restore(const CallbackState& state) override;
  /// The epoch training stopped after, 0 when it did not stop.
  int64_t stopped_epoch() const { return stopped_epoch_; }
  int64_t best_epoch() const { return best_epoch_; }

 private:
  EarlyStoppingOptions options_;
  int64_t wait_ = 0, best_epoch_ = 0, stopped_epoch_ = 0;
  double best_ = 0;
  bool has_best_ = false;
  NamedWeights best_weights_;
};

struct ModelCheckpointOptions {
  /// Epochs between checkpoints (each written when its epoch ends), and one at the end.
  TORCH_ARG(int64_t, every) = 1;
  /// Write only when the monitored value improves (and not at the end).
  TORCH_ARG(bool, save_best_only) = false;
  TORCH_ARG(std::string, monitor) = "";
  TORCH_ARG(std::string, mode) = "auto";
};

/// Writes the model with its training state (see Trainer::checkpoint) to `path`,
/// atomically: a killed process leaves the previous checkpoint whole. A failed training
/// writes its last finite weights; non-finite weights are never written.
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(std::string path, ModelCheckpointOptions options = {});
  std::string name() const override { return "ModelCheckpoint"; }
  void on_train_begin(Trainer& trainer) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;
  void on_train_end(Trainer& trainer, const TrainEnd& end) override;
  CallbackState state() const override;
  void restore(const CallbackState& state) override;

 private:
  std::string path_;
  ModelCheckpointOptions options_;
  double best_ = 0;
  bool has_best_ = false;
};

/// Writes the history (a row per epoch, earlier training included) to a CSV file after
/// every epoch. A file that cannot be written is a warning: training goes on.
class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string path);
  std::string name() const override { return "CSVLogger"; }
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;

 private:
  std::string path_;
  bool warned_ = false;
};

struct ProgressBarOptions {
  /// Print the learner and its network summary first.
  TORCH_ARG(bool, summary) = true;
};

/// On stderr: a line per epoch ("Epoch 3/20 - 0.01s - loss: 0.5"), and when stderr is a
/// terminal, a bar with the batches done and the time left during the epoch.
class ProgressBar : public Callback {
 public:
  explicit ProgressBar(ProgressBarOptions options = {});
  std::string name() const override { return "ProgressBar"; }
  void on_train_begin(Trainer& trainer) override;
  void on_epoch_begin(Trainer& trainer, int64_t epoch) override;
  void on_batch_end(Trainer& trainer, const BatchLogs& logs) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;
  void on_train_end(Trainer& trainer, const TrainEnd& end) override;

 private:
  ProgressBarOptions options_;
  bool terminal_ = false;
  double epoch_start_ = 0, last_draw_ = 0;
};

/// Ends training with a TrainingError, naming the epoch and batch, when the loss or a
/// gradient is NaN or infinite (before that step reaches the weights), or, checked at
/// the end of each epoch, when a step made a weight so (such weights are never saved).
/// train() adds one when the list has none.
class TerminateOnNaN : public Callback {
 public:
  std::string name() const override { return "TerminateOnNaN"; }
  void on_backward_end(Trainer& trainer, const BatchLogs& logs) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;
};

struct ReduceLROnPlateauOptions {
  TORCH_ARG(std::string, monitor) = "";
  /// new rate = rate * factor.
  TORCH_ARG(double, factor) = 0.1;
  TORCH_ARG(int64_t, patience) = 10;
  TORCH_ARG(std::string, mode) = "auto";
  TORCH_ARG(double, min_delta) = 1e-4;
  /// Epochs to wait after a reduction before counting again.
  TORCH_ARG(int64_t, cooldown) = 0;
  TORCH_ARG(double, min_lr) = 0.0;
};

/// Multiplies the learning rate by `factor` when the monitored value has not improved
/// for `patience` epochs; logs the rate as "lr".
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  std::string name() const override { return "ReduceLROnPlateau"; }
  void on_train_begin(Trainer& trainer) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;
  CallbackState state() const override;
  void restore(const CallbackState& state) override;

 private:
  ReduceLROnPlateauOptions options_;
  int64_t wait_ = 0, cooldown_left_ = 0;
  double best_ = 0;
  bool has_best_ = false;
};

/// Sets the learning rate at the start of every epoch to schedule(epoch, current rate)
/// (epochs 1-based); logs the rate as "lr".
class LearningRateScheduler : public Callback {
 public:
  using Schedule = std::function<double(int64_t epoch, double learning_rate)>;
  explicit LearningRateScheduler(Schedule schedule);
  std::string name() const override { return "LearningRateScheduler"; }
  void on_epoch_begin(Trainer& trainer, int64_t epoch) override;
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override;

 private:
  Schedule schedule_;
};

/// A callback made of functions (Keras's LambdaCallback; the R package's callbacks).
class LambdaCallback : public Callback {
 public:
  std::string name() const override { return "LambdaCallback"; }
  std::function<void(Trainer&)> train_begin;
  std::function<void(Trainer&, int64_t)> epoch_begin;
  std::function<void(Trainer&, const BatchLogs&)> batch_end;
  std::function<void(Trainer&, EpochRecord&)> epoch_end;
  std::function<void(Trainer&, const TrainEnd&)> train_end;

  void on_train_begin(Trainer& t) override {
    if (train_begin) train_begin(t);
  }
  void on_epoch_begin(Trainer& t, int64_t epoch) override {
    if (epoch_begin) epoch_begin(t, epoch);
  }
  void on_batch_end(Trainer& t, const BatchLogs& logs) override {
    if (batch_end) batch_end(t, logs);
  }
  void on_epoch_end(Trainer& t, EpochRecord& logs) override {
    if (epoch_end) epoch_end(t, logs);
  }
  void on_train_end(Trainer& t, const TrainEnd& end) override {
    if (train_end) train_end(t, end);
  }
};

}  // namespace hourglass
