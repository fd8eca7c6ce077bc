#include "nn/variational.hpp"

#include <torch/torch.h>

namespace hourglass::nn {

VariationalImpl::VariationalImpl(int64_t in, int64_t units, double epsilon_std, bool full)
    : units_(units), epsilon_std_(epsilon_std) {
  if (full) {
    params_ = register_module("params", torch::nn::Linear(in, full_parameters(units)));
    const auto indices = torch::tril_indices(units, units);
    tril_rows_ = indices[0];
    tril_columns_ = indices[1];
  } else {
    mean_ = register_module("mean", torch::nn::Linear(in, units));
    log_var_ = register_module("log_var", torch::nn::Linear(in, units));
  }
}

// fp32 out under bf16 autocast too: the sample and the KL divergence stay exact.
Posterior VariationalImpl::posterior(const torch::Tensor& h) {
  if (!params_) {
    return {mean_->forward(h).to(torch::kFloat),
            log_var_->forward(h).to(torch::kFloat).clamp(kMinLogVariance, kMaxLogVariance),
            {}};
  }
  const auto p = params_->forward(h).to(torch::kFloat);
  const auto mean = p.narrow(1, 0, units_);
  // The lower triangle, row by row, from the head's last outputs: one scatter into the
  // flattened units x units matrix of each row.
  const auto positions = (tril_rows_ * units_ + tril_columns_).expand({p.size(0), tril_rows_.size(0)});
  const auto scale = torch::zeros({p.size(0), units_ * units_}, p.options())
                         .scatter(1, positions, p.narrow(1, units_, p.size(1) - units_))
                         .view({p.size(0), units_, units_});
  const auto diagonal = torch::softplus(scale.diagonal(0, -2, -1)) + kScaleDiagonalShift;
  return {mean, {}, scale.tril(-1) + torch::diag_embed(diagonal)};
}

torch::Tensor VariationalImpl::sample(const Posterior& q) const {
  const auto epsilon = torch::randn_like(q.mean) * epsilon_std_;
  if (q.full()) return q.mean + q.scale_tril.matmul(epsilon.unsqueeze(-1)).squeeze(-1);
  return q.mean + torch::exp(0.5 * q.log_var) * epsilon;
}

torch::Tensor kl_to_standard_normal(const Posterior& q) {
  if (q.full()) {
    const auto log_diagonal = q.scale_tril.diagonal(0, -2, -1).log();
    return 0.5 *
           (q.scale_tril.square().sum({1, 2}) + q.mean.square().sum(1) - q.mean.size(1) - 2 * log_diagonal.sum(1));
  }
  return -0.5 * (1 + q.log_var - q.mean.square() - q.log_var.exp()).sum(1);
}

}  // namespace hourglass::nn
