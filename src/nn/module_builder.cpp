#include "hourglass/nn/module_builder.hpp"

#include <cmath>

#include "nn/activation.hpp"
#include "nn/variational.hpp"

namespace hourglass {

void ModuleBuilder::add_activation(const std::string& name) {
  const auto& activation = nn::activation_function(name);
  if (!activation.is_linear()) add(nn::ActivationLayer(activation));
}

void ModuleBuilder::variational_code(int64_t in, int64_t units, double epsilon_std, bool full_covariance) {
  // Kept out of the Sequential: it has two outputs. Network::validate made it the code.
  auto module = network_.register_module("variational", nn::Variational(in, units, epsilon_std, full_covariance));
  for (auto head : {module->mean_layer(), module->log_var_layer(), module->params_layer()}) {
    if (!head.is_empty()) initialize_like_keras(head->weight, head->bias, "linear");
  }
  const auto first = full_covariance ? module->params_layer() : module->mean_layer();
  kernel_ = first->weight;
  dense_code_ = first;
  variational_ = module;
  modules_.add(module);
}

void initialize_like_keras(torch::Tensor& weight, torch::Tensor& bias, const std::string& activation) {
  torch::NoGradGuard no_grad;
  // Keras' fans: the kernel's input and output channels times the receptive field.
  // weight is out x in x k... for dense and conv, in x out x k... for transposed conv,
  // whose Keras kernel is also stored the other way round.
  const double receptive_field = static_cast<double>(weight[0][0].numel());
  const double fan_in = static_cast<double>(weight.size(1)) * receptive_field;
  const double fan_out = static_cast<double>(weight.size(0)) * receptive_field;
  if (activation == "selu") {
    // 0.8796 is the standard deviation of a unit normal truncated at +-2.
    const double stddev = std::sqrt(1.0 / fan_in) / 0.87962566103423978;
    weight.normal_(0.0, stddev);
    for (auto outside = weight.abs() > 2 * stddev; outside.any().item<bool>(); outside = weight.abs() > 2 * stddev) {
      weight.masked_scatter_(outside, torch::randn_like(weight) * stddev);
    }
  } else {
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    weight.uniform_(-limit, limit);
  }
  if (bias.defined()) bias.zero_();
}

}  // namespace hourglass
