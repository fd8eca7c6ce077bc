// ruta's one-liner: train input() + dense(dim, activation) + output() and return the
// encoding of the data.
//
//   at::Tensor codes = autoencode(iris, 2);                 // rows x 2
//   at::Tensor codes = autoencode(iris, 2, "basic", "tanh", 100);
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {

/// The training options the `hourglass autoencode` command sets where its command line
/// leaves them: z-scores and Adam at a learning rate of 0.01. With ruta's defaults (no
/// scaling, RMSprop at 0.001) the README's one-liner (iris, 100 epochs) reconstructed 30
/// times worse than PCA; with these about as well (ratio 0.93). autoencode() below and
/// R's autoencode() keep ruta's defaults.
std::vector<std::pair<std::string, OptionValue>> autoencode_command_options();

/// The learner autoencode() trains. `type` names the variants with their default
/// parameters: "basic", "robust", "sparse,denoising" (see make_variant).
Autoencoder autoencode_learner(int64_t dim, const std::string& type = "basic",
                               const std::string& activation = "linear");

at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type = "basic",
                      const std::string& activation = "linear", int64_t epochs = 20);

/// The same with every training option; options.epochs() is used as given.
at::Tensor autoencode(const at::Tensor& data, int64_t dim, const std::string& type, const std::string& activation,
                      const TrainOptions& options);

}  // namespace hourglass
