// The variational encoding layer: a Gaussian posterior q(z|x) = N(mean, exp(log_var))
// from two dense heads, and its reparameterised sample.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace hourglass::nn {

/// log_var is clamped to this range so that exp() neither overflows to Inf nor
/// collapses to 0 when training goes astray (the bound diffusers' Gaussian uses).
constexpr double kMinLogVariance = -30.0, kMaxLogVariance = 20.0;

struct Posterior {
  torch::Tensor mean, log_var;
};

class VariationalImpl : public torch::nn::Module {
 public:
  VariationalImpl(int64_t in, int64_t units, double epsilon_std);

  Posterior posterior(const torch::Tensor& h);
  /// z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0, epsilon_std^2) per row.
  torch::Tensor sample(const Posterior& q) const;

  torch::nn::Linear& mean_layer() { return mean_; }
  torch::nn::Linear& log_var_layer() { return log_var_; }

 private:
  torch::nn::Linear mean_{nullptr}, log_var_{nullptr};
  double epsilon_std_;
};
TORCH_MODULE(Variational);

/// KL(N(mean, exp(log_var)) || N(0, I)) summed over latent units, one value per row.
torch::Tensor kl_to_standard_normal(const Posterior& q);

}  // namespace hourglass::nn
