// ruta's one-liner: train input() + dense(dim, activation) + output() and return the
// encoding of the data.
//
//   at::Tensor codes = autoencode(iris, 2);                 // rows x 2
//   at::Tensor codes = autoencode(iris, 2, "basic", "tanh", 100);
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

/// The learner autoencode() trains. `type` names the variants with their default
/// parameters: "basic", "robust", "sparse,denoising" (see make_variant).
Autoencoder autoencode_learner(int64_t dim, const std::string& type = "basic",
                               const std::string& activation = "linear");

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type = "basic",
                      const std::string& activation = "linear", int64_t epochs = 20);

/// The same with every training option; options.epochs() is used as given.
at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type,
                      const std::string& activation, const TrainOptions& options);

}  // namespace hourglass
