#include "hourglass/model/pca.hpp"

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass {
namespace {

void check_columns(const at::Tensor& data, int64_t expected) {
  if (!data.defined() || data.dim() != 2 || data.size(1) != expected) {
    throw InvalidArgument("PCA: expected rows x " + std::to_string(expected) + " data, got " +
                          (data.defined() ? c10::str(data.sizes()) : "no data"));
  }
}

}  // namespace

Pca Pca::fit(const at::Tensor& data, int64_t k) {
  init_runtime();
  if (!data.defined() || data.dim() != 2 || data.size(0) < 1) {
    throw InvalidArgument("PCA: expected a 2-D tensor with at least one row");
  }
  const int64_t columns = data.size(1);
  if (k < 1 || k > columns) {
    throw InvalidArgument("PCA: k must be between 1 and the " + std::to_string(columns) +
                          " columns of the data, got " + std::to_string(k));
  }
  const auto x = data.to(torch::kDouble);
  check_finite(x, "PCA data");
  Pca p;
  const auto mean = x.mean(0);
  const auto centered = x - mean;
  const auto covariance = centered.t().mm(centered) / std::max<int64_t>(x.size(0) - 1, 1);
  auto [values, vectors] = torch::linalg_eigh(covariance);  // ascending
  const auto leading = torch::arange(columns - 1, columns - 1 - k, -1);
  auto components = vectors.index_select(1, leading).t();   // k x columns
  const auto largest = components.abs().argmax(1, true);
  components = components * components.gather(1, largest).sign();
  p.mean_ = mean.to(torch::kFloat);
  p.components_ = components.to(torch::kFloat).contiguous();
  p.explained_variance_ = values.index_select(0, leading).clamp_min(0).to(torch::kFloat);
  return p;
}

at::Tensor Pca::encode(const at::Tensor& data) const {
  check_columns(data, mean_.size(0));
  return (data.to(torch::kFloat) - mean_).mm(components_.t());
}

at::Tensor Pca::decode(const at::Tensor& codes) const {
  check_columns(codes, k());
  return codes.to(torch::kFloat).mm(components_) + mean_;
}

Pca pca(const at::Tensor& data, int64_t k) { return Pca::fit(data, k); }

}  // namespace hourglass
