#include "nn/autoencoder_net.hpp"

#include "hourglass/data/dataset.hpp"
#include "nn/activation.hpp"
#include "nn/conv.hpp"

namespace hourglass::nn {
namespace {

torch::nn::Linear dense_layer(int64_t in, int64_t out, Activation activation) {
  torch::nn::Linear linear(in, out);
  keras_init(linear->weight, linear->bias, activation);
  return linear;
}

}  // namespace

AutoencoderNetImpl::Appended AutoencoderNetImpl::append_layer(torch::nn::Sequential& stage, const Layer& layer,
                                                              const Shape& in, const Shape& out) {
  switch (layer.type) {
    case LayerType::input:
      return {};
    case LayerType::output:
      if (in.size() > 1) {
        return {append_conv(stage, conv(out[0], kOutputKernelSize, layer.activation), in)};
      }
      [[fallthrough]];
    case LayerType::dense: {
      const Activation activation = activation_from_name(layer.activation);
      auto linear = dense_layer(in[0], shape_size(out), activation);
      stage->push_back(linear);
      if (activation != Activation::linear) stage->push_back(ActivationLayer(activation));
      return {linear->weight, linear};
    }
    case LayerType::variational: {
      // Kept out of the Sequential: it has two outputs. validate() made it the code.
      variational_ = register_module("variational", Variational(in[0], layer.units, layer.epsilon_std));
      auto& mean = variational_->mean_layer();
      auto& log_var = variational_->log_var_layer();
      keras_init(mean->weight, mean->bias, Activation::linear);
      keras_init(log_var->weight, log_var->bias, Activation::linear);
      return {mean->weight, mean};
    }
    case LayerType::conv:
    case LayerType::conv_transpose:
      return {append_conv(stage, layer, in)};
    case LayerType::dropout:
      stage->push_back(torch::nn::Dropout(layer.rate));
      return {};
    case LayerType::batch_norm:
      // Keras defaults: momentum 0.99 (PyTorch counts 1 - momentum), epsilon 1e-3.
      if (in.size() == 3) {
        stage->push_back(torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(in[0]).momentum(0.01).eps(1e-3)));
      } else {
        stage->push_back(torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(in[0]).momentum(0.01).eps(1e-3)));
      }
      return {};
    case LayerType::flatten:
      stage->push_back(torch::nn::Flatten());
      return {};
    case LayerType::reshape: {
      std::vector<int64_t> sizes{-1};
      sizes.insert(sizes.end(), layer.dims.begin(), layer.dims.end());
      stage->push_back(torch::nn::Functional([sizes](const torch::Tensor& x) { return x.reshape(sizes); }));
      return {};
    }
  }
  return {};
}

AutoencoderNetImpl::AutoencoderNetImpl(const Network& network, const Shape& data_shape)
    : data_shape_(data_shape), input_dim_(shape_size(data_shape)) {
  network.validate();
  const auto shapes = network.output_shapes(data_shape);
  input_shape_ = network.input_shape_for(data_shape);
  const size_t code = network.encoding_index();
  torch::nn::Sequential encoder, decoder;
  Shape in = input_shape_;
  for (size_t i = 0; i < network.size(); ++i) {
    const auto appended = append_layer(i <= code ? encoder : decoder, network[i], in, shapes[i]);
    if (appended.kernel.defined()) kernels_.push_back(appended.kernel);
    if (i == code) {
      code_shape_ = shapes[i];
      code_dim_ = shape_size(code_shape_);
      encoding_kernel_ = appended.kernel;
      encoding_layer_ = appended.linear;
      encoding_activation_ = activation_from_name(network[i].activation);
    }
    in = shapes[i];
  }
  const size_t activation_modules = encoding_activation_ == Activation::linear ? 0 : 1;
  encoder_is_one_dense_layer_ = !is_variational() && network[code].type == LayerType::dense &&
                                input_shape_.size() == 1 && encoder->size() == 1 + activation_modules;
  encoder_ = register_module("encoder", encoder);
  decoder_ = register_module("decoder", decoder);
}

torch::Tensor AutoencoderNetImpl::encoder_body(const torch::Tensor& x) {
  // An empty Sequential refuses forward(): a variational layer right after input().
  const auto shaped = as_samples(x, input_shape_);
  return encoder_->is_empty() ? shaped : encoder_->forward(shaped);
}

// Codes and reconstructions leave in fp32 even when autocast computed them in bf16:
// the losses and penalties are always fp32 (a no-op without autocast).
torch::Tensor AutoencoderNetImpl::encode(const torch::Tensor& x) {
  if (is_variational()) return variational_->posterior(encoder_body(x)).mean;
  return encoder_->forward(as_samples(x, input_shape_)).flatten(1).to(torch::kFloat);
}

torch::Tensor AutoencoderNetImpl::decode(const torch::Tensor& code) {
  return decoder_->forward(as_samples(code, code_shape_)).flatten(1).to(torch::kFloat);
}

Posterior AutoencoderNetImpl::posterior(const torch::Tensor& x) {
  TORCH_CHECK(is_variational(), "posterior() of a network without a variational layer");
  return variational_->posterior(encoder_body(x));
}

}  // namespace hourglass::nn
