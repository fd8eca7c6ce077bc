// Activations by name, resolved once when a module is built (not per forward call).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace hourglass::nn {

enum class Activation {
  linear, relu, sigmoid, tanh, elu, selu, softplus, softsign, leaky_relu, hard_sigmoid
};

/// Throws InvalidArgument listing the valid names.
Activation activation_from_name(const std::string& name);

/// Applies the activation as Keras 2 defines it (ruta's backend): leaky_relu has slope
/// 0.2 below zero; hard_sigmoid is clip(0.2 x + 0.5, 0, 1).
torch::Tensor activate(Activation activation, const torch::Tensor& x);

/// f'(z) elementwise, written as differentiable tensor operations so that penalties
/// built on it (the contractive closed form) can be trained through.
torch::Tensor activation_derivative(Activation activation, const torch::Tensor& z);

/// The interval an activation's output lies in, when it is bounded: [0, 1] for
/// sigmoid and hard_sigmoid, [-1, 1] for tanh and softsign; nullopt otherwise.
std::optional<std::pair<double, double>> activation_range(Activation activation);

/// A module applying the activation, for use in torch::nn::Sequential.
class ActivationLayerImpl : public torch::nn::Module {
 public:
  explicit ActivationLayerImpl(Activation activation) : activation_(activation) {}
  torch::Tensor forward(const torch::Tensor& x) { return activate(activation_, x); }
  Activation activation() const { return activation_; }
  void pretty_print(std::ostream& stream) const override;

 private:
  Activation activation_;
};
TORCH_MODULE(ActivationLayer);

}  // namespace hourglass::nn
