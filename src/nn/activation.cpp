#include "nn/activation.hpp"

#include "hourglass/error.hpp"
#include "hourglass/network/layer.hpp"

namespace hourglass::nn {

Activation activation_from_name(const std::string& name) {
  const auto& names = activation_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Activation>(i);
  }
  throw unknown_name("activation", name, names);
}

torch::Tensor activate(Activation activation, const torch::Tensor& x) {
  switch (activation) {
    case Activation::linear: return x;
    case Activation::relu: return torch::relu(x);
    case Activation::sigmoid: return torch::sigmoid(x);
    case Activation::tanh: return torch::tanh(x);
    case Activation::elu: return torch::elu(x);
    case Activation::selu: return torch::selu(x);
    case Activation::softplus: return torch::softplus(x);
    case Activation::softsign: return x / (x.abs() + 1);
    case Activation::leaky_relu: return torch::leaky_relu(x, 0.2);
    case Activation::hard_sigmoid: return torch::clamp(x * 0.2 + 0.5, 0.0, 1.0);
  }
  return x;
}

void ActivationLayerImpl::pretty_print(std::ostream& stream) const {
  stream << "hourglass::nn::ActivationLayer(" << activation_names()[static_cast<size_t>(activation_)]
         << ")";
}

}  // namespace hourglass::nn
