#include "train/session.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>

#include "data/mapped_file.hpp"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/option_specs.hpp"
#include "model/model_access.hpp"
#include "model/serialization.hpp"
#include "network/shapes.hpp"
#include "train/adversarial.hpp"
#include "train/batches.hpp"
#include "train/data_parallel.hpp"
#include "train/optimizers.hpp"
#include "train/precision.hpp"
#include "train/stop.hpp"

namespace hourglass {
namespace {

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
  check_no_infinity(values, what);  // NaN is a missing cell
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

// Training a network whose weights, gradients, optimizer state and a batch's
// activations cannot fit is refused before anything is allocated, naming both sizes.
void check_memory(const Network& network, const Shape& sample_shape, int64_t batch) {
  const auto shapes = network.output_shapes(sample_shape);
  Shape in = network.input_shape_for(sample_shape);
  double weights = 0, activations = 0;
  for (size_t i = 0; i < network.size(); ++i) {
    const auto count = layer_parameters(network[i], in, shapes[i]);
    weights += static_cast<double>(count.trainable + count.frozen);
    activations += static_cast<double>(shape_size(shapes[i]));
    in = shapes[i];
  }
  // 4 bytes a value: weights, gradients and two optimizer states; a batch's activations
  // kept for the backward pass, with a margin for what autograd keeps besides.
  const double needed = 4.0 * (4.0 * weights + 3.0 * activations * static_cast<double>(batch));
  const auto available = static_cast<double>(available_memory_bytes());
  if (needed > available) {
    throw InvalidArgument("training this network needs about " + format_bytes(static_cast<uint64_t>(needed)) +
                          " of memory (" + format_number(weights) + " weights, batches of " + std::to_string(batch) +
                          ") but " + format_bytes(static_cast<uint64_t>(available)) +
                          " is available; use smaller layers or batches");
  }
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool all_finite(const std::vector<at::Tensor>& tensors) {
  auto sum = torch::zeros({}, torch::kDouble);
  for (const auto& t : tensors) sum += t.detach().sum(at::kDouble);
  return std::isfinite(sum.item<double>());
}

// The validation rows: the options' validation data, checked against the training
// samples' shape, or for a validation split the last rows of x (which keeps the others);
// undefined for neither.
at::Tensor validation_rows(at::Tensor& x, const Shape& sample_shape, const TrainOptions& options) {
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
    const auto split_at = static_cast<int64_t>(static_cast<double>(x.size(0)) * (1.0 - options.validation_split()));
    if (split_at < 1 || split_at >= x.size(0)) {
      throw InvalidArgument("validation split " + format_number(options.validation_split()) + " of " +
                            std::to_string(x.size(0)) + " rows leaves no rows for training or validation");
    }
    validation = x.narrow(0, split_at, x.size(0) - split_at);
    x = x.narrow(0, 0, split_at);
  }
  return validation;
}

// A new model's coding, fitted on the training rows x (both x and the validation rows then
// in its levels), and its network, initialised from the model's seed.
void fit_new_model(Model::Impl& impl, at::Tensor& x, at::Tensor& validation, const Shape& sample_shape,
                   const TrainOptions& options, const std::vector<std::vector<std::string>>& levels,
                   const std::vector<std::string>& columns, int64_t batch) {
  if (options.missing_indicators() && sample_shape.size() > 1) {
    throw InvalidArgument("missing indicators are for tables (rows x columns); these samples have shape " +
                          shape_to_string(sample_shape) + " (drop the missing indicators)");
  }
  impl.coding = TableCoding::fit(
      options.scale(), x, levels, columns,
      TableCodingOptions().missing_indicators(options.missing_indicators()).other_level(options.other_level()));
  if (impl.coding.other_level() > 0) {
    // Rare levels became "(other)": the rows in the model's levels.
    x = impl.coding.relevel(x, levels, columns);
    if (validation.defined()) validation = impl.coding.relevel(validation, levels, columns);
  }
  // A categorical column is one value in the data and a one-hot group in the network,
  // and a missing indicator one more value.
  const Shape network_shape = impl.coding.recodes() ? Shape{impl.coding.width()} : sample_shape;
  check_memory(impl.learner.network, network_shape, batch);
  torch::manual_seed(impl.seed);
  impl.net = nn::AutoencoderNet(impl.learner.network, network_shape);
}

// Refuses data for more training whose samples differ from those the model was trained on.
void check_continued_data(const Model::Impl& impl, const at::Tensor& x, const Shape& sample_shape) {
  const Shape& trained_on = impl.coding.recodes() ? impl.coding.shape() : impl.net->data_shape();
  const bool fits = sample_shape == trained_on || (sample_shape.size() == 1 && x.size(1) == shape_size(trained_on));
  if (!fits) {
    throw InvalidArgument("the model was trained on samples of shape " + shape_to_string(trained_on) +
                          " but this data has samples of shape " + shape_to_string(sample_shape) +
                          "; continue training on data with the same columns");
  }
}

// The random state more training starts from: a continued run's seed when the options
// give one, else the generator state the training state saved, if any.
void restore_random_state(const TrainOptions& options, bool continued, const TrainingState& saved) {
  if (options.seed() && continued) {
    torch::manual_seed(*options.seed());
  } else if (saved.generator.defined()) {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(saved.generator);
  }
}

// The optimizer of the parameters: the one the options name, else the saved one, else
// rmsprop; the same optimizer as the saved one goes on from its state. Its name and
// momentum go to training.
std::unique_ptr<torch::optim::Optimizer> session_optimizer(const TrainOptions& options, bool resumed,
                                                           const TrainingState& saved,
                                                           const std::vector<at::Tensor>& parameters,
                                                           TrainingState& training) {
  std::string optimizer = options.optimizer().empty() ? saved.optimizer : options.optimizer();
  if (optimizer.empty()) optimizer = "rmsprop";
  const bool same_optimizer = optimizer == saved.optimizer;
  // A resumed run goes on with the rate it had (a schedule may have changed it); more
  // epochs on a model take a new rate when one is given.
  double learning_rate = same_optimizer ? saved.learning_rate : 0.0;
  double momentum = same_optimizer ? saved.momentum : options.momentum();
  if (!resumed) {
    if (options.learning_rate() > 0) learning_rate = options.learning_rate();
    if (options.momentum() > 0) momentum = options.momentum();
  }
  auto made = make_optimizer(optimizer, parameters, learning_rate, momentum);
  training.optimizer = optimizer;
  training.momentum = momentum;
  if (same_optimizer && !saved.optimizer_state.empty()) {
    load_optimizer_state(optimizer, *made, parameters, saved.optimizer_state, "the model's training state");
  }
  return made;
}

// Refuses a learner that cannot learn a table's coding, or a robust one with trim.
void check_learner_suits(const Model::Impl& impl, const TrainOptions& options) {
  if (impl.coding.recodes() || impl.coding.fitted_on_holes()) {
    Objective::check_table_learner(impl.learner);
  }
  if (options.trim() > 0 && impl.learner.correntropy) {
    throw InvalidArgument(
        "trim: the robust learner's correntropy already discounts the rows it reconstructs worst; drop the trim "
        "or the robust variant");
  }
}

// The last epoch a session trains after the `done` ones of history: a resumed run's last,
// and otherwise `epochs` more (which forgets why the last run stopped).
int64_t final_epoch_after(History& history, int64_t done, const TrainOptions& options, bool resumed) {
  if (!resumed) {
    history.stop_reason.clear();
    return done + options.epochs();
  }
  // A run that ended early (not interrupted) is over: resuming it trains nothing.
  const auto& reason = history.stop_reason;
  if (!reason.empty() && reason.rfind("interrupted", 0) != 0) return done;
  return options.epochs();
}

// The given callbacks with a TerminateOnNaN and, for `progress`, a ProgressBar, where
// they lack them.
Callbacks session_callbacks(const Callbacks& given, bool progress) {
  Callbacks callbacks = given;
  const auto has = [&](const std::string& name) {
    return std::any_of(callbacks.begin(), callbacks.end(), [&](const CallbackRef& c) { return c->name() == name; });
  };
  // First, so that no other callback acts on a non-finite epoch.
  if (!has("TerminateOnNaN")) callbacks.insert(callbacks.begin(), CallbackRef(TerminateOnNaN()));
  if (progress && !has("ProgressBar")) callbacks.emplace_back(ProgressBar());
  return callbacks;
}

// A loss over present cells is each rank's sum over its cells divided by the count: with
// counts that differ between ranks, the mean of the ranks' means is not the whole batch's.
// The ranks add up their cells and rows before the loss, and each divides its sum by all
// the cells in its share of the rows, so that the row-weighted average of their gradients
// (DataParallel) is the gradient of the whole batch's mean over its present cells. Not for
// the ELBO (a loss per row, exact already) or trimmed training (whose rows are chosen per
// rank), and only where the data has missing cells or categories, the same on every rank.
Objective::CellAgreement agreement_on_cells(DataParallel& parallel, const Autoencoder& learner,
                                            const TableCoding& coding, const at::Tensor& x,
                                            const TrainOptions& options) {
  if (learner.variational || options.trim() > 0) return {};
  if (!coding.recodes() && !x.isnan().any().item<bool>()) return {};
  return [&parallel](double cells, double rows) {
    auto totals = torch::tensor({cells, rows}, torch::kDouble);
    parallel.sum(totals, "counting the batch's present cells");
    const double all_cells = totals[0].item<double>(), all_rows = totals[1].item<double>();
    return all_cells > 0 && all_rows > 0 ? all_cells * rows / all_rows : 1.0;
  };
}

}  // namespace

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
      auto output = terms.reconstruction.detach().reshape(batch.sizes()).to(batch.scalar_type());
      auto target = batch;
      const auto present = batch.isnan().logical_not();
      if (!present.all().item<bool>()) {  // metrics of the present cells
        output = output.masked_select(present);
        target = batch.masked_select(present);
      }
      for (size_t m = 0; m < metrics_.size(); ++m)
        sums_[1 + terms.parts.size() + m] += metrics_[m](output, target) * weight;
    }
    rows_ += rows;
  }
  int64_t rows() const { return rows_; }
  /// Adds up every rank's sums of `parts` loss parts: each rank then holds the totals.
  void sum_over(DataParallel& parallel, size_t parts) {
    const size_t count = 1 + parts + metrics_.size();
    while (sums_.size() < count) sums_.push_back(torch::zeros({}, torch::kDouble));
    auto values = torch::cat({torch::stack(sums_), torch::tensor({static_cast<double>(rows_)}, torch::kDouble)});
    parallel.sum(values);
    for (size_t i = 0; i < count; ++i) sums_[i] = values[static_cast<int64_t>(i)].clone();
    rows_ = std::llround(values[static_cast<int64_t>(count)].item<double>());
  }
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

