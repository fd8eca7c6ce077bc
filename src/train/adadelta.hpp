// Adadelta (Zeiler 2012), which LibTorch 1.13's C++ API lacks, in Keras's form:
//   a = rho a + (1 - rho) g^2
//   delta = sqrt(d + eps) / sqrt(a + eps) * g
//   d = rho d + (1 - rho) delta^2
//   p -= lr * delta
// with Keras's defaults (lr 0.001, rho 0.95, eps 1e-7; PyTorch's are 1.0, 0.9, 1e-6).
//
//   Adadelta optimizer(model->parameters(), AdadeltaOptions(1.0));
#pragma once

#include <torch/optim/optimizer.h>

#include <vector>

namespace hourglass {

struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  explicit AdadeltaOptions(double lr = 0.001) : lr_(lr) {}
  TORCH_ARG(double, lr);
  TORCH_ARG(double, rho) = 0.95;
  TORCH_ARG(double, eps) = 1e-7;

 public:  // TORCH_ARG leaves the section private
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, square_avg);  ///< a: the running mean of squared gradients
  TORCH_ARG(torch::Tensor, acc_delta);   ///< d: the running mean of squared updates
};

class Adadelta : public torch::optim::Optimizer {
 public:
  explicit Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults = AdadeltaOptions());
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace hourglass
