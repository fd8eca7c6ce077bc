#include "nn/recurrent.hpp"

#include <ATen/Dispatch.h>
#include <ATen/autocast_mode.h>
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

// LSTM over a whole sequence as one autograd node. LibTorch's CPU LSTM records about ten
// small operations per step, and at the sizes autoencoders use (tens of units, batches of
// 32) their dispatch, not their arithmetic, is the cost. Here a step is one matrix product
// and one pass over the gates, forward and backward; the input's part of the gates and
// the weights' gradients are one matrix product each for the whole sequence.
//
// Layouts: x is N x L x C (batch first), the weights LibTorch's (gates i, f, g, o), and
// bias the sum of LibTorch's two (zeros for a layer without).
class LstmSequence : public torch::autograd::Function<LstmSequence> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& w_ih,
                               const torch::Tensor& w_hh, const torch::Tensor& bias) {
    const int64_t n = x.size(0), length = x.size(1), channels = x.size(2), units = w_hh.size(1);
    const auto steps = x.transpose(0, 1).contiguous().view({length * n, channels});
    const auto gates = at::addmm(bias, steps, w_ih.t()).view({length, n, 4 * units});
    // Row t of cells and hidden is the state before step t (zeros at t = 0).
    auto cells = at::zeros({length + 1, n, units}, x.options());
    auto hidden = at::zeros_like(cells);
    const auto w_hh_t = w_hh.t();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lstm_forward", [&] {
      for (int64_t t = 0; t < length; ++t) {
        auto gates_t = gates.select(0, t);
        gates_t.addmm_(hidden.select(0, t), w_hh_t);
        lstm_step_forward(gates_t.data_ptr<scalar_t>(), cells.select(0, t).data_ptr<scalar_t>(),
                          cells.select(0, t + 1).data_ptr<scalar_t>(), hidden.select(0, t + 1).data_ptr<scalar_t>(), n,
                          units);
      }
    });
    ctx->save_for_backward({x, w_ih, w_hh, bias});
    ctx->saved_data["gates"] = gates;  // after their activations
    ctx->saved_data["cells"] = cells;
    ctx->saved_data["hidden"] = hidden;
    return hidden.narrow(0, 1, length).transpose(0, 1).contiguous();
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w_ih = saved[1], &w_hh = saved[2], &bias = saved[3];
    if (torch::GradMode::is_enabled()) return differentiable_backward(saved, grads[0]);
    const int64_t n = x.size(0), length = x.size(1), channels = x.size(2), units = w_hh.size(1);
    const auto gates = ctx->saved_data["gates"].toTensor(), cells = ctx->saved_data["cells"].toTensor();
    const auto hidden = ctx->saved_data["hidden"].toTensor();
    const auto grad_hidden = grads[0].transpose(0, 1).contiguous();  // L x N x units
    auto grad_gates = at::empty_like(gates);
    auto grad_h = at::zeros({n, units}, gates.options());  // from the steps after t
    auto grad_c = at::zeros_like(grad_h);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lstm_backward", [&] {
      for (int64_t t = length - 1; t >= 0; --t) {
        auto grad_gates_t = grad_gates.select(0, t);
        lstm_step_backward(gates.select(0, t).data_ptr<scalar_t>(), cells.select(0, t).data_ptr<scalar_t>(),
                           cells.select(0, t + 1).data_ptr<scalar_t>(), grad_hidden.select(0, t).data_ptr<scalar_t>(),
                           grad_h.data_ptr<scalar_t>(), grad_c.data_ptr<scalar_t>(), grad_gates_t.data_ptr<scalar_t>(),
                           n, units);
        at::mm_out(grad_h, grad_gates_t, w_hh);
      }
    });
    const auto flat_grad_gates = grad_gates.view({length * n, 4 * units});
    torch::Tensor grad_x, grad_b;
    if (x.requires_grad()) grad_x = at::mm(flat_grad_gates, w_ih).view({length, n, channels}).transpose(0, 1);
    const auto steps = x.transpose(0, 1).contiguous().view({length * n, channels});
    const auto grad_w_ih = flat_grad_gates.t().mm(steps);
    const auto grad_w_hh = flat_grad_gates.t().mm(hidden.narrow(0, 0, length).reshape({length * n, units}));
    if (bias.requires_grad()) grad_b = flat_grad_gates.sum(0);
    return {grad_x, grad_w_ih, grad_w_hh, grad_b};
  }

 private:
  template <typename T>
  static T sigmoid(T z) {
    return T(1) / (T(1) + std::exp(-z));
  }

  // One row's four gate blocks (LibTorch's order i, f, g, o) in a step's N x 4 units.
  template <typename T>
  struct GateBlocks {
    GateBlocks(T* gates, int64_t row, int64_t units)
        : in(gates + row * 4 * units), forget(in + units), candidate(in + 2 * units), out(in + 3 * units) {}
    T* in;
    T* forget;
    T* candidate;
    T* out;
  };

  // gates: the step's pre-activations in, its activations out (N x 4 units).
  template <typename T>
  static void lstm_step_forward(T* gates, const T* cell_before, T* cell, T* hidden, int64_t n, int64_t units) {
    for (int64_t row = 0; row < n; ++row) {
      const GateBlocks<T> g(gates, row, units);
      const int64_t at = row * units;
      for (int64_t j = 0; j < units; ++j) {
        g.in[j] = sigmoid(g.in[j]);
        g.forget[j] = sigmoid(g.forget[j]);
        g.candidate[j] = std::tanh(g.candidate[j]);
        g.out[j] = sigmoid(g.out[j]);
        cell[at + j] = g.forget[j] * cell_before[at + j] + g.in[j] * g.candidate[j];
        hidden[at + j] = g.out[j] * std::tanh(cell[at + j]);
      }
    }
  }

  // grad_h: the gradient reaching h_t from later steps; grad_c: from later steps in, the
  // gradient of c_(t-1) out. Writes the gradient of the step's pre-activations.
  template <typename T>
  static void lstm_step_backward(const T* gates, const T* cell_before, const T* cell, const T* grad_output,
                                 const T* grad_h, T* grad_c, T* grad_gates, int64_t n, int64_t units) {
    for (int64_t row = 0; row < n; ++row) {
      const GateBlocks<const T> g(gates, row, units);
      const GateBlocks<T> grad(grad_gates, row, units);
      const int64_t at = row * units;
      for (int64_t j = 0; j < units; ++j) {
        const T h = grad_output[at + j] + grad_h[at + j];
        const T tanh_c = std::tanh(cell[at + j]);
        const T c = grad_c[at + j] + h * g.out[j] * (T(1) - tanh_c * tanh_c);
        grad.in[j] = c * g.candidate[j] * g.in[j] * (T(1) - g.in[j]);
        grad.forget[j] = c * cell_before[at + j] * g.forget[j] * (T(1) - g.forget[j]);
        grad.candidate[j] = c * g.in[j] * (T(1) - g.candidate[j] * g.candidate[j]);
        grad.out[j] = h * tanh_c * g.out[j] * (T(1) - g.out[j]);
        grad_c[at + j] = c * g.forget[j];
      }
    }
  }

  // Under create_graph (the contractive penalty differentiates the encoder's gradient),
  // the backward pass must itself be differentiable: LibTorch's LSTM recomputes the
  // forward pass from the saved inputs, and autograd differentiates it.
  static torch::autograd::variable_list differentiable_backward(const torch::autograd::variable_list& saved,
                                                                const torch::Tensor& grad) {
    const auto &x = saved[0], &w_ih = saved[1], &w_hh = saved[2], &bias = saved[3];
    const auto zeros = at::zeros({1, x.size(0), w_hh.size(1)}, x.options());
    const std::vector<torch::Tensor> parameters{w_ih, w_hh, bias, at::zeros_like(bias)};
    const auto output = std::get<0>(at::lstm(x, {zeros, zeros}, parameters, /*has_biases=*/true, /*num_layers=*/1,
                                             /*dropout=*/0, /*train=*/true, /*bidirectional=*/false,
                                             /*batch_first=*/true));
    torch::autograd::variable_list wanted, result(saved.size());
    std::vector<size_t> positions;
    for (size_t i = 0; i < saved.size(); ++i) {
      if (saved[i].defined() && saved[i].requires_grad()) {
        wanted.push_back(saved[i]);
        positions.push_back(i);
      }
    }
    const auto grads = torch::autograd::grad({output}, wanted, {grad}, /*retain_graph=*/true, /*create_graph=*/true,
                                             /*allow_unused=*/true);
    for (size_t i = 0; i < positions.size(); ++i) result[positions[i]] = grads[i];
    return result;
  }
};

// The fused sequence serves fp32 and fp64 on the CPU; elsewhere (bf16 autocast, another
// device) LibTorch's module runs.
bool fused_lstm_applies(const torch::Tensor& steps, const torch::Tensor& weight) {
  return steps.device().is_cpu() && !at::autocast::is_cpu_enabled() && steps.scalar_type() == weight.scalar_type() &&
         (steps.scalar_type() == torch::kFloat || steps.scalar_type() == torch::kDouble);
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
  } else if (cell_ == RecurrentCell::lstm && fused_lstm_applies(steps, weight_ih())) {
    const auto w_ih = weight_ih(), b_ih = bias_ih();
    const auto bias = b_ih.defined() ? b_ih + bias_hh() : torch::zeros({w_ih.size(0)}, w_ih.options());
    outputs = LstmSequence::apply(steps, w_ih, weight_hh(), bias);
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
