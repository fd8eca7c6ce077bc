// Optimizers by name (internal: needs the full LibTorch headers): how each is built with
// Keras's constants, and its per-parameter state as named tensors, so that a model file
// holds it without LibTorch's opaque archives.
#pragma once

#include <torch/optim/optimizer.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hourglass/registry.hpp"
#include "hourglass/train/optimizers.hpp"
#include "model/safetensors.hpp"

namespace hourglass {

struct OptimizerKind {
  using Fields = std::map<std::string, torch::Tensor>;
  double default_learning_rate = 0.001;
  std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor>, double lr, double momentum)> make;
  /// One parameter's state as tensors by field ("step" as a 0-dim int64 tensor).
  std::function<Fields(const torch::optim::OptimizerParamState&)> save;
  /// The state back from its fields; the caller has checked that every tensor field
  /// has the parameter's shape and dtype. Throws ModelFileError when a field is missing.
  std::function<std::unique_ptr<torch::optim::OptimizerParamState>(const Fields&)> load;
};

const Registry<OptimizerKind>& optimizer_kinds();

/// `learning_rate` 0 means the Keras default; `momentum` applies to sgd.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> parameters,
                                                        double learning_rate, double momentum);

/// Every parameter's state: "<i>.<field>" for parameter i of `parameters`.
safetensors::NamedTensors optimizer_state(const std::string& name, const torch::optim::Optimizer& optimizer,
                                          const std::vector<torch::Tensor>& parameters);
/// Puts such a state into `optimizer` (built for `parameters`); throws ModelFileError
/// naming `source` when it does not fit them.
void load_optimizer_state(const std::string& name, torch::optim::Optimizer& optimizer,
                          const std::vector<torch::Tensor>& parameters, const safetensors::NamedTensors& state,
                          const std::string& source);

/// The first parameter group's learning rate, and setting every group's.
double learning_rate_of(const torch::optim::Optimizer& optimizer);
void set_learning_rate(torch::optim::Optimizer& optimizer, double learning_rate);

}  // namespace hourglass
