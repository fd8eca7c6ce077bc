// The module behind lstm() and gru(): an LSTM or GRU on channels-first sequences, with
// Keras's initialisation and Keras's choice of activation. LibTorch's modules hold the
// weights; the LSTM's fp32/fp64 CPU passes run fused (recurrent.cpp), the rest through
// LibTorch's kernels.
//
//   Recurrent lstm(RecurrentCell::lstm, /*channels=*/1, /*units=*/32, activation_function("tanh"),
//                  /*return_sequences=*/false, /*use_bias=*/true);
//   auto code = lstm->forward(x);   // x: N x 1 x L (or N x L) -> N x 32
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>

#include <string>

#include "nn/activation.hpp"

namespace hourglass::nn {

enum class RecurrentCell { lstm, gru };

class RecurrentImpl : public torch::nn::Module {
 public:
  RecurrentImpl(RecurrentCell cell, int64_t channels, int64_t units, const ActivationFunction& activation,
                bool return_sequences, bool use_bias);

  /// N x C x L (or N x L, one channel) -> N x units, or N x units x L with return_sequences.
  torch::Tensor forward(const torch::Tensor& x);

  RecurrentCell cell() const { return cell_; }
  const ActivationFunction& activation() const { return *activation_; }
  bool return_sequences() const { return return_sequences_; }
  int64_t units() const { return units_; }
  /// LibTorch's layouts: weight_ih (gates*units x C), weight_hh (gates*units x units),
  /// bias_ih and bias_hh (gates*units, undefined without bias); gates in LibTorch's
  /// order (LSTM: i, f, g, o; GRU: r, z, n).
  torch::Tensor weight_ih() const { return parameter("weight_ih_l0"); }
  torch::Tensor weight_hh() const { return parameter("weight_hh_l0"); }
  torch::Tensor bias_ih() const { return parameter("bias_ih_l0"); }
  torch::Tensor bias_hh() const { return parameter("bias_hh_l0"); }

 private:
  torch::Tensor parameter(const std::string& name) const;
  // The steps written out, for activations LibTorch's kernels do not offer (they are tanh only).
  torch::Tensor unrolled(const torch::Tensor& x);

  RecurrentCell cell_;
  int64_t units_;
  const ActivationFunction* activation_;
  bool return_sequences_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
};
TORCH_MODULE(Recurrent);

}  // namespace hourglass::nn
