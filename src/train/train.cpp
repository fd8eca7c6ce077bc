#include "hourglass/train/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/runtime.hpp"
#include "model/model_impl.hpp"
#include "train/objective.hpp"
#include "train/optimizers.hpp"

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
  default_learning_rate(o.optimizer());  // throws for an unknown name
  check_scaler(o.scale());
}

// Rows x values, float, contiguous: the shape of a sample is kept apart.
at::Tensor checked_data(const at::Tensor& data, const char* what) {
  if (!data.defined() || data.dim() < 2 || data.dim() > 4 || data.numel() < 1) {
    throw DataError(std::string(what) +
                    ": expected rows x features, rows x channels x length or rows x channels x height x width "
                    "with at least one value, got " +
                    (data.defined() ? std::to_string(data.dim()) + "-D " + shape_to_string(data.sizes().vec()) : "no data"));
  }
  auto values = data.to(torch::kFloat).reshape({data.size(0), -1}).contiguous();
  check_finite(values, what);
  return values;
}

}  // namespace

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

  auto impl = std::make_shared<Model::Impl>();
  impl->learner = learner;
  impl->seed = options.seed() ? *options.seed() : std::random_device{}();
  torch::manual_seed(impl->seed);
  impl->scaler = Scaler::fit(options.scale(), x);
  x = impl->scaler.transform(x);
  if (validation.defined()) validation = impl->scaler.transform(validation);

  impl->net = nn::AutoencoderNet(learner.network, sample_shape);
  auto& net = impl->net;
  if (options.verbose()) std::cerr << learner.to_string() << learner.network.summary(sample_shape);
  Objective objective(learner, net);
  auto optimizer = make_optimizer(options.optimizer(), net->parameters(), options.learning_rate(),
                                  options.momentum());

  const int64_t rows = x.size(0), batch = options.batch_size();
  for (int64_t epoch = 1; epoch <= options.epochs(); ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    net->train();
    // One gather per epoch; batches are then contiguous slices.
    const auto order = options.shuffle() ? x.index_select(0, torch::randperm(rows)) : x;
    // Row-weighted sums, read once per epoch: the total, then each named part.
    std::vector<at::Tensor> sums;
    for (int64_t first = 0; first < rows; first += batch) {
      const auto inputs = order.narrow(0, first, std::min(batch, rows - first));
      optimizer->zero_grad();
      const auto terms = objective(inputs);
      terms.total.backward();
      optimizer->step();
      const double weight = static_cast<double>(inputs.size(0));
      // Distinct tensors: assign() would make every entry share one accumulator.
      while (sums.size() < 1 + terms.parts.size()) sums.push_back(torch::zeros({}, torch::kDouble));
      sums[0] += terms.total.detach() * weight;
      for (size_t i = 0; i < terms.parts.size(); ++i) sums[i + 1] += terms.parts[i].second.detach() * weight;
    }
    EpochRecord record;
    record.epoch = epoch;
    const double loss = sums[0].item<double>() / rows;
    if (!std::isfinite(loss)) {
      throw TrainingError("the training loss became " + std::to_string(loss) + " at epoch " +
                          std::to_string(epoch) +
                          "; lower the learning rate or scale the data (zscore or minmax)");
    }
    const auto parts = objective.part_names();
    record.values.emplace_back("loss", loss);
    for (size_t i = 0; i < parts.size(); ++i) record.values.emplace_back(parts[i], sums[i + 1].item<double>() / rows);
    if (validation.defined()) {
      torch::NoGradGuard no_grad;
      net->eval();
      const auto terms = objective(validation);
      record.values.emplace_back("val_loss", terms.total.item<double>());
      for (const auto& [name, value] : terms.parts) record.values.emplace_back("val_" + name, value.item<double>());
    }
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.verbose()) std::cerr << format_progress(record, options.epochs()) << '\n';
    if (options.on_epoch()) options.on_epoch()(record);
    impl->history.epochs.push_back(std::move(record));
  }
  return Model(impl);
}

}  // namespace hourglass
