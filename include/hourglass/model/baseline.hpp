// The baseline every autoencoder is compared with: PCA with the model's code size, on the
// model's own preprocessing (its scaling, one-hot categories and filled holes), both
// measured the same way. `hourglass train` prints it, the report shows it, and R's
// compare_with_pca() returns it: this is its one definition. On more than 10,000 rows it
// is fitted and measured on 10,000 of them, evenly spaced (baseline_rows()): a comparison
// that costs about 5% of one epoch on MNIST instead of 40%, within about 1% of the
// figure from every row.
//
//   PcaComparison c = compare_with_pca(model, rows);   // rows x columns, in data units
//   if (c.mse) std::cout << *c.mse << " against PCA's " << *c.pca_mse << '\n';
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>

namespace hourglass {

class Model;
class Pca;

/// Rows the baseline is fitted and measured on, at most.
constexpr int64_t kBaselineRows = 10000;

/// `rows` when there are at most kBaselineRows of them; otherwise kBaselineRows rows,
/// evenly spaced from the first (row i * n / kBaselineRows): the same ones every run.
at::Tensor baseline_rows(const at::Tensor& rows);

/// PCA with min(code_dim, the coded width) components, fitted to the model's coding of
/// baseline_rows(rows) (rows x columns, categories as level indices in the model's
/// levels) a chunk at a time: no coded copy of the data is made.
Pca fit_pca_baseline(const Model& model, const at::Tensor& rows);

struct PcaComparison {
  int64_t k = 0;     ///< PCA's components
  int64_t rows = 0;  ///< the rows measured (baseline_rows())
  /// Mean squared error over the present numeric cells, in the data's units (after the
  /// model's and PCA's reconstruction are mapped back through the model's coding); unset
  /// when the data has no numeric cell.
  std::optional<double> mse, pca_mse;
  /// The share of present categorical cells whose level comes back; unset without
  /// categorical columns.
  std::optional<double> accuracy, pca_accuracy;
};

/// The model's reconstruction of baseline_rows(rows) against `baseline`'s (from
/// fit_pca_baseline), in one pass of chunks.
PcaComparison compare_with_pca(const Model& model, const at::Tensor& rows, const Pca& baseline);
/// The same with the baseline fitted to `rows`.
PcaComparison compare_with_pca(const Model& model, const at::Tensor& rows);

}  // namespace hourglass
