#include "hourglass/train/train.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <random>

#include "data/mapped_file.hpp"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/runtime.hpp"
#include "model/model_impl.hpp"
#include "train/batches.hpp"
#include "train/checkpoint.hpp"
#include "train/objective.hpp"
#include "train/optimizers.hpp"
#include "train/precision.hpp"

namespace hourglass {
namespace {

void check_options(const TrainOptions& o) {
  if (o.epochs() < 1) throw InvalidArgument("epochs must be at least 1, got " + std::to_string(o.epochs()));
  if (o.batch_size() < 1) {
    throw InvalidArgument("batch size must be at least 1, got " + std::to_string(o.batch_size()));
  }
  if (!(o.validation_split() >= 0.0 && o.validation_split() < 1.0)) {
    throw InvalidArgument("validation split must be in [0, 1), got " + std::to_string(o.validation_split()));
  }
  if (!(o.learning_rate() >= 0.0) || !std::isfinite(o.learning_rate())) {
    throw InvalidArgument("learning rate must be positive (or 0 for the optimizer's default), got " +
                          std::to_string(o.learning_rate()));
  }
  if (!(o.momentum() >= 0.0 && o.momentum() < 1.0)) {
    throw InvalidArgument("momentum must be in [0, 1), got " + std::to_string(o.momentum()));
  }
  for (const auto& name : o.metrics()) metric_function(name);                        // throws for an unknown name
  default_learning_rate(o.optimizer());  // throws for an unknown name
  const auto& precisions = precision_names();
  if (std::find(precisions.begin(), precisions.end(), o.precision()) == precisions.end()) {
    throw unknown_name("precision", o.precision(), precisions);
  }
  check_scaler(o.scale());
  if (o.early_stopping() < 0) {
    throw InvalidArgument("early stopping patience must be >= 0 epochs (0: off), got " +
                          std::to_string(o.early_stopping()));
  }
  if (!(o.min_delta() >= 0.0) || !std::isfinite(o.min_delta())) {
    throw InvalidArgument("min_delta must be a finite number >= 0, got " + format_number(o.min_delta()));
  }
  if (o.checkpoint_every() < 1) {
    throw InvalidArgument("checkpoint_every must be at least 1 epoch, got " + std::to_string(o.checkpoint_every()));
  }
  if (!(o.clip_grad_norm() >= 0.0) || !std::isfinite(o.clip_grad_norm())) {
    throw InvalidArgument("clip_grad_norm must be a finite number >= 0 (0: off), got " +
                          format_number(o.clip_grad_norm()));
  }
}

// Rows x values, float, contiguous: the shape of a sample is kept apart.
at::Tensor checked_data(const at::Tensor& data, const char* what) {
  if (!data.defined() || data.dim() < 2 || data.dim() > 4 || data.numel() < 1) {
    throw DataError(
        std::string(what) +
        ": expected rows x features, rows x channels x length or rows x channels x height x width "
        "with at least one value, got " +
        (data.defined() ? std::to_string(data.dim()) + "-D " + shape_to_string(data.sizes().vec()) : "no data"));
  }
  auto values = data.to(torch::kFloat).reshape({data.size(0), -1}).contiguous();
  check_finite(values, what);
  return values;
}

// The training metrics' functions; their names may not repeat or shadow a loss part.
std::vector<LossFunction> metric_functions(const std::vector<std::string>& metrics,
                                           const std::vector<std::string>& parts) {
  std::vector<LossFunction> functions;
  for (size_t i = 0; i < metrics.size(); ++i) {
    functions.push_back(metric_function(metrics[i]));
    const bool repeated = std::find(metrics.begin(), metrics.begin() + i, metrics[i]) != metrics.begin() + i;
    if (repeated || metrics[i] == "loss" || std::find(parts.begin(), parts.end(), metrics[i]) != parts.end()) {
      throw InvalidArgument(
          "metric '" + metrics[i] + "' would repeat a column of the history (" +
          join(parts.empty() ? std::vector<std::string>{"loss"} : parts) +
          "); give each metric once, by a name no loss part has (e.g. kullback_leibler_divergence for kl)");
    }
  }
  return functions;
}

// Row-weighted sums of the loss, its parts and the metrics as tensors: read once, at the
// end of the epoch, not once per batch.
class LossSums {
 public:
  explicit LossSums(const std::vector<LossFunction>& metrics) : metrics_(metrics) {}

