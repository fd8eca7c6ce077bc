#include "nn/variational.hpp"

namespace hourglass::nn {

VariationalImpl::VariationalImpl(int64_t in, int64_t units, double epsilon_std) : epsilon_std_(epsilon_std) {
  mean_ = register_module("mean", torch::nn::Linear(in, units));
  log_var_ = register_module("log_var", torch::nn::Linear(in, units));
}

Posterior VariationalImpl::posterior(const torch::Tensor& h) {
  // fp32 out under bf16 autocast too: the sample and the KL divergence stay exact.
  return {mean_->forward(h).to(torch::kFloat),
          log_var_->forward(h).to(torch::kFloat).clamp(kMinLogVariance, kMaxLogVariance)};
}

torch::Tensor VariationalImpl::sample(const Posterior& q) const {
  return q.mean + torch::exp(0.5 * q.log_var) * torch::randn_like(q.mean) * epsilon_std_;
}

torch::Tensor kl_to_standard_normal(const Posterior& q) {
  return -0.5 * (1 + q.log_var - q.mean.square() - q.log_var.exp()).sum(1);
}

}  // namespace hourglass::nn
