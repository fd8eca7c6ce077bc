#include "regularizers/penalties.hpp"

namespace hourglass::regularizers {

at::Tensor sparsity_penalty(const at::Tensor& code, double low, const Sparsity& sparsity) {
  const auto observed = code.mean(0).clamp(low + kSparsityEpsilon, 1.0 - kSparsityEpsilon);
  const auto q = (observed - low) / (1.0 - low);
  const double p = sparsity.high_probability;
  const auto kl = p * torch::log(p / q) + (1 - p) * torch::log((1 - p) / (1 - q));
  return sparsity.weight * kl.sum();
}

at::Tensor jacobian_norms_one_layer(const at::Tensor& weight, const at::Tensor& z,
                                    const nn::ActivationFunction& activation) {
  const auto row_norms = weight.square().sum(1);  // units
  return activation.derivative(z).square().matmul(row_norms);
}

at::Tensor jacobian_norms_autograd(const at::Tensor& input, const at::Tensor& code, bool create_graph) {
  auto norms = torch::zeros({input.size(0)}, input.options().requires_grad(false));
  for (int64_t unit = 0; unit < code.size(1); ++unit) {
    // Rows are independent, so the gradient of the column sum is row i's Jacobian row.
    const auto gradient = torch::autograd::grad({code.select(1, unit).sum()}, {input}, {},
                                                /*retain_graph=*/true, create_graph,
                                                /*allow_unused=*/true)[0];
    if (gradient.defined()) norms = norms + gradient.flatten(1).square().sum(1);
  }
  return norms;
}

at::Tensor weight_decay_penalty(const std::vector<at::Tensor>& kernels, double decay) {
  at::Tensor total;
  for (const auto& kernel : kernels) {
    const auto term = kernel.square().sum();
    total = total.defined() ? total + term : term;
  }
  return decay * total;
}

}  // namespace hourglass::regularizers