struct TrainingSession::Epoch {
  double start = now_seconds();
  at::Tensor order;
  LossSums sums;
  int64_t chunk_first = 0, in_chunk = 0;
  at::Tensor chunk;
  explicit Epoch(const std::vector<LossFunction>& metrics) : sums(metrics) {}
};

TrainingSession::TrainingSession(const Autoencoder& learner, const at::Tensor& data, const TrainOptions& options,
                                 const Callbacks& callbacks, std::vector<std::vector<std::string>> levels,
                                 std::vector<std::string> columns)
    : options_(options), start_(Start::fresh), table_levels_(std::move(levels)), table_columns_(std::move(columns)) {
  init_runtime();
  check_train_options(options_);
  learner.validate();
  impl_ = std::make_shared<Model::Impl>();
  impl_->learner = learner;
  impl_->seed = options_.seed() ? *options_.seed() : std::random_device{}();
  prepare(data, callbacks);
}

TrainingSession::TrainingSession(const Model& model, Start start, const at::Tensor& data, const TrainOptions& options,
                                 const Callbacks& callbacks)
    : options_(options), start_(start) {
  init_runtime();
  check_train_options(options_);
  if (!model.is_trained()) {
    throw InvalidArgument("this model has no weights to continue from: train() a learner or Model::load() a file");
  }
  impl_ = ModelAccess::impl(model).clone();
  impl_->threshold.reset();  // set on the old weights' scores
  const auto& saved = impl_->training;
  if (start_ == Start::resumed) {
    if (saved.empty()) {
      throw InvalidArgument(
          "this model holds no training state to resume (a file from before Hourglass 0.2); "
          "continue it with train(model, ...) instead");
    }
    if (!options_.optimizer().empty() && options_.optimizer() != saved.optimizer) {
      throw InvalidArgument("cannot resume with optimizer " + options_.optimizer() + ": the run used " +
                            saved.optimizer + "; give the same optimizer (or none)");
    }
  }
  if (options_.scale() != "none" && options_.scale() != impl_->coding.scaler().kind()) {
    throw InvalidArgument("training that continues keeps the model's scaler (" + impl_->coding.scaler().kind() +
                          "); leave the scale option out");
  }
  prepare(data, callbacks);
}

