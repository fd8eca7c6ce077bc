#include "nn/activation.hpp"

#include <cmath>

#include "hourglass/network/layer.hpp"
#include "hourglass/onnx/onnx_builder.hpp"

namespace hourglass::nn {
namespace {

// Keras's selu constants.
constexpr double kSeluAlpha = 1.6732632423543772, kSeluScale = 1.0507009873554805;
// Keras 2's leaky_relu slope below zero.
constexpr double kLeakySlope = 0.2;

torch::Tensor above_zero(const torch::Tensor& z) { return (z > 0).to(z.scalar_type()); }

// ONNX forms: an operator of its own where opset 17 has one.
using Onnx = std::function<std::string(OnnxBuilder&, const std::string&)>;
Onnx onnx_op(const std::string& op, OnnxAttributes attributes = {}) {
  return [op, attributes](OnnxBuilder& onnx, const std::string& x) { return onnx.node(op, {x}, attributes); };
}

// The built-in activations: each one's function, derivative, bounds, inactive value and ONNX form.
// check-function-length: declarative table
Registry<ActivationFunction> builtin_activations() {
  Registry<ActivationFunction> r("activation");
  const auto add = [&r](ActivationFunction f, std::vector<std::string> aliases = {}) { r.add(f.name, f, aliases); };
  using T = const torch::Tensor&;
  add({"linear", [](T x) { return x; }, [](T z) { return torch::ones_like(z); }, std::nullopt, -1.0,
       [](OnnxBuilder&, const std::string& x) { return x; }});
  add({"relu", [](T x) { return torch::relu(x); }, above_zero, std::nullopt, 0.0, onnx_op("Relu")});
  add({"sigmoid", [](T x) { return torch::sigmoid(x); },
       [](T z) {
         const auto s = torch::sigmoid(z);
         return s * (1 - s);
       },
       std::make_pair(0.0, 1.0), 0.0, onnx_op("Sigmoid")});
  add({"tanh", [](T x) { return torch::tanh(x); }, [](T z) { return 1 - torch::tanh(z).square(); },
       std::make_pair(-1.0, 1.0), -1.0, onnx_op("Tanh")});
  add({"elu", [](T x) { return torch::elu(x); },
       [](T z) { return above_zero(z) + (1 - above_zero(z)) * torch::exp(torch::clamp_max(z, 0)); }, std::nullopt, -1.0,
       onnx_op("Elu", {{"alpha", 1.0}})});
  add({"selu", [](T x) { return torch::selu(x); },
       [](T z) {
         return kSeluScale * (above_zero(z) + (1 - above_zero(z)) * kSeluAlpha * torch::exp(torch::clamp_max(z, 0)));
       },
       std::nullopt, -1.7581, onnx_op("Selu", {{"alpha", kSeluAlpha}, {"gamma", kSeluScale}})});
  add({"softplus", [](T x) { return torch::softplus(x); }, [](T z) { return torch::sigmoid(z); }, std::nullopt, 0.0,
       onnx_op("Softplus")});
  add({"softsign", [](T x) { return x / (x.abs() + 1); }, [](T z) { return 1 / (1 + z.abs()).square(); },
       std::make_pair(-1.0, 1.0), -1.0, onnx_op("Softsign")});
  add({"leaky_relu", [](T x) { return torch::leaky_relu(x, kLeakySlope); },
       [](T z) { return above_zero(z) + (1 - above_zero(z)) * kLeakySlope; }, std::nullopt, -1.0,
       onnx_op("LeakyRelu", {{"alpha", kLeakySlope}})});
  add({"hard_sigmoid", [](T x) { return torch::clamp(x * 0.2 + 0.5, 0.0, 1.0); },
       [](T z) { return (z.abs() < 2.5).to(z.scalar_type()) * 0.2; }, std::make_pair(0.0, 1.0), 0.0,
       onnx_op("HardSigmoid", {{"alpha", 0.2}, {"beta", 0.5}})});
  // Over the features, or the channels of shaped samples (Keras's last axis, channels last).
  add({"softmax", [](T x) { return torch::softmax(x, 1); }, nullptr, std::make_pair(0.0, 1.0), 0.0,
       onnx_op("Softmax", {{"axis", int64_t{1}}})});
  // Keras's gelu is the exact one (approximate = FALSE): x * Phi(x).
  add({"gelu", [](T x) { return torch::gelu(x); },
       [](T z) {
         const auto cdf = 0.5 * (1 + torch::erf(z / std::sqrt(2.0)));
         const auto pdf = torch::exp(-0.5 * z.square()) / std::sqrt(2 * M_PI);
         return cdf + z * pdf;
       },
       std::nullopt, -1.0,
       // Opset 17 has no Gelu: x * (1 + erf(x / sqrt 2)) / 2.
       [](OnnxBuilder& onnx, const std::string& x) {
         const auto erf = onnx.node("Erf", {onnx.node("Div", {x, onnx.scalar(std::sqrt(2.0))})});
         const auto cdf = onnx.node("Mul", {onnx.node("Add", {erf, onnx.scalar(1.0)}), onnx.scalar(0.5)});
         return onnx.node("Mul", {x, cdf});
       }});
  add({"swish", [](T x) { return torch::silu(x); },
       [](T z) {
         const auto s = torch::sigmoid(z);
         return s + z * s * (1 - s);
       },
       std::nullopt, -1.0,
       [](OnnxBuilder& onnx, const std::string& x) {
         return onnx.node("Mul", {x, onnx.node("Sigmoid", {x})});
       }},
      {"silu"});  // PyTorch's name
  add({"exponential", [](T x) { return torch::exp(x); }, [](T z) { return torch::exp(z); }, std::nullopt, 0.0,
       onnx_op("Exp")});
  add({"relu6", [](T x) { return torch::clamp(x, 0.0, 6.0); },
       [](T z) { return ((z > 0) & (z < 6)).to(z.scalar_type()); }, std::make_pair(0.0, 6.0), 0.0,
       [](OnnxBuilder& onnx, const std::string& x) {
         return onnx.node("Clip", {x, onnx.scalar(0.0), onnx.scalar(6.0)});
       }});
  return r;
}

}  // namespace

const Registry<ActivationFunction>& activations() {
  static const Registry<ActivationFunction> registry = builtin_activations();
  return registry;
}

const ActivationFunction& activation_function(const std::string& name) { return activations().at(name); }

std::string onnx_activation(OnnxBuilder& onnx, const std::string& name, const std::string& x) {
  return activation_function(name).onnx(onnx, x);
}

void ActivationLayerImpl::pretty_print(std::ostream& stream) const {
  stream << "hourglass::nn::ActivationLayer(" << activation_->name << ")";
}

}  // namespace hourglass::nn

namespace hourglass {

std::vector<std::string> activation_names() { return nn::activations().all_names(); }

void check_activation(const std::string& name) { nn::activations().at(name); }

}  // namespace hourglass