  void add(const Objective::Terms& terms, const at::Tensor& batch) {
    const int64_t rows = batch.size(0);
    const double weight = static_cast<double>(rows);
    const size_t count = 1 + terms.parts.size() + metrics_.size();
    // Distinct tensors: assign() would make every entry share one accumulator.
    while (sums_.size() < count) sums_.push_back(torch::zeros({}, torch::kDouble));
    sums_[0] += terms.total.detach() * weight;
    for (size_t i = 0; i < terms.parts.size(); ++i) sums_[i + 1] += terms.parts[i].second.detach() * weight;
    if (!metrics_.empty()) {
      torch::NoGradGuard no_grad;
      const auto output = terms.reconstruction.detach().reshape(batch.sizes()).to(batch.scalar_type());
      for (size_t m = 0; m < metrics_.size(); ++m)
        sums_[1 + terms.parts.size() + m] += metrics_[m](output, batch) * weight;
    }
    rows_ += rows;
  }
  int64_t rows() const { return rows_; }
  // "loss", the parts and the metrics, prefixed ("val_") for validation, as averages per row.
  void write_to(EpochRecord& record, const std::vector<std::string>& parts, const std::vector<std::string>& metrics,
                const std::string& prefix = "") const {
    const auto average = [this](size_t i) { return sums_[i].item<double>() / static_cast<double>(rows_); };
    record.values.emplace_back(prefix + "loss", average(0));
    for (size_t i = 0; i < parts.size(); ++i) record.values.emplace_back(prefix + parts[i], average(i + 1));
    for (size_t m = 0; m < metrics.size(); ++m)
      record.values.emplace_back(prefix + metrics[m], average(1 + parts.size() + m));
  }

 private:
  const std::vector<LossFunction>& metrics_;
  std::vector<at::Tensor> sums_;
  int64_t rows_ = 0;
};

// The validation loss and its parts, averaged over rows, computed in chunks.
void add_validation_loss(EpochRecord& record, Objective& objective, torch::nn::Module& net,
                         const at::Tensor& validation, const Scaler& scaler, int64_t chunk,
                         const std::vector<std::string>& metric_names, const std::vector<LossFunction>& metrics) {
  torch::NoGradGuard no_grad;
  net.eval();
  LossSums sums(metrics);
  const int64_t rows = validation.size(0);
  for (int64_t first = 0; first < rows; first += chunk) {
    const auto inputs = rows_in_order(validation, {}, first, std::min(chunk, rows - first), scaler);
    sums.add(objective(inputs), inputs);
    release_mapped_pages(validation);
  }
  sums.write_to(record, objective.part_names(), metric_names, "val_");
}

// Set by request_stop(), possibly from a signal handler: lock-free and nothing else.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() must be async-signal-safe");

// Throws TrainingError before a step that would put NaN or Inf into the weights;
// clips the gradient's global norm first when asked.
void check_finite_step(const at::Tensor& loss, const std::vector<at::Tensor>& parameters, double clip_norm,
                       int64_t epoch, int64_t batch) {
  const std::string where = " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(batch);
  const double value = loss.item<double>();
  if (!std::isfinite(value)) {
    throw TrainingError("the training loss became " + format_number(value) + where +
                        "; lower the learning rate, scale the data (zscore or minmax) or clip the gradient "
                        "(--clip-grad-norm)");
  }
  // A NaN or Inf anywhere in the gradient makes its sum non-finite: one read of each
  // gradient and one value read back (clip_grad_norm_ reads it anyway when clipping).
  double norm = 0;  // the clipped norm, or the gradient's sum
  if (clip_norm > 0) {
    norm = torch::nn::utils::clip_grad_norm_(parameters, clip_norm);
  } else {
    auto sum = torch::zeros({}, torch::kDouble);
    for (const auto& p : parameters) {
      if (p.grad().defined()) sum += p.grad().sum(at::kDouble);
    }
    norm = sum.item<double>();
  }
  if (!std::isfinite(norm)) {
    throw TrainingError("the gradient holds NaN or Inf" + where +
                        "; lower the learning rate, scale the data (zscore or minmax) or clip the gradient "
                        "(--clip-grad-norm)");
  }
}

// Early stopping on the monitored loss, keeping a copy of the best weights.
class BestWeights {
 public:
  BestWeights(int64_t patience, double min_delta) : patience_(patience), min_delta_(min_delta) {}

