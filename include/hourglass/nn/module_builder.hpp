// What a LayerKind's build() appends its LibTorch modules to. This header includes
// LibTorch's module headers: include it only where a layer kind is defined.
//
//   void build(ModuleBuilder& b, const Layer& layer, const Shape& in, const Shape& out) const override {
//     torch::nn::Linear linear(in[0], out[0]);
//     initialize_like_keras(linear->weight, linear->bias, layer.activation());
//     b.add(linear);
//     b.kernel(linear->weight);               // weight decay penalises it
//     b.add_activation(layer.activation());
//   }
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/functional.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hourglass/network/layer.hpp"

namespace hourglass {

/// The modules one layer's build() made, in order (a variational code's too): where its
/// export_onnx() reads the weights.
///
///   const auto& linear = modules.get<torch::nn::LinearImpl>(layer);   // linear.weight
class LayerModules {
 public:
  void add(std::shared_ptr<torch::nn::Module> module) { modules_.push_back(std::move(module)); }
  const std::vector<std::shared_ptr<torch::nn::Module>>& all() const { return modules_; }

  /// The first module of type `M` (torch::nn::LinearImpl, ...), or nullptr.
  template <typename M>
  const M* find() const {
    for (const auto& module : modules_) {
      if (const auto* found = dynamic_cast<const M*>(module.get())) return found;
    }
    return nullptr;
  }
  /// The same, for a module that build() always makes (its absence is a bug).
  template <typename M>
  const M& get(const Layer& layer) const {
    if (const M* found = find<M>()) return *found;
    throw std::logic_error(layer.to_string() + " built no module of the type its ONNX export reads");
  }

 private:
  std::vector<std::shared_ptr<torch::nn::Module>> modules_;
};

class ModuleBuilder {
 public:
  /// Modules go to `stage`; modules that are not a step of it (a variational code) are
  /// registered on `network`.
  ModuleBuilder(torch::nn::Sequential stage, torch::nn::Module& network)
      : stage_(std::move(stage)), network_(network) {}

  /// Appends a module mapping a batch of the layer's input to a batch of its output.
  template <typename ModuleType>
  void add(ModuleType module) {
    stage_->push_back(std::move(module));
    modules_.add(stage_->ptr(stage_->size() - 1));
  }
  void add_function(std::function<torch::Tensor(const torch::Tensor&)> function) {
    add(torch::nn::Functional(std::move(function)));
  }
  /// Appends the named activation (nothing for linear).
  void add_activation(const std::string& name);

  /// The layer's kernel, which weight decay penalises.
  void kernel(torch::Tensor weight) { kernel_ = std::move(weight); }
  /// A dense code layer's Linear, before its activation: the contractive penalty's
  /// closed form and the sparsity penalty use it.
  void dense_code(torch::nn::Linear linear) { dense_code_ = std::move(linear); }
  /// A Gaussian code of `units` from dense heads on `in` inputs: N(mean, exp(log_var))
  /// sampled as mean + exp(log_var / 2) * epsilon with epsilon ~ N(0, epsilon_std^2), or
  /// with `full_covariance` N(mean, L L^T) sampled as mean + L epsilon.
  void variational_code(int64_t in, int64_t units, double epsilon_std, bool full_covariance = false);

  const torch::Tensor& kernel() const { return kernel_; }
  const torch::nn::Linear& dense_code() const { return dense_code_; }
  /// The variational module registered by variational_code(), or nullptr.
  const std::shared_ptr<torch::nn::Module>& variational() const { return variational_; }
  /// Every module the layer made, in order.
  const LayerModules& modules() const { return modules_; }

 private:
  torch::nn::Sequential stage_;
  torch::nn::Module& network_;
  torch::Tensor kernel_;
  torch::nn::Linear dense_code_{nullptr};
  std::shared_ptr<torch::nn::Module> variational_;
  LayerModules modules_;
};

/// Keras's initialisation of a dense or conv kernel: glorot_uniform, or lecun_normal
/// (truncated at two standard deviations) for selu; zero bias (which may be undefined).
void initialize_like_keras(torch::Tensor& weight, torch::Tensor& bias, const std::string& activation);

}  // namespace hourglass