TrainingSession::~TrainingSession() = default;

void TrainingSession::prepare(const at::Tensor& data, const Callbacks& callbacks) {
  if (options_.process_group()) {
    parallel_ = std::make_unique<DataParallel>(options_.process_group());
    impl_->seed = parallel_->seed_of_rank0(impl_->seed);
  }
  x_ = checked_data(data, "training data");
  const Shape sample_shape = data.sizes().slice(1).vec();
  validation_ = validation_rows(x_, sample_shape, options_);
  // The data stays as given (scaled chunk by chunk): no copy of a large or memory-mapped data set.

  const TrainingState saved = impl_->training;
  resumed_states_ = saved.callbacks;
  batch_ = std::min(options_.batch_size(), x_.size(0));  // a larger batch is the whole data
  global_batch_ = parallel_ ? std::min(options_.batch_size() * parallel_->world_size(), x_.size(0)) : batch_;
  if (start_ == Start::fresh) {
    fit_new_model(*impl_, x_, validation_, sample_shape, options_, table_levels_, table_columns_, batch_);
  } else {
    check_continued_data(*impl_, x_, sample_shape);
    restore_random_state(options_, start_ == Start::continued, saved);
  }

  auto& net = impl_->net;
  parameters_ = net->parameters();
  optimizer_ = session_optimizer(options_, start_ == Start::resumed, saved, parameters_, impl_->training);

  if (impl_->learner.adversarial) {
    // The discriminator's and the encoder's extra steps are not averaged across ranks.
    if (parallel_) {
      throw InvalidArgument("adversarial training runs on one process; drop --nproc (or the torchrun launch)");
    }
    adversarial_ = std::make_unique<AdversarialSteps>(*impl_, saved);
  }
  check_learner_suits(*impl_, options_);
  objective_ = std::make_unique<Objective>(impl_->learner, net, impl_->coding, options_.trim());
  if (parallel_) cell_agreement_ = agreement_on_cells(*parallel_, impl_->learner, impl_->coding, x_, options_);
  metrics_ = metric_functions(options_.metrics(), objective_->part_names());
  bf16_ = use_bf16(options_.precision());
  chunk_ = chunk_rows(x_, batch_);

  const int64_t done = static_cast<int64_t>(impl_->history.epochs.size());
  final_epoch_ = final_epoch_after(impl_->history, done, options_, start_ == Start::resumed);
  first_epoch_ = done + 1;
  epoch_ = done;
  if (start_ == Start::resumed) check_resume_world_size(resumed_states_, parallel_.get());

  const bool prints = !parallel_ || parallel_->is_main();
  callbacks_ = session_callbacks(callbacks, options_.verbose() && prints);
  if (parallel_) {
    callbacks_.push_back(parallel_->world_size_callback());
    parallel_->check_same_setup(setup_description());
    auto weights = net->parameters();
    for (const auto& buffer : net->buffers()) weights.push_back(buffer);
    parallel_->broadcast_from_rank0(weights);
    parallel_->watch_gradients(parameters_);
  }
}

