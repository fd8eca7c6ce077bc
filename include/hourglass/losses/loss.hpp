// Reconstruction losses and evaluation metrics, by name (Keras's strings).
//
//   auto mse = hourglass::loss_function("mse");
//   at::Tensor value = mse(reconstruction, data);            // a 0-dim tensor
//   at::Tensor rows = row_loss_function("mse")(reconstruction, data);   // one per row
//
// Losses of each cell, averaged over the cells (Keras's mean over the last axis, then
// the batch): mse, mae, bce (predictions clipped to [1e-7, 1 - 1e-7] as Keras does),
// huber (delta 1), log_cosh, mape (100 |t - p| / max(|t|, 1e-7)), msle, poisson
// (p - t log(p + 1e-7)). Losses of a whole sample, averaged over the rows:
// kl_divergence (sum of t log(t / p), both clipped to [1e-7, 1]), cosine_similarity
// (minus the cosine, -1 at best), categorical_crossentropy (p normalised to sum 1 and
// clipped, -sum t log p). Keras's long names are the same functions
// (mean_squared_error, huber_loss, kullback_leibler_divergence, ...). Metrics: the
// losses and binary_accuracy (Keras's: the share of cells where the prediction, rounded
// at 0.5, equals the target as it is).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace hourglass {

using LossFunction = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);

/// One value per row (sample).
using RowLossFunction = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);

/// Throws InvalidArgument listing the valid names.
LossFunction loss_function(const std::string& name);
RowLossFunction row_loss_function(const std::string& name);
/// Every name and alias.
const std::vector<std::string>& loss_names();

/// The robust autoencoder's loss: minus the mean over rows of the summed Gaussian
/// kernel of the errors, kappa(a) = exp(-a^2 / (2 sigma^2)) / (sqrt(2 pi) sigma).
/// Large errors (outliers) saturate the kernel and stop pulling on the weights.
at::Tensor correntropy_loss(const at::Tensor& prediction, const at::Tensor& target, double sigma);

LossFunction metric_function(const std::string& name);
const std::vector<std::string>& metric_names();

}  // namespace hourglass
