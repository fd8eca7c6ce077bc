// The LibTorch module an autoencoder network spec becomes: an encoder (input up to and
// including the encoding layer) and a decoder (the rest), so that codes can be decoded
// on their own. Parameter names ("encoder.0.weight") are the keys of the model file.
#pragma once

#include "hourglass/network/network.hpp"

namespace hourglass::nn {

class AutoencoderNetImpl : public torch::nn::Module {
 public:
  /// Builds the modules for data with `input_dim` features; `network` must be valid.
  AutoencoderNetImpl(const Network& network, int64_t input_dim);

  torch::Tensor encode(const torch::Tensor& x) { return encoder_->forward(x); }
  torch::Tensor decode(const torch::Tensor& code) { return decoder_->forward(code); }
  torch::Tensor forward(const torch::Tensor& x) { return decode(encode(x)); }

  int64_t input_dim() const { return input_dim_; }
  int64_t code_dim() const { return code_dim_; }

 private:
  torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
  int64_t input_dim_ = 0, code_dim_ = 0;
};
TORCH_MODULE(AutoencoderNet);

}  // namespace hourglass::nn