std::string TrainingSession::setup_description() const {
  // A few rows spread over the data tell two files of one shape apart without reading all.
  const int64_t rows = x_.size(0);
  const auto probe = torch::linspace(0, static_cast<double>(rows - 1), std::min<int64_t>(rows, 16)).to(torch::kLong);
  const double checksum = x_.index_select(0, probe).sum(at::kDouble).item<double>();
  const auto& history = impl_->history.epochs;
  // The learner's description on one line, for a one-line message.
  std::string learner;
  for (const char c : impl_->learner.to_string()) {
    if (c != '\n') {
      learner += c;
    } else if (!learner.empty() && learner.back() != ' ') {
      learner += ';';
    }
  }
  while (!learner.empty() && (learner.back() == ';' || learner.back() == ' ')) learner.pop_back();
  return std::to_string(rows) + " rows x " + std::to_string(x_.size(1)) + " values (checksum " +
         format_number(checksum) + "), " + std::to_string(validation_.defined() ? validation_.size(0) : 0) +
         " validation rows, batch " + std::to_string(batch_) + ", epochs " + std::to_string(first_epoch_) + "-" +
         std::to_string(final_epoch_) +
         (history.empty() ? "" : " after " + std::to_string(history.size()) + " trained") + ", " +
         impl_->training.optimizer + ", " + learner + (options_.shuffle() ? "" : ", no shuffle") + ", " +
         std::to_string(parallel_->world_size()) + " processes";
}

