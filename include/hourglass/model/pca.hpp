// PCA, the baseline every autoencoder is compared with.
//
//   Pca p = pca(data, 2);
//   at::Tensor codes = p.encode(data);                       // rows x 2
//   double mse = (p.reconstruct(data) - data).square().mean().item<double>();
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace hourglass {

class Pca {
 public:
  /// The k leading principal components of `data` (rows x features), computed in double
  /// precision from the covariance matrix. Each component's largest entry is positive,
  /// so results do not depend on the eigen solver's signs. Throws InvalidArgument unless
  /// 1 <= k <= columns.
  static Pca fit(const at::Tensor& data, int64_t k);

  at::Tensor encode(const at::Tensor& data) const;
  at::Tensor decode(const at::Tensor& codes) const;
  at::Tensor reconstruct(const at::Tensor& data) const { return decode(encode(data)); }

  const at::Tensor& mean() const { return mean_; }
  /// k x features, one component per row.
  const at::Tensor& components() const { return components_; }
  /// Variance along each component (eigenvalues of the covariance), decreasing.
  const at::Tensor& explained_variance() const { return explained_variance_; }
  int64_t k() const { return components_.size(0); }

 private:
  at::Tensor mean_, components_, explained_variance_;
};

Pca pca(const at::Tensor& data, int64_t k);

}  // namespace hourglass
