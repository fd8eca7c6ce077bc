// Reconstruction losses and evaluation metrics, by name (Keras's strings).
//
//   auto mse = hourglass::loss_function("mse");
//   at::Tensor value = mse(reconstruction, data);   // a 0-dim tensor
//
// Losses: mse (mean squared error), mae (mean absolute error), bce (binary cross-entropy
// with predictions clipped to [1e-7, 1 - 1e-7] as Keras does); Keras's long names
// (mean_squared_error, mean_absolute_error, binary_crossentropy) are the same functions.
// Metrics: the losses plus binary_accuracy (share of cells where round(prediction) equals
// round(target)) and kl / kullback_leibler_divergence (Keras's: sum over a sample of
// t log(t / p), both clipped to [1e-7, 1], averaged over rows). Every other value is a
// mean over all cells, as Keras's mean over features then batch.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace hourglass {

using LossFunction = at::Tensor (*)(const at::Tensor& prediction, const at::Tensor& target);

/// Throws InvalidArgument listing the valid names.
LossFunction loss_function(const std::string& name);
const std::vector<std::string>& loss_names();

/// The robust autoencoder's loss: minus the mean over rows of the summed Gaussian
/// kernel of the errors, kappa(a) = exp(-a^2 / (2 sigma^2)) / (sqrt(2 pi) sigma).
/// Large errors (outliers) saturate the kernel and stop pulling on the weights.
at::Tensor correntropy_loss(const at::Tensor& prediction, const at::Tensor& target, double sigma);

LossFunction metric_function(const std::string& name);
const std::vector<std::string>& metric_names();

}  // namespace hourglass