bool TrainingSession::stop_requested_everywhere() {
  return parallel_ ? parallel_->any(stop_was_requested()) : stop_was_requested();
}

void TrainingSession::begin() {
  for (auto& callback : callbacks_) callback->on_train_begin(*this);
  // After on_train_begin, which starts each callback afresh, as Keras's do.
  if (start_ == Start::resumed) {
    for (const auto& [key, callback] : keyed_callbacks()) {
      const auto found = resumed_states_.find(key);
      if (found != resumed_states_.end()) callback->restore(found->second);
    }
  }
}

std::vector<std::pair<std::string, Callback*>> TrainingSession::keyed_callbacks() const {
  std::vector<std::pair<std::string, Callback*>> out;
  std::map<std::string, int> seen;
  for (const auto& callback : callbacks_) {
    std::string key = callback->name();
    if (++seen[key] > 1) key += "#" + std::to_string(seen[key]);
    out.emplace_back(key, callback.get().get());
  }
  return out;
}

void TrainingSession::begin_epoch(int64_t epoch) {
  epoch_ = epoch;
  batch_in_epoch_ = 0;
  impl_->net->train();
  current_ = std::make_unique<Epoch>(metrics_);
  // A stop asked for while the data was read or the network built counts too.
  if (!stopping() && stop_requested_everywhere()) stop("interrupted before epoch " + std::to_string(epoch_));
  if (parallel_) {
    // Every rank draws the same global order and trains on its share of each batch.
    parallel_->seed_rank_stream(impl_->seed, epoch_);
    const auto order = options_.shuffle() ? parallel_->epoch_order(x_.size(0), impl_->seed, epoch_)
                                          : torch::arange(x_.size(0), torch::kLong);
    current_->order = rows_of_rank(order, global_batch_, batch_, parallel_->rank());
  } else if (options_.shuffle()) {
    current_->order = epoch_order(x_.size(0), chunk_, is_memory_mapped(x_));
  }
  for (auto& callback : callbacks_) callback->on_epoch_begin(*this, epoch);
}

