// A training session: everything a training run needs, resolved once (options checked,
// data split, the model made or continued, the optimizer, metrics and callbacks), and
// the steps the loop in train.cpp takes: begin, epochs of batches, end. It is the
// Trainer that callbacks see.
#pragma once

#include <torch/optim/optimizer.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/options.hpp"
#include "model/model_impl.hpp"
#include "model/objective.hpp"

namespace hourglass {

class AdversarialSteps;
class LossSums;
class DataParallel;

class TrainingSession : public Trainer {
 public:
  /// How a session starts: a new model, more epochs on a trained one, or resuming the
  /// run a checkpoint was written by.
  enum class Start { fresh, continued, resumed };

  /// A new model for `learner`; a table's categorical columns have their `levels`, and
  /// its `columns` names are kept in the model (both as Dataset has them).
  TrainingSession(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options,
                  const Callbacks& callbacks, std::vector<std::vector<std::string>> levels = {},
                  std::vector<std::string> columns = {});
  /// Training that goes on from `model` (a copy of it: the model given is left alone).
  TrainingSession(const Model& model, Start start, const at::Tensor& data, const TrainOptions& options,
                  const Callbacks& callbacks);
  ~TrainingSession() override;

  // The loop's steps (train.cpp).
  void begin();
  /// The first epoch this session trains; the last is final_epoch().
  int64_t first_epoch() const { return first_epoch_; }
  void begin_epoch(int64_t epoch);
  /// The epoch's next batch, scaled; undefined at the end of the epoch or when stopping.
  at::Tensor next_batch();
  void step(const at::Tensor& batch);
  void end_epoch();
  /// Runs on_train_end and returns the model with its training state; `failed` when a
  /// TrainingError is on its way out.
  Model end(bool failed);

  // Trainer
  const TrainOptions& options() const override { return options_; }
  const Autoencoder& learner() const override { return impl_->learner; }
  Model model() const override { return Model(impl_); }
  const History& history() const override { return impl_->history; }
  int64_t epoch() const override { return epoch_; }
  int64_t final_epoch() const override { return final_epoch_; }
  int64_t batches_per_epoch() const override;
  double learning_rate() const override;
  void set_learning_rate(double learning_rate) override;
  void stop(const std::string& reason) override;
  bool stopping() const override { return !stop_reason_.empty(); }
  NamedWeights weights() const override;
  void set_weights(const NamedWeights& weights) override;
  std::vector<at::Tensor> parameters() const override { return parameters_; }
  void checkpoint(const std::string& path) override;

 private:
  void prepare(const at::Tensor& data, const Callbacks& callbacks);
  /// The training state as it stands, for a checkpoint or the returned model.
  TrainingState training_state() const;
  /// Writes the checkpoints callbacks asked for since the last call.
  void write_checkpoints();
  /// Whether a stop was asked for, on this process or (data parallel) on any.
  bool stop_requested_everywhere();
  /// "150 rows x 4 values, ...": what the ranks of a data-parallel run must agree on.
  std::string setup_description() const;
  /// The callbacks under the names their states are kept by: "EarlyStopping", and
  /// "EarlyStopping#2" for a second one.
  std::vector<std::pair<std::string, Callback*>> keyed_callbacks() const;

  TrainOptions options_;
  Start start_;
  std::vector<std::vector<std::string>> table_levels_;
  std::vector<std::string> table_columns_;
  std::shared_ptr<Model::Impl> impl_;
  at::Tensor x_, validation_;
  std::vector<CallbackRef> callbacks_;
  std::unique_ptr<Objective> objective_;
  std::vector<LossFunction> metrics_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  /// An adversarial learner's discriminator and generator steps.
  std::unique_ptr<AdversarialSteps> adversarial_;
  std::vector<at::Tensor> parameters_;
  bool bf16_ = false;
  int64_t first_epoch_ = 1, final_epoch_ = 0, epoch_ = 0, chunk_ = 0, batch_ = 1, batch_in_epoch_ = 0;
  /// Rows per step over all processes: batch_ x world size (capped at the rows), or batch_.
  int64_t global_batch_ = 1;
  /// Set when training on many processes (options().process_group()).
  std::unique_ptr<DataParallel> parallel_;
  /// On many processes and data with missing cells: the ranks' agreement on the loss's
  /// denominator (Objective::CellAgreement), empty otherwise.
  Objective::CellAgreement cell_agreement_;
  std::string stop_reason_;
  std::vector<std::string> pending_checkpoints_;
  std::map<std::string, CallbackState> resumed_states_;

  // The epoch under way.
  struct Epoch;
  std::unique_ptr<Epoch> current_;
};

}  // namespace hourglass
