// Adamax (Kingma & Ba, 2015, section 7.1), which LibTorch 1.13 lacks, in Keras's form:
//   m = b1 m + (1 - b1) g;   u = max(b2 u, |g|);   p -= lr / (1 - b1^t) * m / (u + eps)
//
//   hourglass::Adamax optimizer(model->parameters(), hourglass::AdamaxOptions(0.002));
#pragma once

#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include <vector>

namespace hourglass {

struct AdamaxOptions : public torch::optim::OptimizerCloneableOptions<AdamaxOptions> {
  explicit AdamaxOptions(double lr = 0.001) : lr_(lr) {}
  TORCH_ARG(double, lr);
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  TORCH_ARG(double, eps) = 1e-7;
  TORCH_ARG(double, weight_decay) = 0.0;

 public:  // TORCH_ARG leaves the section private
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct AdamaxParamState
    : public torch::optim::OptimizerCloneableParamState<AdamaxParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, exp_avg);
  TORCH_ARG(torch::Tensor, exp_inf);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Adamax : public torch::optim::Optimizer {
 public:
  explicit Adamax(std::vector<torch::Tensor> params, AdamaxOptions defaults = AdamaxOptions());
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;
};

}  // namespace hourglass
