// The LibTorch module an autoencoder network spec becomes: an encoder (input up to and
// including the encoding layer) and a decoder (the rest), so that codes can be decoded
// on their own. Parameter names ("encoder.0.weight") are the keys of the model file.
#pragma once

#include "hourglass/network/network.hpp"
#include "nn/activation.hpp"
#include "nn/variational.hpp"

#include <vector>

namespace hourglass::nn {

class AutoencoderNetImpl : public torch::nn::Module {
 public:
  /// Builds the modules for data with `input_dim` features; `network` must be valid.
  AutoencoderNetImpl(const Network& network, int64_t input_dim);

  /// The code: for a variational network, the posterior mean.
  torch::Tensor encode(const torch::Tensor& x);
  torch::Tensor decode(const torch::Tensor& code) { return decoder_->forward(code); }
  torch::Tensor forward(const torch::Tensor& x) { return decode(encode(x)); }

  bool is_variational() const { return !variational_.is_empty(); }
  /// q(z|x); only for a variational network.
  Posterior posterior(const torch::Tensor& x);
  Variational& variational() { return variational_; }

  int64_t input_dim() const { return input_dim_; }
  int64_t code_dim() const { return code_dim_; }

  /// The dense layer that makes the code (a variational network's z_mean), and its activation (what the sparsity,
  /// contraction and weight decay penalties look at).
  torch::nn::Linear encoding_layer() const { return encoding_layer_; }
  Activation encoding_activation() const { return encoding_activation_; }
  /// True when the encoder is that one dense layer and nothing else, so that its
  /// Jacobian has a closed form.
  bool encoder_is_one_dense_layer() const { return encoder_is_one_dense_layer_; }
  /// Every dense layer, encoder and decoder.
  const std::vector<torch::nn::Linear>& dense_layers() const { return dense_layers_; }

 private:
  torch::nn::Linear append_layer(torch::nn::Sequential& stage, const Layer& layer, int64_t& width);

  /// The encoder's layers before the code (all of it without a variational layer).
  torch::Tensor encoder_body(const torch::Tensor& x);

  torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
  Variational variational_{nullptr};
  torch::nn::Linear encoding_layer_{nullptr};
  Activation encoding_activation_ = Activation::linear;
  bool encoder_is_one_dense_layer_ = false;
  std::vector<torch::nn::Linear> dense_layers_;
  int64_t input_dim_ = 0, code_dim_ = 0;
};
TORCH_MODULE(AutoencoderNet);

}  // namespace hourglass::nn
