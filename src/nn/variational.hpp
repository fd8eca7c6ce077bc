// The variational encoding layer: a Gaussian posterior q(z|x) from dense heads, and its
// reparameterised sample. Diagonal: N(mean, diag exp(log_var)) from two heads, as ruta's
// variational_block. Full: N(mean, L L^T) from one head, L lower-triangular with a
// positive diagonal (softplus + 1e-5), as TensorFlow Probability's MultivariateNormalTriL.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace hourglass::nn {

/// log_var is clamped to this range so that exp() neither overflows to Inf nor
/// collapses to 0 when training goes astray (the bound diffusers' Gaussian uses).
constexpr double kMinLogVariance = -30.0, kMaxLogVariance = 20.0;
/// What TensorFlow Probability's FillScaleTriL adds to the softplus of the diagonal.
constexpr double kScaleDiagonalShift = 1e-5;

struct Posterior {
  torch::Tensor mean;        ///< rows x units
  torch::Tensor log_var;     ///< rows x units; diagonal covariance
  torch::Tensor scale_tril;  ///< rows x units x units; full covariance (undefined otherwise)
  bool full() const { return scale_tril.defined(); }
};

class VariationalImpl : public torch::nn::Module {
 public:
  /// `full`: a full covariance (units + units (units + 1) / 2 outputs of one head).
  VariationalImpl(int64_t in, int64_t units, double epsilon_std, bool full = false);

  Posterior posterior(const torch::Tensor& h);
  /// z = mean + S epsilon, epsilon ~ N(0, epsilon_std^2 I) per row: S = diag exp(log_var / 2), or L.
  torch::Tensor sample(const Posterior& q) const;

  /// The heads: mean and log_var (diagonal), or params (full); undefined otherwise.
  torch::nn::Linear mean_layer() const { return mean_; }
  torch::nn::Linear log_var_layer() const { return log_var_; }
  torch::nn::Linear params_layer() const { return params_; }

  /// The outputs of the one head of a full covariance of `units`.
  static int64_t full_parameters(int64_t units) { return units + units * (units + 1) / 2; }

 private:
  torch::nn::Linear mean_{nullptr}, log_var_{nullptr}, params_{nullptr};
  int64_t units_;
  double epsilon_std_;
  torch::Tensor tril_rows_, tril_columns_;
};
TORCH_MODULE(Variational);

/// KL(q || N(0, I)), one value per row: 1/2 sum(sigma^2 + mean^2 - 1 - log sigma^2) for a
/// diagonal q; 1/2 (sum L_ij^2 + |mean|^2 - units - 2 sum log L_ii) for a full one.
torch::Tensor kl_to_standard_normal(const Posterior& q);

}  // namespace hourglass::nn
