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

torch::Tensor activation_derivative(Activation activation, const torch::Tensor& z) {
  // Keras's selu constants.
  constexpr double kSeluAlpha = 1.6732632423543772, kSeluScale = 1.0507009873554805;
  const auto positive = (z > 0).to(z.scalar_type());
  switch (activation) {
    case Activation::linear: return torch::ones_like(z);
    case Activation::relu: return positive;
    case Activation::sigmoid: {
      const auto s = torch::sigmoid(z);
      return s * (1 - s);
    }
    case Activation::tanh: return 1 - torch::tanh(z).square();
    case Activation::elu: return positive + (1 - positive) * torch::exp(torch::clamp_max(z, 0));
    case Activation::selu:
      return kSeluScale * (positive + (1 - positive) * kSeluAlpha * torch::exp(torch::clamp_max(z, 0)));
    case Activation::softplus: return torch::sigmoid(z);
    case Activation::softsign: return 1 / (1 + z.abs()).square();
    case Activation::leaky_relu: return positive + (1 - positive) * 0.2;
    case Activation::hard_sigmoid: return (z.abs() < 2.5).to(z.scalar_type()) * 0.2;
  }
  return torch::ones_like(z);
}

std::optional<std::pair<double, double>> activation_range(Activation activation) {
  switch (activation) {
    case Activation::sigmoid:
    case Activation::hard_sigmoid: return std::make_pair(0.0, 1.0);
    case Activation::tanh:
    case Activation::softsign: return std::make_pair(-1.0, 1.0);
    default: return std::nullopt;
  }
}

void ActivationLayerImpl::pretty_print(std::ostream& stream) const {
  stream << "hourglass::nn::ActivationLayer(" << activation_names()[static_cast<size_t>(activation_)]
         << ")";
}

}  // namespace hourglass::nn
