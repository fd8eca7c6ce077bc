// PCA, the baseline every autoencoder is compared with.
//
//   Pca p = pca(data, 2);
//   at::Tensor codes = p.encode(data);                       // rows x 2
//   double mse = (p.reconstruct(data) - data).square().mean().item<double>();
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

namespace hourglass {

class Pca {
 public:
  /// What fit() applies to each chunk of rows before it uses them (a model's scaling and
  /// coding, for the baseline): no preprocessed copy of the whole data is made.
  using RowMap = std::function<at::Tensor(const at::Tensor&)>;

  /// The k leading principal components of `data` (rows x features), accumulated in double
  /// precision, by the cheaper exact side: the covariance matrix for up to 2048 columns,
  /// the Gram matrix of the rows for wider data with fewer rows (up to 4096), and a
  /// randomized block power method on the covariance operator for data large both ways
  /// (see solver_for). Data is read in chunks, so a memory-mapped file streams. Each
  /// component's largest entry is positive, so results do not depend on the solver's
  /// signs. Throws InvalidArgument unless 1 <= k <= columns. `solver` forces one of
  /// "covariance", "gram" and "randomized" ("auto": by the shape). With `preprocess`, the
  /// components are those of preprocess(data), whose columns k counts.
  static Pca fit(const at::Tensor& data, int64_t k, const std::string& solver = "auto", const RowMap& preprocess = {});
  /// "covariance", "gram" or "randomized": the method fit() uses for that shape.
  static const char* solver_for(int64_t rows, int64_t columns);

  /// Rows x k; a chunk of rows at a time, so no centred copy of the data is made.
  at::Tensor encode(const at::Tensor& data) const;
  at::Tensor decode(const at::Tensor& codes) const;
  at::Tensor reconstruct(const at::Tensor& data) const { return decode(encode(data)); }

  const at::Tensor& mean() const { return mean_; }
  /// k x features, one component per row.
  const at::Tensor& components() const { return components_; }
  /// Variance along each component (eigenvalues of the covariance), decreasing.
  const at::Tensor& explained_variance() const { return explained_variance_; }
  /// The fitted data's total variance (the sum of its columns' variances):
  /// explained_variance().sum() / total_variance() is the share explained.
  double total_variance() const { return total_variance_; }
  /// The mean squared error of reconstruct() on the data fit() was given, over every
  /// cell, from the variances alone: no pass over the data.
  double fitted_mse() const { return fitted_mse_; }
  int64_t k() const { return components_.size(0); }

 private:
  at::Tensor mean_, components_, explained_variance_;
  double total_variance_ = 0, fitted_mse_ = 0;
};

Pca pca(const at::Tensor& data, int64_t k);

}  // namespace hourglass
