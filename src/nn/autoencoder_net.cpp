#include "nn/autoencoder_net.hpp"

#include <cmath>

#include "nn/activation.hpp"

namespace hourglass::nn {
namespace {

// Keras initialisation: lecun_normal (a normal truncated at two standard deviations)
// for selu, glorot_uniform otherwise; zero bias.
void keras_init(torch::nn::Linear& linear, Activation activation) {
  torch::NoGradGuard no_grad;
  auto& weight = linear->weight;  // out x in
  const double fan_out = static_cast<double>(weight.size(0));
  const double fan_in = static_cast<double>(weight.size(1));
  if (activation == Activation::selu) {
    // 0.8796 is the standard deviation of a unit normal truncated at +-2.
    const double stddev = std::sqrt(1.0 / fan_in) / 0.87962566103423978;
    weight.normal_(0.0, stddev);
    for (auto outside = weight.abs() > 2 * stddev; outside.any().item<bool>();
         outside = weight.abs() > 2 * stddev) {
      weight.masked_scatter_(outside, torch::randn_like(weight) * stddev);
    }
  } else {
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    weight.uniform_(-limit, limit);
  }
  linear->bias.zero_();
}

}  // namespace

torch::nn::Linear AutoencoderNetImpl::append_layer(torch::nn::Sequential& stage, const Layer& layer,
                                                  int64_t& width) {
  switch (layer.type) {
    case LayerType::input: return nullptr;
    case LayerType::dense:
    case LayerType::output: {
      const int64_t units = layer.type == LayerType::dense ? layer.units : input_dim_;
      const Activation activation = activation_from_name(layer.activation);
      torch::nn::Linear linear(width, units);
      keras_init(linear, activation);
      stage->push_back(linear);
      if (activation != Activation::linear) stage->push_back(ActivationLayer(activation));
      dense_layers_.push_back(linear);
      width = units;
      return linear;
    }
    case LayerType::variational: {
      // Kept out of the Sequential: it has two outputs. validate() made it the code.
      variational_ = register_module("variational", Variational(width, layer.units, layer.epsilon_std));
      keras_init(variational_->mean_layer(), Activation::linear);
      keras_init(variational_->log_var_layer(), Activation::linear);
      width = layer.units;
      return variational_->mean_layer();
    }
    case LayerType::dropout: stage->push_back(torch::nn::Dropout(layer.rate)); return nullptr;
    case LayerType::batch_norm:
      // Keras defaults: momentum 0.99 (PyTorch counts 1 - momentum), epsilon 1e-3.
      stage->push_back(
          torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(width).momentum(0.01).eps(1e-3)));
      return nullptr;
  }
  return nullptr;
}

AutoencoderNetImpl::AutoencoderNetImpl(const Network& network, int64_t input_dim)
    : input_dim_(input_dim) {
  network.validate();
  const size_t code = network.encoding_index();
  torch::nn::Sequential encoder, decoder;
  int64_t width = input_dim;
  for (size_t i = 0; i < network.size(); ++i) {
    auto linear = append_layer(i <= code ? encoder : decoder, network[i], width);
    if (i == code) {
      code_dim_ = width;
      encoding_layer_ = linear;
      encoding_activation_ = activation_from_name(network[i].activation);
    }
  }
  const size_t activation_modules = encoding_activation_ == Activation::linear ? 0 : 1;
  encoder_is_one_dense_layer_ = !is_variational() && encoder->size() == 1 + activation_modules;
  encoder_ = register_module("encoder", encoder);
  decoder_ = register_module("decoder", decoder);
}

torch::Tensor AutoencoderNetImpl::encoder_body(const torch::Tensor& x) {
  // An empty Sequential refuses forward(): a variational layer right after input().
  return encoder_->is_empty() ? x : encoder_->forward(x);
}

torch::Tensor AutoencoderNetImpl::encode(const torch::Tensor& x) {
  if (is_variational()) return variational_->posterior(encoder_body(x)).mean;
  return encoder_->forward(x);
}

Posterior AutoencoderNetImpl::posterior(const torch::Tensor& x) {
  TORCH_CHECK(is_variational(), "posterior() of a network without a variational layer");
  return variational_->posterior(encoder_body(x));
}

}  // namespace hourglass::nn
