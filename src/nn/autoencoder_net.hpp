// The LibTorch module an autoencoder network spec becomes: an encoder (input up to and
// including the encoding layer) and a decoder (the rest), so that codes can be decoded
// on their own. Parameter names ("encoder.0.weight") are the keys of the model file.
//
// Data goes in and out flat (rows x values); the net views it in the shape its layers
// need (channels first) and flattens codes and reconstructions again.
#pragma once

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include "hourglass/network/network.hpp"
#include "hourglass/nn/module_builder.hpp"
#include "nn/activation.hpp"
#include "nn/variational.hpp"

namespace hourglass {
class OnnxBuilder;
}

namespace hourglass::nn {

class AutoencoderNetImpl : public torch::nn::Module {
 public:
  /// Builds the modules for samples of `data_shape`; throws InvalidArgument when the
  /// network is not valid or does not fit that shape.
  AutoencoderNetImpl(const Network& network, const Shape& data_shape);
  /// For rows of `features` values.
  AutoencoderNetImpl(const Network& network, int64_t features) : AutoencoderNetImpl(network, Shape{features}) {}

  /// The code, rows x code_dim(): for a variational network, the posterior mean.
  torch::Tensor encode(const torch::Tensor& x);
  /// Rows x code_dim() -> rows x input_dim().
  torch::Tensor decode(const torch::Tensor& code);
  torch::Tensor forward(const torch::Tensor& x) { return decode(encode(x)); }

  bool is_variational() const { return !variational_.is_empty(); }
  /// q(z|x); only for a variational network.
  Posterior posterior(const torch::Tensor& x);
  Variational& variational() { return variational_; }

  /// The shape of one sample as the data gives it, and as the code has it.
  const Shape& data_shape() const { return data_shape_; }
  const Shape& code_shape() const { return code_shape_; }
  int64_t input_dim() const { return input_dim_; }
  int64_t code_dim() const { return code_dim_; }

  /// The dense layer that makes the code (a variational network's z_mean), when the
  /// code is dense, and the code's activation (what the sparsity and contraction
  /// penalties look at).
  torch::nn::Linear encoding_layer() const { return encoding_layer_; }
  const ActivationFunction& encoding_activation() const { return *encoding_activation_; }
  /// True when the encoder is that one dense layer and nothing else, so that its
  /// Jacobian has a closed form.
  bool encoder_is_one_dense_layer() const { return encoder_is_one_dense_layer_; }
  /// The encoding layer's kernel (dense or conv), and every kernel of the network:
  /// what weight decay penalises.
  const torch::Tensor& encoding_kernel() const { return encoding_kernel_; }
  const std::vector<torch::Tensor>& kernels() const { return kernels_; }

  /// The encoder as ONNX nodes: batch x input_dim() values in `x` (scaled), batch x
  /// code_dim() out, as encode() computes it; returns the output's name. Throws
  /// InvalidArgument naming a layer whose kind cannot be exported.
  std::string export_encoder(OnnxBuilder& onnx, const std::string& x) const;
  /// The decoder: batch x code_dim() in, batch x input_dim() out, as decode().
  std::string export_decoder(OnnxBuilder& onnx, const std::string& code) const;

 private:
  /// The encoder's layers before the code (all of it without a variational layer).
  torch::Tensor encoder_body(const torch::Tensor& x);
  /// Layers [first, last) as ONNX nodes on x, a batch of what layer `first` receives.
  std::string export_layers(OnnxBuilder& onnx, std::string x, size_t first, size_t last) const;

  torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
  Variational variational_{nullptr};
  torch::nn::Linear encoding_layer_{nullptr};
  const ActivationFunction* encoding_activation_ = nullptr;
  bool encoder_is_one_dense_layer_ = false;
  torch::Tensor encoding_kernel_;
  std::vector<torch::Tensor> kernels_;
  Network network_;
  /// What each layer receives and gives, and the modules it made.
  std::vector<Shape> layer_inputs_, layer_outputs_;
  std::vector<LayerModules> layer_modules_;
  size_t code_index_ = 0;
  Shape data_shape_, input_shape_, code_shape_;
  int64_t input_dim_ = 0, code_dim_ = 0;
};
TORCH_MODULE(AutoencoderNet);

}  // namespace hourglass::nn