  // False once `patience` epochs in a row have not improved on the best by min_delta.
  bool observe(const EpochRecord& record, torch::nn::Module& net) {
    if (patience_ < 1) return true;
    monitor_ = record.has("val_loss") ? "val_loss" : "loss";
    const double value = record.value(monitor_);
    if (best_epoch_ == 0 || value < best_ - min_delta_) {
      best_ = value;
      best_epoch_ = record.epoch;
      state_.clear();
      for (const auto& item : net.named_parameters()) state_.emplace_back(item.key(), item.value().detach().clone());
      for (const auto& item : net.named_buffers()) state_.emplace_back(item.key(), item.value().clone());
      return true;
    }
    return record.epoch - best_epoch_ < patience_;
  }

  // Puts the best weights back; returns what happened, for the history.
  std::string restore(torch::nn::Module& net) const {
    torch::NoGradGuard no_grad;
    auto parameters = net.named_parameters();
    auto buffers = net.named_buffers();
    for (const auto& [name, value] : state_) {
      if (auto* p = parameters.find(name)) p->copy_(value);
      if (auto* b = buffers.find(name)) b->copy_(value);
    }
    return "early stopping: " + monitor_ + " did not improve for " + std::to_string(patience_) +
           " epochs; the weights of epoch " + std::to_string(best_epoch_) + " (" + monitor_ + " " +
           format_number(best_) + ") were restored";
  }

