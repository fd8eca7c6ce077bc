// Builds a LibTorch optimizer from its name (internal: needs the full LibTorch headers).
#pragma once

#include <memory>
#include <string>

#include "hourglass/train/optimizers.hpp"

namespace hourglass {

/// `learning_rate` 0 means the Keras default; `momentum` applies to sgd.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> parameters,
                                                        double learning_rate, double momentum);

}  // namespace hourglass