at::Tensor TrainingSession::next_batch() {
  auto& e = *current_;
  const int64_t rows = e.order.defined() ? e.order.size(0) : x_.size(0), batch = batch_;
  if (stopping()) return {};
  if (e.chunk_first >= rows) {
    // A rank whose share of the last batch is empty still takes part in its step.
    if (parallel_ && batch_in_epoch_ < batches_per_epoch()) return torch::empty({0, x_.size(1)});
    return {};
  }
  if (!e.chunk.defined()) {
    e.chunk = rows_in_order(x_, e.order, e.chunk_first, std::min(chunk_, rows - e.chunk_first), impl_->coding);
    e.in_chunk = 0;
  }
  const auto inputs = e.chunk.narrow(0, e.in_chunk, std::min(batch, e.chunk.size(0) - e.in_chunk));
  e.in_chunk += inputs.size(0);
  if (e.in_chunk >= e.chunk.size(0)) {
    e.chunk_first += e.chunk.size(0);
    e.chunk = at::Tensor();
    release_mapped_pages(x_);
  }
  return inputs;
}

void TrainingSession::step(const at::Tensor& batch) {
  // None rather than zeros (PyTorch 2.0 default): backward then writes each gradient
  // instead of adding it to a zeroed one.
  for (auto& p : parameters_) p.mutable_grad().reset();
  Objective::Terms terms;
  const bool has_rows = batch.size(0) > 0;
  if (has_rows) {
    MixedPrecision scope(bf16_);
    terms = (*objective_)(batch, cell_agreement_);
  } else if (cell_agreement_) {
    cell_agreement_(0, 0);  // a rank without rows takes part in the count all the same
  }
  BatchLogs logs{epoch_, ++batch_in_epoch_, batch.size(0), has_rows ? terms.total.detach() : at::Tensor()};
  // On many processes, the gradients' allreduce starts during the backward pass.
  if (parallel_) parallel_->begin_step(logs.loss, logs.rows, stop_was_requested());
  if (has_rows) terms.total.backward();
  std::optional<bool> agreed_stop;
  if (parallel_) {
    const auto agreed = parallel_->finish_step();
    logs.rows = agreed.rows;
    logs.loss = agreed.loss;
    agreed_stop = agreed.stop;
  }
  if (options_.clip_grad_norm() > 0) torch::nn::utils::clip_grad_norm_(parameters_, options_.clip_grad_norm());
  for (auto& callback : callbacks_) callback->on_backward_end(*this, logs);
  optimizer_->step();
  if (has_rows) {
    if (adversarial_) adversarial_->step(batch);
    current_->sums.add(terms, batch);
  }
  for (auto& callback : callbacks_) callback->on_batch_end(*this, logs);
  if (agreed_stop ? *agreed_stop : stop_was_requested()) stop("interrupted during epoch " + std::to_string(epoch_));
}

void TrainingSession::end_epoch() {
  auto& e = *current_;
  const size_t parts = objective_->part_names().size();
  if (parallel_) e.sums.sum_over(*parallel_, parts);
  if (e.sums.rows() == 0) return;  // stopped before the epoch's first batch
  EpochRecord record;
  record.epoch = epoch_;
  e.sums.write_to(record, objective_->part_names(), options_.metrics());
  if (adversarial_) adversarial_->write_epoch(record);
  if (validation_.defined()) {
    torch::NoGradGuard no_grad;
    impl_->net->eval();
    LossSums sums(metrics_);
    // Each rank validates a contiguous share of the rows; the sums are then added up.
    const int64_t rows = validation_.size(0);
    const int64_t ranks = parallel_ ? parallel_->world_size() : 1, rank = parallel_ ? parallel_->rank() : 0;
    const int64_t from = rows * rank / ranks, to = rows * (rank + 1) / ranks;
    for (int64_t first = from; first < to; first += chunk_) {
      const auto inputs = rows_in_order(validation_, {}, first, std::min(chunk_, to - first), impl_->coding);
      sums.add((*objective_)(inputs), inputs);
      release_mapped_pages(validation_);
    }
    if (parallel_) sums.sum_over(*parallel_, parts);
    sums.write_to(record, objective_->part_names(), options_.metrics(), "val_");
  }
  record.seconds = now_seconds() - e.start;
  for (auto& callback : callbacks_) callback->on_epoch_end(*this, record);
  impl_->history.epochs.push_back(std::move(record));
  if (!stopping() && stop_requested_everywhere()) stop("interrupted during epoch " + std::to_string(epoch_));
  impl_->history.stop_reason = stop_reason_;
  write_checkpoints();
}

