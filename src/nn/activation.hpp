// Activations by name: one registry entry each (the function, its derivative, its
// range, its ONNX form), resolved once when a module is built, not per forward call.
//
//   const ActivationFunction& tanh = activation_function("tanh");
//   auto y = tanh.apply(x);
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "hourglass/registry.hpp"

namespace hourglass {
class OnnxBuilder;
}

namespace hourglass::nn {

struct ActivationFunction {
  using Function = std::function<torch::Tensor(const torch::Tensor&)>;
  std::string name;
  /// Keras's definition (ruta's backend); softmax normalises over the channels/features.
  Function apply;
  /// f'(z) elementwise, written as differentiable tensor operations so that penalties
  /// built on it (the contractive closed form) train through it; empty for an
  /// activation that is not elementwise (softmax).
  Function derivative;
  /// The interval the output lies in, when it is bounded.
  std::optional<std::pair<double, double>> bounds;
  /// The value the sparsity penalty reads as "inactive": a mean activation is mapped
  /// from [sparsity_low, 1] to [0, 1] (ruta's table: 0 for sigmoid, relu, softplus,
  /// -1.7581 for selu, -1 otherwise; hard_sigmoid is bounded in [0, 1] and uses 0).
  double sparsity_low = -1.0;
  /// The same function as ONNX nodes (opset 17) on tensor `x`; returns the output's name.
  std::function<std::string(OnnxBuilder& onnx, const std::string& x)> onnx;

  bool is_linear() const { return name == "linear"; }
};

/// Every activation, in the order `activation_names()` lists them.
const Registry<ActivationFunction>& activations();
/// Throws InvalidArgument listing the valid names.
const ActivationFunction& activation_function(const std::string& name);
/// The named activation applied to tensor `x` as ONNX nodes (its `onnx` form); returns
/// the output's name. Throws InvalidArgument for an unknown name.
std::string onnx_activation(OnnxBuilder& onnx, const std::string& name, const std::string& x);

/// A module applying an activation, for use in torch::nn::Sequential.
class ActivationLayerImpl : public torch::nn::Module {
 public:
  explicit ActivationLayerImpl(const ActivationFunction& activation) : activation_(&activation) {}
  torch::Tensor forward(const torch::Tensor& x) { return activation_->apply(x); }
  const ActivationFunction& activation() const { return *activation_; }
  void pretty_print(std::ostream& stream) const override;

 private:
  const ActivationFunction* activation_;
};
TORCH_MODULE(ActivationLayer);

}  // namespace hourglass::nn
