#include "nn/recurrent.hpp"

#include <torch/torch.h>

#include <cmath>

namespace hourglass::nn {
namespace {

int64_t gates(RecurrentCell cell) { return cell == RecurrentCell::lstm ? 4 : 3; }

// Keras's defaults: glorot_uniform over the whole kernel (all gates as one matrix),
// orthogonal recurrent kernel, zero bias, and for the LSTM a forget-gate bias of one
// (unit_forget_bias). LibTorch keeps two biases; the second stays zero.
void initialize_like_keras(torch::nn::Module& module, RecurrentCell cell, int64_t channels, int64_t units) {
  torch::NoGradGuard no_grad;
  auto parameters = module.named_parameters();
  const double limit = std::sqrt(6.0 / static_cast<double>(channels + gates(cell) * units));
  parameters["weight_ih_l0"].uniform_(-limit, limit);
  torch::nn::init::orthogonal_(parameters["weight_hh_l0"]);
  if (parameters.contains("bias_ih_l0")) {
    parameters["bias_ih_l0"].zero_();
    parameters["bias_hh_l0"].zero_();
    if (cell == RecurrentCell::lstm) parameters["bias_ih_l0"].narrow(0, units, units).fill_(1.0);
  }
}

}  // namespace

RecurrentImpl::RecurrentImpl(RecurrentCell cell, int64_t channels, int64_t units, const ActivationFunction& activation,
                             bool return_sequences, bool use_bias)
    : cell_(cell), units_(units), activation_(&activation), return_sequences_(return_sequences) {
  if (cell == RecurrentCell::lstm) {
    lstm_ = register_module("lstm",
                            torch::nn::LSTM(torch::nn::LSTMOptions(channels, units).batch_first(true).bias(use_bias)));
    initialize_like_keras(*lstm_, cell, channels, units);
  } else {
    gru_ =
        register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(channels, units).batch_first(true).bias(use_bias)));
    initialize_like_keras(*gru_, cell, channels, units);
  }
}

torch::Tensor RecurrentImpl::parameter(const std::string& name) const {
  const torch::nn::Module& inner = cell_ == RecurrentCell::lstm ? static_cast<const torch::nn::Module&>(*lstm_)
                                                                : static_cast<const torch::nn::Module&>(*gru_);
  const auto parameters = inner.named_parameters(/*recurse=*/false);
  const auto* found = parameters.find(name);
  return found ? *found : torch::Tensor();
}

torch::Tensor RecurrentImpl::forward(const torch::Tensor& x) {
  // Channels first outside (as conv layers), time first inside (batch_first): N x L x C.
  const auto steps = (x.dim() == 2 ? x.unsqueeze(1) : x).transpose(1, 2).contiguous();
  torch::Tensor outputs;  // N x L x units
  if (activation_->name != "tanh") {
    outputs = unrolled(steps);
  } else if (cell_ == RecurrentCell::lstm) {
    outputs = std::get<0>(lstm_->forward(steps));
  } else {
    outputs = std::get<0>(gru_->forward(steps));
  }
  if (return_sequences_) return outputs.transpose(1, 2);
  return outputs.select(1, outputs.size(1) - 1);
}

// The equations of LibTorch's (and Keras's) cells, with `activation` where they have tanh.
torch::Tensor RecurrentImpl::unrolled(const torch::Tensor& steps) {
  const auto& act = activation_->apply;
  const auto n = steps.size(0), length = steps.size(1);
  // The input's part of every gate for every step at once: one matrix product.
  const auto w_ih = weight_ih(), w_hh = weight_hh(), b_ih = bias_ih(), b_hh = bias_hh();
  auto input_part = torch::matmul(steps, w_ih.t());
  if (b_ih.defined()) input_part = input_part + b_ih;
  auto h = torch::zeros({n, units_}, input_part.options());
  auto c = torch::zeros_like(h);
  std::vector<torch::Tensor> outputs;
  outputs.reserve(static_cast<size_t>(length));
  for (int64_t t = 0; t < length; ++t) {
    auto hidden_part = torch::matmul(h, w_hh.t());
    if (b_hh.defined()) hidden_part = hidden_part + b_hh;
    const auto x_t = input_part.select(1, t);
    if (cell_ == RecurrentCell::lstm) {
      const auto g = (x_t + hidden_part).chunk(4, 1);
      c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * act(g[2]);
      h = torch::sigmoid(g[3]) * act(c);
    } else {
      const auto xi = x_t.chunk(3, 1), hi = hidden_part.chunk(3, 1);
      const auto reset = torch::sigmoid(xi[0] + hi[0]), update = torch::sigmoid(xi[1] + hi[1]);
      const auto candidate = act(xi[2] + reset * hi[2]);
      h = (1 - update) * candidate + update * h;
    }
    outputs.push_back(h);
  }
  return torch::stack(outputs, 1);
}

}  // namespace hourglass::nn