Model TrainingSession::end(bool failed) {
  reset_stop_request();  // here, not at the start: a stop asked for before the first batch counts
  impl_->net->eval();
  impl_->history.stop_reason = stop_reason_;
  TrainEnd end{stop_reason_, failed, !failed || all_finite(parameters_)};
  for (auto& callback : callbacks_) callback->on_train_end(*this, end);
  if (end.weights_finite) {
    write_checkpoints();
  } else {
    pending_checkpoints_.clear();
  }
  impl_->training = training_state();
  return Model(impl_);
}

int64_t TrainingSession::batches_per_epoch() const { return (x_.size(0) + global_batch_ - 1) / global_batch_; }

double TrainingSession::learning_rate() const { return learning_rate_of(*optimizer_); }

void TrainingSession::set_learning_rate(double learning_rate) {
  if (!(learning_rate > 0) || !(learning_rate <= train_option_spec("learning_rate").max)) {
    throw InvalidArgument("learning rate must be positive and at most 1e38, got " + format_number(learning_rate));
  }
  hourglass::set_learning_rate(*optimizer_, learning_rate);
}

void TrainingSession::stop(const std::string& reason) {
  if (stop_reason_.empty()) stop_reason_ = reason.empty() ? "stopped by a callback" : reason;
}

NamedWeights TrainingSession::weights() const {
  NamedWeights out;
  for (const auto& item : impl_->net->named_parameters()) out.emplace_back(item.key(), item.value().detach().clone());
  for (const auto& item : impl_->net->named_buffers()) out.emplace_back(item.key(), item.value().clone());
  return out;
}

void TrainingSession::set_weights(const NamedWeights& weights) {
  torch::NoGradGuard no_grad;
  auto parameters = impl_->net->named_parameters();
  auto buffers = impl_->net->named_buffers();
  for (const auto& [name, value] : weights) {
    if (auto* p = parameters.find(name)) {
      p->copy_(value);
    } else if (auto* b = buffers.find(name)) {
      b->copy_(value);
    } else {
      throw InvalidArgument("set_weights: the network has no weight named '" + name + "'");
    }
  }
}

void TrainingSession::checkpoint(const std::string& path) {
  if (std::find(pending_checkpoints_.begin(), pending_checkpoints_.end(), path) == pending_checkpoints_.end()) {
    pending_checkpoints_.push_back(path);
  }
}

TrainingState TrainingSession::training_state() const {
  TrainingState state;
  state.optimizer = impl_->training.optimizer;
  state.learning_rate = learning_rate();
  state.momentum = impl_->training.momentum;
  state.optimizer_state = optimizer_state(state.optimizer, *optimizer_, parameters_);
  if (adversarial_) adversarial_->save(state);
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    state.generator = generator.get_state();
  }
  for (const auto& [key, callback] : keyed_callbacks()) {
    auto callback_state = callback->state();
    if (!callback_state.empty()) state.callbacks[key] = std::move(callback_state);
  }
  state.final_epoch = final_epoch_;
  return state;
}

void TrainingSession::write_checkpoints() {
  if (parallel_ && !parallel_->is_main()) pending_checkpoints_.clear();  // rank 0 writes them
  if (pending_checkpoints_.empty()) return;
  Model::Impl snapshot = *impl_;
  snapshot.training = training_state();
  const std::string bytes = serialize_model(snapshot);
  for (const auto& path : pending_checkpoints_) {
    try {
      write_file_atomically(path, bytes);
    } catch (const Error& e) {
      // A full or failing disk for the checkpoint must not throw the training away.
      warn(std::string("could not write the checkpoint (") + e.what() + "); training goes on");
    }
  }
  pending_checkpoints_.clear();
}

}  // namespace hourglass