 private:
  int64_t patience_;
  double min_delta_;
  std::string monitor_;
  double best_ = 0;
  int64_t best_epoch_ = 0;
  std::vector<std::pair<std::string, at::Tensor>> state_;
};

// A checkpoint continues the training it was written by: same learner, same data shape.
void check_resumable(const Model::Impl& saved, const Autoencoder& learner, const Shape& sample_shape,
                     const std::string& path) {
  if (saved.learner.to_string() != learner.to_string()) {
    throw InvalidArgument("cannot resume from '" + path + "': it trains\n" + saved.learner.to_string() +
                          "but this run asks for\n" + learner.to_string() + "give the same network, loss and variants");
  }
  if (saved.net->data_shape() != sample_shape) {
    throw InvalidArgument("cannot resume from '" + path + "': it was trained on samples of shape " +
                          shape_to_string(saved.net->data_shape()) + " but this data has " +
                          shape_to_string(sample_shape));
  }
}

}  // namespace

void request_stop() { stop_requested = true; }

Model train(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options) {
  init_runtime();
  check_options(options);
  learner.validate();
  auto x = checked_data(data, "training data");
  const Shape sample_shape = data.sizes().slice(1).vec();

  at::Tensor validation;
  if (options.validation_data().defined()) {
    validation = checked_data(options.validation_data(), "validation data");
    const Shape validation_shape = options.validation_data().sizes().slice(1).vec();
    if (validation.size(1) != x.size(1) || (validation_shape.size() > 1 && validation_shape != sample_shape)) {
      throw DataError("validation samples have shape " + shape_to_string(validation_shape) +
                      " but the training samples have shape " + shape_to_string(sample_shape));
    }
  } else if (options.validation_split() > 0) {
    // Keras takes the validation rows from the end, before any shuffling.
    const auto split_at = static_cast<int64_t>(x.size(0) * (1.0 - options.validation_split()));
    if (split_at < 1 || split_at >= x.size(0)) {
      throw InvalidArgument("validation split " + std::to_string(options.validation_split()) + " of " +
                            std::to_string(x.size(0)) + " rows leaves no rows for training or validation");
    }
    validation = x.narrow(0, split_at, x.size(0) - split_at);
    x = x.narrow(0, 0, split_at);
  }

  std::shared_ptr<Model::Impl> impl;
  std::optional<Checkpoint> resumed;
  if (!options.resume().empty()) {
    resumed = read_checkpoint(options.resume());
    impl = resumed->model;
    check_resumable(*impl, learner, sample_shape, options.resume());
  } else {
    impl = std::make_shared<Model::Impl>();
    impl->learner = learner;
    impl->seed = options.seed() ? *options.seed() : std::random_device{}();
    torch::manual_seed(impl->seed);
    impl->scaler = Scaler::fit(options.scale(), x);
    impl->net = nn::AutoencoderNet(learner.network, sample_shape);
  }
  // The data stays as given (scaled chunk by chunk below): no copy of a large or
  // memory-mapped data set.

  auto& net = impl->net;
  if (options.verbose()) std::cerr << learner.to_string() << learner.network.summary(sample_shape);
  Objective objective(learner, net);
  const auto metrics = metric_functions(options.metrics(), objective.part_names());
  const bool bf16 = use_bf16(options.precision());
  auto optimizer = make_optimizer(options.optimizer(), net->parameters(), options.learning_rate(), options.momentum());
  const int64_t first_epoch = resumed ? resumed->epoch + 1 : 1;
  if (resumed) {
    restore_training_state(*resumed, *optimizer);
    if (options.verbose()) std::cerr << "Resuming after epoch " << resumed->epoch << " of " << options.resume() << '\n';
  }
  auto save_checkpoint = [&] {
    const auto completed = static_cast<int64_t>(impl->history.epochs.size());
    if (!options.checkpoint().empty() && completed > 0)
      write_checkpoint(options.checkpoint(), *impl, *optimizer, completed);
  };

  const int64_t rows = x.size(0), batch = options.batch_size();
  const int64_t chunk = chunk_rows(x, batch);
  const bool memory_mapped = is_memory_mapped(x);
  const auto parameters = net->parameters();
  BestWeights best(options.early_stopping(), options.min_delta());
  stop_requested = false;
  for (int64_t epoch = first_epoch; epoch <= options.epochs(); ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    net->train();
    const auto order = options.shuffle() ? epoch_order(rows, chunk, memory_mapped) : at::Tensor();
    LossSums sums(metrics);
    for (int64_t chunk_first = 0; chunk_first < rows && !stop_requested; chunk_first += chunk) {
      const auto chunk_inputs = rows_in_order(x, order, chunk_first, std::min(chunk, rows - chunk_first), impl->scaler);
      for (int64_t first = 0; first < chunk_inputs.size(0) && !stop_requested; first += batch) {
        const auto inputs = chunk_inputs.narrow(0, first, std::min(batch, chunk_inputs.size(0) - first));
        const int64_t batch_number = (chunk_first + first) / batch + 1;
        // None rather than zeros (PyTorch 2.0 default): backward then writes each gradient
        // instead of adding it to a zeroed one.
        for (auto& p : parameters) p.mutable_grad().reset();
        Objective::Terms terms;
        {
          MixedPrecision scope(bf16);
          terms = objective(inputs);
        }
        terms.total.backward();
        // Nothing non-finite reaches the weights: the step is skipped and training stops,
        // with the last good weights in the checkpoint.
        try {
          check_finite_step(terms.total, parameters, options.clip_grad_norm(), epoch, batch_number);
        } catch (const TrainingError&) {
          save_checkpoint();
          throw;
        }
        optimizer->step();
        sums.add(terms, inputs);
        if (options.on_batch()) options.on_batch()();
      }
      release_mapped_pages(x);
    }
    if (sums.rows() == 0) break;  // interrupted before the epoch's first batch
    EpochRecord record;
    record.epoch = epoch;
    sums.write_to(record, objective.part_names(), options.metrics());
    if (validation.defined()) {
      add_validation_loss(record, objective, *net, validation, impl->scaler, chunk, options.metrics(), metrics);
    }
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.verbose()) std::cerr << format_progress(record, options.epochs()) << '\n';
    if (options.on_epoch()) options.on_epoch()(record);
    const bool patience_lost = !best.observe(record, *net);
    impl->history.epochs.push_back(std::move(record));
    if (stop_requested) impl->history.stop_reason = "interrupted during epoch " + std::to_string(epoch);
    if (patience_lost) impl->history.stop_reason = best.restore(*net);
    const bool last = epoch == options.epochs() || !impl->history.stop_reason.empty();
    if (last || epoch % options.checkpoint_every() == 0) save_checkpoint();
    if (!impl->history.stop_reason.empty()) break;
  }
  if (options.verbose() && !impl->history.stop_reason.empty()) {
    std::cerr << "Stopped: " << impl->history.stop_reason << '\n';
  }
  return Model(impl);
}

}  // namespace hourglass
